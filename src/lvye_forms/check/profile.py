"""Rule profiles: an agency's procedure as data (YAML), loaded and checked before use.

A profile lists, for each subject type (case, group, activity, elder, trainee,
service_point), its steps in order and the documents each step requires. A requirement may
carry a condition (``when``), a deadline (``due``), a check on the document found (``valid``),
and may repeat for every item of a list (``for_each``: every session, every month). Conditions
and deadlines are small expressions evaluated in a sandbox (see `engine`). Any mistake in a
profile is reported with its file and line before anything is checked.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateSyntaxError

from ..i18n import t
from ..paths import display_path, display_text
from ..registry import UnknownForm, get_form
from . import names, sandbox

MAX_PROFILE_BYTES = 1_000_000
MAX_NODES = 100_000  # YAML nodes once aliases are expanded
SUBJECT_TYPES = ("application", "case", "group", "activity", "elder", "trainee", "caregiver", "service_point")
_REQUIREMENT_KEYS = {
    "id",
    "label",
    "form",
    "forms",
    "when",
    "due",
    "valid",
    "invalid",
    "for_each",
    "item_label",
    "match",
    "scope",
    "forbid",
    "note",
    "source",
}
_STEP_KEYS = {"id", "label", "requires"}
_SUBJECT_KEYS = {"label", "closed_when", "steps"}


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and line (always printable)."""

    def __init__(self, message: str) -> None:
        super().__init__(display_text(message))


@dataclass(frozen=True)
class Requirement:
    id: str
    label: str
    forms: tuple[str, ...]
    line: int
    when: str | None = None
    due: str | None = None
    valid: str | None = None
    invalid: str = ""
    for_each: str | None = None
    item_label: str | None = None
    match: str | None = None
    scope: str = "subject"  # "subject": the subject's own documents; "all": the whole archive
    forbid: bool = False  # the document must NOT be there when `when` holds
    note: str = ""
    source: str = ""  # the seed section the rule comes from, e.g. "000 附件1 第一步(二)7"


@dataclass(frozen=True)
class Step:
    id: str
    label: str
    requirements: tuple[Requirement, ...]


@dataclass(frozen=True)
class SubjectRules:
    type: str
    label: str
    steps: tuple[Step, ...]
    closed_when: str | None = None
    line: int = 0  # where the subject type begins in the profile file


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    source: str
    subjects: dict[str, SubjectRules] = field(default_factory=dict)
    # Forms whose generated document waits for a scan of the signed paper (待签署).
    signed_copies: tuple[str, ...] = ()


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers its line and the line of each value."""

    line: int = 0
    lines: dict[str, int]


class _Sequence(list[Any]):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int = 0
    lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping and list, so errors can point at it."""

    def construct_document(self, node: yaml.Node) -> Any:
        _check_expansion(node)
        return super().construct_document(node)


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping((str(k), v) for k, v in loader.construct_mapping(node, deep=True).items())
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            mapping.lines.setdefault(str(key_node.value), value_node.start_mark.line + 1)
    return mapping


