"""Evaluating a profile against the documents of an archive.

Documents are grouped into subjects (a case, a group, an activity, an elder, a trainee, a
caregiver, a service point). For each subject the profile's requirements are evaluated in a
sandboxed expression context built from the subject's own documents, the staff register and
the as-of date; every requirement gives a finding: complete, missing, late, not yet due,
invalid (present but wrong: an attachment missing, a notice period too short), or unverified.

Unverified (无法核实) is what a rule gives when it needs a fact the archive does not tell — the
closing reason of a scanned closing form, the date of a scan named without one, the sessions of
a scanned group plan. Such a fact reaches the expression as an `archive.Unknown`; using it raises
`archive.UnknownFact`, which passes through the sandbox untouched and becomes an UNVERIFIED
finding for that requirement only, naming the field, the form and how to supply it (a register
column or the generated document). The subject's other requirements are checked as usual.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined

from ..archive import (
    ArchiveDocument,
    NoSuchField,
    Unknown,
    UnknownFact,
    Unplaced,
    assuming,
    assuming_any,
    collector_paused,
    session_target,
)
from ..archive.parallel import map_in_order, will_fork
from ..fields import month_of
from ..paths import display_text
from ..registry import UnknownForm, all_forms, get_form
from . import sandbox
from .attendance import absent_runs
from .findings import (
    COMPLETE,
    INVALID,
    LATE,
    MISSING,
    NOT_DUE,
    UNSIGNED,
    UNVERIFIED,
    CheckResult,
    Finding,
    FindingStatus,
    ServicePointUse,
)
from .periods import HALVES, add_months, half_years_between, quarters_between, years_after
from .profile import Profile, ProfileError, Requirement, SubjectRules
from .service_points import ServicePoint, ServicePointRegister

MAX_ITEMS_PER_REQUIREMENT = 5_000  # what one `for_each` may list (sessions, months, records)
_MAX_LABEL = 200  # characters of an item's label in a finding


@dataclass
class Subject:
    type: str
    id: str
    documents: list[ArchiveDocument] = field(default_factory=list)
    # For a service point: dates of the documents that name it, which tell since when it works.
    related_dates: list[dt.date] = field(default_factory=list)

    # `documents` as last sorted, and in date order (see in_date_order).
    _sorted: tuple[list[ArchiveDocument], list[ArchiveDocument]] | None = field(
        default=None, repr=False, compare=False
    )

    def in_date_order(self) -> list[ArchiveDocument]:
        """The subject's documents by date (then path): sorted again only when `documents`
        changed, as the rules ask for them many times."""
        if self._sorted is not None:
            given, ordered = self._sorted
            if len(given) == len(self.documents) and all(
                a is b for a, b in zip(given, self.documents, strict=True)
            ):
                return ordered
        ordered = sorted(self.documents, key=_by_date)
        self._sorted = (list(self.documents), ordered)
        return ordered

    def first_fact(self, name: str) -> Any:
        for document in self.in_date_order():
            value = document.fact(name)
            if value:
                return value
        return None


def _by_date(document: ArchiveDocument) -> tuple[dt.date, str]:
    return (document.date or dt.date.max, str(document.path))


class DocView:
    """A document as profile expressions see it: its fields as attributes, plus date, form,
    path and subject.

    A field the document does not tell (a scan) is an `archive.Unknown`; an empty field of a
    generated document is None; a name that is not a field of the form raises `NoSuchField`,
    which the engine reports as the profile's mistake.
    """

    def __init__(self, document: ArchiveDocument) -> None:
        self._document = document
        self.form = document.form_id
        self.path = str(document.path)
        self.subject = document.subject_id

    @property
    def date(self) -> Any:
        return self._document.view_date()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._document.view_fact(name)
        # Kept as an attribute: the document does not change, and the next reading of the
        # field is then an ordinary attribute lookup.
        self.__dict__[name] = value
        return value

    def __str__(self) -> str:
        return display_text(self._document.path.name)


def archive_index(archive: list[ArchiveDocument]) -> dict[str, list[ArchiveDocument]]:
    """The archive's documents by form, each list in date order."""
    index: dict[str, list[ArchiveDocument]] = {}
    for document in sorted(archive, key=_by_date):
        index.setdefault(document.form_id, []).append(document)
    return index


def _known(*values: Any) -> None:
    """Raise the UnknownFact of the first unknown value among `values`."""
    for value in values:
        if isinstance(value, Unknown):
            raise value.error()


def _strict(function: Any) -> Any:
    """`function`, refusing unknown arguments with their UnknownFact (not a TypeError, which
    would read as an empty fact)."""

    def checked(*args: Any) -> Any:
        _known(*args)
        return function(*args)

    checked.__name__ = getattr(function, "__name__", "helper")
    checked.__doc__ = function.__doc__
    return checked


