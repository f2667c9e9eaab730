"""Evaluating a profile against the documents of an archive.

Documents are grouped into subjects (a case, a group, an activity, an elder, a trainee, a
caregiver, a service point). For each subject the profile's requirements are evaluated in a
sandboxed expression context built from the subject's own documents, the staff register and
the as-of date; every requirement gives a finding: complete, missing, late, not yet due, or
invalid (present but wrong: an attachment missing, a notice period too short).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice
from typing import Any

from jinja2 import TemplateError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined

from .. import i18n
from ..archive import ArchiveDocument, Unplaced
from ..fields import month_of
from ..paths import display_text
from . import sandbox
from .profile import Profile, ProfileError, Requirement, SubjectRules


class FindingStatus(str, Enum):
    """What a requirement's check found. The value is the stable name used in JSON."""

    COMPLETE = "complete"
    MISSING = "missing"
    LATE = "late"
    NOT_DUE = "not_due"
    INVALID = "invalid"
    UNVERIFIED = "unverified"  # a fact the rule needs is not in the archive (a scan)
    UNSIGNED = "unsigned"  # generated, but no scan of the signed paper is filed yet

    @property
    def label(self) -> str:
        return (STATUS_LABELS_EN if i18n.current() == "en" else STATUS_LABELS)[self]

    @property
    def is_problem(self) -> bool:
        return self in PROBLEMS


COMPLETE, MISSING, LATE, NOT_DUE, INVALID, UNVERIFIED, UNSIGNED = (
    FindingStatus.COMPLETE,
    FindingStatus.MISSING,
    FindingStatus.LATE,
    FindingStatus.NOT_DUE,
    FindingStatus.INVALID,
    FindingStatus.UNVERIFIED,
    FindingStatus.UNSIGNED,
)
# What a supervisor must act on. 无法核实 is not a finding against the worker but a gap in
# what the archive tells: it needs the register or the generated document, so it counts too.
PROBLEMS = (MISSING, LATE, INVALID, UNVERIFIED, UNSIGNED)
STATUS_LABELS = {
    COMPLETE: "齐全",
    MISSING: "缺失",
    LATE: "逾期",
    NOT_DUE: "未到期",
    INVALID: "不符合要求",
    UNVERIFIED: "无法核实",
    UNSIGNED: "待签署",
}
STATUS_LABELS_EN = {
    COMPLETE: "complete",
    MISSING: "missing",
    LATE: "late",
    NOT_DUE: "not yet due",
    INVALID: "invalid",
    UNVERIFIED: "cannot verify",
    UNSIGNED: "awaiting signature",
}
SUBJECT_LABELS = {
    "case": "个案",
    "group": "小组",
    "activity": "社区活动",
    "elder": "居家养老服务对象",
    "trainee": "残康学员",
    "caregiver": "护工",
    "service_point": "服务点",
}

MAX_ITEMS_PER_REQUIREMENT = 5_000  # what one `for_each` may list (sessions, months, records)
_MAX_LABEL = 200  # characters of an item's label in a finding


@dataclass
class Finding:
    subject_type: str
    subject_id: str
    subject_name: str
    service_point: str
    worker: str
    step: str
    requirement: str
    forms: tuple[str, ...]
    status: FindingStatus
    due: dt.date | None = None
    days_late: int | None = None
    document: str = ""  # path of the document that satisfies (or breaks) the requirement
    message: str = ""
    # A requirement repeated for each item (every month, every session) is one series: its
    # base label, and the item this finding is about (reports group a series' findings).
    series: str = ""
    item: str = ""
    document_date: dt.date | None = None


@dataclass
class Subject:
    type: str
    id: str
    documents: list[ArchiveDocument] = field(default_factory=list)
    # For a service point: dates of the documents that name it, which tell since when it works.
    related_dates: list[dt.date] = field(default_factory=list)

    def first_fact(self, name: str) -> Any:
        for document in sorted(self.documents, key=_by_date):
            value = document.fact(name)
            if value:
                return value
        return None


