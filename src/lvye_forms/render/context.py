"""The values a template sees: every field already formatted as it is written on paper.

Templates stay free of logic: ``{{ client_name }}`` is the name, ``{{ intake_date }}`` reads
2024年3月4日, a choice field also offers ``<name>_boxes`` (☑ 自行申请　☐ …) and
``<name>_list`` (the same boxes one to a line, for long options) and ``<name>_grid`` (four to
a line in tab-separated columns, for many short options), and a yes/no
field ``<name>_box`` (☑ or ☐) and ``<name>_boxes`` (☑ 是　☐ 否). Forms add computed values
through ``template_extras``.

Inside one option a box is joined to its words by no-break spaces, so a line never ends
between ``☐`` and ``居家训练``; options are separated by an ideographic space, where a line
may break.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..fields import format_date, format_money
from ..model import FormModel
from ..schema import FieldSpec, field_spec, form_spec

CHECKED, UNCHECKED = "☑", "☐"
NBSP, GAP = "\u00a0", "\u3000"
YES, NO = "是", "否"


def display(value: Any) -> str:
    """A single value as written on the form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, list):
        return "、".join(display(v) for v in value)
    return str(value)


def boxes(options: list[str], chosen: set[str]) -> str:
    """☑ A　☐ B　☐ C — a row of tick boxes as on the paper form."""
    return GAP.join(f"{CHECKED if o in chosen else UNCHECKED}{NBSP}{o}" for o in options)


def box_list(options: list[str], chosen: set[str]) -> str:
    """The boxes one to a line: long options that would break in the middle on one line."""
    return boxes(options, chosen).replace(GAP, "\n")


GRID_COLUMNS = 4


def box_grid(options: list[str], chosen: set[str]) -> str:
    """The boxes four to a line, separated by tabs: with tab stops in the template they
    stand in columns, and no line is ever broken inside an option."""
    cells = boxes(options, chosen).split(GAP)
    lines = [cells[i : i + GRID_COLUMNS] for i in range(0, len(cells), GRID_COLUMNS)]
    return "\n".join("\t".join(line) for line in lines)


def yes_no_boxes(value: bool | None) -> str:
    """☑ 是　☐ 否; nothing ticked when the answer is not given."""
    return boxes([YES, NO], set() if value is None else {YES if value else NO})


@dataclass(frozen=True, slots=True)
class _FieldPlan:
    """How one field of a model becomes template values, decided once per model."""

    name: str
    is_part: bool  # a list of rows (家庭成员): each row gets its own context
    kind: str


@functools.cache
def _plan(model: type[BaseModel]) -> tuple[_FieldPlan, ...]:
    # Working a field's kind out from its annotation is costly; a batch asks once per model.
    return tuple(
        _FieldPlan(name, _is_part_list(info.annotation), field_spec(name, info).kind)
        for name, info in model.model_fields.items()
    )


def _row_context(record: BaseModel) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for plan in _plan(type(record)):
        name, kind = plan.name, plan.kind
        value = getattr(record, name)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            context[name] = [_row_context(item) for item in value]
            continue
        if isinstance(value, list) and not value and plan.is_part:
            context[name] = []
            continue
        context[name] = display(value)
        if kind == "hours" and isinstance(value, Decimal):  # 24 小时, 1.5 小时 — not 24.00
            context[name] = f"{value.normalize():f}"
        if isinstance(value, bool) or kind == "yesno":
            context[f"{name}_box"] = CHECKED if value else UNCHECKED
            context[f"{name}_boxes"] = yes_no_boxes(value)
    return context


def _is_part_list(annotation: Any) -> bool:
    args = getattr(annotation, "__args__", ())
    return any(isinstance(a, type) and issubclass(a, BaseModel) for a in args)


def template_context(record: FormModel, agency: str) -> dict[str, Any]:
    """Everything a form's template may use, as display strings."""
    context = _row_context(record)
    spec = form_spec(type(record))
    for column in spec.columns:
        if column.kind in ("choice", "choices"):
            value = getattr(record, column.name)
            chosen = {display(v) for v in value} if isinstance(value, list) else {display(value)}
            context[f"{column.name}_boxes"] = boxes(list(column.choices), chosen)
            context[f"{column.name}_list"] = box_list(list(column.choices), chosen)
            context[f"{column.name}_grid"] = box_grid(list(column.choices), chosen)
    context.update(record.template_extras())
    context.update(_form_names(type(record), agency))
    return context


