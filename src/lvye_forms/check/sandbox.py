"""The sandbox profile expressions run in: what they may name, call and build, and how big.

Profiles come from agencies, so an expression is untrusted input. Jinja's sandbox already stops
access to Python internals; this one also keeps an expression from eating the machine:

- names: only the profile variables (`PROFILE_NAMES`) and `range`; jinja's other globals
  (`lipsum`, `cycler`, `joiner`, `namespace`, `dict`) are gone, and an unknown name is an error
  when the profile is loaded, not when some archive first reaches it;
- size: `*`, `**`, `+`, `%` and `~` refuse results over `MAX_ITEMS` characters or items,
  integers over `MAX_INT_BITS` bits and exponents over `MAX_EXPONENT`; printf formats refuse
  widths over `MAX_FORMAT_WIDTH`; `range` has at most `MAX_RANGE` items;
- work: every operator, filter and call is charged against `MAX_WORK` units per evaluation;
- filters and methods: only those that cannot build something huge (no `center`, `replace`,
  `format`, `str.format`, `str.join`, `int.to_bytes`, pydantic's own methods, …).

Going past a bound raises `SandboxLimit`; a construct that is not allowed raises
`ExpressionError`. Callers (the profile loader and the engine) turn both into a `ProfileError`
that names the profile file and line.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import PurePath
from types import FunctionType
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateRuntimeError, UndefinedError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import FILTERS, make_attrgetter
from jinja2.parser import Parser
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing, pass_environment
from pydantic import BaseModel

MAX_ITEMS = 1_000_000  # characters of a string, items of a list an operator may build
MAX_INT_BITS = 33_000  # about 10,000 decimal digits
MAX_EXPONENT = 1_000
MAX_FORMAT_WIDTH = 1_000  # width or precision in a '%5d'-style format
MAX_RANGE = 100_000
MAX_WORK = 1_000_000  # units (items built or visited) one evaluation may spend
MAX_EXPRESSION_CHARS = 2_000

# Every name a profile expression may use (see `engine.CheckContext.variables`).
PROFILE_NAMES = frozenset(
    {
        "as_of",
        "subject",
        "start",
        "closed",
        "is_open",
        "has",
        "count",
        "docs",
        "first",
        "last",
        "first_date",
        "last_date",
        "fact",
        "linked",
        "days",
        "add_months",
        "months_between",
        "years_between",
        "half_years_between",
        "quarters_between",
        "years_after",
        "absent_runs",
        "worker_years",
        "month_of",
        "service_type",
        "contract_date",
        "reporting_start",
        "item",
        "doc",
        "range",
    }
)

_ALLOWED_FILTERS = (
    "abs",
    "attr",
    "count",
    "d",
    "default",
    "first",
    "float",
    "int",
    "last",
    "length",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "reject",
    "rejectattr",
    "reverse",
    "round",
    "select",
    "selectattr",
    "sort",
    "string",
    "trim",
    "unique",
    "upper",
    "items",
)
# Methods that build a result much larger than their inputs, or read files.
_UNSAFE_TEXT_METHODS = frozenset(
    {
        "format",
        "format_map",
        "center",
        "ljust",
        "rjust",
        "zfill",
        "expandtabs",
        "replace",
        "join",
        "translate",
        "to_bytes",
    }
)


class ExpressionError(Exception):
    """An expression the sandbox will not run; `reason` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SandboxLimit(ExpressionError):
    """An expression went past one of the sandbox's bounds on size or work."""


class MissingFact(UndefinedError):
    """An attribute or item that is not there (``fact(...).value`` when the fact is None).

    Unlike an unknown name, this is the data's gap, not the profile's mistake: the engine
    treats it like any other missing fact.
    """


class _Undefined(StrictUndefined):
    """StrictUndefined that tells a missing attribute or item from an unknown name."""

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: type[TemplateRuntimeError] = UndefinedError,
    ) -> None:
        if exc is UndefinedError and obj is not missing:
            exc = MissingFact
        super().__init__(hint, obj, name, exc)


# --- bounds --------------------------------------------------------------------------------


class _Budget(threading.local):
    used = 0


_budget = _Budget()


