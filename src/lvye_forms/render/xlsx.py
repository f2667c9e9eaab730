"""XLSX rendering for tabular forms (registers, sign-in sheets, logs, monthly statistics).

The layout is the same for every tabular form, so it lives here rather than in one template
file per form: agency and title rows, the form's header facts as "label：value" lines, then
the table (from the record's `table()`), a totals row and signature lines. Ready to print:
A4, fitted to the page width, header row repeated on every page, page numbers in the footer.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .package import add_custom_xml, normalise_zip

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_FONT = "宋体"
_FIXED_TIME = dt.datetime(2000, 1, 1)
_A4_PORTRAIT_WIDTH = 95  # character widths that fit across portrait A4 at the default zoom


@dataclass
class TableData:
    """What a tabular form prints: headers, rows of display values, an optional totals row."""

    headers: list[str]
    rows: list[list[Any]]
    totals: list[Any] | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)  # label, value above the table
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (who, date or "")


def _text_width(value: Any) -> int:
    text = str(value) if value is not None else ""
    longest_line = max((line for line in text.split("\n")), key=len, default="")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest_line)


def _column_widths(data: TableData) -> list[float]:
    widths = []
    for index, header in enumerate(data.headers):
        cells = [row[index] for row in data.rows if index < len(row)]
        widest = max([_text_width(header), *(_text_width(c) for c in cells)], default=6)
        widths.append(float(min(max(widest + 2, 6), 40)))
    # A narrow table is stretched to the page width so it prints like a form, not a strip.
    total = sum(widths)
    if 0 < total < _A4_PORTRAIT_WIDTH:
        widths = [w * _A4_PORTRAIT_WIDTH / total for w in widths]
    return widths


def _cell(sheet: Worksheet, row: int, column: int, value: Any, **style: Any) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, float):
        cell.number_format = "#,##0.00"
    elif isinstance(value, str) and len(value) <= 2:
        style.setdefault("alignment", Alignment(horizontal="center", vertical="center"))
    cell.font = style.get("font", Font(name=_FONT, size=10.5))
    cell.alignment = style.get("alignment", Alignment(vertical="center", wrap_text=True))
    if style.get("border", True):
        cell.border = _BORDER
    if "fill" in style:
        cell.fill = style["fill"]


def _merged_line(
    sheet: Worksheet, row: int, width: int, text: str, font: Font, align: str = "center"
) -> None:
    sheet.cell(row=row, column=1, value=text).font = font
    sheet.cell(row=row, column=1).alignment = Alignment(
        horizontal=align, vertical="center", wrap_text=True
    )
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def build_workbook(agency: str, title: str, data: TableData) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    width = max(len(data.headers), 1)
    _merged_line(sheet, 1, width, agency, Font(name=_FONT, size=12))
    _merged_line(sheet, 2, width, f"《{title}》", Font(name="黑体", size=16, bold=True))
    sheet.row_dimensions[2].height = 28
    row = 3
    # Header facts, two per line where the table is wide enough.
    per_line = 2 if width >= 4 else 1
    for start in range(0, len(data.facts), per_line):
        chunk = data.facts[start : start + per_line]
        text = "　　".join(f"{label}：{value}" for label, value in chunk)
        _merged_line(sheet, row, width, text, Font(name=_FONT, size=10.5), align="left")
        row += 1
    row += 1
    header_row = row
    header_lines = max((str(h).count("\n") + 1 for h in data.headers), default=1)
    sheet.row_dimensions[row].height = 16 * header_lines + 4
    for column, header in enumerate(data.headers, start=1):
        _cell(
            sheet,
            row,
            column,
            header,
            font=Font(name=_FONT, size=10.5, bold=True),
            fill=_HEADER_FILL,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    for values in data.rows:
        row += 1
        sheet.row_dimensions[row].height = 20  # room to write by hand on the printed sheet
        for column, value in enumerate(values, start=1):
            _cell(sheet, row, column, value)
    if data.totals is not None:
        row += 1
        for column, value in enumerate(data.totals, start=1):
            _cell(sheet, row, column, value, font=Font(name=_FONT, size=10.5, bold=True))
    row += 2
    for who, day in data.signatures:
        # One signer a line, room to sign; a date the record gives is printed, else a blank.
        _merged_line(
            sheet,
            row,
            width,
            f"{who}：________________　　日期：{day or '____年__月__日'}",
            Font(name=_FONT, size=10.5),
            align="left",
        )
        row += 1
    widths = _column_widths(data)
    for column, column_width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = column_width
    _page_setup(sheet, header_row, landscape=sum(widths) > _A4_PORTRAIT_WIDTH)
    workbook.properties.creator = "lvye-forms"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    return workbook


def _page_setup(sheet: Worksheet, header_row: int, *, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def render_table(agency: str, title: str, data: TableData, metadata: dict[str, Any]) -> bytes:
    """The finished XLSX as bytes, with `metadata` embedded; same input → same bytes."""
    buffer = io.BytesIO()
    build_workbook(agency, title, data).save(buffer)
    return normalise_zip(
        add_custom_xml(buffer.getvalue(), metadata, main_rels="xl/_rels/workbook.xml.rels")
    )
