"""Rule profiles: an agency's procedure as data (YAML), loaded and checked before use.

A profile lists, for each subject type (case, group, activity, elder, trainee,
service_point), its steps in order and the documents each step requires. A requirement may
carry a condition (``when``), a deadline (``due``), a check on the document found (``valid``),
and may repeat for every item of a list (``for_each``: every session, every month). Conditions
and deadlines are small expressions evaluated in a sandbox (see `engine`). Any mistake in a
profile is reported with its file and line before anything is checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from ..registry import UnknownForm, get_form

SUBJECT_TYPES = ("case", "group", "activity", "elder", "trainee", "caregiver", "service_point")
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
}


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and line."""


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


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    source: str
    subjects: dict[str, SubjectRules] = field(default_factory=dict)


class _LineLoader(yaml.SafeLoader):
    """Remembers the line of every mapping, so errors can point at it."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)

_SANDBOX = SandboxedEnvironment()


def _expression(source: str, value: Any, line: int, what: str) -> str | None:
    if value is None:
        return None
    text = str(value)
    try:
        _SANDBOX.compile_expression(text)
    except TemplateSyntaxError as exc:
        raise ProfileError(
            f"{source} 第 {line} 行：{what} 表达式有误（{exc.message}）：{text}"
        ) from None
    return text


def _requirement(source: str, raw: dict[str, Any]) -> Requirement:
    line = raw.get("__line__", 0)
    unknown = set(raw) - _REQUIREMENT_KEYS - {"__line__"}
    if unknown:
        raise ProfileError(f"{source} 第 {line} 行：不认识的键 {sorted(unknown)}")
    forms = tuple(raw.get("forms") or ([raw["form"]] if raw.get("form") else []))
    if not forms:
        raise ProfileError(f"{source} 第 {line} 行：要求须写明 form 或 forms")
    for form_id in forms:
        try:
            get_form(form_id)
        except UnknownForm:
            raise ProfileError(f"{source} 第 {line} 行：没有编号为“{form_id}”的表单") from None
    scope = str(raw.get("scope", "subject"))
    if scope not in ("subject", "all"):
        raise ProfileError(f"{source} 第 {line} 行：scope 只能是 subject 或 all")
    label = str(raw.get("label") or "、".join(f"《{get_form(f).title}》" for f in forms))
    return Requirement(
        id=str(raw.get("id") or forms[0]),
        label=label,
        forms=forms,
        line=line,
        when=_expression(source, raw.get("when"), line, "when"),
        due=_expression(source, raw.get("due"), line, "due"),
        valid=_expression(source, raw.get("valid"), line, "valid"),
        invalid=str(raw.get("invalid", "")),
        for_each=_expression(source, raw.get("for_each"), line, "for_each"),
        item_label=_expression(source, raw.get("item_label"), line, "item_label"),
        match=_expression(source, raw.get("match"), line, "match"),
        scope=scope,
        forbid=bool(raw.get("forbid", False)),
        note=str(raw.get("note", "")),
    )


def parse_profile(text: str, source: str) -> Profile:
    """A profile from YAML text; `source` names it in error messages."""
    try:
        raw = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark else ""
        raise ProfileError(
            f"{source} {where}：不是有效的 YAML（{getattr(exc, 'problem', exc)}）"
        ) from None
    if not isinstance(raw, dict) or "subjects" not in raw:
        raise ProfileError(f"{source}：规则文件须有 name 和 subjects")
    subjects: dict[str, SubjectRules] = {}
    for type_name, body in (raw.get("subjects") or {}).items():
        if type_name == "__line__":
            continue
        line = body.get("__line__", 0) if isinstance(body, dict) else 0
        if type_name not in SUBJECT_TYPES:
            raise ProfileError(
                f"{source} 第 {line} 行：对象类型“{type_name}”无效，可用：{'、'.join(SUBJECT_TYPES)}"
            )
        steps = []
        for step in body.get("steps") or []:
            step_line = step.get("__line__", 0)
            if "id" not in step:
                raise ProfileError(f"{source} 第 {step_line} 行：步骤须有 id")
            requirements = tuple(_requirement(source, r) for r in step.get("requires") or [])
            steps.append(
                Step(
                    id=str(step["id"]),
                    label=str(step.get("label", step["id"])),
                    requirements=requirements,
                )
            )
        subjects[type_name] = SubjectRules(
            type=type_name,
            label=str(body.get("label", type_name)),
            steps=tuple(steps),
            closed_when=_expression(source, body.get("closed_when"), line, "closed_when"),
        )
    return Profile(
        name=str(raw.get("name", source)),
        title=str(raw.get("title", "")),
        source=source,
        subjects=subjects,
    )


def shipped_profiles() -> list[str]:
    folder = resources.files("lvye_forms") / "profiles"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def load_profile(name_or_path: str) -> Profile:
    """A shipped profile by name (lvye, leya, naner, guangzhou) or an agency's own YAML file."""
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        try:
            return parse_profile(path.read_text(encoding="utf-8"), str(path))
        except OSError as exc:
            raise ProfileError(f"无法读取规则文件 {path}：{exc}") from None
    resource = resources.files("lvye_forms") / "profiles" / f"{name_or_path}.yaml"
    if not resource.is_file():
        raise ProfileError(f"没有名为“{name_or_path}”的规则，可用：{'、'.join(shipped_profiles())}")
    return parse_profile(resource.read_text(encoding="utf-8"), f"{name_or_path}.yaml")