def _charge(units: int) -> None:
    _budget.used += max(units, 1)
    if _budget.used > MAX_WORK:
        raise SandboxLimit(f"表达式的计算量超过上限（{MAX_WORK:,} 步）")


def weight(value: Any, cap: int = MAX_ITEMS) -> int:
    """Roughly how many items `value` holds (characters, elements, nested ones); stops past `cap`."""
    total, stack = 0, [value]
    while stack and total <= cap:
        item = stack.pop()
        if isinstance(item, (str, bytes, bytearray)):
            total += max(len(item), 1)
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 1
            stack.extend(item)
        elif isinstance(item, dict):
            total += 1
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, range):
            total += max(len(item), 1)
        else:
            total += 1
    return total


def _too_big(what: str) -> SandboxLimit:
    return SandboxLimit(f"{what}超过上限（{MAX_ITEMS:,} 个字符或项目）")


def _is_int(value: Any) -> bool:
    return isinstance(value, int)


def _check_int(value: Any) -> Any:
    if _is_int(value) and value.bit_length() > MAX_INT_BITS:
        raise SandboxLimit(f"整数过大（超过 {MAX_INT_BITS:,} 位二进制）")
    return value


def _power(base: Any, exponent: Any) -> Any:
    numbers = (int, float, Decimal)
    if isinstance(base, numbers) and isinstance(exponent, numbers):
        size: Any = abs(exponent)
        if size > MAX_EXPONENT and base not in (0, 1, -1):
            raise SandboxLimit(f"乘方的指数过大（最多 {MAX_EXPONENT}）")
        if _is_int(base) and _is_int(exponent) and int(base).bit_length() * size > MAX_INT_BITS:
            raise SandboxLimit(f"乘方的结果过大（超过 {MAX_INT_BITS:,} 位二进制）")
    return base**exponent


_SEQUENCES = (str, bytes, list, tuple)


def _multiply(left: Any, right: Any) -> Any:
    if _is_int(left) and _is_int(right):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise SandboxLimit(f"乘积过大（超过 {MAX_INT_BITS:,} 位二进制）")
    elif (isinstance(left, _SEQUENCES) and _is_int(right)) or (
        isinstance(right, _SEQUENCES) and _is_int(left)
    ):
        sequence, times = (left, right) if isinstance(left, _SEQUENCES) else (right, left)
        if times > 0 and weight(sequence) * times > MAX_ITEMS:
            raise _too_big("重复得到的文字或列表")
    return left * right


def _add(left: Any, right: Any) -> Any:
    sequences = isinstance(left, _SEQUENCES) or isinstance(right, _SEQUENCES)
    if sequences and weight(left) + weight(right) > MAX_ITEMS:
        raise _too_big("相加得到的文字或列表")
    return _check_int(left + right)


def _format_widths(text: str) -> None:
    """Refuse printf formats whose width or precision would build a huge string."""
    i, n = 0, len(text)
    while True:
        i = text.find("%", i)
        if i < 0 or i + 1 >= n:
            return
        i += 1
        if text[i] == "(":  # %(name)s: the key may hold balanced parentheses
            depth, i = 1, i + 1
            while i < n and depth:
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                i += 1
        while i < n and text[i] in "-+ #0":
            i += 1
        for part in ("width", "precision"):
            if part == "precision":
                if i < n and text[i] == ".":
                    i += 1
                else:
                    break
            if i < n and text[i] == "*":
                raise SandboxLimit("格式中不能用 * 指定宽度或精度")
            start = i
            while i < n and "0" <= text[i] <= "9":
                i += 1
            if i - start > 6 or (i > start and int(text[start:i]) > MAX_FORMAT_WIDTH):
                raise SandboxLimit(f"格式的宽度或精度过大（最多 {MAX_FORMAT_WIDTH}）")
        i += 1  # the conversion character (or %%)


def _percent(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        _format_widths(left)
        result = left % right
        if len(result) > MAX_ITEMS:
            raise _too_big("格式化得到的文字")
        return result
    return left % right


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "**": _power,
    "*": _multiply,
    "+": _add,
    "%": _percent,
}


# --- filters -------------------------------------------------------------------------------