def _sequence_with_lines(loader: _LineLoader, node: yaml.SequenceNode) -> _Sequence:
    sequence = _Sequence(loader.construct_sequence(node, deep=True))
    sequence.line = node.start_mark.line + 1
    sequence.lines = [item.start_mark.line + 1 for item in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence_with_lines)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse alias cycles and aliases that expand past MAX_NODES ("billion laughs")."""
    sizes: dict[int, int] = {}
    expanding: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if done:
            expanding.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_NODES:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"引用（&锚点 / *别名）展开后超过 {MAX_NODES:,} 项",
                    node.start_mark,
                )
            continue
        if key in sizes:
            continue
        if key in expanding:
            raise yaml.constructor.ConstructorError(
                None, None, "引用（*别名）指向它自身，形成循环", node.start_mark
            )
        expanding.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _where(source: str, line: int) -> str:
    return f"{source} 第 {line} 行" if line else source


def _shown(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _text(source: str, value: Any, line: int, key: str) -> str:
    """A label, note or id: any scalar, not a list or mapping."""
    if isinstance(value, (dict, list)):
        raise ProfileError(f"{_where(source, line)}：{key} 应是一段文字，不能是列表或映射")
    return "" if value is None else display_text(str(value))


def _expression(source: str, value: Any, line: int, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise ProfileError(f"{_where(source, line)}：{what} 应是一个表达式（文字），不能是列表或映射")
    text = str(value)
    try:
        sandbox.compile_expression(text)
    except TemplateSyntaxError as exc:
        raise ProfileError(
            f"{_where(source, line)}：{what} 表达式有误（{exc.message}）：{_shown(text)}"
        ) from None
    except sandbox.ExpressionError as exc:
        raise ProfileError(
            f"{_where(source, line)}：{what} 表达式不允许（{exc.reason}）：{_shown(text)}"
        ) from None
    return text


def _line_of(raw: Any, key: str, default: int) -> int:
    if isinstance(raw, _Mapping):
        return raw.lines.get(key, raw.line) or default
    return default


def _items(raw: Any, source: str, line: int, what: str) -> list[tuple[Any, int]]:
    """The items of a YAML list with their lines; an absent list is empty."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ProfileError(f"{_where(source, line)}：{what} 应是一个列表（每项以“- ”开头）")
    lines = raw.lines if isinstance(raw, _Sequence) else [line] * len(raw)
    return list(zip(raw, lines, strict=False))


def _check_keys(raw: dict[str, Any], allowed: set[str], source: str, line: int) -> None:
    unknown = set(raw) - allowed
    if unknown:
        raise ProfileError(f"{_where(source, line)}：不认识的键 {sorted(unknown)}")


def _form_ids(raw: dict[str, Any], source: str, line: int) -> tuple[str, ...]:
    value = raw.get("forms") if raw.get("forms") is not None else raw.get("form")
    if value is None or value == "" or value == []:
        raise ProfileError(f"{_where(source, line)}：要求须写明 form 或 forms")
    values = value if isinstance(value, list) else [value]
    forms = []
    for form_id in values:
        if isinstance(form_id, (dict, list)) or form_id is None:
            raise ProfileError(f"{_where(source, line)}：form / forms 中应是表单编号")
        try:
            get_form(str(form_id))
        except UnknownForm:
            raise ProfileError(
                f"{_where(source, line)}：没有编号为“{_shown(str(form_id), 60)}”的表单"
            ) from None
        forms.append(str(form_id))
    return tuple(forms)


def _requirement(source: str, raw: Any, item_line: int, subject_type: str) -> Requirement:
    if not isinstance(raw, dict):
        raise ProfileError(
            f"{_where(source, item_line)}：每条要求应是一个映射（如 “- form: case_consent”），"
            f"而不是“{_shown(str(raw), 40)}”"
        )
    line = raw.line if isinstance(raw, _Mapping) else item_line
    _check_keys(raw, _REQUIREMENT_KEYS, source, line)
    forms = _form_ids(raw, source, line)
    scope = _text(source, raw.get("scope", "subject"), line, "scope")
    if scope not in ("subject", "all"):
        raise ProfileError(f"{_where(source, line)}：scope 只能是 subject 或 all")
    forbid = raw.get("forbid", False)
    if not isinstance(forbid, bool):
        raise ProfileError(f"{_where(source, line)}：forbid 只能是 true 或 false")
    label = _text(source, raw.get("label"), line, "label") or "、".join(
        f"《{get_form(f).title}》" for f in forms
    )

    def expression(key: str) -> str | None:
        # Errors name the requirement's line, as the engine does when one fails at run time.
        return _expression(source, raw.get(key), line, key)

    requirement = Requirement(
        id=_text(source, raw.get("id"), line, "id") or forms[0],
        label=label,
        forms=forms,
        line=line,
        when=expression("when"),
        due=expression("due"),
        valid=expression("valid"),
        invalid=_text(source, raw.get("invalid", ""), line, "invalid"),
        for_each=expression("for_each"),
        item_label=expression("item_label"),
        match=expression("match"),
        scope=scope,
        forbid=forbid,
        note=_text(source, raw.get("note", ""), line, "note"),
        source=_text(source, raw.get("source", ""), line, "source"),
    )
    try:
        names.check_requirement(subject_type, requirement)
    except names.NameProblem as problem:
        raise _name_error(source, line, problem, getattr(requirement, problem.key, None)) from None
    return requirement


