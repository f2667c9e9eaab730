"""Every form and field a profile's expressions name, checked against the forms themselves.

A misspelled field in a rule does not fail when the rule runs: `doc.sesion_no` is simply
empty, so a requirement silently drops out or a good document is marked invalid. When a
profile loads, each compiled expression's syntax tree is walked and, where it can be told,
the kind of value each part gives is inferred:

- `doc` in `valid` and `match`: a document of the requirement's forms;
- `first('a', 'b')`, `last(...)`: a document of those forms; `docs(...)`: a list of them;
- `fact('form', 'field')`: the field's value (a list of rows for a list part, a choice, a date…);
- `months_between(...)`, `years_between(...)`: lists of the keys those helpers return;
- `item`: an element of what the requirement's `for_each` gives;
- filters keep track: `|first`, `|last`, `[0]`, `|selectattr`, `|sort`, `|map(attribute=…)`, ….

Every attribute read on such a value must exist: a field of at least one of the forms (or one
of a document view's own attributes, `DOC_ATTRIBUTES`), a field of the list part's row model,
a key of the helper's items, an attribute of the field's type (a choice's `value`, a date's
`year`). Every form id named in a helper's arguments must exist and belong to the subject type
whose rules name it (the helpers only see the subject's own documents). Where the kind of a
value cannot be told (a computed index, an unknown filter's result), nothing is guessed and
every read on it is accepted. Names outside the profile variables are refused by the sandbox.

A problem raises `NameProblem` (which key, and why, in Chinese); the profile loader turns it
into a ProfileError naming the file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Union

from jinja2 import nodes
from jinja2.parser import Parser
from pydantic import BaseModel

from ..registry import UnknownForm, all_forms, find_form_by_title, get_form
from . import sandbox
from .subjects import SUBJECT_LABELS

if TYPE_CHECKING:
    from .profile import Requirement

# What a document view has besides the form's fields (see `engine.DocView`).
DOC_ATTRIBUTES: dict[str, type] = {"date": dt.date, "form": str, "path": str, "subject": str}
# Helpers whose arguments are form ids (the subject's own documents of those forms).
FORM_HELPERS = frozenset({"has", "count", "docs", "first", "last", "first_date", "last_date"})
# Where a filter takes an attribute name (a dotted path): its position among the filter's own
# arguments, or None when it is only ever given as `attribute=`.
_ATTRIBUTE_ARGUMENT: dict[str, int | None] = {
    "selectattr": 0,
    "rejectattr": 0,
    "groupby": 0,
    "sort": 2,
    "unique": 1,
    "min": 1,
    "max": 1,
    "sum": 0,
    "join": 1,
    "map": None,
}
_SAME_LIST = frozenset(
    {"list", "sort", "unique", "reverse", "select", "reject", "selectattr", "rejectattr"}
)
_ELEMENT = frozenset({"first", "last", "min", "max"})
_DICT_METHODS = frozenset(n for n in dir(dict) if not n.startswith("_"))
_LIST_METHODS = frozenset(n for n in dir(list) if not n.startswith("_"))


class NameProblem(Exception):
    """A name in a profile expression that does not exist; `key` is the profile key."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(reason)
        self.key = key
        self.reason = reason


# --- the kinds of values an expression gives -----------------------------------------------


class _Unknown:
    """A value whose kind cannot be told: every read on it is accepted."""

    def __repr__(self) -> str:
        return "UNKNOWN"


class _Nothing:
    """None (or an empty literal): joins to whatever it is combined with."""

    def __repr__(self) -> str:
        return "NOTHING"


UNKNOWN = _Unknown()
NOTHING = _Nothing()


@dataclass(frozen=True)
class _Doc:
    """A document view of one of `forms`."""

    forms: tuple[str, ...]


@dataclass(frozen=True)
class _Row:
    """A row of a list part (or a nested model): one of `models`; `where` names it."""

    models: tuple[type[BaseModel], ...]
    where: str


@dataclass(frozen=True)
class _Keys:
    """A mapping a helper returns (an item of months_between), with these keys."""

    keys: tuple[str, ...]
    where: str