def months_between(start: dt.date | None, end: dt.date) -> list[dict[str, Any]]:
    """Each month from `start`'s to the one before `end`'s, with its 5th-of-next-month due date."""
    if start is None:
        return []
    items, cursor = [], dt.date(start.year, start.month, 1)
    while cursor < dt.date(end.year, end.month, 1):
        following = add_months(cursor, 1)
        items.append(
            {
                "month": month_of(cursor),
                "start": cursor,
                "due": following.replace(day=5),
                "label": f"{cursor.year}年{cursor.month}月",
            }
        )
        cursor = following
    return items


def years_between(start: dt.date | None, end: dt.date) -> list[dict[str, Any]]:
    """Each calendar year from `start`'s to the one before `end`'s, due 5 January after it."""
    if start is None:
        return []
    return [
        {"year": year, "due": dt.date(year + 1, 1, 5), "label": f"{year}年度"}
        for year in range(start.year, end.year)
    ]


@dataclass
class StaffRegister:
    """Name → the date the worker began social work (for rules about experience)."""

    started: dict[str, dt.date] = field(default_factory=dict)

    def years(self, name: Any, on: dt.date | None) -> float | None:
        began = self.started.get(str(name or "").strip())
        if began is None or on is None:
            return None
        return (on - began).days / 365.25


def _form(form_id: Any) -> Any:
    """The form a helper's argument names; raises NoSuchField for one that does not exist."""
    _known(form_id)
    try:
        return get_form(str(form_id))
    except UnknownForm:
        raise NoSuchField(str(form_id), "") from None


@functools.cache
def _service_point_form(subject_type: str) -> Any:
    """The first form of `subject_type` that names its service point, or None."""
    for model in all_forms():
        if model.subject_type == subject_type and "service_point" in model.model_fields:
            return model
    return None


def _memo(cache: dict[Any, Any], key: Any, compute: Any) -> Any:
    """`compute()`, remembered in `cache` under `key`; a key that cannot be hashed (a list
    where a form id belongs) is computed each time, to fail as it would have, and so is
    anything computed while an unknown fact's truth is assumed (it may hold only then)."""
    if assuming_any():
        return compute()
    try:
        if key in cache:
            return cache[key]
    except TypeError:
        return compute()
    value = cache[key] = compute()
    return value


