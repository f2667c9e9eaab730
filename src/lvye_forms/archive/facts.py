"""Facts a document gives, and facts it cannot give.

A scan carries only the facts its name or its register row gives; its other facts are
*unknown*, not empty. An `Unknown` stands for such a fact: any use of it raises `UnknownFact`
(form, field, file), except its truth value while one is assumed (`assuming`), so the checker
can say 无法核实 instead of passing or failing a rule on a guess. `PartialPart` is a row of a
list part of which only some fields are known; `scan_facts` builds the known facts of a scan.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..model import FormModel, FormPart
from ..paths import display_text
from ..registry import UnknownForm, get_form

# Traditional characters of the Guangzhou forms' labels, so a register column 节次 or 结案原因
# also names 節次 or 結案原因.
_HANT_TO_HANS = str.maketrans(
    "節數結記錄計畫評與實際類組編號稱單階標務會決個談問題簽員後期覽預協議達點獲屬",
    "节数结记录计画评与实际类组编号称单阶标务会决个谈问题签员后期览预协议达点获属",
)
SESSION_LABELS = ("节次", "節次")


def _plain_label(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_HANT_TO_HANS)


def _part_model(annotation: Any) -> type[FormPart] | None:
    """The part model of a ``list[SomePart]`` field (or None)."""
    for candidate in (annotation, *typing.get_args(annotation)):
        for inner in (candidate, *typing.get_args(candidate)):
            if isinstance(inner, type) and issubclass(inner, FormPart):
                return inner
    return None


def field_label(model: type[FormModel], name: str, part: str | None = None) -> str:
    """The Chinese label of a field (``具体活动计划·日期`` for a field of a list part)."""
    if name == "date":  # the document's date: its form's date field
        date_info = model.model_fields.get(model.date_field or "")
        return (date_info.title if date_info is not None else None) or "日期"
    info = model.model_fields.get(name)
    label = (info.title if info is not None and info.title else None) or name
    part_model = _part_model(info.annotation) if info is not None else None
    if part and part_model is not None:
        part_info = part_model.model_fields.get(part)
        label += "·" + ((part_info.title if part_info is not None else None) or part)
    return label


def session_target(model: type[FormModel]) -> tuple[str, str | None] | None:
    """Where a form keeps its session number (节次): ``(field, None)`` for a field of its own
    (《小组集会记录表》), ``(list field, part field)`` for a list of sessions (《小组点名表》,
    《小组计划书》), or None for a form without sessions."""
    for name, info in model.model_fields.items():
        if info.title in SESSION_LABELS and _part_model(info.annotation) is None:
            return name, None
    for name, info in model.model_fields.items():
        part_model = _part_model(info.annotation)
        if part_model is None:
            continue
        for part_name, part_info in part_model.model_fields.items():
            if part_info.title in SESSION_LABELS:
                return name, part_name
    return None


class UnknownFact(Exception):
    """A rule needs a fact of a document that the archive does not give (a scan without it).

    Not a TypeError, AttributeError, LookupError or ValueError: it passes through the sandbox
    and the template engine untouched, up to the checker, which reports 无法核实 with
    `message()`.
    """

    def __init__(
        self,
        form_id: str,
        field: str,
        path: Path | None,
        part: str | None = None,
        key: tuple[str, str, str, str | None] | None = None,
    ) -> None:
        super().__init__(form_id, field, str(path), part)
        self.form_id = form_id
        self.field = field
        self.path = path
        self.part = part
        self._key = key

    @property
    def key(self) -> tuple[str, str, str, str | None]:
        """Which unknown value raised this: the same for every use of one fact of one
        document (or of one value computed from it, see `Unknown`)."""
        return self._key or (self.form_id, self.field, str(self.path), self.part)

    @property
    def label(self) -> str:
        return field_label(get_form(self.form_id), self.field, self.part)

    def message(self) -> str:
        """What is not known, of which document, and how to make it known (in Chinese)."""
        model = get_form(self.form_id)
        label = self.label
        if self.path is None:  # no document of the form tells it (a case without its consent)
            return (
                f"不知道《{model.title}》的「{label}」（档案中没有写明{label}的该对象《{model.title}》）。"
                f"请放入填写了{label}的 lvye-forms 生成的《{model.title}》，或放入其扫描件并在"
                f"文件登记表中为它加一列「{label}」填写"
            )
        name = display_text(self.path.name)
        if self.field == "date" or (self.field == model.date_field and self.part is None):
            return (
                f"不知道《{model.title}》的「{label}」（{name} 的文件名和登记表中都没有日期）。"
                "请在文件名中加上日期（如 …_20240304.pdf），或在文件登记表的「日期」列填写"
            )
        info = model.model_fields.get(self.field)
        listed = info is not None and _part_model(info.annotation) is not None
        how = f"请放入 lvye-forms 生成的《{model.title}》"
        target = session_target(model)
        if not listed:
            how = f"请在文件登记表中为该文件加一列「{label}」填写，或放入 lvye-forms 生成的《{model.title}》"
        elif target is not None and target[0] == self.field and self.part in (None, target[1]):
            how += "，或在文件登记表的「节次」列填写（如 1-4）"
        return f"不知道《{model.title}》的「{label}」（{name} 是扫描件或登记的文件，没有这项数据）。{how}"


class NoSuchField(Exception):
    """A rule asked a document for a field its form does not have: the profile's mistake."""

    def __init__(self, form_id: str, name: str) -> None:
        super().__init__(form_id, name)
        self.form_id = form_id
        self.name = name

    def message(self) -> str:
        try:
            model = get_form(self.form_id)
        except UnknownForm:
            return f"没有编号为“{display_text(self.form_id)[:60]}”的表单"
        return (
            f"《{model.title}》（{model.form_id}）没有名为“{display_text(self.name)[:60]}”的字段"
            f"（字段名见 docs/forms/{model.form_id}.md；文档另有 date、form、path、subject）"
        )