@dataclass(frozen=True)
class _Value:
    """A plain value of one of these types (text, a date, a choice…)."""

    classes: tuple[type, ...]
    where: str
    choices: tuple[str, ...] = ()  # for a choice (or its `.value`): the values it can take


@dataclass(frozen=True)
class _List:
    item: Kind


Kind = _Unknown | _Nothing | _Doc | _Row | _Keys | _Value | _List


def _unique(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))


def _join(a: Kind, b: Kind) -> Kind:
    """What a value is when it may be either `a` or `b` (`x or y`, `x if c else y`)."""
    if a is NOTHING:
        return b
    if b is NOTHING or a == b:
        return a
    if isinstance(a, _Doc) and isinstance(b, _Doc):
        return _Doc(_unique((*a.forms, *b.forms)))
    if isinstance(a, _Row) and isinstance(b, _Row):
        where = a.where if a.where == b.where else f"{a.where}或{b.where}"
        return _Row(_unique((*a.models, *b.models)), where)
    if isinstance(a, _Keys) and isinstance(b, _Keys):
        return _Keys(_unique((*a.keys, *b.keys)), a.where)
    if isinstance(a, _Value) and isinstance(b, _Value):
        choices = _unique((*a.choices, *b.choices)) if a.choices and b.choices else ()
        return _Value(_unique((*a.classes, *b.classes)), a.where, choices)
    if isinstance(a, _List) and isinstance(b, _List):
        return _List(_join(a.item, b.item))
    return UNKNOWN


def _element(kind: Kind) -> Kind:
    return kind.item if isinstance(kind, _List) else UNKNOWN


_SCALARS = (str, int, float, Decimal, dt.date, dt.time, dt.timedelta, bool, enum.Enum)


def _kind_of_annotation(annotation: Any, where: str) -> Kind:
    """What a field typed `annotation` holds."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kind_of_annotation(typing.get_args(annotation)[0], where)
    if origin in (Union, types.UnionType):
        kinds = [
            _kind_of_annotation(arg, where)
            for arg in typing.get_args(annotation)
            if arg is not type(None)
        ]
        result: Kind = NOTHING
        for kind in kinds:
            if kind is UNKNOWN:
                return UNKNOWN
            result = _join(result, kind)
        return UNKNOWN if result is NOTHING else result
    if origin in (list, tuple, set, frozenset, Sequence):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return _List(_kind_of_annotation(args[0], where) if len(args) == 1 else UNKNOWN)
    if origin is None and isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _Row((annotation,), where)
        if issubclass(annotation, enum.Enum):
            return _Value((annotation,), where, tuple(str(m.value) for m in annotation))
        if issubclass(annotation, _SCALARS):
            return _Value((annotation,), where)
    return UNKNOWN


def _field_titles(model: type[BaseModel]) -> dict[str, str]:
    return {name: info.title or "" for name, info in model.model_fields.items()}


def _form_title(form_id: str) -> str:
    return f"《{get_form(form_id).title}》"


def _forms_text(forms: Sequence[str]) -> str:
    return "、".join(_form_title(f) for f in forms)


def _model_attributes(model: type[BaseModel]) -> set[str]:
    """A row's fields and its public read-only properties (not pydantic's own methods)."""
    names = set(model.model_fields)
    for klass in model.__mro__:
        if klass in (BaseModel, object):
            break
        names.update(
            n for n, v in vars(klass).items() if isinstance(v, property) and not n.startswith("_")
        )
    return names


def _closest(name: str, candidates: dict[str, str]) -> str:
    """`（相近的：a（标题）、b）` for the candidates closest to `name`, or ''."""
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    lowered = name.lower()
    close += [c for c in candidates if c.lower() == lowered and c not in close]
    by_title = [c for c, title in candidates.items() if title and title == name and c not in close]
    close = by_title + close
    if not close:
        return ""
    shown = "、".join(f"{c}（{candidates[c]}）" if candidates[c] else c for c in close[:3])
    return f"，相近的：{shown}"


def _sample(klass: type) -> Any:
    """What a getattr on a value of `klass` sees: an enum's members, or the class."""
    if isinstance(klass, type) and issubclass(klass, enum.Enum):
        members = list(klass)
        return members[0] if members else klass
    return klass


