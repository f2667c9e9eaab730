"""Finding documents in an archive folder and saying what each one is.

A service point's archive is any folder tree. Documents made by lvye-forms identify
themselves by the data they carry. Other files — scans of signed forms, hand-made Word files —
are identified by their file name (``<subject id>_<form>_<date>[_note].<ext>``, the form given
by id or Chinese title, the date as 20240304 or 2024-03-04) or by a register workbook that lists
them. Anything that cannot be read or placed is returned as `Unplaced`, never skipped.

Archives are untrusted input: file names in any encoding (GBK names from Windows zips come as
lone surrogates; every text made from a name goes through `paths.display_text`), documents
whose embedded data was edited by hand, symbolic links that loop or lead out of the archive,
files the user may not read. None of these stops a scan; each becomes an `Unplaced` with a
reason in Chinese.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from lxml import etree
from pydantic import ValidationError

from .fields import parse_date
from .ingest.tables import UnreadableFile, read_tables
from .model import FormModel
from .paths import display_text
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


# Why a file is unplaced (`Unplaced.code`).
UNREADABLE = "unreadable"  # cannot be opened: damaged, not a file, no permission
UNKNOWN_FORM = "unknown_form"  # neither embedded data, nor a name or register entry that says
NO_SUBJECT = "no_subject"  # the form is known but not whose it is
INVALID_DOCUMENT = "invalid_document"  # made by lvye-forms, but its data was edited or damaged
SYMLINK = "symlink"  # a symbolic link that is not followed (folder, broken, loop, outside)
UNPLACED_CODES = (UNREADABLE, UNKNOWN_FORM, NO_SUBJECT, INVALID_DOCUMENT, SYMLINK)


@dataclass
class Unplaced:
    """A file the scan could not read or place, and why (in Chinese).

    `path` is the file's real path (it may hold undecodable bytes: print it through
    `paths.display_path`); `reason` is always printable.
    """

    path: Path
    code: str  # one of UNPLACED_CODES
    reason: str

    def __post_init__(self) -> None:
        self.reason = display_text(self.reason)


def _ignored(path: Path) -> bool:
    # Office lock files (~$x.docx), hidden files and our own temporary files.
    return path.name.startswith(("~$", ".")) or path.suffix.lower() == ".tmp"


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有读取权限"
    if exc.errno == errno.ENOENT:
        return "文件不存在（可能在检查时被移走或删除）"
    if exc.errno == errno.ELOOP:
        return "链接形成循环"
    return display_text(exc.strerror or type(exc).__name__)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


def _within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def _symlink_problem(path: Path, real_root: Path) -> Unplaced | None:
    """Why a symbolic link is not read, or None for a link to a file the scan reads anyway."""
    try:
        info = os.stat(path)  # follows the link
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Unplaced(path, SYMLINK, "链接形成循环（指向自己或互相指向），未读取")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return Unplaced(path, SYMLINK, "链接已失效：指向的文件不存在")
        return Unplaced(path, SYMLINK, f"无法读取链接指向的文件：{_os_reason(exc)}")
    if stat.S_ISDIR(info.st_mode):
        return Unplaced(
            path, SYMLINK, "指向文件夹的链接，未检查其中的文件；请把文件夹本身放进档案文件夹"
        )
    target = _resolved(path)
    if (
        target is not None
        and stat.S_ISREG(info.st_mode)
        and _within(target, real_root)
        and not any(part.startswith(".") for part in target.relative_to(real_root).parts[:-1])
        and not _ignored(target)
    ):
        return None  # the file itself is in the archive and is read where it lies
    if not stat.S_ISREG(info.st_mode):
        return Unplaced(path, SYMLINK, "链接指向的不是普通文件（设备、管道等），未读取")
    return Unplaced(
        path, SYMLINK, "链接指向档案文件夹以外的文件，未读取；请把文件本身放进档案文件夹"
    )


def walk(root: Path) -> tuple[list[Path], list[Unplaced]]:
    """The regular files under `root` (sorted), and what could not be walked or is not read.

    Symbolic links are never followed into folders, so loops cannot hang the walk; links to
    files in the archive are skipped (the file is found where it lies); other links, special
    files and folders that cannot be opened are returned as `Unplaced`. Hidden files and
    folders, Office lock files and temporary files are left out.
    """
    files: list[Path] = []
    problems: list[Unplaced] = []
    real_root = _resolved(root) or root
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(Unplaced(folder, UNREADABLE, f"无法打开文件夹：{_os_reason(exc)}"))
            continue
        folders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    if not _ignored(path):
                        problem = _symlink_problem(path, real_root)
                        if problem is not None:
                            problems.append(problem)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name.startswith("."):
                        continue
                    info = entry.stat(follow_symlinks=False)
                    if (info.st_dev, info.st_ino) not in seen:
                        seen.add((info.st_dev, info.st_ino))
                        folders.append(path)
                elif _ignored(path):
                    continue
                elif entry.is_file(follow_symlinks=False):
                    files.append(path)
                else:
                    problems.append(
                        Unplaced(path, UNREADABLE, "不是普通文件（设备、管道或套接字），未读取")
                    )
            except OSError as exc:
                problems.append(Unplaced(path, UNREADABLE, f"无法读取：{_os_reason(exc)}"))
        stack.extend(reversed(folders))
    return sorted(files), problems


def iter_files(root: Path) -> Iterator[Path]:
    """The regular files `walk` finds under `root`."""
    yield from walk(root)[0]


def _unreadable(path: Path) -> Unplaced | None:
    """An Unplaced when the file cannot be opened for reading (no permission, gone)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return Unplaced(path, UNREADABLE, f"无法打开文件：{_os_reason(exc)}")
    os.close(descriptor)
    return None