class CheckContext:
    """Everything needed to evaluate one subject's rules."""

    def __init__(
        self,
        subject: Subject,
        archive: list[ArchiveDocument],
        as_of: dt.date,
        staff: StaffRegister,
        service_points: ServicePointRegister | None = None,
        since: dt.date | None = None,
        index: dict[str, list[ArchiveDocument]] | None = None,
    ) -> None:
        self.subject = subject
        self.archive = archive
        self.as_of = as_of
        self.staff = staff
        self.service_points = service_points or ServicePointRegister()
        self.since = since
        # `archive` by form (see archive_index): shared by every subject of a run.
        self.index = index
        # What `_docs`, `_dated` and the helpers found: the documents do not change while a
        # subject's rules are evaluated, and the rules ask the same questions many times.
        self._found: dict[tuple[tuple[str, ...], str], list[DocView]] = {}
        self._answers: dict[Any, Any] = {}

    def service_point(self) -> ServicePoint | None:
        """The subject's service point: itself, or the one its documents name."""
        if self.subject.type == "service_point":
            name: Any = self.subject.id
        else:
            name = self.subject.first_fact("service_point")
        if not isinstance(name, str) or not name.strip():
            return None
        return self.service_points.lookup(name)

    def _unknown_service_point(self) -> Unknown | None:
        """When no document of the subject names its service point: the unknown service point
        of the first document that might (a scan of a form with a 服务点 field), or, when the
        subject has no such document at all, of the first form of its type that has one (a
        case's 《接受个案服务同意书》). None for a service point, and for a subject type whose
        forms never name one."""
        if self.subject.type == "service_point":
            return None
        empty = None
        for document in self.subject.in_date_order():
            if "service_point" in document.model.model_fields:
                value = document.view_fact("service_point")
                if isinstance(value, Unknown):
                    return value
                empty = empty or document.model  # generated, the service point left empty
        model = empty or _service_point_form(self.subject.type)
        if model is None:
            return None
        return Unknown(UnknownFact(model.form_id, "service_point", None))

    def start(self) -> tuple[dt.date | None, str]:
        """When the subject's obligations begin, and how that was decided.

        A service point reports from its start in the service-point register, else from
        `--since`, else (stated as a guess) from its oldest document. Other subjects start
        with their oldest document.
        """
        dates = [d.date for d in self.subject.documents if d.date is not None]
        dates += self.subject.related_dates
        oldest = min(dates, default=None)
        if self.subject.type != "service_point":
            return oldest, "documents"
        point = self.service_point()
        if point is not None and point.reporting_start is not None:
            return point.reporting_start, "register"
        if self.since is not None:
            return self.since, "since"
        return oldest, "guessed"

    def _docs(self, forms: tuple[str, ...], scope: str = "subject") -> list[DocView]:
        key = (forms, scope)
        try:
            found = self._found.get(key)
        except TypeError:  # has(['x']): not a form id, as _find says
            return self._find(forms, scope)
        if found is None:
            found = self._found[key] = self._find(forms, scope)
        return list(found)  # a list of its own for each caller

    def _find(self, forms: tuple[str, ...], scope: str) -> list[DocView]:
        for form_id in forms:
            _form(form_id)
        if scope == "subject":
            found = [d for d in self.subject.in_date_order() if d.form_id in forms]
        else:
            # The whole archive by form, indexed once per run (sorting it again for every
            # subject made a check of a large archive quadratic).
            if self.index is None:
                self.index = archive_index(self.archive)
            found = sorted(
                (d for form_id in dict.fromkeys(forms) for d in self.index.get(form_id, ())),
                key=_by_date,
            )
        # The scan of a signed paper is the same document as the generated one of that
        # subject, form and date: it must not count twice (count(...) >= 2).
        generated = {(d.form_id, d.subject_id, d.date) for d in found if d.record is not None}
        return [
            DocView(d)
            for d in found
            if d.record is not None or (d.form_id, d.subject_id, d.date) not in generated
        ]

    def _dated(self, forms: tuple[str, ...]) -> list[DocView]:
        """`_docs(forms)` without the dateless scans of a form that has a generated document:
        such a scan is most likely the signed copy of that document, whose date is known."""

        def compute() -> list[DocView]:
            views = self._docs(forms)
            generated = {v.form for v in views if v._document.record is not None}
            return [v for v in views if v._document.date_known or v.form not in generated]

        return list(_memo(self._answers, ("dated", forms), compute))

    def variables(self) -> dict[str, Any]:
        def extreme(pick: Any, forms: tuple[str, ...]) -> Any:
            def compute() -> Any:
                views = self._dated(forms)
                for view in views:
                    if not view._document.date_known:  # a scan named without a date
                        return view.date
                dates = [v._document.date for v in views if v._document.date is not None]
                return pick(dates, default=None)

            return _memo(self._answers, (pick, forms), compute)

        def first(*forms: str) -> DocView | None:
            found = self._dated(forms)
            return found[0] if found else None

        def last(*forms: str) -> DocView | None:
            found = self._dated(forms)
            return found[-1] if found else None

        def fact(form: str, name: str) -> Any:
            """The first non-empty value of field `name` among the subject's documents of
            `form`; an Unknown when none gives it but a scan might."""
            model = _form(form)
            _known(name)
            if not isinstance(name, str) or name.startswith("_"):
                return None  # a field name, never DocView's internals (the sandbox's rule)
            if name not in model.model_fields and name not in ("date", "form", "path", "subject"):
                raise NoSuchField(model.form_id, name)

            def compute() -> Any:
                unknown = None
                for document in self._docs((model.form_id,)):
                    value = getattr(document, name)
                    if isinstance(value, Unknown):
                        unknown = unknown or value
                    elif value is not None and not (isinstance(value, (str, list)) and not value):
                        return value
                return unknown

            return _memo(self._answers, ("fact", model.form_id, name), compute)

        def linked(form: str, name: str) -> list[DocView]:
            """Documents of `form` anywhere in the archive whose field `name` is this subject's
            id: a trainee's exit documents are case forms that carry the trainee number."""
            model = _form(form)
            if not isinstance(name, str) or name not in model.model_fields:
                raise NoSuchField(model.form_id, str(name))
            return [
                view
                for view in self._docs((model.form_id,), "all")
                if (value := view._document.fact(name)) is not None
                and str(value).strip() == self.subject.id
            ]

        def worker_years(name: Any, on: Any) -> float | None:
            if not self.staff.started:
                return None  # no staff register: the rule cannot apply, whatever the facts
            _known(name, on)
            return self.staff.years(name, on)

        point = self.service_point()
        # No document names the service point, but a scan might: its facts are unknown.
        unknown_point = None if point else self._unknown_service_point()
        return {
            "as_of": self.as_of,
            "subject": self.subject.id,
            "days": _strict(lambda n: dt.timedelta(days=n)),
            "add_months": _strict(add_months),
            "has": lambda *forms: bool(self._docs(forms)),
            "docs": lambda *forms: self._docs(forms),
            "first": first,
            "last": last,
            "first_date": lambda *forms: extreme(min, forms),
            "last_date": lambda *forms: extreme(max, forms),
            "fact": fact,
            "count": lambda *forms: len(self._docs(forms)),
            "linked": linked,
            "start": self.start()[0],
            "service_type": point.type if point else unknown_point,
            "contract_date": point.contract_date if point else unknown_point,
            "reporting_start": point.reporting_start if point else unknown_point,
            "months_between": _strict(months_between),
            "years_between": _strict(years_between),
            "half_years_between": _strict(half_years_between),
            "quarters_between": _strict(quarters_between),
            "years_after": _strict(years_after),
            "absent_runs": absent_runs,
            "worker_years": worker_years,
            "month_of": _strict(month_of),
        }