def _has_attribute(value: Any, name: str) -> bool:
    try:
        return hasattr(value, name)
    except Exception:  # a property that fails on the sample: it is there
        return True


def _type_name(klass: type) -> str:
    if issubclass(klass, enum.Enum):
        return "选项"
    if issubclass(klass, bool):
        return "是否"
    if issubclass(klass, str):
        return "文字"
    if issubclass(klass, dt.date):
        return "日期"
    if issubclass(klass, dt.timedelta):
        return "天数"
    if issubclass(klass, (int, float, Decimal)):
        return "数字"
    return klass.__name__


@cache
@cache
def _helper_keys() -> dict[str, tuple[str, ...]]:
    """The keys of the items months_between and years_between return (read from the engine)."""
    from . import engine  # the engine imports the profile loader: import it only when used
    from .periods import half_years_between, quarters_between, years_after

    start, end = dt.date(2000, 1, 1), dt.date(2001, 2, 1)
    return {
        "months_between": tuple(engine.months_between(start, end)[0]),
        "years_between": tuple(engine.years_between(start, end)[0]),
        "half_years_between": tuple(half_years_between(start, end)[0]),
        "quarters_between": tuple(quarters_between(start, end)[0]),
        "years_after": tuple(years_after(start, end)[0]),
        "absent_runs": ("name", "sessions", "label"),
    }


# --- walking an expression -----------------------------------------------------------------


def _shown(node: nodes.Node, limit: int = 80) -> str:
    """A short rendering of `node` for messages, like the expression's own text."""
    text = _render(node, 0)
    return text if len(text) <= limit else text[:limit] + "…"


_OPERATORS = {
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "lteq": "<=",
    "gt": ">",
    "gteq": ">=",
    "in": "in",
    "notin": "not in",
}


def _operand(node: nodes.Node, depth: int) -> str:
    """`node` rendered before `.x` or `[…]`: a filter or comparison in parentheses."""
    text = _render(node, depth + 1)
    return f"({text})" if isinstance(node, (nodes.Filter, nodes.Compare)) else text


def _render(node: nodes.Node | None, depth: int) -> str:
    if node is None or depth > 20:
        return "…"
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Const):
        return repr(node.value)
    if isinstance(node, nodes.Getattr):
        return f"{_operand(node.node, depth)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_operand(node.node, depth)}[{_render(node.arg, depth + 1)}]"
    if isinstance(node, nodes.Compare):
        parts = [_render(node.expr, depth + 1)]
        for operand in node.ops:
            parts += [_OPERATORS.get(operand.op, operand.op), _render(operand.expr, depth + 1)]
        return " ".join(parts)
    if isinstance(node, (nodes.Call, nodes.Filter)):
        arguments = [_render(a, depth + 1) for a in node.args]
        arguments += [f"{k.key}={_render(k.value, depth + 1)}" for k in node.kwargs]
        inner = ", ".join(arguments)
        if isinstance(node, nodes.Call):
            return f"{_render(node.node, depth + 1)}({inner})"
        call = f"({inner})" if arguments else ""
        return f"{_render(node.node, depth + 1)}|{node.name}{call}"
    return "…"


@dataclass(frozen=True)
class _Scope:
    """What the names of one expression mean."""

    key: str  # the profile key the expression is under (when, valid, …)
    subject_type: str
    forms: tuple[str, ...]  # the requirement's forms (what `doc` is)
    doc: bool  # whether `doc` is defined here
    item: Kind | None  # what `item` is; None: not defined here
    closed: bool = True  # whether `closed` / `is_open` are defined here