class _Assumptions(threading.local):
    truth: dict[tuple[str, str, str, str | None], bool] = {}


_assumptions = _Assumptions()


@contextmanager
def assuming(truth: dict[tuple[str, str, str, str | None], bool]) -> Iterator[None]:
    """Within the block, the unknown facts named by `truth` (`UnknownFact.key`) have the
    given truth value — and only that: comparing them, or reading them, still raises.

    The checker tries both truth values of an unknown fact a condition tests (``a or b``,
    ``selectattr('volunteers')``): when every case gives the same answer, the fact does not
    matter and the answer is known.
    """
    previous = _assumptions.truth
    _assumptions.truth = {**previous, **truth}
    try:
        yield
    finally:
        _assumptions.truth = previous


def assuming_any() -> bool:
    """Whether some unknown fact has an assumed truth value here (see `assuming`): what is
    computed then may hold only under that assumption."""
    return bool(_assumptions.truth)


class Unknown:
    """A fact the archive does not give. Any use of it — truth value, comparison, arithmetic,
    an attribute, iteration, text, a test such as ``is none`` (see `engine`) — raises
    `UnknownFact`, except its truth value while one is assumed (`assuming`)."""

    __slots__ = ("fact", "key", "negated")

    def __init__(
        self, fact: UnknownFact, key: tuple[str, str, str, str | None] | None = None,
        negated: bool = False,
    ) -> None:
        self.fact = fact
        # What an assumed truth value is looked up by: the fact's own, or for a value computed
        # from it (a subject being closed), a key of that value, `negated` for its opposite.
        self.key = key or fact.key
        self.negated = negated

    def error(self) -> UnknownFact:
        fact = self.fact
        return UnknownFact(fact.form_id, fact.field, fact.path, fact.part, self.key)

    def _raise(self, *args: Any, **kwargs: Any) -> Any:
        raise self.error()

    def __bool__(self) -> bool:
        truth = _assumptions.truth.get(self.key)
        if truth is None:
            raise self.error()
        return truth != self.negated

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise self.error()

    def __repr__(self) -> str:
        where = self.fact.path.name if self.fact.path is not None else "no document"
        return f"<unknown {self.fact.form_id}.{self.fact.field} of {where}>"

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __hash__ = _raise
    __len__ = __iter__ = __contains__ = __getitem__ = __call__ = _raise
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _raise
    __truediv__ = __rtruediv__ = __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = _raise
    __pow__ = __rpow__ = __neg__ = __pos__ = __abs__ = _raise
    __int__ = __float__ = __index__ = __round__ = __str__ = __format__ = _raise


class PartialPart:
    """A row of a list part of which only some fields are known (a session whose number a
    scan's name gives, but not its date)."""

    def __init__(
        self, form_id: str, list_field: str, model: type[FormPart], values: dict[str, Any], path: Path
    ) -> None:
        self._form_id = form_id
        self._list_field = list_field
        self._model = model
        self._values = values
        self._path = path

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._values:
            return self._values[name]
        if name in self._model.model_fields:
            return Unknown(UnknownFact(self._form_id, self._list_field, self._path, name))
        raise NoSuchField(self._form_id, f"{self._list_field}.{name}")

    def __repr__(self) -> str:
        return f"<part {self._list_field} {self._values}>"


def scan_facts(
    model: type[FormModel],
    subject: str,
    date: dt.date | None,
    sessions: list[int] | None,
    path: Path,
) -> dict[str, Any]:
    """What a scan's name (or register row) says of its form's fields: whose it is, its date,
    its session numbers."""
    facts: dict[str, Any] = {(model.subject_field or model.key_field): subject}
    if date is not None and model.date_field:
        facts[model.date_field] = date
    target = session_target(model)
    if sessions and target is not None:
        name, part = target
        if part is None:
            facts[name] = sessions[0]
        else:
            info = model.model_fields[name]
            part_model = _part_model(info.annotation)
            assert part_model is not None
            facts[name] = [
                PartialPart(model.form_id, name, part_model, {part: number}, path)
                for number in sessions
            ]
    return facts