def _shown(expression: str) -> str:
    return expression if len(expression) <= 120 else expression[:120] + "…"


def _evaluate(
    expression: str,
    variables: dict[str, Any],
    line: int,
    source: str,
    *,
    unknown: bool = False,
    extra: dict[str, Any] | None = None,
) -> Any:
    """The value of one profile expression for one subject (and item, and document).

    A fact the expression needs but the documents lack (None + days(7)) gives None: the rule
    cannot apply yet. A fact the archive does not tell (a scan's) raises `UnknownFact`, for
    the caller to report as 无法核实. Anything that is the profile's own fault — an unknown
    name, a field the form does not have, an attribute its value does not have, a refused
    operation, a result past the sandbox's bounds — raises ProfileError naming file and line.
    """
    where = f"{source} 第 {line} 行" if line else source

    def fail(reason: str) -> ProfileError:
        return ProfileError(f"{where}：{reason}：{_shown(expression)}")

    try:
        result = sandbox.evaluate(sandbox.compile_expression(expression), variables, extra)
    except UnknownFact:
        raise
    except NoSuchField as exc:
        raise fail(f"表达式用了不存在的名称（{exc.message()}）") from None
    except sandbox.MissingFact as exc:
        if _of_nothing(exc):
            return None  # fact('case_closing', 'closing_reason').value when the form is absent
        raise fail(f"表达式用了不存在的属性（{exc.message}）") from None
    except UndefinedError as exc:
        if "sequence was empty" in str(exc.message or ""):
            return None  # (docs('case_plan')|first).date when there is no plan: an absent fact
        raise fail(f"表达式用了未定义的名称或属性（{exc.message}）") from None
    except SecurityError as exc:
        raise fail(f"表达式做了不允许的操作（{exc}）") from None
    except sandbox.ExpressionError as exc:
        raise fail(f"表达式不允许（{exc.reason}）") from None
    except TemplateError as exc:
        raise fail(f"表达式有误（{exc.message}）") from None
    except (MemoryError, RecursionError) as exc:
        kind = "内存不足" if isinstance(exc, MemoryError) else "嵌套过深"
        raise fail(f"表达式超出限制（{kind}）") from None
    except OverflowError as exc:
        if "date value out of range" in str(exc):
            return None  # a document's date near 9999-12-31 plus a few days: a data problem
        raise fail(f"表达式的数值超出范围（{exc}）") from None
    except ArithmeticError as exc:  # 1/0: the expression's own fault, whatever the facts
        raise fail(f"表达式计算出错（{_error_text(exc)}）") from None
    except (TypeError, AttributeError, ValueError) as exc:
        if _from_none(exc):
            # A fact the expression needs is absent (None + days(7)): the rule cannot apply yet.
            return None
        # date >= 'abc', add_months('x', 1): values the expression cannot combine.
        raise fail(f"表达式计算出错（{_error_text(exc)}）") from None
    except LookupError:
        return None  # an item of a list or table that is not there: an absent fact
    if isinstance(result, Unknown) and not unknown:
        raise result.error()
    return result


def _from_none(exc: BaseException) -> bool:
    """Whether a TypeError, AttributeError or ValueError came from an empty fact (a None
    operand or argument: ``None + days(7)``, ``add_months(None, 1)``), not from values of the
    wrong kind (``date >= 'abc'``)."""
    return "NoneType" in str(exc) or "'None'" in str(exc)


def _error_text(exc: BaseException) -> str:
    text = display_text(str(exc))
    text = text if len(text) <= 200 else text[:200] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


MAX_ASSUMED = 3  # unknown facts whose truth values `_decide` tries in every combination


def _decide(evaluate: Any) -> tuple[bool | None, UnknownFact | None]:
    """The truth of a condition (`evaluate()` gives its value, Unknown allowed), or the fact
    it needs and the archive does not tell.

    A condition that tests an unknown fact only for its truth (``a or b``, ``selectattr``) may
    not depend on it: every combination of truth values of up to MAX_ASSUMED such facts is
    tried, and when all give the same answer, that is the answer. Anything else done with an
    unknown fact (comparing it, reading its attributes) leaves the condition unknown.
    """
    try:
        return bool(evaluate()), None
    except UnknownFact as exc:
        first = exc
    keys = [first.key]
    while True:
        answers: set[bool] = set()
        new = None
        for values in itertools.product((True, False), repeat=len(keys)):
            with assuming(dict(zip(keys, values, strict=True))):
                try:
                    answers.add(bool(evaluate()))
                except UnknownFact as exc:
                    if exc.key in keys:
                        return None, first  # used for more than its truth value
                    new = exc.key
                    break
        if new is None:
            return (answers.pop(), None) if len(answers) == 1 else (None, first)
        if len(keys) >= MAX_ASSUMED:
            return None, first
        keys.append(new)