class _Checker:
    def __init__(self, scope: _Scope) -> None:
        self.scope = scope

    def fail(self, node: nodes.Node, reason: str) -> NameProblem:
        return NameProblem(self.scope.key, f"{_shown(node)}：{reason}")

    def kind(self, node: nodes.Node | None) -> Kind:
        if node is None:
            return NOTHING
        visit = getattr(self, f"visit_{type(node).__name__}", None)
        if visit is not None:
            result: Kind = visit(node)
            return result
        for child in node.iter_child_nodes():
            self.kind(child)
        return UNKNOWN

    def visit_children(self, node: nodes.Node) -> None:
        for child in node.iter_child_nodes():
            self.kind(child)

    # names and literals

    def visit_Name(self, node: nodes.Name) -> Kind:
        scope = self.scope
        if node.name == "doc":
            if not scope.doc:
                raise self.fail(node, "doc 是找到的文档，只能用在 valid 和 match 中")
            return _Doc(scope.forms)
        if node.name == "item":
            if scope.item is None:
                if scope.key == "for_each":
                    why = "不能用在 for_each 本身中"
                elif scope.key == "closed_when":
                    why = "只能用在写了 for_each 的要求中"
                else:
                    why = "这条要求没有写 for_each"
                raise self.fail(node, f"item 是 for_each 的当前项，{why}")
            return scope.item
        if node.name in ("closed", "is_open") and not scope.closed:
            raise self.fail(node, f"{node.name} 由 closed_when 算出，不能用在 closed_when 中")
        return UNKNOWN

    def visit_Const(self, node: nodes.Const) -> Kind:
        if node.value is None:
            return NOTHING
        if isinstance(node.value, (str, int, float)):
            return _Value((type(node.value),), "常量")
        return UNKNOWN

    def visit_List(self, node: nodes.List) -> Kind:
        item: Kind = NOTHING
        for element in node.items:
            item = _join(item, self.kind(element))
        return _List(item)

    visit_Tuple = visit_List

    # reading attributes and items

    def visit_Getattr(self, node: nodes.Getattr) -> Kind:
        return self.attribute(self.kind(node.node), node.attr, node)

    def visit_Getitem(self, node: nodes.Getitem) -> Kind:
        kind = self.kind(node.node)
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return self.attribute(kind, node.arg.value, node)
        self.kind(node.arg)
        if isinstance(node.arg, nodes.Slice):
            return kind if isinstance(kind, _List) else UNKNOWN
        return _element(kind)

    def attribute(self, kind: Kind, name: str, node: nodes.Node) -> Kind:
        """What `kind.name` gives; raises when `kind` can be told and has no `name`."""
        if isinstance(kind, _Doc):
            return self.doc_attribute(kind, name, node)
        if isinstance(kind, _Row):
            return self.row_attribute(kind, name, node)
        if isinstance(kind, _Keys):
            if name in kind.keys or name in _DICT_METHODS:
                return UNKNOWN
            keys = "、".join(kind.keys)
            raise self.fail(node, f"{kind.where}只有 {keys}，没有“{name}”")
        if isinstance(kind, _List):
            if name in _LIST_METHODS:
                return UNKNOWN
            raise self.fail(
                node,
                f"这是一组值（列表），没有“{name}”；要读其中一项的字段，"
                f"先取一项（|first、|last、[0]）或用 |map(attribute='{name}')",
            )
        if isinstance(kind, _Value):
            if name == "value" and kind.choices:
                return _Value((str,), kind.where, kind.choices)
            if any(_has_attribute(_sample(c), name) for c in kind.classes):
                return UNKNOWN
            names: dict[str, str] = {}
            for klass in kind.classes:
                names.update((n, "") for n in dir(_sample(klass)) if not n.startswith("_"))
            types_text = "或".join(dict.fromkeys(_type_name(c) for c in kind.classes))
            raise self.fail(
                node, f"{kind.where}是{types_text}，没有属性“{name}”{_closest(name, names)}"
            )
        return UNKNOWN

    def doc_attribute(self, kind: _Doc, name: str, node: nodes.Node) -> Kind:
        if name in DOC_ATTRIBUTES:
            return _Value((DOC_ATTRIBUTES[name],), f"文档的 {name}")
        result: Kind = NOTHING
        found = False
        for form_id in kind.forms:
            model = get_form(form_id)
            if name in model.model_fields:
                found = True
                where = f"{_form_title(form_id)}的“{model.model_fields[name].title or name}”"
                field_kind = _kind_of_annotation(model.model_fields[name].annotation, where)
                result = UNKNOWN if field_kind is UNKNOWN else _join(result, field_kind)
        if found:
            return UNKNOWN if result is NOTHING else result
        candidates = {n: "" for n in DOC_ATTRIBUTES}
        for form_id in kind.forms:
            candidates.update(_field_titles(get_form(form_id)))
        owner = _forms_text(kind.forms) + ("都" if len(kind.forms) > 1 else "")
        hint = _closest(name, candidates) or "（字段见 lvye-forms describe {}）".format(
            " / ".join(kind.forms)
        )
        raise self.fail(node, f"{owner}没有字段“{name}”{hint}")

    def row_attribute(self, kind: _Row, name: str, node: nodes.Node) -> Kind:
        result: Kind = NOTHING
        found = False
        for model in kind.models:
            if name in model.model_fields:
                found = True
                where = f"{kind.where}中的“{model.model_fields[name].title or name}”"
                field_kind = _kind_of_annotation(model.model_fields[name].annotation, where)
                result = UNKNOWN if field_kind is UNKNOWN else _join(result, field_kind)
            elif name in _model_attributes(model):
                found = True
                result = UNKNOWN
        if found:
            return UNKNOWN if result is NOTHING else result
        candidates: dict[str, str] = {}
        for model in kind.models:
            candidates.update(_field_titles(model))
        hint = _closest(name, candidates) or f"（有：{'、'.join(candidates)}）"
        raise self.fail(node, f"{kind.where}的每一项没有字段“{name}”{hint}")

    def path(self, kind: Kind, attribute: Any, node: nodes.Node) -> Kind:
        """What jinja's `attribute='a.b.0'` of a filter reads on an element of `kind`."""
        parts: list[Any] = (
            [int(p) if p.isdigit() else p for p in attribute.split(".")]
            if isinstance(attribute, str)
            else [attribute]
        )
        for part in parts:
            kind = self.attribute(kind, part, node) if isinstance(part, str) else _element(kind)
        return kind

    # calls and filters

    def visit_Call(self, node: nodes.Call) -> Kind:
        callee = node.node
        for argument in node.args:
            self.kind(argument)
        for keyword in node.kwargs:
            self.kind(keyword.value)
        self.kind(node.dyn_args)
        self.kind(node.dyn_kwargs)
        if not isinstance(callee, nodes.Name):
            self.kind(callee)
            return UNKNOWN
        simple = not (node.kwargs or node.dyn_args or node.dyn_kwargs)
        name = callee.name
        if name in FORM_HELPERS:
            forms: list[str] = []
            for argument in node.args:
                if isinstance(argument, nodes.Const):
                    forms.append(self.form(argument.value, node))
                else:
                    simple = False
            document: Kind = _Doc(_unique(forms)) if simple and forms else UNKNOWN
            if name in ("first", "last"):
                return document
            if name == "docs":
                return _List(document)
            if name in ("first_date", "last_date"):
                return _Value((dt.date,), f"{name}(…) 的结果")
            return UNKNOWN
        if name == "fact":
            return self.fact(node, simple)
        if name == "linked":
            return self.linked(node, simple)
        if name in _helper_keys():
            return _List(_Keys(_helper_keys()[name], f"{name}(…) 的每一项"))
        if name == "add_months":
            return _Value((dt.date,), "add_months(…) 的结果")
        if name == "days":
            return _Value((dt.timedelta,), "days(…) 的结果")
        return UNKNOWN

    def form(self, value: Any, node: nodes.Node) -> str:
        """`value` as a form id of this subject type; raises for anything else."""
        if not isinstance(value, str):
            raise self.fail(node, f"{value!r} 不是表单编号（表单编号是文字，如 'case_consent'）")
        try:
            model = get_form(value)
        except UnknownForm:
            by_title = find_form_by_title(value.strip("《》 "))
            if by_title is not None:
                hint = f"，应写表单编号 {by_title.form_id}"
            else:
                ids = {m.form_id: m.title for m in all_forms()}
                hint = _closest(value, ids)
            raise self.fail(node, f"没有编号为“{value}”的表单{hint}") from None
        subject_type = self.scope.subject_type
        if model.subject_type and subject_type not in _subject_types(model):
            own = SUBJECT_LABELS.get(model.subject_type, model.subject_type)
            here = SUBJECT_LABELS.get(subject_type, subject_type)
            raise self.fail(
                node,
                f"《{model.title}》是{own}的文档，{here}的规则中这些函数只看本{here}的文档，永远找不到它",
            )
        return value

    def fact(self, node: nodes.Call, simple: bool) -> Kind:
        if simple and len(node.args) != 2:
            raise self.fail(node, "fact 需要两个参数：表单编号和字段名，如 fact('case_closing', 'closing_reason')")
        if not simple:
            return UNKNOWN
        form_node, name_node = node.args
        if not isinstance(form_node, nodes.Const):
            return UNKNOWN
        form_id = self.form(form_node.value, node)
        if not isinstance(name_node, nodes.Const):
            return UNKNOWN
        name = name_node.value
        if not isinstance(name, str):
            raise self.fail(node, f"{name!r} 不是字段名（字段名是文字，如 'closing_reason'）")
        return self.doc_attribute(_Doc((form_id,)), name, node)

    def linked(self, node: nodes.Call, simple: bool) -> Kind:
        """linked('termination_notice', 'case_id'): documents of any subject type whose field
        names this subject; the form and the field must exist."""
        if simple and len(node.args) != 2:
            raise self.fail(
                node, "linked 需要两个参数：表单编号和字段名，如 linked('termination_notice', 'case_id')"
            )
        if not simple or not all(isinstance(a, nodes.Const) for a in node.args):
            return UNKNOWN
        form_value, field_value = (a.value for a in node.args)  # type: ignore[attr-defined]
        try:
            model = get_form(str(form_value))
        except UnknownForm:
            raise self.fail(node, f"没有编号为“{form_value}”的表单") from None
        if field_value not in model.model_fields:
            raise self.fail(node, f"《{model.title}》没有字段 {field_value}")
        return _List(_Doc((model.form_id,)))

    def visit_Filter(self, node: nodes.Filter) -> Kind:
        kind = self.kind(node.node)
        arguments = [self.kind(a) for a in node.args]
        keywords: dict[str, nodes.Expr] = {str(k.key): k.value for k in node.kwargs}
        for value in keywords.values():
            self.kind(value)
        self.kind(node.dyn_args)
        self.kind(node.dyn_kwargs)
        name = node.name
        element = _element(kind)
        picked: Kind = UNKNOWN
        if name in _ATTRIBUTE_ARGUMENT:
            position = _ATTRIBUTE_ARGUMENT[name]
            given: nodes.Expr | None = keywords.get("attribute")
            if given is None and position is not None and len(node.args) > position:
                given = node.args[position]
            if isinstance(given, nodes.Const) and given.value is not None:
                paths = (
                    given.value.split(",")
                    if name == "sort" and isinstance(given.value, str)
                    else [given.value]
                )
                for path in paths:
                    picked = self.path(element, path, node)
        if name == "attr" and node.args:
            first = node.args[0]
            if isinstance(first, nodes.Const) and isinstance(first.value, str):
                return self.attribute(kind, first.value, node)
            return UNKNOWN
        if name in _ELEMENT:
            return element
        if name in _SAME_LIST:
            return kind if isinstance(kind, _List) else UNKNOWN
        if name == "map":
            if not isinstance(kind, _List):
                return UNKNOWN
            return _List(picked if "attribute" in keywords else UNKNOWN)
        if name in ("default", "d"):
            return _join(kind, arguments[0] if arguments else _Value((str,), "常量"))
        return UNKNOWN

    # comparing a choice with a text

    def visit_Compare(self, node: nodes.Compare) -> Kind:
        left = node.expr
        left_kind = self.kind(left)
        for operand in node.ops:
            right_kind = self.kind(operand.expr)
            if operand.op in ("eq", "ne"):
                self.choice(left_kind, operand.expr, node)
                self.choice(right_kind, left, node)
            elif operand.op in ("in", "notin"):
                if isinstance(operand.expr, (nodes.List, nodes.Tuple)):
                    for element in operand.expr.items:
                        self.choice(left_kind, element, node)
                self.choice(_element(right_kind), left, node)
            left, left_kind = operand.expr, right_kind
        return _Value((bool,), "比较的结果")

    def choice(self, kind: Kind, other: nodes.Node, node: nodes.Node) -> None:
        """A text compared with a choice must be one of the choice's values."""
        if not (isinstance(kind, _Value) and kind.choices and isinstance(other, nodes.Const)):
            return
        if isinstance(other.value, str) and other.value not in kind.choices:
            options = "、".join(kind.choices)
            closest = difflib.get_close_matches(other.value, kind.choices, n=1, cutoff=0.5)
            hint = f"，相近的：{closest[0]}" if closest else ""
            raise self.fail(
                node, f"“{other.value}”不是{kind.where}的选项{hint}（可选：{options}）"
            )

    # combining values

    def visit_CondExpr(self, node: nodes.CondExpr) -> Kind:
        self.kind(node.test)
        return _join(self.kind(node.expr1), self.kind(node.expr2))

    def visit_Or(self, node: nodes.Or) -> Kind:
        return _join(self.kind(node.left), self.kind(node.right))

    def visit_And(self, node: nodes.And) -> Kind:
        self.kind(node.left)
        return self.kind(node.right)


