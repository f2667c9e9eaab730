"""Finding documents in an archive folder and saying what each one is.

A service point's archive is any folder tree. Documents made by lvye-forms identify
themselves by the data they carry. Other files — scans of signed forms, hand-made Word files —
are identified by their file name (``<subject id>_<form>_<date>[_note].<ext>``, the form given
by id or Chinese title, the date as 20240304 or 2024-03-04) or by a register workbook that lists
them. Anything that cannot be read or placed is returned as `Unplaced`, never skipped.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import ValidationError

from .fields import parse_date
from .ingest.tables import UnreadableFile, read_tables
from .model import FormModel
from .registry import UnknownForm, find_form_by_title, get_form
from .render.embed import NoEmbeddedData, read_embedded

OOXML_SUFFIXES = {".docx", ".xlsx", ".docm", ".xlsm"}
SCAN_SUFFIXES = {
    ".pdf",
    ".jpg",
    ".jpeg",
    ".png",
    ".tif",
    ".tiff",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".wps",
    ".et",
}
# Validation at scan time must not reject a document for being dated after "today".
_NO_FUTURE_CHECK = {"today": dt.date.max}


@dataclass
class ArchiveDocument:
    """One document found in the archive, with what the checker needs to place it."""

    path: Path
    form_id: str
    subject_type: str
    subject_id: str
    date: dt.date | None
    source: str  # "embedded" | "filename" | "register"
    data: dict[str, Any] = field(default_factory=dict)
    record: FormModel | None = None

    def fact(self, name: str) -> Any:
        if self.record is not None and name in type(self.record).model_fields:
            return getattr(self.record, name)
        return self.data.get(name)


@dataclass
class Unplaced:
    """A file the scan could not read or place, and why (in Chinese)."""

    path: Path
    code: str  # unreadable | unknown_form | no_subject | no_date
    reason: str


def _ignored(path: Path) -> bool:
    # Office lock files (~$x.docx), hidden files and our own temporary files.
    return path.name.startswith(("~$", ".")) or path.suffix.lower() == ".tmp"


def iter_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and not _ignored(path)
            and not any(p.startswith(".") for p in path.relative_to(root).parts[:-1])
        ):
            yield path


def _form_from_token(token: str) -> type[FormModel] | None:
    token = token.strip().strip("《》")
    try:
        return get_form(token)
    except UnknownForm:
        return find_form_by_title(token)


_DATE_TOKEN = re.compile(
    r"^(\d{8}|\d{4}-\d{1,2}-\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日?)$"
)


def parse_file_name(path: Path) -> tuple[type[FormModel], str, dt.date | None] | None:
    """(form, subject id, date) from ``<subject>_<form>_<date>[_note].ext``, or None."""
    parts = path.stem.split("_")
    for index, token in enumerate(parts):
        model = _form_from_token(token)
        if model is None or index == 0:
            continue
        subject = "_".join(parts[:index]).strip()
        date = None
        if index + 1 < len(parts) and _DATE_TOKEN.match(parts[index + 1].strip()):
            try:
                date = parse_date(parts[index + 1].strip())
            except ValueError:
                date = None
        return model, subject, date
    return None


def _from_embedded(path: Path, payload: dict[str, Any]) -> ArchiveDocument | Unplaced:
    try:
        model = get_form(str(payload.get("form")))
    except UnknownForm:
        return Unplaced(
            path, "unknown_form", f"文档中的表单编号“{payload.get('form')}”无法识别（版本较新？）"
        )
    data = payload.get("data") or {}
    record: FormModel | None
    try:
        record = model.model_validate(data, context=_NO_FUTURE_CHECK)
    except ValidationError:
        record = None  # edited by hand after rendering; fall back to the raw values
    subject_field = model.subject_field or model.key_field
    subject = record.subject_id() if record else str(data.get(subject_field) or "")
    date = record.document_date() if record else _raw_date(data.get(model.date_field or ""))
    if not subject:
        return Unplaced(
            path, "no_subject", f"文档数据中没有「{model.model_fields[subject_field].title}」"
        )
    return ArchiveDocument(
        path, model.form_id, model.subject_type, subject, date, "embedded", data, record
    )


def _raw_date(value: Any) -> dt.date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def identify(path: Path) -> ArchiveDocument | Unplaced | None:
    """What one file is. None for a file that is plainly not a document (e.g. a register)."""
    suffix = path.suffix.lower()
    if suffix in OOXML_SUFFIXES:
        try:
            return _from_embedded(path, read_embedded(path))
        except NoEmbeddedData:
            pass  # a hand-made Word/Excel file: identified by its name below
        except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, OSError) as exc:
            return Unplaced(path, "unreadable", f"文件已损坏或无法打开：{type(exc).__name__}")
    parsed = parse_file_name(path)
    if parsed is None:
        if suffix not in SCAN_SUFFIXES:
            return None
        return Unplaced(
            path,
            "unknown_form",
            "无法识别：文件名不符合“对象编号_表单名称_日期”的约定，登记表中也没有",
        )
    model, subject, date = parsed
    if not subject:
        return Unplaced(path, "no_subject", "文件名中没有对象编号")
    return ArchiveDocument(path, model.form_id, model.subject_type, subject, date, "filename")


# --- the register -------------------------------------------------------------------------

REGISTER_COLUMNS = ("文件", "对象编号", "表单", "日期", "备注")


def read_register(path: Path, root: Path) -> tuple[dict[Path, ArchiveDocument], list[Unplaced]]:
    """Files listed in a register workbook (文件, 对象编号, 表单, 日期), keyed by resolved path.

    文件 is the path relative to the archive folder (or to the register's own folder).
    """
    try:
        tables = read_tables(path)
    except UnreadableFile as exc:
        return {}, [Unplaced(path, "unreadable", str(exc))]
    listed: dict[Path, ArchiveDocument] = {}
    problems: list[Unplaced] = []
    for table in tables.values():
        if "文件" not in table.headers:
            continue
        for row in table.rows:
            name = str(row.values.get("文件") or "").strip()
            where = f"登记表第 {row.row} 行"
            target = None
            if name:
                target = (root / name).resolve()
                if not target.exists() and (path.parent / name).exists():
                    target = (path.parent / name).resolve()
            model = _form_from_token(str(row.values.get("表单") or ""))
            subject = str(row.values.get("对象编号") or "").strip()
            if target is None or model is None or not subject:
                problems.append(
                    Unplaced(path, "unknown_form", f"{where}：文件、对象编号或表单无法识别")
                )
                continue
            date = _raw_date(row.values.get("日期"))
            listed[target] = ArchiveDocument(
                target, model.form_id, model.subject_type, subject, date, "register"
            )
    return listed, problems


def is_register(path: Path) -> bool:
    """A workbook (without our data) whose sheet has the register's 文件 and 表单 columns."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    try:
        read_embedded(path)
        return False
    except (
        NoEmbeddedData,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
        etree.XMLSyntaxError,
    ):
        pass
    try:
        tables = read_tables(path)
    except UnreadableFile:
        return False
    return any({"文件", "对象编号", "表单"} <= set(t.headers) for t in tables.values())


def scan(root: Path, register: Path | None = None) -> tuple[list[ArchiveDocument], list[Unplaced]]:
    """Every document under `root`, and every file that could not be read or placed.

    Registers are the one given and any register workbook found in the archive itself.
    """
    files = list(iter_files(root))
    registers = [register] if register else []
    registers += [p for p in files if p.suffix.lower() in (".xlsx", ".xlsm") and is_register(p)]
    listed: dict[Path, ArchiveDocument] = {}
    unplaced: list[Unplaced] = []
    for path in registers:
        entries, problems = read_register(path, root)
        listed.update(entries)
        unplaced += problems
    skip = {p.resolve() for p in registers}
    documents: list[ArchiveDocument] = []
    for path in files:
        if path.resolve() in skip:
            continue
        if path.resolve() in listed:
            documents.append(listed.pop(path.resolve()))
            continue
        found = identify(path)
        if isinstance(found, ArchiveDocument):
            documents.append(found)
        elif isinstance(found, Unplaced):
            unplaced.append(found)
    for missing in listed.values():
        unplaced.append(Unplaced(missing.path, "unreadable", "登记表中列出的文件不存在"))
    return documents, unplaced
