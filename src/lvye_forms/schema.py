"""What a form's fields look like to people: label, kind, required, choices, format.

The input workbook, `describe`, the reference docs and the reader all work from these specs,
so a column's header, note, dropdown and parsing can never disagree.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from . import fields as f
from .model import FormModel, FormPart

# The validator function behind each shared type tells us its kind.
_KIND_BY_VALIDATOR = {
    f._chinese_id: "id",
    f._mobile: "mobile",
    f._phone: "phone",
    f._past_date: "date",
    f._date: "date",
    f._money: "money",
    f._hours: "hours",
    f._month: "month",
    f._number_list: "numbers",
    f._count: "count",
    f._yes_no: "yesno",
    f._short_text: "text",
    f._text: "longtext",
}

KIND_LABELS = {
    "id": "身份证号（18位，末位可为X）",
    "mobile": "手机号（11位）",
    "phone": "电话（手机11位，或固定电话如 0769-22223333）",
    "date": "日期（如 2024-01-05）",
    "money": "金额（元，最多两位小数）",
    "hours": "时数（可有小数，如 1.5）",
    "month": "月份（如 2024-10）",
    "numbers": "数字列表（如 1、2、4 或 1-3）",
    "count": "整数",
    "yesno": "是 / 否",
    "text": "文字",
    "longtext": "文字（可多行）",
    "choice": "从下拉列表选择",
    "choices": "可多选：用顿号“、”分隔",
}

# Kinds whose cells must be stored as text so Excel keeps every digit and leading zero.
TEXT_KINDS = {"id", "mobile", "phone", "text", "longtext", "choice", "choices", "month", "numbers"}
PERSONAL_KINDS = {"id", "mobile", "phone"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str
    required: bool
    description: str = ""
    choices: tuple[str, ...] = ()
    past_only: bool = False

    def rule_notes(self) -> list[str]:
        """What staff must know beyond the kind: not after today, the choices, the rule."""
        notes = []
        if self.past_only:
            notes.append("不能晚于今天")
        if self.choices:
            notes.append("可选：" + "、".join(self.choices))
        if self.description:
            notes.append(self.description)
        return notes

    def note(self) -> str:
        """The cell note staff see on the header: required or not, format, rules."""
        required = "必填" if self.required else "选填"
        return "\n".join([required, KIND_LABELS[self.kind], *self.rule_notes()])


@dataclass(frozen=True)
class PartSpec:
    """A list part (family members, sessions, …): its own sheet, tied to the main row by key."""

    name: str
    label: str
    required: bool
    model: type[FormPart]
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)
    description: str = ""


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def field_spec(name: str, info: FieldInfo) -> FieldSpec:
    annotation, optional = _unwrap_optional(info.annotation)
    metadata = list(info.metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        # `Phone | None`: the validators sit inside the union, on the Annotated member.
        annotation, *inner = typing.get_args(annotation)
        metadata += inner
    kind = ""
    choices: tuple[str, ...] = ()
    past_only = False
    for meta in metadata:
        validator = getattr(meta, "func", None)
        if validator in _KIND_BY_VALIDATOR:
            kind = _KIND_BY_VALIDATOR[validator]
            past_only = validator is f._past_date
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        kind, choices = "choice", tuple(m.value for m in annotation)
    elif typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, Enum):
            kind, choices = "choices", tuple(m.value for m in item)
    if not kind:
        kind = {
            str: "text",
            int: "count",
            bool: "yesno",
            Decimal: "money",
            dt.date: "date",
        }.get(annotation, "text")
    return FieldSpec(
        name=name,
        label=info.title or name,
        kind=kind,
        required=info.is_required() and not optional,
        description=info.description or "",
        choices=choices,
        past_only=past_only,
    )


def _part_model(info: FieldInfo) -> type[FormPart] | None:
    annotation, _ = _unwrap_optional(info.annotation)
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, FormPart):
            return item
    return None


def _specs(model: type[BaseModel]) -> tuple[list[FieldSpec], list[PartSpec]]:
    columns: list[FieldSpec] = []
    parts: list[PartSpec] = []
    for name, info in model.model_fields.items():
        part = _part_model(info)
        if part is None:
            columns.append(field_spec(name, info))
            continue
        sub_columns, _ = _specs(part)
        parts.append(
            PartSpec(
                name=name,
                label=info.title or name,
                # A list part is required when the form insists on at least one row.
                required=info.is_required(),
                model=part,
                fields=tuple(sub_columns),
                description=info.description or "",
            )
        )
    return columns, parts


@dataclass(frozen=True)
class FormSpec:
    model: type[FormModel]
    columns: tuple[FieldSpec, ...]
    parts: tuple[PartSpec, ...]

    @property
    def key(self) -> FieldSpec:
        return next(c for c in self.columns if c.name == self.model.key_field)

    @property
    def sheet_name(self) -> str:
        return sheet_title(self.model.title)

    def part_sheet_names(self, part: PartSpec) -> tuple[str, str]:
        """(in a one-form workbook, in the all-forms workbook) names of a list part's sheet.

        The all-forms workbook prefixes the form title because parts of different forms share
        names (家庭成员, 经费预算).
        """
        return sheet_title(part.label), sheet_title(f"{self.model.title}·{part.label}")


@functools.cache  # a model's fields never change; every row of a batch asks for its spec
def form_spec(model: type[FormModel]) -> FormSpec:
    columns, parts = _specs(model)
    return FormSpec(model=model, columns=tuple(columns), parts=tuple(parts))


def sheet_title(text: str) -> str:
    """A valid worksheet name: ≤ 31 characters, none of []:*?/\\ ."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in text)
    return cleaned[:31]
