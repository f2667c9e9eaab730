"""The base classes every form model derives from.

A form is a pydantic model whose class variables say what the paper form is called and how it
is stored; its fields carry the Chinese label (``title``) staff see as a column header, in
error messages and on the document. List parts (family members, sessions, budget lines) are
fields typed ``list[SomePart]``, where ``SomePart`` derives from ``FormPart``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from typing_extensions import Self

from .errors import Code, fail

if TYPE_CHECKING:
    from .render.xlsx import TableData
from .fields import id_birth_date, id_sex, is_empty, month_of, today

# --- cross-field rules ------------------------------------------------------------------


class SkipRule(Exception):
    """A cross-field rule touched a field whose own value failed validation: the rule is
    skipped, because the field error already tells staff what to fix there."""


class _Failed:
    """Stands in for a field that failed validation while the rules run on the other fields.

    Any use of it (truth value, comparison, arithmetic, attribute, iteration, formatting)
    raises `SkipRule`, so a rule that needs it ends without reporting and without crashing.
    Only `is` cannot be intercepted: write `x != Choice.A`, not `x is not Choice.A`, when the
    rule should fire for every other value.
    """

    __slots__ = ("field",)

    def __init__(self, field: str) -> None:
        self.field = field

    def __repr__(self) -> str:
        return f"<failed field {self.field}>"

    def _skip(self, *args: Any, **kwargs: Any) -> Any:
        raise SkipRule(self.field)

    __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _skip
    __len__ = __iter__ = __contains__ = __getitem__ = __call__ = _skip
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _skip
    __truediv__ = __rtruediv__ = __floordiv__ = __mod__ = __neg__ = __pos__ = __abs__ = _skip
    __int__ = __float__ = __index__ = __round__ = __str__ = __format__ = _skip

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise SkipRule(self.field)


RuleMethod = TypeVar("RuleMethod", bound=Callable[..., None])


def _one_rule(method: RuleMethod) -> RuleMethod:
    """A `Checks` helper is one rule: it is skipped when a field it needs failed validation."""

    @functools.wraps(method)
    def guarded(self: Checks, *args: Any, **kwargs: Any) -> None:
        with self.rule():
            method(self, *args, **kwargs)

    return guarded  # type: ignore[return-value]


class Checks:
    """Collects every cross-field problem of one record, so staff see them all in one run.

    Each problem is attached to the field (column) that should be corrected.

    The rules also run when some fields failed their own validation (`failed`): then those
    fields hold a stand-in that ends any rule using them, so staff get every field error and
    every rule whose inputs are valid in one run. The methods here (order, required_when's
    field, …) are rules of their own; any statement of `check()` that reads a field itself
    (``self.x > 100``) goes inside ``with checks.rule():`` so that, when it meets a failed
    field, it alone is skipped and the rules after it still run (a test enforces this for
    every form).
    """

    def __init__(
        self, model: BaseModel, info: ValidationInfo | None, failed: frozenset[str] = frozenset()
    ) -> None:
        self.model = model
        self.info = info
        self.failed = failed
        self.errors: list[InitErrorDetails] = []

    @contextmanager
    def rule(self) -> Iterator[None]:
        """One rule: skipped when it uses a field that failed its own validation."""
        try:
            yield
        except SkipRule:
            pass
        except Exception:
            # A rule meeting a value of the wrong shape in a record that already failed (a
            # NameError: a variable a skipped statement would have set): the field errors are
            # what staff get. In a record whose fields are all valid this is a bug: it shows.
            if not self.failed:
                raise

    def valid(self, *fields: str) -> bool:
        """Whether every one of `fields` passed its own validation (always, for a valid row)."""
        return not self.failed.intersection(fields)

    def value(self, field: str) -> Any:
        """The field's validated value; ends the rule when the field failed validation."""
        value = getattr(self.model, field)
        if isinstance(value, _Failed):
            raise SkipRule(field)
        return value

    def add(self, field: str, code: Code, **ctx: Any) -> None:
        if field in self.failed:
            return  # the field's own error is the one to fix first
        self.errors.append(
            InitErrorDetails(type=fail(code, **ctx), loc=(field,), input=getattr(self.model, field))
        )

    def add_at(self, loc: tuple[int | str, ...], value: Any, code: Code, **ctx: Any) -> None:
        """A problem inside a list part, e.g. loc ("members", 2, "attended")."""
        if loc and loc[0] in self.failed:
            return
        self.errors.append(InitErrorDetails(type=fail(code, **ctx), loc=loc, input=value))

    def label(self, field: str) -> str:
        info = type(self.model).model_fields[field]
        return info.title or field

    @_one_rule
    def order(self, earlier: str, later: str) -> None:
        """`later` must not be dated before `earlier` (either may be empty)."""
        first, second = self.value(earlier), self.value(later)
        if first is not None and second is not None and second < first:
            self.add(
                later, Code.DATE_ORDER, other=self.label(earlier), other_value=first.isoformat()
            )

    @_one_rule
    def not_future(self, field: str) -> None:
        value: dt.date | None = self.value(field)
        if value is not None and value > today(self.info):
            self.add(field, Code.DATE_FUTURE, today=today(self.info).isoformat())

    @_one_rule
    def required_when(self, field: str, condition: bool, reason: str) -> None:
        """`field` must be filled when `condition` holds; `reason` tells staff why."""
        value = self.value(field)
        if condition and (value is None or value == "" or value == []):
            self.add(field, Code.CONDITIONAL, reason=reason)

    def matches_id(self, id_field: str, birth_field: str | None, sex_field: str | None) -> None:
        """Birth date and sex must agree with what the ID number encodes."""
        with self.rule():
            id_number = self.value(id_field)
            born = self.value(birth_field) if birth_field and id_number else None
            if born is not None and born != id_birth_date(id_number):
                expected = id_birth_date(id_number).isoformat()
                self.add(birth_field, Code.ID_MISMATCH, expected=expected)  # type: ignore[arg-type]
        with self.rule():
            id_number = self.value(id_field)
            sex = self.value(sex_field) if sex_field and id_number else None
            if sex is not None and str(getattr(sex, "value", sex)) != id_sex(id_number):
                self.add(sex_field, Code.ID_MISMATCH, expected=id_sex(id_number))  # type: ignore[arg-type]

    @_one_rule
    def within(self, field: str, low: int, high: int) -> None:
        value = self.value(field)
        if value is not None and not low <= value <= high:
            self.add(field, Code.INVALID, reason=f"应在 {low} 到 {high} 之间")

    @_one_rule
    def adds_up(self, total_field: str, items_field: str, amount_field: str) -> None:
        """`total_field` must equal the sum of `amount_field` over the rows of `items_field`."""
        items = self.value(items_field) or []
        if not items:
            return
        total = sum((getattr(item, amount_field) for item in items), Decimal("0.00"))
        given = self.value(total_field)
        if given != total:
            self.add(total_field, Code.SUM, expected=f"{total:.2f}", actual=f"{given:.2f}")

    @_one_rule
    def dated_in_month(self, items_field: str, date_field: str, month: str) -> None:
        """Every row of `items_field` must be dated in `month` (2024-10)."""
        if isinstance(month, _Failed):
            return
        for index, item in enumerate(self.value(items_field) or []):
            day = getattr(item, date_field)
            if month_of(day) != month:
                self.add_at(
                    (items_field, index, date_field),
                    day,
                    Code.CONDITIONAL,
                    reason=f"日期不在 {month} 月内",
                )

    @_one_rule
    def at_least(self, field: str, minimum: int) -> None:
        if len(self.value(field) or []) < minimum:
            self.add(field, Code.TOO_FEW, minimum=minimum, part=self.label(field))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError.from_exception_data(type(self.model).__name__, self.errors)


