"""The base classes every form model derives from.

A form is a pydantic model whose class variables say what the paper form is called and how it
is stored; its fields carry the Chinese label (``title``) staff see as a column header, in
error messages and on the document. List parts (family members, sessions, budget lines) are
fields typed ``list[SomePart]``, where ``SomePart`` derives from ``FormPart``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator
from pydantic_core import InitErrorDetails
from typing_extensions import Self

from .errors import Code, fail

if TYPE_CHECKING:
    from .render.xlsx import TableData
from .fields import id_birth_date, id_sex, month_of, today

# --- cross-field rules ------------------------------------------------------------------


class Checks:
    """Collects every cross-field problem of one record, so staff see them all in one run.

    Each problem is attached to the field (column) that should be corrected.
    """

    def __init__(self, model: BaseModel, info: ValidationInfo | None) -> None:
        self.model = model
        self.info = info
        self.errors: list[InitErrorDetails] = []

    def add(self, field: str, code: Code, **ctx: Any) -> None:
        self.errors.append(
            InitErrorDetails(type=fail(code, **ctx), loc=(field,), input=getattr(self.model, field))
        )

    def add_at(self, loc: tuple[int | str, ...], value: Any, code: Code, **ctx: Any) -> None:
        """A problem inside a list part, e.g. loc ("members", 2, "attended")."""
        self.errors.append(InitErrorDetails(type=fail(code, **ctx), loc=loc, input=value))

    def label(self, field: str) -> str:
        info = type(self.model).model_fields[field]
        return info.title or field

    def order(self, earlier: str, later: str) -> None:
        """`later` must not be dated before `earlier` (either may be empty)."""
        first, second = getattr(self.model, earlier), getattr(self.model, later)
        if first is not None and second is not None and second < first:
            self.add(
                later, Code.DATE_ORDER, other=self.label(earlier), other_value=first.isoformat()
            )

    def not_future(self, field: str) -> None:
        value: dt.date | None = getattr(self.model, field)
        if value is not None and value > today(self.info):
            self.add(field, Code.DATE_FUTURE, today=today(self.info).isoformat())

    def required_when(self, field: str, condition: bool, reason: str) -> None:
        """`field` must be filled when `condition` holds; `reason` tells staff why."""
        value = getattr(self.model, field)
        if condition and (value is None or value == "" or value == []):
            self.add(field, Code.CONDITIONAL, reason=reason)

    def matches_id(self, id_field: str, birth_field: str | None, sex_field: str | None) -> None:
        """Birth date and sex must agree with what the ID number encodes."""
        id_number = getattr(self.model, id_field)
        if not id_number:
            return
        born = getattr(self.model, birth_field) if birth_field else None
        if born is not None and born != id_birth_date(id_number):
            self.add(birth_field, Code.ID_MISMATCH, expected=id_birth_date(id_number).isoformat())  # type: ignore[arg-type]
        sex = getattr(self.model, sex_field) if sex_field else None
        if sex is not None and str(getattr(sex, "value", sex)) != id_sex(id_number):
            self.add(sex_field, Code.ID_MISMATCH, expected=id_sex(id_number))  # type: ignore[arg-type]

    def within(self, field: str, low: int, high: int) -> None:
        value = getattr(self.model, field)
        if value is not None and not low <= value <= high:
            self.add(field, Code.INVALID, reason=f"应在 {low} 到 {high} 之间")

    def adds_up(self, total_field: str, items_field: str, amount_field: str) -> None:
        """`total_field` must equal the sum of `amount_field` over the rows of `items_field`."""
        items = getattr(self.model, items_field) or []
        if not items:
            return
        total = sum((getattr(item, amount_field) for item in items), Decimal("0.00"))
        given = getattr(self.model, total_field)
        if given != total:
            self.add(total_field, Code.SUM, expected=f"{total:.2f}", actual=f"{given:.2f}")

    def dated_in_month(self, items_field: str, date_field: str, month: str) -> None:
        """Every row of `items_field` must be dated in `month` (2024-10)."""
        for index, item in enumerate(getattr(self.model, items_field) or []):
            day = getattr(item, date_field)
            if month_of(day) != month:
                self.add_at(
                    (items_field, index, date_field),
                    day,
                    Code.CONDITIONAL,
                    reason=f"日期不在 {month} 月内",
                )

    def at_least(self, field: str, minimum: int) -> None:
        if len(getattr(self.model, field) or []) < minimum:
            self.add(field, Code.TOO_FEW, minimum=minimum, part=self.label(field))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError.from_exception_data(type(self.model).__name__, self.errors)


class _CrossChecked(BaseModel):
    """Runs the subclass's `check` after field validation and raises all it found at once."""

    @model_validator(mode="before")
    @classmethod
    def _drop_empty_cells(cls, data: Any) -> Any:
        # An empty cell means "not given": dropping it lets defaults apply and makes a missing
        # required value fail as `missing` (必填项为空) rather than as a type error.
        if isinstance(data, dict):
            return {
                key: value
                for key, value in data.items()
                if value is not None and not (isinstance(value, str) and value.strip() == "")
            }
        return data

    def check(self, checks: Checks) -> None:
        """Override to add cross-field rules with `checks.order(...)`, `checks.add(...)`, …"""

    @model_validator(mode="after")
    def _run_checks(self, info: ValidationInfo) -> Self:
        checks = Checks(self, info)
        self.check(checks)
        checks.raise_if_any()
        return self


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
        return str(getattr(self, self.subject_field or self.key_field))

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