def _name_error(source: str, line: int, problem: names.NameProblem, text: Any) -> ProfileError:
    """A form, field or key an expression names that does not exist, located."""
    if problem.key == "form":
        return ProfileError(f"{_where(source, line)}：{problem.reason}")
    return ProfileError(
        f"{_where(source, line)}：{problem.key} 表达式有误（{problem.reason}）：{_shown(str(text))}"
    )


def _step(source: str, raw: Any, item_line: int, subject_type: str) -> Step:
    if not isinstance(raw, dict):
        raise ProfileError(f"{_where(source, item_line)}：每个步骤应是一个映射（含 id、label、requires）")
    line = raw.line if isinstance(raw, _Mapping) else item_line
    _check_keys(raw, _STEP_KEYS, source, line)
    if raw.get("id") in (None, ""):
        raise ProfileError(f"{_where(source, line)}：步骤须有 id")
    step_id = _text(source, raw["id"], line, "id")
    requires = _items(raw.get("requires"), source, _line_of(raw, "requires", line), "requires")
    return Step(
        id=step_id,
        label=_text(source, raw.get("label"), line, "label") or step_id,
        requirements=tuple(
            _requirement(source, r, r_line, subject_type) for r, r_line in requires
        ),
    )


def _subject_rules(source: str, type_name: str, body: Any, line: int) -> SubjectRules:
    if type_name not in SUBJECT_TYPES:
        raise ProfileError(
            f"{_where(source, line)}：对象类型“{_shown(type_name, 40)}”无效，可用：{'、'.join(SUBJECT_TYPES)}"
        )
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ProfileError(f"{_where(source, line)}：对象类型 {type_name} 下应是一个映射（含 label、steps）")
    line = body.line if isinstance(body, _Mapping) else line
    _check_keys(body, _SUBJECT_KEYS, source, line)
    closed_when = _expression(source, body.get("closed_when"), line, "closed_when")
    try:
        names.check_closed_when(type_name, closed_when)
    except names.NameProblem as problem:
        raise _name_error(source, line, problem, closed_when) from None
    steps = _items(body.get("steps"), source, _line_of(body, "steps", line), "steps")
    return SubjectRules(
        type=type_name,
        label=_text(source, body.get("label"), line, "label") or type_name,
        steps=tuple(_step(source, s, s_line, type_name) for s, s_line in steps),
        closed_when=closed_when,
        line=line,
    )