def _parse(text: str) -> nodes.Expr:
    parser = Parser(sandbox.ENV, text, state="variable")
    return parser.parse_expression()


def _check(text: str | None, scope: _Scope) -> Kind:
    """The kind of value `text` gives; raises NameProblem for a name that does not exist."""
    if not text:
        return UNKNOWN
    try:
        return _Checker(scope).kind(_parse(text))
    except RecursionError:
        return UNKNOWN  # the sandbox bounds nesting; past that, nothing is inferred


def _subject_types(model: Any) -> tuple[str, ...]:
    """The subject types a form's documents can be about (an inquiry: a case or, when it never
    became one, an application)."""
    return tuple(t for t in (model.subject_type, model.other_subject_type) if t)


def check_requirement(subject_type: str, requirement: Requirement) -> None:
    """Every form and field `requirement`'s expressions name exists where it is read.

    Raises NameProblem naming the key (form, when, due, …) and the name.
    """
    if requirement.scope == "subject":
        for form_id in requirement.forms:
            model = get_form(form_id)
            if model.subject_type and subject_type not in _subject_types(model):
                own = SUBJECT_LABELS.get(model.subject_type, model.subject_type)
                here = SUBJECT_LABELS.get(subject_type, subject_type)
                raise NameProblem(
                    "form",
                    f"《{model.title}》是{own}的文档，{here}的要求默认只看本{here}的文档，"
                    "永远找不到它（要在整个档案中找，写 scope: all 和 match）",
                )

    def scope(key: str, doc: bool = False, item: Kind | None = None) -> _Scope:
        return _Scope(key, subject_type, requirement.forms, doc, item)

    item: Kind | None = None
    if requirement.for_each:
        each = _check(requirement.for_each, scope("for_each"))
        if isinstance(each, (_Doc, _Keys, _Value)):
            what = "一份文档" if isinstance(each, _Doc) else "一个值"
            raise NameProblem(
                "for_each", f"for_each 应得到一个列表，这里得到的是{what}（一组文档用 docs(…)）"
            )
        item = _element(each)
    _check(requirement.when, scope("when", item=item))
    _check(requirement.due, scope("due", item=item))
    _check(requirement.item_label, scope("item_label", item=item))
    _check(requirement.match, scope("match", doc=True, item=item))
    _check(requirement.valid, scope("valid", doc=True, item=item))


def check_closed_when(subject_type: str, text: str | None) -> None:
    """Every form and field a subject's `closed_when` names exists (raises NameProblem)."""
    _check(text, _Scope("closed_when", subject_type, (), doc=False, item=None, closed=False))