def _form_from_token(token: str) -> type[FormModel] | None:
    token = token.strip().strip("《》")
    try:
        return get_form(token)
    except UnknownForm:
        return find_form_by_title(token)


_DATE_TOKEN = re.compile(
    r"^(\d{8}|\d{4}-\d{1,2}-\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日?)$"
)


_MAX_FORM_TOKENS = 6  # underscore-separated parts a form id may have


def parse_file_name(path: Path) -> tuple[type[FormModel], str, dt.date | None] | None:
    """(form, subject id, date) from ``<subject>_<form>_<date>[_note].ext``, or None.

    A name in a legacy encoding (GBK from a Windows zip) is read as `paths.display_text` shows
    it, so the subject id and form title come out as readable text.
    """
    parts = PurePath(display_text(path.name)).stem.split("_")
    for index in range(1, len(parts)):
        # A form id has underscores of its own (case_consent): try the longest run first.
        for end in range(min(len(parts), index + _MAX_FORM_TOKENS), index, -1):
            model = _form_from_token("_".join(parts[index:end]))
            if model is None:
                continue
            subject = "_".join(parts[:index]).strip()
            date = None
            if end < len(parts) and _DATE_TOKEN.match(parts[end].strip()):
                date = _raw_date(parts[end].strip())
            return model, subject, date
    return None


def _invalid(path: Path, reason: str) -> Unplaced:
    return Unplaced(path, INVALID_DOCUMENT, f"文档中嵌入的数据无效：{reason}")


_KINDS = {list: "列表", str: "文字", int: "数字", float: "数字", bool: "真假值", type(None): "空值（null）"}

# Pydantic's own error types, in words staff read (our validators already speak Chinese).
_ERROR_WORDS = {
    "missing": "缺少此项",
    "extra_forbidden": "该表单没有这一项（多余的字段）",
    "string_type": "应是文字",
    "int_type": "应是整数",
    "int_parsing": "应是整数",
    "int_from_float": "应是整数",
    "float_type": "应是数字",
    "float_parsing": "应是数字",
    "decimal_type": "应是数字",
    "decimal_parsing": "应是数字",
    "bool_type": "应是“是”或“否”",
    "bool_parsing": "应是“是”或“否”",
    "date_type": "不是有效的日期",
    "date_parsing": "不是有效的日期",
    "date_from_datetime_parsing": "不是有效的日期",
    "list_type": "应是列表",
    "dict_type": "应是对象（字段: 值）",
    "model_type": "应是对象（字段: 值）",
    "model_attributes_type": "应是对象（字段: 值）",
    "enum": "不是可选的值",
    "literal_error": "不是可选的值",
}


def _validation_reason(model: type[FormModel], exc: ValidationError) -> str:
    """The first few validation errors as 「字段」问题; the values themselves are not shown."""
    errors = exc.errors(include_url=False, include_input=False)
    parts = []
    for error in errors[:3]:
        location = [str(part) for part in error.get("loc", ())]
        info = model.model_fields.get(location[0]) if location else None
        name = (info.title if info is not None and info.title else None) or (
            location[0] if location else ""
        )
        if len(location) > 1:
            name += "".join(
                f"第{int(p) + 1}项" if p.isdigit() else f"·{p}" for p in location[1:]
            )
        words = _ERROR_WORDS.get(error.get("type", "")) or str(error.get("msg", "")).removeprefix(
            "Value error, "
        )
        text = f"「{name}」{words[:80]}" if name else words[:80]
        parts.append(text)
    more = f"，等 {len(errors)} 处" if len(errors) > 3 else ""
    return "数据未通过校验：" + "；".join(parts) + more