def _refuse_unknown(test: Any) -> Any:
    """A jinja test (``is none``, ``is defined``…) that refuses an unknown fact: whether it is
    none is exactly what is not known."""

    @functools.wraps(test)
    def checked(*args: Any, **kwargs: Any) -> Any:
        _known(*args, *kwargs.values())
        return test(*args, **kwargs)

    return checked


if not getattr(sandbox.ENV, "_refuses_unknown", False):
    sandbox.ENV.tests = {name: _refuse_unknown(test) for name, test in sandbox.ENV.tests.items()}
    sandbox.ENV._refuses_unknown = True  # type: ignore[attr-defined]


def _of_nothing(exc: UndefinedError) -> bool:
    """Whether a missing attribute or item was asked of nothing (None.value, a list's tenth
    element) — an absent fact — rather than of a value that has no such attribute (a typo)."""
    message = str(exc.message or "")
    return message.startswith("'None' has no") or " has no element " in message


def _items_of(value: Any, line: int, source: str, expression: str) -> list[Any]:
    """The items a `for_each` expression gave, bounded; None or empty means none."""
    if value is None or value == "":
        return []
    where = f"{source} 第 {line} 行" if line else source
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        raise ProfileError(
            f"{where}：for_each 应得到一个列表，得到的是 {type(value).__name__}：{_shown(expression)}"
        )
    items = list(islice(value, MAX_ITEMS_PER_REQUIREMENT + 1))
    if len(items) > MAX_ITEMS_PER_REQUIREMENT:
        raise ProfileError(
            f"{where}：for_each 得到的项目超过 {MAX_ITEMS_PER_REQUIREMENT:,} 个：{_shown(expression)}"
        )
    if any(isinstance(item, Undefined) for item in items):
        raise ProfileError(f"{where}：for_each 得到了未定义的值：{_shown(expression)}")
    return items


def _label_text(value: Any) -> str:
    text = display_text(str(value))
    return text if len(text) <= _MAX_LABEL else text[:_MAX_LABEL] + "…"


_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def _first_of_month(value: Any) -> dt.date | None:
    """The first day of a `month` fact (2024-10), or None for anything else."""
    match = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