def _form_names(model: type[FormModel], agency: str) -> dict[str, str]:
    return {
        "agency": heading_agency(model, agency),
        "form_title": model.title,
        "form_id": model.form_id,
    }


def heading_agency(model: type[FormModel], agency: str) -> str:
    """The agency printed at the top. A form family with its own default (the Guangzhou
    forms, in traditional characters) prints that one, or its setting, unless an agency
    was named: the Dongguan default over a traditional page reads as a mistake."""
    from .document import DEFAULT_AGENCY  # imported here: document imports this module

    own = getattr(model, "default_agency", None)
    if own is None or agency != DEFAULT_AGENCY:
        return agency
    return os.environ.get(getattr(model, "agency_setting", ""), "").strip() or own


# ── What a template may use, without a record: for `template check` and blank forms ────────


def _names_of(column: FieldSpec) -> set[str]:
    """The names one field offers: its value, and its tick boxes."""
    names = {column.name}
    if column.kind in ("choice", "choices"):
        names |= {f"{column.name}_boxes", f"{column.name}_list", f"{column.name}_grid"}
    if column.kind == "yesno":
        names |= {f"{column.name}_box", f"{column.name}_boxes"}
    return names


def _example_extras(model: type[FormModel]) -> dict[str, Any]:
    """The computed values a form adds (`template_extras`), taken from its first example:
    only the names matter; a form without a valid example adds none we can know of."""
    if not model.examples:
        return {}
    try:
        return dict(model.model_validate(model.examples[0]).template_extras())
    except Exception:  # noqa: BLE001 — an example that does not validate is a test failure elsewhere
        return {}


def offered_names(model: type[FormModel]) -> tuple[set[str], dict[str, set[str]]]:
    """(names a template of `model` may use, {list name: names one of its rows offers})."""
    spec = form_spec(model)
    names = set(_form_names(model, ""))
    for column in spec.columns:
        names |= _names_of(column)
    lists = {p.name: set().union(*(_names_of(f) for f in p.fields)) for p in spec.parts}
    for name, value in _example_extras(model).items():
        if isinstance(value, list):
            lists[name] = set(value[0]) if value and isinstance(value[0], dict) else set()
    names |= lists.keys() | set(_example_extras(model))
    return names, lists


BLANK_ROWS = 4  # empty rows a blank form gives each list, to fill in by hand
BLANK_DATE = "＿＿＿＿年＿＿月＿＿日"  # as on the signature lines
BLANK_NUMBER = "＿" * 8  # the form's number, written on a line


def _blank_values(columns: tuple[FieldSpec, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for column in columns:
        values[column.name] = ""
        if column.kind in ("choice", "choices"):
            values[f"{column.name}_boxes"] = boxes(list(column.choices), set())
            values[f"{column.name}_list"] = box_list(list(column.choices), set())
            values[f"{column.name}_grid"] = box_grid(list(column.choices), set())
        if column.kind == "yesno":
            values[f"{column.name}_box"] = UNCHECKED
            values[f"{column.name}_boxes"] = yes_no_boxes(None)
    return values


def blank_context(model: type[FormModel], agency: str) -> dict[str, Any]:
    """The context of the empty paper form: every label's value blank, every tick box
    unticked, and each list a few empty rows to write in."""
    spec = form_spec(model)
    context: dict[str, Any] = {}
    for name, value in _example_extras(model).items():
        context[name] = [] if isinstance(value, list) else ""
    context.update(_blank_values(spec.columns))
    for column in spec.columns:
        if column.kind == "date":  # the year, month and day are written into a printed frame
            context[column.name] = BLANK_DATE
    context[spec.key.name] = BLANK_NUMBER
    for part in spec.parts:
        row = _blank_values(part.fields)
        # A form may ask for fewer, to keep its blank on the pages its example takes.
        rows = getattr(model, "blank_rows", BLANK_ROWS)
        context[part.name] = [dict(row) for _ in range(rows)]
    context.update(_form_names(model, agency))
    return context