def _by_date(document: ArchiveDocument) -> tuple[dt.date, str]:
    return (document.date or dt.date.max, str(document.path))


class DocView:
    """A document as profile expressions see it: its fields as attributes, plus date and path."""

    def __init__(self, document: ArchiveDocument) -> None:
        self._document = document
        self.date = document.date
        self.form = document.form_id
        self.path = str(document.path)
        self.subject = document.subject_id

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._document.fact(name)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


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


class CheckContext:
    """Everything needed to evaluate one subject's rules."""

    def __init__(
        self, subject: Subject, archive: list[ArchiveDocument], as_of: dt.date, staff: StaffRegister
    ) -> None:
        self.subject = subject
        self.archive = archive
        self.as_of = as_of
        self.staff = staff

    def _docs(self, forms: tuple[str, ...], scope: str = "subject") -> list[DocView]:
        pool = self.subject.documents if scope == "subject" else self.archive
        return [DocView(d) for d in sorted(pool, key=_by_date) if d.form_id in forms]

    def variables(self) -> dict[str, Any]:
        def dated(*forms: str) -> list[dt.date]:
            return [d.date for d in self._docs(forms) if d.date is not None]

        def first(*forms: str) -> DocView | None:
            found = self._docs(forms)
            return found[0] if found else None

        def last(*forms: str) -> DocView | None:
            found = self._docs(forms)
            return found[-1] if found else None

        def fact(form: str, name: str) -> Any:
            if not isinstance(name, str) or name.startswith("_"):
                return None  # a field name, never DocView's internals (the sandbox's rule)
            for document in self._docs((form,)):
                value = getattr(document, name)
                if value not in (None, "", []):
                    return value
            return None

        all_dates = [d.date for d in self.subject.documents if d.date is not None]
        all_dates += self.subject.related_dates
        return {
            "as_of": self.as_of,
            "subject": self.subject.id,
            "days": lambda n: dt.timedelta(days=n),
            "add_months": add_months,
            "has": lambda *forms: bool(self._docs(forms)),
            "docs": lambda *forms: self._docs(forms),
            "first": first,
            "last": last,
            "first_date": lambda *forms: min(dated(*forms), default=None),
            "last_date": lambda *forms: max(dated(*forms), default=None),
            "fact": fact,
            "count": lambda *forms: len(self._docs(forms)),
            "start": min(all_dates, default=None),
            "months_between": months_between,
            "years_between": years_between,
            "worker_years": self.staff.years,
            "month_of": month_of,
        }


def _shown(expression: str) -> str:
    return expression if len(expression) <= 120 else expression[:120] + "…"


def _evaluate(expression: str, variables: dict[str, Any], line: int, source: str) -> Any:
    """The value of one profile expression for one subject (and item, and document).

    A fact the expression needs but the documents lack (None + days(7)) gives None: the rule
    cannot apply yet. Anything that is the profile's own fault — an unknown name, a refused
    operation, a result past the sandbox's bounds — raises ProfileError naming file and line.
    """
    where = f"{source} 第 {line} 行" if line else source

    def fail(reason: str) -> ProfileError:
        return ProfileError(f"{where}：{reason}：{_shown(expression)}")

    try:
        return sandbox.evaluate(sandbox.compile_expression(expression), variables)
    except sandbox.MissingFact:
        return None  # fact('case_closing', 'closing_reason').value when the scan has no data
    except UndefinedError as exc:
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
    except (TypeError, AttributeError, ValueError, LookupError, ArithmeticError):
        # A fact the expression needs is absent (None + days(7)): the rule cannot apply yet.
        return None


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
        month = _first_of_month(document.fact("month"))
        if document.subject_type == "service_point" and month is not None:
            # A monthly report covers its month, which may begin before the report's own date.
            subjects[key].related_dates.append(month)
    return subjects