def _without_empty_cells(data: Any) -> Any:
    # An empty cell means "not given": dropping it lets defaults apply and makes a missing
    # required value fail as `missing` (必填项为空) rather than as a type error.
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if not is_empty(value)}
    return data


def _error_details(error: Any) -> InitErrorDetails:
    """One error of a caught ValidationError, ready to be raised again with others."""
    kind = str(error["type"])
    ctx = error.get("ctx")
    loc = tuple(error["loc"])
    if kind.startswith("lvye."):
        try:
            code = Code(kind.removeprefix("lvye."))
        except ValueError:
            pass
        else:
            # The same call that made it, so message and context come out identical.
            return InitErrorDetails(type=fail(code, **(ctx or {})), loc=loc, input=error["input"])
    details = InitErrorDetails(type=kind, loc=loc, input=error["input"])
    if ctx:
        details["ctx"] = ctx
    try:
        ValidationError.from_exception_data("check", [details])
    except (TypeError, KeyError, ValueError):
        # Not one pydantic can rebuild from its type name: keep its words as they are.
        return InitErrorDetails(
            type=PydanticCustomError(kind, str(error["msg"])), loc=loc, input=error["input"]
        )
    return details


_FIELD_ADAPTERS: dict[tuple[type, str], TypeAdapter[Any]] = {}


def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """Validates one field of `model` on its own, exactly as the model would."""
    adapter = _FIELD_ADAPTERS.get((model, name))
    if adapter is None:
        info = model.model_fields[name]
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        adapter = _FIELD_ADAPTERS[(model, name)] = TypeAdapter(annotation)
    return adapter


