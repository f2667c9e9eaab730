"""What one file is: `ArchiveDocument` (a generated document, identified by the data it
carries, or a scan, identified by its file name) or an `Unplaced` saying why it is not one.

Only embedded data that validates against its form makes a generated document: a document
edited by hand into something else is listed as invalid, so no rule ever reads unvalidated
facts.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from pydantic import ValidationError

from ..model import FormModel
from ..paths import display_text
from ..registry import UnknownForm, get_form
from ..render.embed import NoEmbeddedData, read_embedded
from .datapart import SLOW, DataPart, read_data_part
from .facts import NoSuchField, Unknown, UnknownFact, scan_facts, session_target
from .names import NameParts, month_field, parse_file_name
from .unplaced import (
    INVALID_DOCUMENT,
    INVALID_NAME,
    NO_SUBJECT,
    NOT_A_DOCUMENT,
    UNKNOWN_FORM,
    UNREADABLE,
    Unplaced,
)
from .walk import _os_reason, _unreadable

OOXML_SUFFIXES = {".docx", ".xlsx", ".docm", ".xlsm"}
# What a document other than a generated one may be: a scan, a photo, a hand-made office file.
SCAN_SUFFIXES = {
    ".pdf",
    ".ofd",
    ".jpg",
    ".jpeg",
    ".png",
    ".tif",
    ".tiff",
    ".bmp",
    ".gif",
    ".webp",
    ".heic",
    ".heif",
    ".doc",
    ".docx",
    ".docm",
    ".rtf",
    ".odt",
    ".xls",
    ".xlsx",
    ".xlsm",
    ".ods",
    ".wps",
    ".et",
}
# Validation at scan time must not reject a document for being dated after "today".
_NO_FUTURE_CHECK = {"today": dt.date.max}


@dataclass
class ArchiveDocument:
    """One document found in the archive, with what the checker needs to place it.

    A generated document has its validated `record`; every field of its form is known (an
    empty one is None). A scan has no record: `data` holds the facts its name or register row
    gave, already validated; its other fields are unknown, and so is its date when `date` is
    None.
    """

    path: Path
    form_id: str
    subject_type: str
    subject_id: str
    date: dt.date | None
    source: str  # "embedded" | "filename" | "register"
    data: dict[str, Any] = field(default_factory=dict)
    record: FormModel | None = None

    @property
    def model(self) -> type[FormModel]:
        return get_form(self.form_id)

    @property
    def date_known(self) -> bool:
        """A generated document's date is known even when its form has none (None)."""
        return self.record is not None or self.date is not None

    def knows(self, name: str) -> bool:
        if self.record is not None:
            return name in field_names(type(self.record))
        return name in self.data

    def fact(self, name: str) -> Any:
        """The value of a field, or None when it is empty or not known (never raises)."""
        if self.record is not None and name in field_names(type(self.record)):
            return getattr(self.record, name)
        value = self.data.get(name)
        return None if isinstance(value, Unknown) else value

    def view_fact(self, name: str) -> Any:
        """The value of field `name` as a rule sees it: None when empty, an `Unknown` when the
        archive does not tell; raises `NoSuchField` when the form has no such field."""
        if name not in field_names(self.model):
            raise NoSuchField(self.form_id, name)
        if self.record is not None:
            return getattr(self.record, name)
        if name in self.data:
            return self.data[name]
        return Unknown(UnknownFact(self.form_id, name, self.path))

    def view_date(self) -> Any:
        return self.date if self.date_known else Unknown(UnknownFact(self.form_id, "date", self.path))

    def session_numbers(self) -> list[int] | None:
        """The session numbers this document is about, or None when unknown or not a
        document about sessions."""
        target = session_target(self.model)
        if target is None:
            return None
        name, part = target
        value = self.view_fact(name)
        if isinstance(value, Unknown) or value is None:
            return None
        if part is None:
            return [value] if isinstance(value, int) else None
        numbers = []
        for row in value:
            number = getattr(row, part, None)
            if isinstance(number, int) and not isinstance(number, bool):
                numbers.append(number)
        return numbers or None


@functools.cache
def field_names(model: type[FormModel]) -> frozenset[str]:
    """The names of `model`'s fields (pydantic's `model_fields` is a property, looked up
    anew on every use; rules ask for fields by the thousand)."""
    return frozenset(model.model_fields)


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


