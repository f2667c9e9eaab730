"""Reading spreadsheets as staff hand them over: .xlsx workbooks and .csv files.

The result is plain tables of cell values keyed by header text, each row remembering its
sheet and Excel row number so every later error can point at the cell.

Whatever the file holds, reading ends in tables or in `UnreadableFile` with a reason a person
can act on (and, where it is known, the sheet and row): never another exception. The work is
bounded (see `lvye_forms.limits`): sizes are checked before anything is decompressed, and
only the cells a sheet really holds are read, however large its declared dimensions.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from lxml import etree
from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from .. import limits
from ..errors import Code
from ..i18n import t
from ..limits import BoundedStream, PackageRefused
from .sheet_rows import (
    XML_OPTIONS,
    CellStyles,
    MergedCells,
    OutsideGrid,
    SheetCells,
    SheetOutline,
    outline,
)

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}  # read by csv_input


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; `str(exc)` says why, in the current language.

    `code` is Code.UNREADABLE, or Code.FILE_TOO_LARGE when a limit refused the file; `sheet`,
    `row`, `column` and `value` locate the problem when it lies in one place (else empty).
    """

    def __init__(
        self,
        reason: str,
        *,
        code: Code = Code.UNREADABLE,
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        value: str = "",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value


@dataclass(slots=True)  # one per row of the input: kept small
class SourceRow:
    sheet: str
    row: int  # as Excel numbers it
    values: dict[str, Any]  # header → raw cell value


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[SourceRow] = field(default_factory=list)
    header_row: int | None = None  # the row number of the headers, as Excel numbers it
    columns: dict[str, int] = field(default_factory=dict)  # header → column number (1-based)

    def iter_rows(self) -> Iterator[SourceRow]:
        """The rows under the header, in order (a streamed sheet reads them as they come)."""
        return iter(self.rows)

    @property
    def expected_rows(self) -> int:
        """How many rows are expected (exact here; an estimate for a streamed sheet)."""
        return len(self.rows)


def clean_header(text: Any) -> str:
    """Header text without the marks people add: spaces, line breaks, a trailing * or （必填）."""
    if text is None:
        return ""
    header = re.sub(r"\s+", "", str(text))
    header = re.sub(r"[（(](必填|选填)[)）]$", "", header)
    return header.rstrip("*＊")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


class Budget:
    """Counts the cells read from one file and refuses the file past `limits.MAX_CELLS`."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limits.MAX_CELLS if limit is None else limit
        self.used = 0

    def spend(self, cells: int, sheet: str, row: int | None) -> None:
        self.used += cells
        if self.used > self.limit:
            raise UnreadableFile(
                t(
                    f"数据太多：已读到 {self.used} 个单元格，超过 {self.limit} 个上限"
                    "（可能有大量无用的格式或数据），请删除多余的行列或拆分文件",
                    f"too much data: over {self.limit} cells (possibly formatting or data far "
                    "outside the table); delete unused rows and columns or split the file",
                ),
                code=Code.FILE_TOO_LARGE,
                sheet=sheet,
                row=row,
            )


def is_blank_row(values: Mapping[int, Any]) -> bool:
    """Empty or merely formatted rows (often trailing) are not rows of the table."""
    return all(_is_blank(v) for v in values.values())


def take_header(table: Table, number: int, values: Mapping[int, Any]) -> list[tuple[int, str]]:
    """Make row `number` the table's header; the (column, header) pairs whose cells are kept.

    Cells under a blank header are not kept; a header written twice keeps its first column
    (the reader reports the second).
    """
    width = max(values)
    table.headers = [clean_header(values.get(c)) for c in range(1, width + 1)]
    table.header_row = number
    first: dict[str, int] = {}
    for c, h in enumerate(table.headers, start=1):
        if h:
            first.setdefault(h, c)
    table.columns = dict(first)
    return [(c, h) for h, c in first.items()]


def source_row(
    name: str, labelled: list[tuple[int, str]], number: int, values: Mapping[int, Any]
) -> SourceRow:
    return SourceRow(sheet=name, row=number, values={h: values.get(c) for c, h in labelled})


def _table_from_rows(
    name: str, rows: Iterable[tuple[int, Mapping[int, Any]]], budget: Budget | None = None
) -> Table:
    """Rows are (row number, {column number: value}); the first non-blank row is the header.

    A row whose only values lie under blank headers still counts (it is validated, so its
    empty required cells are reported rather than silently skipped).
    """
    budget = budget or Budget()
    table = Table(name=name, headers=[])
    labelled: list[tuple[int, str]] = []
    for number, values in rows:
        if is_blank_row(values):
            continue
        if table.header_row is None:
            labelled = take_header(table, number, values)
            continue
        budget.spend(len(labelled), name, number)
        table.rows.append(source_row(name, labelled, number, values))
    return table


# --- .xlsx ----------------------------------------------------------------------------------

_ESCAPED = re.compile(
    r"_x([Dd][89ABab][0-9A-Fa-f]{2})__x([Dd][C-Fc-f][0-9A-Fa-f]{2})_|_x([0-9A-Fa-f]{4})_"
)


def _unescape_one(match: re.Match[str]) -> str:
    if match.group(1):
        high, low = int(match.group(1), 16), int(match.group(2), 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    code = int(match.group(3), 16)
    if 0xD800 <= code <= 0xDFFF:
        return match.group(0)  # half a character: keep the text as it is
    return chr(code)


def unescape(text: str) -> str:
    """An OOXML string value as the character data it stands for.

    Excel writes characters XML cannot hold as ``_xHHHH_`` (a vertical tab is ``_x000B_``), and
    a literal ``_xHHHH_`` typed by someone as ``_x005F_xHHHH_``; both are undone here, so the
    control character reaches validation (and is reported there) and nothing else changes.
    """
    if "_x" not in text:
        return text
    return _ESCAPED.sub(_unescape_one, text)


def escape(text: str) -> str:
    """The inverse for text we write back: a literal ``_xHHHH_`` becomes ``_x005F_xHHHH_``."""
    return re.sub(r"_x[0-9A-Fa-f]{4}_", lambda m: "_x005F" + m.group(0), text)


def _xlsx_limit(name: str) -> int | None:
    lower = name.lower()
    if lower.endswith(".xml") and (lower.startswith("xl/worksheets/") or "sharedstrings" in lower):
        return limits.MAX_SHEET_BYTES
    if lower.endswith((".xml", ".rels", ".vml")):
        return limits.MAX_PART_BYTES
    return None


class _RawStringsReader(ExcelReader):
    """openpyxl's reader, with the shared strings read raw (escapes kept) and size-bounded.

    openpyxl half-undoes the ``_xHHHH_`` escapes of shared strings (it drops ``x005F_``), which
    would turn a literal ``_x000B_`` someone typed into a control character; we undo them once,
    for every string alike, as the cells are read.
    """

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is None:
            return
        name = part.PartName[1:]
        what = t(f"共享字符串（{name}）", f"shared strings ({name})")
        si, text_tag, run_tag = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
        strings: list[str] = []
        with BoundedStream(self.archive.open(name), limits.MAX_SHEET_BYTES, what) as source:
            for _event, element in etree.iterparse(source, events=("end",), tag=si, **XML_OPTIONS):
                parts = [child.text or "" for child in element if child.tag == text_tag]
                for run in element.iterchildren(run_tag):
                    parts += [child.text or "" for child in run if child.tag == text_tag]
                strings.append("".join(parts))
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        self.shared_strings = strings


@dataclass
class SheetScan:
    """What one worksheet holds: its non-empty values and how it is laid out."""

    title: str
    rows: dict[int, dict[int, Any]]  # row number → {column number: value}, only cells present
    merged: list[tuple[int, int, int, int]]  # (min_col, min_row, max_col, max_row)
    cells: int = 0  # <c> elements, empty ones included
    escaped: dict[tuple[int, int], str] = field(default_factory=dict)  # text that used _x escapes


def opened_workbook(stream: IO[bytes]) -> Any:
    """openpyxl's read-only workbook over `stream`, after the package passed every check."""
    try:
        package = limits.open_package(stream, _xlsx_limit, kind=".xlsx")
    except PackageRefused as exc:
        raise UnreadableFile(str(exc), code=exc.code) from exc
    with package:
        for info in package.infolist():
            lower = info.filename.lower()
            if info.file_size == 0 and lower.endswith(".xml"):
                raise UnreadableFile(
                    t(
                        f"工作簿已损坏：其中的「{info.filename}」是空的（0 字节）；请在 Excel/WPS 中打开后重新保存",
                        f"the workbook is damaged: {info.filename} is empty (0 bytes); open and save it again",
                    )
                )
    stream.seek(0)
    try:
        reader = _RawStringsReader(stream, read_only=True, data_only=True, keep_links=False)
        reader.read()
    except PackageRefused as exc:
        raise UnreadableFile(str(exc), code=exc.code) from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise UnreadableFile(
            t(
                f"不是有效的 Excel 工作簿（.xlsx），或文件已损坏：{_brief(exc)}",
                f"not a valid Excel workbook (.xlsx), or it is damaged: {_brief(exc)}",
            )
        ) from exc
    return reader.wb


def _brief(exc: BaseException) -> str:
    text = str(exc).split("\n", 1)[0].strip()
    cause = exc.__cause__
    if cause is not None and ("Unable to read workbook" in text or not text):
        text = str(cause).split("\n", 1)[0].strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def cell_styles(workbook: Any) -> CellStyles:
    return CellStyles(
        dates=set(workbook._date_formats),
        durations=set(workbook._timedelta_formats),
        epoch=workbook.epoch,
    )


def sheet_part(workbook: Any, sheet: Any) -> BoundedStream:
    what = t(f"工作表「{sheet.title}」", f"sheet '{sheet.title}'")
    return BoundedStream(
        workbook._archive.open(sheet._worksheet_path), limits.MAX_SHEET_BYTES, what
    )


def damaged(title: str, number: int, exc: BaseException) -> UnreadableFile:
    if isinstance(exc, UnreadableFile):
        return exc
    if isinstance(exc, PackageRefused):
        return UnreadableFile(str(exc), code=exc.code, sheet=title)
    if isinstance(exc, OutsideGrid):
        return UnreadableFile(
            t(
                f"工作表「{title}」有超出 Excel 范围的单元格位置（第 {exc.row} 行），文件已损坏",
                f"sheet '{title}' has a cell outside Excel's grid (row {exc.row}); the file is damaged",
            ),
            sheet=title,
        )
    where = t(f"第 {number} 行附近", f"near row {number}") if number else ""
    return UnreadableFile(
        t(
            f"工作表「{title}」{where}的内容已损坏，无法读取（{_brief(exc)}）",
            f"sheet '{title}' is damaged {where} and cannot be read ({_brief(exc)})",
        ),
        sheet=title,
        row=number or None,
    )


def unescaped(values: dict[int, Any], number: int, escaped: dict[tuple[int, int], str]) -> None:
    """Undo the `_xHHHH_` escapes of a row's strings in place, noting the cells that had any."""
    for column, value in values.items():
        if isinstance(value, str) and "_x" in value:
            text = values[column] = unescape(value)
            escaped[(number, column)] = text


def sheet_outline(workbook: Any, sheet: Any) -> SheetOutline:
    """The sheet's merged ranges and row count, from a byte-level pass over its part."""
    with sheet_part(workbook, sheet) as source:
        try:
            return outline(source)
        except Exception as exc:  # the size limit, a damaged deflate stream
            raise damaged(str(sheet.title), 0, exc) from exc


def sheet_cells(workbook: Any, sheet: Any, styles: CellStyles) -> SheetCells:
    return SheetCells(sheet_part(workbook, sheet), sheet._shared_strings, styles)


def sheet_values(
    cells: SheetCells,
    title: str,
    merged: MergedCells,
    budget: Budget,
    escaped: dict[tuple[int, int], str] | None = None,
) -> Iterator[tuple[int, dict[int, Any]]]:
    """(row number, {column: value}) of a sheet's non-empty rows, as the whole-sheet scan and
    the stream both read them: escapes undone (the cells that had any noted in `escaped`),
    every value counted against `budget`, the cells a merged range hides blanked."""
    try:
        with cells.source:
            for number, values in cells:
                if not values:
                    continue
                unescaped(values, number, {} if escaped is None else escaped)
                budget.spend(len(values), title, number)
                if merged:
                    budget.spend(merged.blank(number, values), title, number)
                yield number, values
    except Exception as exc:  # lxml, int(), a shared string that is not there: all damage
        raise damaged(title, cells.number, exc) from exc


def _scan_sheet(workbook: Any, sheet: Any, budget: Budget) -> SheetScan:
    title = str(sheet.title)
    shape = sheet_outline(workbook, sheet)
    scan = SheetScan(title=title, rows={}, merged=shape.merged)
    cells = sheet_cells(workbook, sheet, cell_styles(workbook))
    for number, values in sheet_values(
        cells, title, MergedCells(shape.merged), budget, scan.escaped
    ):
        scan.rows.setdefault(number, {}).update(values)
    scan.cells = cells.cells
    return scan


def scan_xlsx(stream: IO[bytes]) -> list[SheetScan]:
    """Every worksheet of the workbook in `stream`, in order; raises UnreadableFile."""
    budget = Budget()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = opened_workbook(stream)
        try:
            return [
                _scan_sheet(workbook, sheet, budget)
                for sheet in workbook.worksheets
                if hasattr(sheet, "_worksheet_path")
            ]
        finally:
            workbook.close()


def tables_from_scans(scans: list[SheetScan]) -> dict[str, Table]:
    """The tables of the scanned sheets. Each scan's rows are handed over as the table takes
    them (the scan is left without rows), so a large sheet is never held twice."""
    budget = Budget()
    return {
        scan.title: _table_from_rows(scan.title, _handed_over(scan.rows), budget) for scan in scans
    }


def _handed_over(rows: dict[int, dict[int, Any]]) -> Iterator[tuple[int, dict[int, Any]]]:
    for number in sorted(rows):
        yield number, rows.pop(number)


def open_input(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as exc:
        raise UnreadableFile(_os_reason(exc)) from exc


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return t(
            "没有读取该文件的权限（或文件正被其他程序独占）",
            "no permission to read the file (or it is locked)",
        )
    if isinstance(exc, IsADirectoryError):
        return t("这是一个文件夹，不是文件", "this is a folder, not a file")
    if isinstance(exc, FileNotFoundError):
        return t("文件不存在", "the file does not exist")
    return exc.strerror or str(exc) or type(exc).__name__


def read_xlsx(path: Path) -> dict[str, Table]:
    with open_input(path) as stream:
        return tables_from_scans(scan_xlsx(stream))


def check_regular_file(path: Path) -> None:
    """Refuse what is not a file we can read to the end."""
    if not path.exists():
        raise UnreadableFile(t("文件不存在", "the file does not exist"))
    if path.is_dir():
        raise UnreadableFile(t("这是一个文件夹，不是文件", "this is a folder, not a file"))
    if not path.is_file():  # a pipe or a device would block or never end
        raise UnreadableFile(
            t("这不是普通文件（可能是管道或设备）", "not a regular file (a pipe or a device)")
        )


def read_tables(path: Path) -> dict[str, Table]:
    """Every sheet of a workbook (or the one table of a CSV file), by sheet name."""
    suffix = path.suffix.lower()
    check_regular_file(path)
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path)
    if suffix in CSV_SUFFIXES:
        from .csv_input import read_csv  # imported here: it builds on this module's tables

        return read_csv(path)
    if suffix == ".xls":
        raise UnreadableFile(
            t(
                "不支持旧版 .xls 格式，请在 Excel/WPS 中“另存为” .xlsx 后再试",
                "the old .xls format is not supported; save it as .xlsx in Excel or WPS",
            )
        )
    raise UnreadableFile(
        t(
            f"不支持的文件类型“{suffix}”：请使用 .xlsx 或 .csv",
            f"unsupported file type '{suffix}': use .xlsx or .csv",
        )
    )


def workbook_form_id(path: Path) -> str | None:
    """The form id our input workbooks record in their custom document properties.

    None when there is none or the file is not a readable workbook (reading the tables says
    why); raises UnreadableFile (code FILE_TOO_LARGE) when the properties part is over its limit.
    """
    if path.suffix.lower() not in XLSX_SUFFIXES or not path.is_file():
        return None
    try:
        with path.open("rb") as stream, limits.open_package(stream, _xlsx_limit) as package:
            try:
                data = limits.read_member(
                    package,
                    "docProps/custom.xml",
                    limits.MAX_PROPERTIES_BYTES,
                    t("自定义文档属性", "custom document properties"),
                )
            except KeyError:
                return None
            root = etree.fromstring(data, etree.XMLParser(**XML_OPTIONS))
    except limits.TooLarge as exc:
        raise UnreadableFile(str(exc), code=exc.code) from exc
    except (PackageRefused, zipfile.BadZipFile, OSError, etree.XMLSyntaxError, ValueError):
        return None
    except Exception:  # damaged compression and the like: the tables will say why
        return None
    for prop in root:
        if prop.get("name") == "lvye_forms_form" and len(prop):
            return (prop[0].text or "").strip() or None
    return None