@dataclass
class CheckResult:
    findings: list[Finding]
    unplaced: list[Unplaced]
    subjects: int
    documents: int


def evaluate_subject(rules: SubjectRules, context: CheckContext, profile: Profile) -> list[Finding]:
    subject = context.subject
    variables = context.variables()
    closed = (
        bool(_evaluate(rules.closed_when, variables, rules.line, profile.source))
        if rules.closed_when
        else False
    )
    variables["closed"] = closed
    variables["is_open"] = not closed
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
    return findings


def _name_of(subject: Subject) -> str:
    for document in subject.documents:
        if document.record is not None:
            name = document.record.display_name()
            if name:
                return name
    return ""


def _evaluate_requirement(
    requirement: Requirement,
    step: str,
    base: dict[str, Any],
    context: CheckContext,
    variables: dict[str, Any],
    profile: Profile,
) -> list[Finding]:
    def run(expression: str | None, extra: dict[str, Any]) -> Any:
        return (
            _evaluate(expression, {**variables, **extra}, requirement.line, profile.source)
            if expression
            else None
        )

    items: list[Any] = [None]
    if requirement.for_each:
        items = _items_of(
            run(requirement.for_each, {}), requirement.line, profile.source, requirement.for_each
        )
    findings = []
    for item in items:
        scope = {"item": item}
        if requirement.when and not run(requirement.when, scope):
            continue
        label = requirement.label
        item_text = ""
        if item is not None:
            item_text = _label_text(run(requirement.item_label, scope) or item)
            label = f"{label}（{item_text}）"
        candidates = context._docs(requirement.forms, requirement.scope)
        if requirement.match:
            candidates = [d for d in candidates if run(requirement.match, {**scope, "doc": d})]
        due = run(requirement.due, scope)
        due = due.date() if isinstance(due, dt.datetime) else due
        due = due if isinstance(due, dt.date) else None
        common = {
            **base,
            "step": step,
            "requirement": label,
            "forms": requirement.forms,
            "due": due,
            "series": requirement.label if item is not None else "",
            "item": item_text,
        }

        def make(status: FindingStatus, _common: dict[str, Any] = common, **details: Any) -> Finding:
            return Finding(**_common, status=status, **details)

        if requirement.forbid:
            for document in candidates:
                findings.append(make(INVALID, document=document.path, message=requirement.invalid))
            continue
        if not candidates:
            if due is not None and context.as_of <= due:
                findings.append(make(NOT_DUE, message=f"应于 {due.isoformat()} 前完成"))
            else:
                overdue = (context.as_of - due).days if due is not None else None
                findings.append(make(MISSING, days_late=overdue, message=requirement.note))
            continue
        document = candidates[0]
        common["document_date"] = document.date
        if requirement.valid and not run(requirement.valid, {**scope, "doc": document}):
            findings.append(make(INVALID, document=document.path, message=requirement.invalid))
        elif due is not None and document.date is not None and document.date > due:
            findings.append(
                make(
                    LATE,
                    document=document.path,
                    days_late=(document.date - due).days,
                    message=f"应于 {due.isoformat()} 前完成，实际 {document.date.isoformat()}",
                )
            )
        else:
            findings.append(make(COMPLETE, document=document.path))
    return findings


def run_check(
    profile: Profile,
    documents: list[ArchiveDocument],
    unplaced: list[Unplaced],
    as_of: dt.date,
    staff: StaffRegister | None = None,
) -> CheckResult:
    staff = staff or StaffRegister()
    subjects = group_subjects(documents)
    findings: list[Finding] = []
    for (kind, _), subject in sorted(subjects.items()):
        rules = profile.subjects.get(kind)
        if rules is None:
            continue
        findings.extend(
            evaluate_subject(rules, CheckContext(subject, documents, as_of, staff), profile)
        )
    return CheckResult(
        findings=findings, unplaced=unplaced, subjects=len(subjects), documents=len(documents)
    )