def _counted(values: Iterable[Any]) -> Iterator[Any]:
    for value in values:
        _charge(1)
        yield value


def _charged_result(result: Any) -> Any:
    if isinstance(result, (str, bytes, list, tuple, dict, set)):
        _charge(len(result))
        if len(result) > MAX_ITEMS:
            raise _too_big("结果")
        return result
    if isinstance(result, Iterator):
        return _counted(result)
    _charge(1)
    return result


def _charged(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # keeps jinja's pass_context / pass_environment marks
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _charge(1)
        return _charged_result(func(*args, **kwargs))

    return wrapper


@pass_environment
def _join(environment: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items: Iterable[Any] = _counted(value)
    if attribute is not None:
        items = map(make_attrgetter(environment, attribute), items)
    parts = [str(item) for item in items]
    separator = str(d)
    if sum(map(len, parts)) + len(separator) * max(len(parts) - 1, 0) > MAX_ITEMS:
        raise _too_big("join 得到的文字")
    return separator.join(parts)


@pass_environment
def _sum(environment: Any, iterable: Iterable[Any], attribute: Any = None, start: Any = 0) -> Any:
    items: Iterable[Any] = _counted(iterable)
    if attribute is not None:
        items = map(make_attrgetter(environment, attribute), items)
    total = start
    for item in items:
        if not isinstance(item, (int, float, Decimal, dt.timedelta)):
            raise TypeError("sum 只能加数字")
        total = _check_int(total + item)
    return total


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    if args and kwargs:
        raise TypeError("format 不能同时用位置参数和关键字参数")
    return str(_percent(str(value), kwargs or args))


def _range(*args: Any) -> range:
    for arg in args:
        _check_int(arg)
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise SandboxLimit(f"range 最多 {MAX_RANGE:,} 项")
    _charge(len(result))
    return result


# --- the environment -----------------------------------------------------------------------


class _CodeGenerator(CodeGenerator):
    """Compiles `a ~ b` to a checked join, so concatenation is bounded like `+`."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Context(Context):
    """Names from the evaluation's own values, then the shared variables, then `range`.

    `evaluate` hands the subject's variables to the context as they are (jinja would copy
    them, with the globals, into a new dict for every evaluation); the few values of one
    evaluation (`doc`, `item`) are the context's own."""

    def resolve_or_missing(self, key: str) -> Any:
        if key in self.vars:
            return self.vars[key]
        if key in self.parent:
            return self.parent[key]
        return self.environment.globals.get(key, missing)


class ProfileSandbox(ImmutableSandboxedEnvironment):
    """The environment every profile expression is compiled and run in."""

    code_generator_class = _CodeGenerator
    context_class = _Context
    intercepted_binops = frozenset(_BINOPS)

    def __init__(self) -> None:
        super().__init__(undefined=_Undefined, optimized=False, autoescape=False)
        self.globals.clear()
        self.globals["range"] = _range
        self.filters = {name: _charged(FILTERS[name]) for name in _ALLOWED_FILTERS}
        self.filters.update(join=_charged(_join), sum=_charged(_sum), format=_charged(_format))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        result = _BINOPS[operator](left, right)
        _charge(weight(result, MAX_WORK) if isinstance(result, _SEQUENCES) else 1)
        return result

    def checked_concat(self, values: tuple[Any, ...]) -> str:
        parts = [str(value) for value in values]
        if sum(map(len, parts)) > MAX_ITEMS:
            raise _too_big("用 ~ 连接得到的文字")
        _charge(sum(map(len, parts)))
        return "".join(parts)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, (str, bytes, int)) and attr in _UNSAFE_TEXT_METHODS:
            return False
        if isinstance(obj, PurePath):
            return False  # no file-system access, should a path ever be reachable
        if isinstance(obj, BaseModel) or (isinstance(obj, type) and issubclass(obj, BaseModel)):
            # Fields and computed values only: not pydantic's own methods (parse_file, copy, …).
            return not attr.startswith("model_") and not callable(value)
        return True

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        return None  # str.format is refused outright (see is_safe_attribute)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _charge(1)
        if type(__obj) is FunctionType and not __obj.__dict__:
            # A plain function (the profile helpers): nothing for jinja to pass it and no mark
            # (unsafe_callable, alters_data) to refuse it by, so call it as jinja would.
            try:
                result = __obj(*args, **kwargs)
            except StopIteration:
                result = __self.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        else:
            result = super().call(__context, __obj, *args, **kwargs)
        _charge(weight(result, MAX_WORK) if isinstance(result, (list, tuple, dict)) else 1)
        return result