def parse_profile(text: str, source: str) -> Profile:
    """A profile from YAML text; `source` names it in error messages.

    Raises ProfileError (naming `source` and, where there is one, the line) for anything wrong:
    YAML syntax, a text over MAX_PROFILE_BYTES, aliases that expand too far, a value of the
    wrong kind, an unknown form, key or name, an expression the sandbox refuses, and a form,
    field, list-part field, choice or helper key an expression names that does not exist
    (see `names`).
    """
    if len(text) > MAX_PROFILE_BYTES:
        raise ProfileError(f"{source}：规则文件过大（超过 {MAX_PROFILE_BYTES // 1_000_000} MB）")
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _where(source, mark.line + 1 if mark else 0)
        raise ProfileError(f"{where}：不是有效的 YAML（{getattr(exc, 'problem', exc)}）") from None
    except RecursionError:
        raise ProfileError(f"{source}：YAML 嵌套过深") from None
    if not isinstance(raw, dict) or "subjects" not in raw:
        raise ProfileError(f"{source}：规则文件须有 name 和 subjects")
    subjects_line = _line_of(raw, "subjects", 1)
    body = raw["subjects"]
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ProfileError(
            f"{_where(source, subjects_line)}：subjects 应是一个映射（对象类型: 规则），不能是列表或文字"
        )
    subjects = {
        str(type_name): _subject_rules(
            source, str(type_name), rules, _line_of(body, str(type_name), subjects_line)
        )
        for type_name, rules in body.items()
    }
    return Profile(
        name=_text(source, raw.get("name", source), _line_of(raw, "name", 1), "name") or source,
        title=_text(source, raw.get("title", ""), _line_of(raw, "title", 1), "title"),
        source=source,
        subjects=subjects,
        signed_copies=_signed_copies(source, raw),
    )


def _signed_copies(source: str, raw: dict[str, Any]) -> tuple[str, ...]:
    """`signed_copies: [case_consent, …]`: forms the client or guardian signs on paper."""
    value = raw.get("signed_copies") or []
    line = _line_of(raw, "signed_copies", 1)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{_where(source, line)}：signed_copies 应是表单编号的列表")
    for form_id in value:
        try:
            get_form(form_id)
        except UnknownForm:
            raise ProfileError(f"{_where(source, line)}：没有编号为“{form_id}”的表单") from None
    return tuple(value)


def shipped_profiles() -> list[str]:
    folder = resources.files("lvye_forms") / "profiles"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def _read_profile_file(path: Path) -> str:
    """The text of an agency's profile file: a regular file, at most 1 MB, in UTF-8."""
    shown = display_path(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ProfileError(f"{shown} 是一个文件夹，不是规则文件")
        if not stat.S_ISREG(info.st_mode):
            raise ProfileError(f"{shown} 不是普通文件，无法作为规则文件读取")
        if info.st_size > MAX_PROFILE_BYTES:
            raise ProfileError(
                f"{shown}：规则文件过大（{info.st_size:,} 字节，最多 {MAX_PROFILE_BYTES:,}）"
            )
        with open(path, "rb") as handle:
            data = handle.read(MAX_PROFILE_BYTES + 1)
    except OSError as exc:
        raise ProfileError(f"无法读取规则文件 {shown}：{exc.strerror or exc}") from None
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(f"{shown}：规则文件过大（超过 {MAX_PROFILE_BYTES:,} 字节）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ProfileError(
            f"{shown} 第 {line} 行：不是 UTF-8 编码的文字；请用 UTF-8 编码保存规则文件"
        ) from None


def load_profile(name_or_path: str) -> Profile:
    """A shipped profile by name (lvye, leya, naner, guangzhou) or an agency's own YAML file.

    Raises ProfileError for anything that makes it unusable (see `parse_profile`), and for a
    file that cannot be read, is not a regular file, is over 1 MB or is not UTF-8.
    """
    path = Path(name_or_path)
    try:
        is_file_name = path.suffix.lower() in (".yaml", ".yml") or os.path.lexists(path)
    except (OSError, ValueError):
        is_file_name = True
    if is_file_name:
        return parse_profile(_read_profile_file(path), display_path(path))
    if "/" in name_or_path or "\\" in name_or_path or not name_or_path.strip():
        raise ProfileError(f"找不到规则文件 {display_path(path)}")
    resource = resources.files("lvye_forms") / "profiles" / f"{name_or_path}.yaml"
    if not resource.is_file():
        raise ProfileError(
            t(
                f"没有名为“{display_path(name_or_path)}”的规则，可用：{'、'.join(shipped_profiles())}",
                f"No profile named '{display_path(name_or_path)}'; shipped: {', '.join(shipped_profiles())}",
            )
        )
    return parse_profile(resource.read_text(encoding="utf-8"), f"{name_or_path}.yaml")