def _period_start(document: ArchiveDocument) -> dt.date | None:
    """The first day of the period a periodic document covers (its month, or its year's half
    or quarter), or None."""
    month = _first_of_month(document.fact("month"))
    if month is not None:
        return month
    year = document.fact("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
        return None
    half = getattr(document.fact("half"), "value", None)
    if half in HALVES:
        return dt.date(year, 1 + 6 * HALVES.index(half), 1)
    quarter = document.fact("quarter")
    if isinstance(quarter, int) and not isinstance(quarter, bool) and 1 <= quarter <= 4:
        return dt.date(year, 3 * quarter - 2, 1)
    return None


def group_subjects(documents: list[ArchiveDocument]) -> dict[tuple[str, str], Subject]:
    subjects: dict[tuple[str, str], Subject] = {}
    for document in documents:
        key = (document.subject_type, document.subject_id)
        subjects.setdefault(key, Subject(*key)).documents.append(document)
        point = document.fact("service_point")
        if point and document.subject_type != "service_point":
            # Every document that names its service point makes that point a subject too, so
            # its monthly reporting is checked even when no report was ever filed.
            service_point = subjects.setdefault(
                ("service_point", str(point)), Subject("service_point", str(point))
            )
            if document.date is not None:
                service_point.related_dates.append(document.date)
        period = _period_start(document)
        if period is not None:
            # A report covers its month, half-year or quarter, which may begin before the
            # report's own date: the subject's obligations begin with that period.
            subjects[key].related_dates.append(period)
    # A trainee leaves through the case forms (notice, conference, interview) with the trainee
    # number as the case number (000 第三章 四(五)); those papers are the trainee's exit file,
    # read by the trainee's rules through linked(…), not a case owing consent and a plan.
    trainees = {subject_id for kind, subject_id in subjects if kind == "trainee"}
    for key in [k for k in subjects if k[0] == "case" and k[1] in trainees]:
        if all(d.form_id in TRAINEE_EXIT_FORMS for d in subjects[key].documents):
            del subjects[key]
    return subjects


# The case forms a trainee's exit is recorded on (see group_subjects).
TRAINEE_EXIT_FORMS = frozenset(
    {"termination_notice", "case_conference", "exit_interview", "exit_application", "case_referral"}
)


def evaluate_subject(rules: SubjectRules, context: CheckContext, profile: Profile) -> list[Finding]:
    subject = context.subject
    variables = context.variables()
    closed: Any = False
    is_open: Any = True
    if rules.closed_when:
        when = rules.closed_when
        decided, problem = _decide(
            lambda: _evaluate(when, variables, rules.line, profile.source, unknown=True)
        )
        if problem is None:
            closed, is_open = bool(decided), not decided
        else:  # whether it is closed depends on a scan's fact
            key = ("closed", subject.type, subject.id, None)
            closed, is_open = Unknown(problem, key), Unknown(problem, key, negated=True)
    variables["closed"] = closed
    variables["is_open"] = is_open
    base = {
        "subject_type": subject.type,
        "subject_id": subject.id,
        "subject_name": _name_of(subject),
        "service_point": str(
            subject.first_fact("service_point")
            or (subject.id if subject.type == "service_point" else "")
        ),
        "worker": "（服务点报表）"
        if subject.type == "service_point"
        else str(subject.first_fact("worker_name") or ""),
    }
    findings: list[Finding] = []
    for step in rules.steps:
        for requirement in step.requirements:
            findings.extend(
                _evaluate_requirement(requirement, step.label, base, context, variables, profile)
            )
    findings.extend(signature_findings(profile.signed_copies, subject, base))
    return findings


PARALLEL_MIN_SUBJECTS = 400  # below this, starting workers costs more than it saves
_SUBJECTS_PER_CHUNK = 50
# The run whose subjects forked workers evaluate (set only while they exist; a process that
# forks has no other thread, see archive.parallel.will_fork).
_RUN: tuple[Profile, list[tuple[SubjectRules, CheckContext]]] | None = None


def _evaluate_all(
    profile: Profile, evaluations: list[tuple[SubjectRules, CheckContext]]
) -> list[list[Finding]]:
    """Each subject's findings, in order; on every core for a large archive (the workers,
    forked, have the documents already: only the findings travel back)."""
    global _RUN
    if not will_fork(len(evaluations), PARALLEL_MIN_SUBJECTS):
        return [evaluate_subject(rules, context, profile) for rules, context in evaluations]
    _RUN = (profile, evaluations)
    try:
        return map_in_order(
            _findings_of,
            range(len(evaluations)),
            at_least=PARALLEL_MIN_SUBJECTS,
            chunk=_SUBJECTS_PER_CHUNK,
        )
    finally:
        _RUN = None


def _findings_of(number: int) -> list[Finding]:
    """The findings of the run's subject `number` (in a worker, or in this process)."""
    assert _RUN is not None
    profile, evaluations = _RUN
    rules, context = evaluations[number]
    return evaluate_subject(rules, context, profile)


SIGNATURE_STEP = "签署件"


def signature_findings(
    forms: tuple[str, ...], subject: Subject, base: dict[str, Any]
) -> list[Finding]:
    """For each generated document of a form the client or guardian signs on paper: is a scan
    of the signed paper (same subject, form and date) filed? Until it is, 待签署."""
    findings = []
    for document in subject.in_date_order():
        if document.form_id not in forms or document.record is None:
            continue
        title = document.model.title
        day = document.date
        label = f"签署后的《{title}》" + (f"（{day.isoformat()}）" if day else "")
        scans = [
            d
            for d in subject.documents
            if d.form_id == document.form_id and d.record is None
        ]
        same_day = [d for d in scans if d.date is not None and d.date == day]
        undated = [d for d in scans if d.date is None]
        common = {
            **base,
            "step": SIGNATURE_STEP,
            "requirement": label,
            "forms": (document.form_id,),
            "document_date": day,
        }
        if same_day:
            findings.append(Finding(**common, status=COMPLETE, document=str(same_day[0].path)))
        elif undated:
            findings.append(
                Finding(
                    **common,
                    status=UNVERIFIED,
                    document=str(undated[0].path),
                    message=f"有《{title}》的扫描件，但文件名和登记表中没有日期，无法核实是否为这一份的签署件；"
                    "请在文件名或登记表的“日期”列写明签署日期",
                )
            )
        else:
            stamp = day.strftime("%Y%m%d") if day else "日期"
            findings.append(
                Finding(
                    **common,
                    status=UNSIGNED,
                    document=str(document.path),
                    message=f"已生成，尚未存档签署后的扫描件：请把签好的纸质表格扫描为"
                    f"“{subject.id}_{document.form_id}_{stamp}.pdf”放入档案",
                )
            )
    return findings


def _name_of(subject: Subject) -> str:
    for document in subject.documents:
        if document.record is not None:
            name = document.record.display_name()
            if name:
                return name
    return ""


def _session_label(document: ArchiveDocument, number: int) -> str:
    return f"第{number}節" if document.model.script == "hant" else f"第{number}节"


def _about_sessions(fact: UnknownFact) -> bool:
    target = session_target(get_form(fact.form_id))
    return (target is not None and target[0] == fact.field) or any(
        mark in fact.label for mark in ("节", "節")
    )


def _joined(messages: list[str]) -> str:
    unique: list[str] = []
    for message in messages:
        if message and message not in unique:
            unique.append(message)
    return "；".join(unique)


def _due_date(value: Any, requirement: Requirement, profile: Profile) -> dt.date | None:
    """The deadline a `due` expression gave: a date, or None (False) when the rule cannot
    apply yet; anything else (a text, a number) is the profile's mistake."""
    if value is None or value is False:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    where = f"{profile.source} 第 {requirement.line} 行" if requirement.line else profile.source
    shown = _label_text(repr(value))
    raise ProfileError(
        f"{where}：期限表达式应得到日期，得到的是 {type(value).__name__}（{shown}）："
        f"{_shown(str(requirement.due))}"
    )


def _evaluate_requirement(
    requirement: Requirement,
    step: str,
    base: dict[str, Any],
    context: CheckContext,
    variables: dict[str, Any],
    profile: Profile,
) -> list[Finding]:
    # `variables` are shared by every evaluation for the subject; `extra` is the item and
    # document of one evaluation (see sandbox.evaluate).
    def run(expression: str | None, extra: dict[str, Any]) -> Any:
        return (
            _evaluate(expression, variables, requirement.line, profile.source, extra=extra)
            if expression
            else None
        )

    def attempt(expression: str | None, extra: dict[str, Any]) -> tuple[Any, UnknownFact | None]:
        """The expression's value, or the fact it needs and the archive does not tell."""
        try:
            return run(expression, extra), None
        except UnknownFact as exc:
            return None, exc

    def decide(expression: str, extra: dict[str, Any]) -> tuple[bool | None, UnknownFact | None]:
        """A condition's truth (see `_decide`), or the fact it needs."""
        return _decide(
            lambda: _evaluate(
                expression, variables, requirement.line, profile.source, unknown=True, extra=extra
            )
        )

    def judge(
        scope: dict[str, Any], item_text: str, candidates: list[DocView], use_match: bool = True
    ) -> list[Finding]:
        """The finding(s) of the requirement for one item (or for the subject)."""
        when_unknown = None
        if requirement.when:
            wanted, when_unknown = decide(requirement.when, scope)
            if when_unknown is None and not wanted:
                return []
        known: list[DocView] = []
        unsure: list[tuple[DocView, UnknownFact]] = []
        for candidate in candidates:
            if requirement.match and use_match:
                belongs, problem = decide(requirement.match, {**scope, "doc": candidate})
                if problem is not None:
                    unsure.append((candidate, problem))
                    continue
                if not belongs:
                    continue
            known.append(candidate)
        due, due_unknown = attempt(requirement.due, scope)
        due = _due_date(due, requirement, profile)
        common = {
            **base,
            "step": step,
            "requirement": f"{requirement.label}（{item_text}）" if item_text else requirement.label,
            "forms": requirement.forms,
            "due": due,
            "series": requirement.label if item_text else "",
            "item": item_text,
        }

        def make(status: FindingStatus, **details: Any) -> Finding:
            return Finding(**common, status=status, **details)

        if requirement.forbid:
            found = []
            for document in known:
                if when_unknown is not None:
                    message = f"无法核实是否允许这份文档：{when_unknown.message()}"
                    found.append(make(UNVERIFIED, document=document.path, message=message))
                else:
                    found.append(make(INVALID, document=document.path, message=requirement.invalid))
            for document, problem in unsure:
                message = f"无法核实这份文档是否属于此项：{problem.message()}"
                found.append(make(UNVERIFIED, document=document.path, message=message))
            return found
        if not known:
            if unsure:
                names = "、".join(str(d) for d, _ in unsure[:3]) + ("等" if len(unsure) > 3 else "")
                message = f"有 {len(unsure)} 份文档无法判断是否属于此项（{names}）：{unsure[0][1].message()}"
                return [make(UNVERIFIED, document=unsure[0][0].path, message=message)]
            if when_unknown is not None:
                return [make(UNVERIFIED, message=f"无法核实是否需要此文档：{when_unknown.message()}")]
            if due_unknown is not None:
                message = f"文档不在，无法确定期限：{due_unknown.message()}"
                return [make(UNVERIFIED, message=message)]
            if due is not None and context.as_of <= due:
                return [make(NOT_DUE, message=f"应于 {due.isoformat()} 前完成")]
            overdue = (context.as_of - due).days if due is not None else None
            return [make(MISSING, days_late=overdue, message=requirement.note)]
        document = known[0]
        own = document._document
        common["document_date"] = own.date
        valid, valid_unknown = (
            decide(requirement.valid, {**scope, "doc": document}) if requirement.valid else (True, None)
        )
        status, message, days_late = COMPLETE, "", None
        unknown: UnknownFact | None = None
        if valid_unknown is not None:
            status, unknown, message = UNVERIFIED, valid_unknown, "文档在，无法核实是否符合要求"
        elif not valid:
            status, message = INVALID, requirement.invalid
        elif due_unknown is not None:
            status, unknown, message = UNVERIFIED, due_unknown, "文档在，无法核实是否按时"
        elif due is not None and not own.date_known:
            status, unknown = UNVERIFIED, UnknownFact(own.form_id, "date", own.path)
            message = f"文档在，无法核实是否按时（应于 {due.isoformat()} 前完成）"
        elif due is not None and own.date is not None and own.date > due:
            status, days_late = LATE, (own.date - due).days
            message = f"应于 {due.isoformat()} 前完成，实际 {own.date.isoformat()}"
        if unknown is not None:
            reasons = [when_unknown.message()] if when_unknown is not None else []
            message = f"{message}：{_joined([*reasons, unknown.message()])}"
        elif when_unknown is not None and status is not COMPLETE:
            # Present, but whether this check applies at all depends on a fact nobody knows.
            message = (
                f"文档在，但无法核实是否需要这项检查：{when_unknown.message()}；如需要：{message}"
            )
            status, days_late = UNVERIFIED, None
        return [make(status, document=document.path, message=message, days_late=days_late)]

    def unlisted(problem: UnknownFact) -> list[Finding]:
        """`for_each` needs a fact nobody knows (the sessions of a scanned plan): one
        UNVERIFIED finding for the list, and the documents that are there, checked as far
        as they can be."""
        what = "共有几节" if _about_sessions(problem) else "要检查哪几项"
        found = [
            Finding(
                **base,
                step=step,
                requirement=requirement.label,
                forms=requirement.forms,
                status=UNVERIFIED,
                message=f"无法确定{what}：{problem.message()}",
                series=requirement.label,
            )
        ]
        scope = {"item": Unknown(problem)}
        for view in context._docs(requirement.forms, requirement.scope):
            if requirement.match:
                belongs, unsure = decide(requirement.match, {**scope, "doc": view})
                if unsure is None and not belongs:
                    continue
                if unsure is not None and requirement.scope != "subject":
                    continue  # the whole archive's documents: only those known to be this one's
            numbers = view._document.session_numbers()
            labels = (
                [_session_label(view._document, n) for n in numbers] if numbers else [str(view)]
            )
            for label in labels:
                found.extend(judge(scope, _label_text(label), [view], use_match=False))
        return found

    items: list[Any] = [None]
    if requirement.for_each:
        value, problem = attempt(requirement.for_each, {})
        if problem is not None:
            return unlisted(problem)
        items = _items_of(value, requirement.line, profile.source, requirement.for_each)
    findings = []
    for item in items:
        scope = {"item": item}
        item_text = ""
        if item is not None:
            shown, unknown_label = attempt(requirement.item_label, scope)
            if unknown_label is not None:
                shown = ""  # e.g. '第%d節' % item.session_number of a scan without 节次
            item_text = _label_text(shown or ("？" if isinstance(item, Unknown) else item))
        findings.extend(
            judge(scope, item_text, context._docs(requirement.forms, requirement.scope))
        )
    return findings


def run_check(
    profile: Profile,
    documents: list[ArchiveDocument],
    unplaced: list[Unplaced],
    as_of: dt.date,
    staff: StaffRegister | None = None,
    ignored: list[Path] | None = None,
    service_points: ServicePointRegister | None = None,
    since: dt.date | None = None,
) -> CheckResult:
    """Every requirement of `profile` for every subject the documents make.

    `ignored` are the paths the scan left out on purpose (`archive.ScanResult.ignored`); when
    not given, those `archive.scan` attached to `unplaced` are taken.
    """
    with collector_paused():
        return _run_check(
            profile, documents, unplaced, as_of, staff, ignored, service_points, since
        )


def _run_check(
    profile: Profile,
    documents: list[ArchiveDocument],
    unplaced: list[Unplaced],
    as_of: dt.date,
    staff: StaffRegister | None,
    ignored: list[Path] | None,
    service_points: ServicePointRegister | None,
    since: dt.date | None,
) -> CheckResult:
    if ignored is None:
        ignored = list(getattr(unplaced, "ignored", []))
    staff = staff or StaffRegister()
    service_points = service_points or ServicePointRegister()
    subjects = group_subjects(documents)
    index = archive_index(documents)
    for point in service_points.points.values():
        # A registered service point owes its reports even before any document names it.
        subjects.setdefault(("service_point", point.name), Subject("service_point", point.name))
    findings: list[Finding] = []
    used: dict[str, ServicePointUse] = {}
    evaluations = [
        (rules, CheckContext(subject, documents, as_of, staff, service_points, since, index))
        for (kind, _), subject in sorted(subjects.items())
        if (rules := profile.subjects.get(kind)) is not None
    ]
    for (_rules, context), found in zip(
        evaluations, _evaluate_all(profile, evaluations), strict=True
    ):
        subject = context.subject
        findings.extend(found)
        subject_point = context.service_point()
        if subject_point is not None:
            use = used.setdefault(subject_point.name, ServicePointUse(subject_point))
            if subject.type == "service_point":
                use.start, use.start_from = context.start()
    return CheckResult(
        service_points=sorted(used.values(), key=lambda u: u.point.name),
        findings=findings,
        unplaced=list(unplaced),
        subjects=len(subjects),
        documents=len(documents),
        ignored=len(ignored),
        ignored_paths=list(ignored),
    )

