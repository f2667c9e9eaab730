"""The forms as the 表单 page shows them, and their input workbooks as bytes to download.

Workbooks are made by `api.write_input_workbook`, the function behind `lvye-forms sheet`.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import api
from ..i18n import t
from ..model import FormModel
from ..render.output import safe_name

# The seed documents the `sources` of each form point into (see /work/shared/seeds).
SEED_NAMES = {
    "000": ("绿叶", "Lvye"),
    "001": ("乐雅", "Leya"),
    "002": ("广州规范", "Guangzhou standard"),
    "003": ("南二", "Naner"),
    "004": ("通用流程", "Generic procedure"),
}


@dataclass(frozen=True)
class FormEntry:
    form_id: str
    title: str
    area: str
    kind: str
    purpose: str
    sources: tuple[str, ...]


@lru_cache(maxsize=1)
def _steps() -> dict[str, str]:
    """Form id → where the procedures ask for it, in Chinese, from the shipped check profiles:
    个案 · 接案：确定接案后须签订《接受个案服务同意书》…（the profile's note for the step)."""
    from ..check.profile import ProfileError, load_profile

    found: dict[str, str] = {}
    for name in ("lvye", "leya", "naner", "guangzhou"):
        try:
            profile = load_profile(name)
        except ProfileError:
            continue
        for subject in profile.subjects.values():
            for step in subject.steps:
                for requirement in step.requirements:
                    for form_id in requirement.forms:
                        if form_id not in found:
                            # A forbidding rule says when the form may be used (资历满两年).
                            said = requirement.note or (requirement.invalid if requirement.forbid else "")
                            note = f"：{said}" if said else ""
                            found[form_id] = f"{subject.label} · {step.label}{note}"
    return found


def _purpose(model: type[FormModel]) -> str:
    """What the form is for. In Chinese: the procedure step that asks for it; else (and in
    English) the first sentence of the model's docstring, after its 《title》: lead."""
    from .. import i18n

    if i18n.current() == "zh":
        if model.form_id in _steps():
            return _steps()[model.form_id]
        # No procedure step names it: its own rules say what it is for, in Chinese.
        return "；".join(model.rules) or model.title
    text = " ".join((model.__doc__ or "").split())
    head, colon, rest = text.partition(":")
    if colon and head.startswith("《"):
        text = rest.strip()
    for end in (". ", "。"):
        if end in text:
            text = text.split(end, 1)[0] + end.strip()
            break
    return text[:1].upper() + text[1:]


def _source(source: str) -> str:
    number, _, where = source.partition(" ")
    names = SEED_NAMES.get(number)
    return f"{t(*names)} {where}".strip() if names else source


def entries() -> list[FormEntry]:
    return [
        FormEntry(
            m.form_id,
            m.title,
            m.area,
            m.kind.upper(),
            _purpose(m),
            tuple(_source(s) for s in m.sources),
        )
        for m in api.list_forms()
    ]


def by_area() -> list[tuple[str, list[FormEntry]]]:
    """The forms grouped by service area, in the library's order."""
    groups: list[tuple[str, list[FormEntry]]] = []
    for entry in entries():
        if not groups or groups[-1][0] != entry.area:
            groups.append((entry.area, []))
        groups[-1][1].append(entry)
    return groups


def known(form_id: str) -> bool:
    return any(m.form_id == form_id for m in api.list_forms())


@lru_cache(maxsize=128)
def workbook(form_id: str | None, example: bool) -> bytes:
    """The input workbook of one form (None: every form, a sheet each)."""
    with tempfile.TemporaryDirectory(prefix="lvye-forms-web-") as folder:
        path = Path(folder) / "input.xlsx"
        api.write_input_workbook(form_id, path, example=example, overwrite=True)
        return path.read_bytes()


def workbook_name(form_id: str | None, example: bool) -> str:
    title = api.describe(form_id).model.title if form_id else t("全部表单", "all forms")
    tag = t("示例", "example") if example else t("输入表", "input")
    return safe_name(title, tag, suffix=".xlsx")


@lru_cache(maxsize=2)
def all_workbooks_zip(example: bool) -> bytes:
    """Every form's own input workbook, one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for model in api.list_forms():
            package.writestr(
                workbook_name(model.form_id, example), workbook(model.form_id, example)
            )
    return buffer.getvalue()