def _from_embedded(path: Path, payload: Any, printable: bool = False) -> ArchiveDocument | Unplaced:
    """The document its embedded data describes, or why that data cannot be used.

    Only data that validates against its form makes a document: a document edited by hand
    into something else is listed as invalid, so no rule ever reads unvalidated facts.
    `printable` says the data is already known to hold no lone surrogate (see
    `datapart.DataPart`).
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
    if not printable and not _printable(data):
        return _invalid(path, "数据中含有无法显示的字符")
    try:
        record = model.model_validate(data, context=_NO_FUTURE_CHECK)
    except ValidationError as exc:
        return _invalid(path, _validation_reason(model, exc))
    except Exception as exc:  # a validator choking on a value of the wrong kind: still invalid
        return _invalid(path, f"数据无法校验（{type(exc).__name__}）")
    subject_type, subject = record.subject_ref()
    subject = display_text(subject).strip()
    if not subject:
        subject_field = model.subject_field or model.key_field
        return Unplaced(
            path, NO_SUBJECT, f"文档数据中没有「{model.model_fields[subject_field].title}」"
        )
    return ArchiveDocument(
        path,
        model.form_id,
        subject_type,
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


_NOT_DOCUMENT_KINDS = {
    ".txt": "文本文件",
    ".md": "文本文件",
    ".csv": "表格文本（CSV）",
    ".tsv": "表格文本",
    ".json": "数据文件",
    ".xml": "数据文件",
    ".html": "网页",
    ".htm": "网页",
    ".zip": "压缩包",
    ".rar": "压缩包",
    ".7z": "压缩包",
    ".gz": "压缩包",
    ".tar": "压缩包",
    ".mp3": "录音",
    ".m4a": "录音",
    ".wav": "录音",
    ".amr": "录音",
    ".mp4": "视频",
    ".mov": "视频",
    ".avi": "视频",
    ".lnk": "快捷方式",
    ".url": "快捷方式",
    ".ini": "系统文件",
    ".db": "系统文件",
    ".tmp": "临时文件",
    ".bak": "备份文件",
    ".exe": "程序",
}


def _not_a_document(path: Path) -> Unplaced:
    suffix = display_text(path.suffix.lower()) or "没有扩展名"
    kind = _NOT_DOCUMENT_KINDS.get(path.suffix.lower(), "文件")
    if kind == "压缩包":
        advice = "其中的文件不会被检查；请解压到档案文件夹中"
    else:
        advice = (
            "只有 PDF、图片、Word、Excel、WPS 文件可作为文档；扫描件请存为 PDF 或 JPG，"
            "不需要检查的文件请移出档案文件夹，或在文件登记表中登记"
        )
    return Unplaced(path, NOT_A_DOCUMENT, f"不是文档（{kind}，{suffix}）：{advice}")


def _from_name(path: Path, parsed: NameParts, source: str = "filename") -> ArchiveDocument | Unplaced:
    """The scan a conventional name describes, or why the name cannot be used."""
    if parsed.problem:
        return Unplaced(path, INVALID_NAME, parsed.problem)
    if not parsed.subject:
        return Unplaced(path, NO_SUBJECT, "文件名中没有对象编号")
    model = parsed.model
    target = session_target(model)
    sessions = parsed.sessions if target is not None else None
    if sessions and target is not None and target[1] is None and len(sessions) > 1:
        return Unplaced(
            path,
            INVALID_NAME,
            f"文件名中写了 {len(sessions)} 个节次，但一份《{model.title}》只记一节；请分开存放",
        )
    facts = scan_facts(model, parsed.subject, parsed.date, sessions, path)
    month = month_field(model)
    if parsed.month and month is not None:
        facts[month] = parsed.month
    return ArchiveDocument(
        path, model.form_id, model.subject_type, parsed.subject, parsed.date, source, facts
    )


def identify(path: Path) -> ArchiveDocument | Unplaced:
    """What one file is: a document, or an `Unplaced` saying why it is not one."""
    suffix = path.suffix.lower()
    if suffix in OOXML_SUFFIXES:
        # The common case, a readable package of ours, straight from its zip directory;
        # anything else the careful way, which says what is wrong as it always did.
        part = read_data_part(path)
        if isinstance(part, DataPart):
            return _from_embedded(path, part.payload, part.printable)
        if part == SLOW:
            problem = _unreadable(path)
            if problem is not None:
                return problem
            try:
                return _from_embedded(path, read_embedded(path))
            except NoEmbeddedData:
                pass  # a hand-made Word/Excel file: identified by its name below
            except Exception as exc:  # whatever a damaged or edited package raises
                return _embedded_problem(path, exc)
    if suffix not in SCAN_SUFFIXES:
        return _not_a_document(path)
    parsed = parse_file_name(path)
    if parsed is None:
        return Unplaced(
            path,
            UNKNOWN_FORM,
            "无法识别：文件名不符合“对象编号_表单名称_日期”的约定，登记表中也没有",
        )
    found = _from_name(path, parsed)
    if isinstance(found, ArchiveDocument):
        problem = _unreadable(path)
        if problem is not None:
            return problem
    return found