ENV = ProfileSandbox()


def _check_nodes(expression: nodes.Expr) -> None:
    for node in (expression, *expression.find_all(nodes.Node)):
        if isinstance(node, nodes.Name) and node.name not in PROFILE_NAMES:
            raise ExpressionError(
                f"用了未定义的名称“{node.name}”（可用：{'、'.join(sorted(PROFILE_NAMES))}）"
            )
        attribute = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            attribute = node.arg.value
        if isinstance(attribute, str) and attribute.startswith("_"):
            raise ExpressionError(f"不能访问以下划线开头的属性“{attribute}”")
        if isinstance(node, nodes.Filter) and node.name not in ENV.filters:
            raise ExpressionError(
                f"不能使用过滤器“{node.name}”（可用：{'、'.join(sorted(ENV.filters))}）"
            )
        if isinstance(node, nodes.Test) and node.name not in ENV.tests:
            raise ExpressionError(f"没有名为“{node.name}”的测试")


_NO_BLOCKS: dict[str, Any] = {}  # an expression has no blocks


class CompiledExpression:
    """A profile expression compiled once (per process: `compile_expression` caches it),
    run by `evaluate` for every subject, item and document."""

    __slots__ = ("_template",)

    def __init__(self, template: Template) -> None:
        self._template = template

    def run(self, variables: dict[str, Any], extra: dict[str, Any] | None = None) -> Any:
        """The expression's raw value (an Undefined stays one)."""
        # The context jinja's new_context would make, without copying `variables` and the
        # globals into a new dict (`_Context` looks in both).
        context = _Context(ENV, variables, None, _NO_BLOCKS)
        if extra:
            context.vars.update(extra)
        for _ in self._template.root_render_func(context):
            pass
        return context.vars["result"]

    def __call__(self, **variables: Any) -> Any:
        return self.run(variables)


@lru_cache(maxsize=2048)
def compile_expression(text: str) -> CompiledExpression:
    """`text` compiled in the sandbox, after checking its names, attributes and filters.

    Raises jinja2.TemplateSyntaxError for a syntax error and ExpressionError for an expression
    the sandbox refuses (too long, too deeply nested, an unknown name, a private attribute).
    """
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(f"表达式过长（{len(text):,} 个字符，最多 {MAX_EXPRESSION_CHARS:,}）")
    try:
        parser = Parser(ENV, text, state="variable")
        expression = parser.parse_expression()
        if not parser.stream.eos:
            ENV.compile_expression(text)  # raises jinja's own "chunk after expression"
        _check_nodes(expression)
        expression.set_environment(ENV)  # as jinja's compile_expression does
        body = [nodes.Assign(nodes.Name("result", "store"), expression, lineno=1)]
        return CompiledExpression(ENV.from_string(nodes.Template(body, lineno=1)))
    except (RecursionError, MemoryError, SyntaxError, OverflowError):
        raise ExpressionError("表达式嵌套过深或过于复杂") from None


def evaluate(
    compiled: CompiledExpression, variables: dict[str, Any], extra: dict[str, Any] | None = None
) -> Any:
    """The value of a compiled expression with `variables` (not copied: shared by every
    evaluation for one subject) and `extra` (this evaluation's `item`, `doc`); an undefined
    result raises its error here.

    Raises what the expression raises (TypeError for a missing fact, jinja2's UndefinedError
    and SecurityError, SandboxLimit, OverflowError, …); the engine sorts them out.
    """
    _budget.used = 0
    result = compiled.run(variables, extra)
    if isinstance(result, Undefined):
        str(result)  # a StrictUndefined raises UndefinedError or SecurityError
    if isinstance(result, Iterator):
        # `docs(...)|select(...)` gives a generator: run it here, within the budget, so the
        # caller gets a list (and an empty one is false, as a person reading the rule expects).
        result = list(result)
    return result
