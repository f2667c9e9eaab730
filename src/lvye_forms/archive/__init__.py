"""Finding documents in an archive folder and saying what each one is.

A service point's archive is any folder tree. Documents made by lvye-forms identify
themselves by the data they carry. Other files — scans of signed forms, hand-made Word files —
are identified by their file name (``<subject id>_<form>_<date>[_note].<ext>``, the form given
by id or Chinese title, the date as 20240304 or 2024-03-04, a note such as 第1节 giving the
session number) or by a register workbook that lists them. Every file under the archive is
either a document or an `Unplaced` with its reason; only Office lock files (``~$…``) and hidden
files and folders are left out, and those are counted (`ScanResult.ignored`).

A scan carries only the facts its name or its register row gives (subject, form, date, session
number, any register column named after a field of the form). Its other facts are *unknown*,
not empty: `ArchiveDocument.view_fact` gives an `Unknown` for them, which raises `UnknownFact`
(form, field, file) as soon as a rule uses it, so the checker can say 无法核实 and name what is
missing instead of passing or failing the rule on a guess.

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
import threading
import typing
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

from lxml import etree
from pydantic import ValidationError

from ..fields import is_empty, parse_date
from ..ingest.tables import UnreadableFile, read_tables
from ..model import FormModel, FormPart, _field_adapter
from ..paths import display_text
from ..registry import UnknownForm, find_form_by_title, get_form
from ..render.embed import NoEmbeddedData, read_embedded

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


# --- facts a document gives, and facts it cannot give -----------------------------------------

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
        path: Path,
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
        name = display_text(self.path.name)
        label = self.label
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
        return f"<unknown {self.fact.form_id}.{self.fact.field} of {self.fact.path.name}>"

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
            return name in type(self.record).model_fields
        return name in self.data

    def fact(self, name: str) -> Any:
        """The value of a field, or None when it is empty or not known (never raises)."""
        if self.record is not None and name in type(self.record).model_fields:
            return getattr(self.record, name)
        value = self.data.get(name)
        return None if isinstance(value, Unknown) else value

    def view_fact(self, name: str) -> Any:
        """The value of field `name` as a rule sees it: None when empty, an `Unknown` when the
        archive does not tell; raises `NoSuchField` when the form has no such field."""
        model = self.model
        if name not in model.model_fields:
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


# Why a file is unplaced (`Unplaced.code`).
UNREADABLE = "unreadable"  # cannot be opened: damaged, not a file, no permission
UNKNOWN_FORM = "unknown_form"  # neither embedded data, nor a name or register entry that says
NO_SUBJECT = "no_subject"  # the form is known but not whose it is
INVALID_DOCUMENT = "invalid_document"  # made by lvye-forms, but its data was edited or damaged
SYMLINK = "symlink"  # a symbolic link that is not followed (folder, broken, loop, outside)
NOT_A_DOCUMENT = "not_a_document"  # a text, table, archive… file: listed, never read as a document
INVALID_NAME = "invalid_name"  # the name follows the convention but says something impossible
INVALID_ENTRY = "invalid_entry"  # a register row's value that cannot be used (the file still counts)
UNPLACED_CODES = (
    UNREADABLE,
    UNKNOWN_FORM,
    NO_SUBJECT,
    INVALID_DOCUMENT,
    SYMLINK,
    NOT_A_DOCUMENT,
    INVALID_NAME,
    INVALID_ENTRY,
)


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


class UnplacedList(list[Unplaced]):
    """The unplaced files of a scan, and (`ignored`) the paths it left out on purpose."""

    ignored: list[Path]

    def __init__(self, items: list[Unplaced], ignored: list[Path]) -> None:
        super().__init__(items)
        self.ignored = ignored


@dataclass
class ScanResult:
    """What `scan_archive` found: documents, files that are not (with why), and the Office
    lock files and hidden files and folders it left out (each counted, never read)."""

    documents: list[ArchiveDocument]
    unplaced: list[Unplaced]
    ignored: list[Path]
    registers: list[Path] = field(default_factory=list)  # the register workbooks read


def _ignored(path: Path) -> bool:
    # Office lock files (~$x.docx) and hidden files, among them our own temporary files
    # (.lvye-forms-….tmp).
    return path.name.startswith(("~$", "."))


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


def walk(root: Path) -> tuple[list[Path], list[Unplaced], list[Path]]:
    """The regular files under `root` (sorted), what could not be walked or is not read, and
    what was left out on purpose.

    Symbolic links are never followed into folders, so loops cannot hang the walk; links to
    files in the archive are skipped (the file is found where it lies); other links, special
    files and folders that cannot be opened are returned as `Unplaced`. Hidden files and
    folders and Office lock files are left out, and returned as the third list.
    """
    files: list[Path] = []
    problems: list[Unplaced] = []
    ignored: list[Path] = []
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
                    if _ignored(path):
                        ignored.append(path)
                    else:
                        problem = _symlink_problem(path, real_root)
                        if problem is not None:
                            problems.append(problem)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name.startswith("."):
                        ignored.append(path)
                        continue
                    info = entry.stat(follow_symlinks=False)
                    if (info.st_dev, info.st_ino) not in seen:
                        seen.add((info.st_dev, info.st_ino))
                        folders.append(path)
                elif _ignored(path):
                    ignored.append(path)
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
    return sorted(files), problems, sorted(ignored)


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


# What looks like a date in a name: 20240304, 2024-03-04, 2024.3.4, 2024年3月4日. Eight digits
# count only when they begin like a year (18xx–21xx), so a receipt number stays a note.
_DATE_LIKE = re.compile(
    r"^((?:18|19|20|21)\d{6}|\d{4}-\d{1,2}-\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日?)$"
)
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"[0-9０-９〇零一二三四五六七八九十两兩]+"
# 第1节, 第01节, 第一节, 第十二節, 第1-4节, 第1、2节 (also with text after: 第1节点名); session1.
_SESSION_TOKEN = re.compile(
    rf"^(?:第\s*({_NUMBER}(?:\s*[-~至、,，]\s*{_NUMBER})*)\s*[节節]|session\s*[-#]?\s*(\d+)$)",
    re.IGNORECASE,
)
MAX_SESSION = 999
# 2024年10月, 2024-10: the month a monthly report or log is for (a field titled 月份).
_MONTH_LIKE = re.compile(r"^(\d{4})(?:年(\d{1,2})月份?|-(\d{1,2}))$")
MONTH_LABELS = ("月份",)


def month_field(model: type[FormModel]) -> str | None:
    """The field of a monthly form that says which month it is for (月份), or None."""
    for name, info in model.model_fields.items():
        if info.title in MONTH_LABELS:
            return name
    return None


def _small_number(text: str) -> int | None:
    """1, 01, 一, 十二, 二十三 (up to 99) as an int; None for anything else."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text) if len(text) <= 4 else None
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    value = (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return value


def session_numbers(text: str) -> list[int] | None:
    """The session numbers a note names (第1节, 第一节, 第1-4节, session1), or None."""
    match = _SESSION_TOKEN.match(text.strip())
    if not match:
        return None
    if match.group(2):
        return [int(match.group(2))] if len(match.group(2)) <= 4 else []
    numbers: list[int] = []
    for piece in re.split(r"\s*[、,，]\s*", match.group(1)):
        ends = [_small_number(x) for x in re.split(r"\s*[-~至]\s*", piece)]
        if any(end is None for end in ends) or len(ends) > 2:
            return []
        low, high = ends[0], ends[-1]
        assert low is not None and high is not None
        if low < 1 or high < low or high - low > MAX_SESSION:
            return []
        numbers.extend(range(low, high + 1))
    return sorted(set(numbers))


_MAX_FORM_TOKENS = 6  # underscore-separated parts a form id may have


@dataclass
class NameParts:
    """What a file name following the convention says."""

    model: type[FormModel]
    subject: str
    date: dt.date | None = None
    sessions: list[int] | None = None
    month: str | None = None  # 2024-10, from a part 2024年10月 of a monthly form's name
    problem: str = ""  # why the name cannot be used (an impossible date…), or ""


def parse_file_name(path: Path) -> NameParts | None:
    """The parts of ``<subject>_<form>_<date>[_note…].ext``, or None when the name does not
    follow the convention.

    The form is given by id (which may hold underscores: case_consent) or Chinese title; the
    date is the first part after the form that looks like a date, and must exist (20241345 or
    2024-02-30 is a `problem`, not "no date"); a note 第1节 (第01节, 第一节, session1) gives the
    session number, and 2024年10月 (2024-10) the month of a monthly form. A name in a legacy encoding (GBK from a Windows zip) is read as
    `paths.display_text` shows it, so the subject id and form title come out as readable text.
    """
    parts = PurePath(display_text(path.name)).stem.split("_")
    for index in range(1, len(parts)):
        # A form id has underscores of its own (case_consent): try the longest run first.
        for end in range(min(len(parts), index + _MAX_FORM_TOKENS), index, -1):
            model = _form_from_token("_".join(parts[index:end]))
            if model is None:
                continue
            found = NameParts(model, "_".join(parts[:index]).strip())
            for token in (part.strip() for part in parts[end:]):
                if found.date is None and _DATE_LIKE.match(token):
                    try:
                        found.date = parse_date(token)
                    except (ValueError, TypeError, OverflowError):
                        found.problem = (
                            f"文件名中的日期“{token}”不存在（请检查年、月、日），"
                            "请改正文件名（如 20240304 或 2024-03-04）；该文件未计入"
                        )
                        return found
                    continue
                month = _MONTH_LIKE.match(token) if found.month is None else None
                if month and month_field(model) is not None:
                    number = int(month.group(2) or month.group(3))
                    if not 1 <= number <= 12:
                        found.problem = f"文件名中的月份“{token}”不存在；请写成 2024年10月 或 2024-10"
                        return found
                    found.month = f"{month.group(1)}-{number:02d}"
                    continue
                numbers = session_numbers(token) if found.sessions is None else None
                if numbers == []:
                    found.problem = f"文件名中的节次“{token}”无法识别；请写成 第1节 或 第1-4节"
                    return found
                if numbers:
                    found.sessions = numbers
            return found
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


# --- the register -------------------------------------------------------------------------

# The register's own columns; 日期 and 节次 are facts of the listed file as well, and any further
# column headed by a field's Chinese label (结案原因, 服务点…) or name (closing_reason) gives that
# fact of the file's form.
REGISTER_COLUMNS = ("文件", "对象编号", "表单", "日期", "节次", "备注")
_REGISTER_OWN = ("文件", "对象编号", "表单", "日期", "备注")
_SESSION_COLUMNS = ("节次", "節次", "session", "session_number")


def _field_for_header(model: type[FormModel], header: str) -> str | None:
    """The field of `model` a register column names, by label or by name."""
    if header in model.model_fields:
        return header
    wanted = _plain_label(header)
    for name, info in model.model_fields.items():
        if info.title and _plain_label(info.title) == wanted:
            return name
    return None


def _choice_of(annotation: Any, value: Any) -> Any:
    """A choice written short in the register (“4” or “出现新的要求…” for
    “4 出现新的要求和问题需其他社工或机构”) as its one full label, or None."""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    text = re.sub(r"\s+", "", str(value))
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            labels = [str(member.value) for member in candidate]
            found = [
                label
                for label in labels
                if label.split()[0] == text  # the number of “4 出现新的要求…”
                or (len(text) >= 2 and text in re.sub(r"\s+", "", label))
            ]
            if len(found) == 1:
                return found[0]
    return None


def _fact_value(model: type[FormModel], name: str, value: Any) -> tuple[Any, str]:
    """`value` validated as field `name` of `model` would be: (value, "") or (None, why not)."""
    if isinstance(value, str):
        value = value.strip()
    adapter = _field_adapter(model, name)
    try:
        return adapter.validate_python(value, context=_NO_FUTURE_CHECK), ""
    except ValidationError as exc:
        annotation = model.model_fields[name].annotation
        choice = _choice_of(annotation, value)
        if choice is not None:
            try:
                return adapter.validate_python(choice, context=_NO_FUTURE_CHECK), ""
            except ValidationError:
                pass
        error = exc.errors(include_url=False, include_input=False)[0]
        words = _ERROR_WORDS.get(error.get("type", "")) or str(error.get("msg", "")).removeprefix(
            "Value error, "
        )
        expected = (error.get("ctx") or {}).get("expected")
        if expected:
            words += f"（可选：{display_text(str(expected))[:200]}）"
        return None, words[:300]
    except Exception as exc:  # a validator choking on a value of an odd kind
        return None, f"无法校验（{type(exc).__name__}）"


def _shown_value(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    text = display_text(str(value))
    return text if len(text) <= 40 else text[:40] + "…"


def _register_entry(
    register: Path, row: int, values: dict[str, Any], model: type[FormModel], subject: str,
    target: Path,
) -> tuple[ArchiveDocument, list[Unplaced]]:
    """The document one register row lists, with every fact its columns give, and the
    problems of the values that cannot be used (those facts stay unknown)."""
    problems: list[Unplaced] = []

    def bad(column: str, reason: str) -> None:
        problems.append(Unplaced(register, INVALID_ENTRY, f"登记表第 {row} 行「{column}」列：{reason}"))

    named = parse_file_name(target)
    same = named is not None and named.model is model and not named.problem
    date = named.date if same and named is not None else None
    sessions = named.sessions if same and named is not None else None
    given = values.get("日期")
    if not is_empty(given):
        try:
            date = parse_date(given)
        except (ValueError, TypeError, OverflowError):
            date = None
            bad("日期", f"“{_shown_value(given)}”不是存在的日期（请写成 2024-03-04）；该文件的日期按未知处理")
    target_field = session_target(model)
    for column in _SESSION_COLUMNS:
        given = values.get(column)
        if is_empty(given):
            continue
        if target_field is None:
            bad(column, f"《{model.title}》没有节次，未使用")
            continue
        text = str(int(given)) if isinstance(given, float) and given.is_integer() else str(given)
        numbers = session_numbers(text) or session_numbers(f"第{text.strip()}节")
        if not numbers or (target_field[1] is None and len(numbers) > 1):
            sessions = None
            bad(column, f"“{_shown_value(given)}”不是节次（如 1，或点名表写 1-4）；节次按未知处理")
        else:
            sessions = numbers
    facts = scan_facts(model, subject, date, sessions, target)
    month = month_field(model)
    if same and named is not None and named.month and month is not None:
        facts[month] = named.month
    for column, given in values.items():
        if column in _REGISTER_OWN or column in _SESSION_COLUMNS or is_empty(given):
            continue
        name = _field_for_header(model, column)
        if name is None:
            bad(column, f"《{model.title}》没有这一项，未使用")
            continue
        value, reason = _fact_value(model, name, given)
        if reason:
            bad(column, f"“{_shown_value(given)}”{reason}；该项按未知处理")
            facts.pop(name, None)
            continue
        facts[name] = value
        if name == model.date_field and isinstance(value, dt.date):
            date = value
    if model.date_field and date is not None:
        facts[model.date_field] = date
    document = ArchiveDocument(target, model.form_id, model.subject_type, subject, date, "register", facts)
    return document, problems


def read_register(path: Path, root: Path) -> tuple[dict[Path, ArchiveDocument], list[Unplaced]]:
    """Files listed in a register workbook (文件, 对象编号, 表单, 日期, 节次, and any column named
    after a field of the row's form), keyed by resolved path.

    文件 is the path relative to the archive folder (or to the register's own folder). A row
    whose file, subject or form cannot be read is an `Unplaced` (unknown_form); a value that
    does not validate as its field's type is an `Unplaced` (invalid_entry) naming row and
    column, and the file still counts with that fact unknown.
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
            document, bad_values = _register_entry(path, row.row, row.values, model, subject, target)
            listed[target] = document
            problems += bad_values
    return listed, problems


def is_register(path: Path) -> bool:
    """A workbook (without our data) whose sheet has the register's 文件 and 表单 columns, or
    the register's 服务点 sheet on its own."""
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
    return any(
        {"文件", "对象编号", "表单"} <= set(t.headers) or {"服务点", "类型"} <= set(t.headers)
        for t in tables.values()
    )


def scan_archive(root: Path, register: Path | None = None) -> ScanResult:
    """Every document under `root`, every other file with the reason it is not one, and the
    files left out on purpose (Office lock files, hidden files and folders).

    Registers are the one given and any register workbook found in the archive itself. Never
    raises for what the archive holds: see `walk`, `identify` and `Unplaced` codes.
    """
    files, unplaced, ignored = walk(root)
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
                continue
            found: ArchiveDocument | Unplaced = identify(path)
            if isinstance(found, Unplaced) and found.code in (UNREADABLE, INVALID_DOCUMENT):
                unplaced.append(found)  # a generated document whose own data cannot be used
            elif isinstance(found, ArchiveDocument) and found.record is not None:
                documents.append(found)  # generated: its own data is what counts
            else:
                entry.path = path
                documents.append(entry)
            continue
        found = identify(path)
        if isinstance(found, ArchiveDocument):
            documents.append(found)
        else:
            unplaced.append(found)
    for missing in listed.values():
        if missing.path.exists() and not _within(missing.path, real_root):
            reason = "登记表中列出的文件不在档案文件夹中，未检查"
        elif missing.path.exists():
            reason = "登记表中列出的文件未被检查（隐藏文件或链接）"
        else:
            reason = "登记表中列出的文件不存在"
        unplaced.append(Unplaced(missing.path, UNREADABLE, reason))
    return ScanResult(documents, unplaced, ignored, registers)


def scan(root: Path, register: Path | None = None) -> tuple[list[ArchiveDocument], list[Unplaced]]:
    """`scan_archive` as a pair (documents, unplaced); the unplaced list carries the
    ignored paths as its `ignored` attribute (see `UnplacedList`)."""
    result = scan_archive(root, register)
    return result.documents, UnplacedList(result.unplaced, result.ignored)