class _CrossChecked(BaseModel):
    """Runs the subclass's `check` after field validation and raises all it found at once.

    When some fields fail, the rules still run on the fields that validated, and the field
    errors and the rule errors are raised together: staff fix everything in one round.
    """

    def check(self, checks: Checks) -> None:
        """Override to add cross-field rules with `checks.order(...)`, `checks.add(...)`, …"""

    @model_validator(mode="wrap")
    @classmethod
    def _validate_all(
        cls, data: Any, handler: ModelWrapValidatorHandler[Self], info: ValidationInfo
    ) -> Self:
        data = _without_empty_cells(data)
        try:
            record = handler(data)
        except ValidationError as exc:
            errors = exc.errors()
            if not isinstance(data, dict) or any(not e["loc"] for e in errors):
                raise
            failed = frozenset(str(e["loc"][0]) for e in errors)
            problems = [_error_details(e) for e in errors] + cls._partial_checks(data, failed, info)
            raise ValidationError.from_exception_data(cls.__name__, problems) from None
        checks = Checks(record, info)
        record.check(checks)
        checks.raise_if_any()
        return record

    @classmethod
    def _partial_checks(
        cls, data: dict[str, Any], failed: frozenset[str], info: ValidationInfo
    ) -> list[InitErrorDetails]:
        """The cross-field errors of a record some of whose fields failed validation."""
        context = info.context if info is not None else None
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            if name in failed:
                values[name] = _Failed(name)
                continue
            given = name in data
            value = data[name] if given else field.get_default(call_default_factory=True)
            try:
                values[name] = _field_adapter(cls, name).validate_python(value, context=context)
            except ValidationError:
                # Cannot happen for a field that just validated; a default may be unvalidatable.
                values[name] = _Failed(name) if given else value
        partial = cls.model_construct(**values)
        checks = Checks(
            partial, info, failed | {n for n, v in values.items() if isinstance(v, _Failed)}
        )
        run = type(partial).check
        with checks.rule():
            run(partial, checks)
        return [e for e in checks.errors if not (e["loc"] and e["loc"][0] in checks.failed)]


class FormPart(_CrossChecked):
    """A row of a list part. Its fields need Chinese titles like any form field."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


class FormModel(_CrossChecked):
    """A named agency form.

    Subclasses set:
      form_id      stable snake_case id used on the command line and inside documents
      title        the form's Chinese name, without 《》
      key_field    the field that identifies one document (case number, group number, …);
                   it ties list-sheet rows to their main row and names the output file
      name_field   optional field shown in the output file name (a client's or group's name)
      kind         "docx" for narrative forms, "xlsx" for tabular ones
      area         the service area, for listings and docs
      sources      where in the seeds the form is defined
      rules        cross-field rules in plain Chinese, for `describe` and the docs
      examples     realistic example records (as staff would type them) that validate
    """

    model_config = ConfigDict(extra="forbid", validate_default=True)

    form_id: ClassVar[str]
    title: ClassVar[str]
    key_field: ClassVar[str]
    name_field: ClassVar[str | None] = None
    kind: ClassVar[Literal["docx", "xlsx"]] = "docx"
    area: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1
    sources: ClassVar[tuple[str, ...]] = ()
    rules: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[tuple[dict[str, Any], ...]] = ()
    # What the completeness checker needs: which subject the document belongs to
    # (case, group, activity, elder, trainee, service_point), the field holding that subject's
    # id (default: key_field), and the field holding the document's own date.
    subject_type: ClassVar[str] = ""
    subject_field: ClassVar[str | None] = None
    # A document that is not (yet) about a subject of `subject_type` may be about one of this
    # type instead, keyed by its own key field: an inquiry that never became a case is an
    # application (see `subject_ref`).
    other_subject_type: ClassVar[str | None] = None
    date_field: ClassVar[str | None] = None
    # Tabular (xlsx) forms: signature lines under the table, and whether to add a totals row.
    signatures: ClassVar[tuple[str, ...]] = ()  # "负责社工" or "负责社工|date_field"
    totals: ClassVar[bool] = False
    # "hant" for forms written in traditional characters (the Guangzhou standard).
    script: ClassVar[Literal["hans", "hant"]] = "hans"
    # Narrative forms laid out by the standard template: a heading before the named field.
    sections: ClassVar[dict[str, str]] = {}

    def key(self) -> str:
        return str(getattr(self, self.key_field))

    def subject_id(self) -> str:
        value = getattr(self, self.subject_field or self.key_field)
        return "" if value is None else str(value)

    def subject_ref(self) -> tuple[str, str]:
        """(subject type, subject id) this document is about: its own subject when the subject
        field is filled, else — for a form with `other_subject_type` — that subject, keyed by
        the document's own key (a refused application is not a case named "None")."""
        subject = self.subject_id().strip()
        if not subject and self.other_subject_type:
            return self.other_subject_type, str(getattr(self, self.key_field) or "")
        return self.subject_type, subject

    def document_date(self) -> dt.date | None:
        value = getattr(self, self.date_field) if self.date_field else None
        return value if isinstance(value, dt.date) else None

    def display_name(self) -> str:
        return str(getattr(self, self.name_field) or "") if self.name_field else ""

    def table(self) -> TableData | None:
        """For tabular forms with a layout of their own (e.g. members × sessions); None means
        the standard layout: the first list part as the table, the other fields above it."""
        return None

    def template_extras(self) -> dict[str, Any]:
        """Computed values the template shows (totals, tick lists); already display strings."""
        return {}