def _printable(data: Any) -> bool:
    """False when the JSON held text that cannot be printed (lone surrogates such as \\udcb8)."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError, RecursionError):
        return False
    return True


def _from_embedded(path: Path, payload: Any) -> ArchiveDocument | Unplaced:
    """The document its embedded data describes, or why that data cannot be used.

    Only data that validates against its form makes a document: a document edited by hand
    into something else is listed as invalid, so no rule ever reads unvalidated facts.
    """
    if not isinstance(payload, dict):
        return _invalid(path, "数据部分的格式无法识别")
    form_id = payload.get("form")
    if not isinstance(form_id, str) or not form_id.strip():
        return _invalid(path, "没有表单编号")
    try:
        model = get_form(form_id)
    except UnknownForm:
        return _invalid(
            path,
            f"表单编号“{display_text(form_id)[:60]}”无法识别（可能由较新版本的 lvye-forms 生成）",
        )
    version = payload.get("schema_version", 1)
    if isinstance(version, str) and version.strip().isdigit():
        version = int(version)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return _invalid(path, f"数据版本“{display_text(str(version))[:20]}”不是正整数")
    if version > model.schema_version:
        return _invalid(
            path,
            f"数据版本为 {version}，本程序只认识《{model.title}》的第 {model.schema_version} 版；"
            "请升级 lvye-forms 后再检查",
        )
    data = payload.get("data")
    if not isinstance(data, dict):
        kind = _KINDS.get(type(data), type(data).__name__)
        return _invalid(path, f"数据应是一个对象（字段: 值），实际是{kind}")
    if not _printable(data):
        return _invalid(path, "数据中含有无法显示的字符")
    try:
        record = model.model_validate(data, context=_NO_FUTURE_CHECK)
    except ValidationError as exc:
        return _invalid(path, _validation_reason(model, exc))
    except Exception as exc:  # a validator choking on a value of the wrong kind: still invalid
        return _invalid(path, f"数据无法校验（{type(exc).__name__}）")
    subject = display_text(record.subject_id()).strip()
    if not subject:
        subject_field = model.subject_field or model.key_field
        return Unplaced(
            path, NO_SUBJECT, f"文档数据中没有「{model.model_fields[subject_field].title}」"
        )
    return ArchiveDocument(
        path,
        model.form_id,
        model.subject_type,
        subject,
        record.document_date(),
        "embedded",
        data,
        record,
    )


_DAMAGED_PACKAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)


def _embedded_problem(path: Path, exc: BaseException) -> Unplaced:
    """Why the data a document carries could not be read.

    A package that cannot be read at all (damaged zip, over a size limit) is `unreadable`; a
    readable package whose data part is malformed (XML, JSON, not one record) is
    `invalid_document`. `render.embed.read_embedded` raises BadEmbeddedData (a ValueError) for
    both, with the zip-level error as its cause and `code` Code.FILE_TOO_LARGE for a refused size.
    """
    message = display_text(str(exc))[:200]
    if isinstance(exc, json.JSONDecodeError):
        return _invalid(
            path,
            f"数据不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列），可能被截断或被手工改坏",
        )
    if isinstance(exc, etree.XMLSyntaxError):
        return _invalid(path, "数据部分（customXml）不是有效的 XML，可能被截断或被手工改坏")
    if isinstance(exc, RecursionError):
        return _invalid(path, "数据嵌套过深")
    if isinstance(exc, ValueError):
        cause = exc.__cause__
        code = getattr(exc, "code", None)
        if getattr(code, "value", code) in ("too_large", "file_too_large") or (
            isinstance(cause, _DAMAGED_PACKAGE + (RuntimeError,))
            and not isinstance(cause, RecursionError)
        ):
            return Unplaced(path, UNREADABLE, message)
        return _invalid(path, message)
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return Unplaced(path, UNREADABLE, f"无法打开文件：{_os_reason(exc)}")
    return Unplaced(path, UNREADABLE, f"文件已损坏或无法打开：{type(exc).__name__}")


def _raw_date(value: Any) -> dt.date | None:
    try:
        return parse_date(value) if value else None
    except (ValueError, TypeError, OverflowError):
        return None


def identify(path: Path) -> ArchiveDocument | Unplaced | None:
    """What one file is. None for a file that is plainly not a document (e.g. a register)."""
    suffix = path.suffix.lower()
    if suffix in OOXML_SUFFIXES:
        problem = _unreadable(path)
        if problem is not None:
            return problem
        try:
            return _from_embedded(path, read_embedded(path))
        except NoEmbeddedData:
            pass  # a hand-made Word/Excel file: identified by its name below
        except Exception as exc:  # whatever a damaged or edited package raises
            return _embedded_problem(path, exc)
    parsed = parse_file_name(path)
    if parsed is None:
        if suffix not in SCAN_SUFFIXES:
            return None
        return Unplaced(
            path,
            UNKNOWN_FORM,
            "无法识别：文件名不符合“对象编号_表单名称_日期”的约定，登记表中也没有",
        )
    model, subject, date = parsed
    if not subject:
        return Unplaced(path, NO_SUBJECT, "文件名中没有对象编号")
    problem = _unreadable(path)
    if problem is not None:
        return problem
    return ArchiveDocument(path, model.form_id, model.subject_type, subject, date, "filename")


# --- the register -------------------------------------------------------------------------

REGISTER_COLUMNS = ("文件", "对象编号", "表单", "日期", "备注")


def read_register(path: Path, root: Path) -> tuple[dict[Path, ArchiveDocument], list[Unplaced]]:
    """Files listed in a register workbook (文件, 对象编号, 表单, 日期), keyed by resolved path.

    文件 is the path relative to the archive folder (or to the register's own folder).
    """
    try:
        tables = read_tables(path)
    except Exception as exc:  # UnreadableFile, or whatever a damaged workbook raises
        reason = str(exc) if isinstance(exc, UnreadableFile) else type(exc).__name__
        return {}, [Unplaced(path, UNREADABLE, f"无法读取登记表：{reason}")]
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
                target = _resolved(root / name)
                beside = _resolved(path.parent / name)
                if (target is None or not target.exists()) and beside and beside.exists():
                    target = beside
            model = _form_from_token(str(row.values.get("表单") or ""))
            subject = display_text(str(row.values.get("对象编号") or "")).strip()
            if target is None or model is None or not subject:
                problems.append(
                    Unplaced(path, UNKNOWN_FORM, f"{where}：文件、对象编号或表单无法识别")
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
    except Exception:  # no data of ours, or damaged: see whether it reads as a register
        pass
    try:
        tables = read_tables(path)
    except Exception:  # not a readable workbook, so not a register; identify() says why
        return False
    return any({"文件", "对象编号", "表单"} <= set(t.headers) for t in tables.values())


def scan(root: Path, register: Path | None = None) -> tuple[list[ArchiveDocument], list[Unplaced]]:
    """Every document under `root`, and every file that could not be read or placed.

    Registers are the one given and any register workbook found in the archive itself. Never
    raises for what the archive holds: see `walk`, `identify` and `Unplaced` codes.
    """
    files, unplaced = walk(root)
    registers = [register] if register else []
    registers += [p for p in files if p.suffix.lower() in (".xlsx", ".xlsm") and is_register(p)]
    listed: dict[Path, ArchiveDocument] = {}
    for path in registers:
        entries, problems = read_register(path, root)
        listed.update(entries)
        unplaced += problems
    skip = {_resolved(p) or p for p in registers}
    real_root = _resolved(root) or root
    documents: list[ArchiveDocument] = []
    for path in files:
        real = _resolved(path) or path
        if real in skip:
            continue
        if real in listed:
            entry = listed.pop(real)
            problem = _unreadable(path)
            if problem is not None:
                unplaced.append(problem)
            else:
                documents.append(entry)
            continue
        found = identify(path)
        if isinstance(found, ArchiveDocument):
            documents.append(found)
        elif isinstance(found, Unplaced):
            unplaced.append(found)
    for missing in listed.values():
        if missing.path.exists() and not _within(missing.path, real_root):
            reason = "登记表中列出的文件不在档案文件夹中，未检查"
        elif missing.path.exists():
            reason = "登记表中列出的文件未被检查（隐藏文件、链接或临时文件）"
        else:
            reason = "登记表中列出的文件不存在"
        unplaced.append(Unplaced(missing.path, UNREADABLE, reason))
    return documents, unplaced
