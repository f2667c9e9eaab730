"""The values a template sees: every field already formatted as it is written on paper.

Templates stay free of logic: ``{{ client_name }}`` is the name, ``{{ intake_date }}`` reads
2024年3月4日, a choice field also offers ``<name>_boxes`` (☑ 自行申请　☐ …) and a yes/no
field ``<name>_box`` (☑ or ☐) and ``<name>_boxes`` (☑ 是　☐ 否). Forms add computed values
through ``template_extras``.

Inside one option a box is joined to its words by no-break spaces, so a line never ends
between ``☐`` and ``居家训练``; options are separated by an ideographic space, where a line
may break.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..fields import format_date, format_money
from ..schema import form_spec

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
    return GAP.join(
        f"{CHECKED if o in chosen else UNCHECKED}{NBSP}{o}" for o in options
    )


def yes_no_boxes(value: bool | None) -> str:
    """☑ 是　☐ 否; nothing ticked when the answer is not given."""
    return boxes([YES, NO], set() if value is None else {YES if value else NO})


def _row_context(record: BaseModel) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for name, info in type(record).model_fields.items():
        value = getattr(record, name)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            context[name] = [_row_context(item) for item in value]
            continue
        if isinstance(value, list) and not value and _is_part_list(info.annotation):
            context[name] = []
            continue
        context[name] = display(value)
        if isinstance(value, bool) or (value is None and info.annotation in (bool, bool | None)):
            context[f"{name}_box"] = CHECKED if value else UNCHECKED
            context[f"{name}_boxes"] = yes_no_boxes(value)
    return context


def _is_part_list(annotation: Any) -> bool:
    args = getattr(annotation, "__args__", ())
    return any(isinstance(a, type) and issubclass(a, BaseModel) for a in args)


def template_context(record: Any, agency: str) -> dict[str, Any]:
    """Everything a form's template may use, as display strings."""
    context = _row_context(record)
    spec = form_spec(type(record))
    for column in spec.columns:
        if column.kind in ("choice", "choices"):
            value = getattr(record, column.name)
            chosen = {display(v) for v in value} if isinstance(value, list) else {display(value)}
            context[f"{column.name}_boxes"] = boxes(list(column.choices), chosen)
    context.update(record.template_extras())
    context["agency"] = agency
    context["form_title"] = type(record).title
    context["form_id"] = type(record).form_id
    return context
