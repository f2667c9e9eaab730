"""Reading spreadsheets as staff hand them over: .xlsx workbooks and .csv files.

The result is plain tables of cell values keyed by header text, each row remembering its
sheet and Excel row number so every later error can point at the cell.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; the message says why, in Chinese."""


@dataclass
class SourceRow:
    sheet: str
    row: int  # as Excel numbers it
    values: dict[str, Any]  # header → raw cell value


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[SourceRow] = field(default_factory=list)


def clean_header(text: Any) -> str:
    """Header text without the marks people add: spaces, line breaks, a trailing * or （必填）."""
    if text is None:
        return ""
    header = re.sub(r"\s+", "", str(text))
    header = re.sub(r"[（(](必填|选填)[)）]$", "", header)
    return header.rstrip("*＊")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _table_from_rows(name: str, rows: list[tuple[int, list[Any]]]) -> Table:
    """Rows are (excel_row_number, values); the first non-blank row is the header."""
    while rows and all(_is_blank(v) for v in rows[0][1]):
        rows.pop(0)
    if not rows:
        return Table(name=name, headers=[])
    headers = [clean_header(v) for v in rows[0][1]]
    table = Table(name=name, headers=headers)
    for number, values in rows[1:]:
        if all(_is_blank(v) for v in values):
            continue  # empty or merely formatted rows, often trailing
        cells = {h: values[i] if i < len(values) else None for i, h in enumerate(headers) if h}
        table.rows.append(SourceRow(sheet=name, row=number, values=cells))
    return table


def read_xlsx(path: Path) -> dict[str, Table]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UnreadableFile(f"不是有效的 Excel 工作簿（.xlsx）：{exc}") from exc
    try:
        tables: dict[str, Table] = {}
        for sheet in workbook.worksheets:
            rows = [
                (number, list(values))
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
            tables[sheet.title] = _table_from_rows(sheet.title, rows)
        return tables
    finally:
        workbook.close()


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), else GBK/GB18030 as Chinese Excel saves."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("无法识别文件编码：请另存为“CSV UTF-8”或 GBK 编码")


def csv_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV file (comma, tab or semicolon separated), as text."""
    text = decode_text(path.read_bytes())
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",\t;"
        )
    except csv.Error:
        dialect = csv.excel
    return [list(values) for values in csv.reader(io.StringIO(text, newline=""), dialect)]


def read_csv(path: Path) -> dict[str, Table]:
    rows = [(number, values) for number, values in enumerate(csv_rows(path), start=1)]
    return {path.name: _table_from_rows(path.name, rows)}


def read_tables(path: Path) -> dict[str, Table]:
    """Every sheet of a workbook (or the one table of a CSV file), by sheet name."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise UnreadableFile("文件不存在")
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path)
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    if suffix == ".xls":
        raise UnreadableFile("不支持旧版 .xls 格式，请在 Excel/WPS 中“另存为” .xlsx 后再试")
    raise UnreadableFile(f"不支持的文件类型“{suffix}”：请使用 .xlsx 或 .csv")


def workbook_form_id(path: Path) -> str | None:
    """The form id our input workbooks record in their custom document properties."""
    if path.suffix.lower() not in XLSX_SUFFIXES:
        return None
    try:
        with zipfile.ZipFile(path) as package:
            root = etree.fromstring(package.read("docProps/custom.xml"))
    except (KeyError, zipfile.BadZipFile, OSError, etree.XMLSyntaxError):
        return None
    for prop in root:
        if prop.get("name") == "lvye_forms_form" and len(prop):
            return (prop[0].text or "").strip() or None
    return None
