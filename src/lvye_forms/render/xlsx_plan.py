"""A tabular form's sheet as a plan (cells, styles, merges, heights, page setup), and that plan
made into an openpyxl workbook.

The layout (render/xlsx.py) decides what goes where once and records it here; two writers
turn the plan into a package: `openpyxl_workbook` (openpyxl, the reference: every setting is
applied exactly as the layout always applied it) and the prepared engine (render/fast_xlsx.py,
which writes the worksheet XML itself against a style table made once per process). Both
read the same plan, so they cannot disagree on layout, only on serialisation, which
tests/test_fast_xlsx.py compares.

A cell's look is a `Style`: a few fields, each from a small fixed set, so every style the
layout can ask for is known in advance (`STYLES`) and the prepared engine's style table holds
them all whatever the record.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

_SONG = "宋体"
FONTS = {
    "text": Font(name=_SONG, size=10.5),
    "bold": Font(name=_SONG, size=10.5, bold=True),
    "agency": Font(name=_SONG, size=12),
    "title": Font(name="黑体", size=16, bold=True),
}
HORIZONTAL = ("left", "center", "right")
VERTICAL = ("center", "top", "bottom")
# A number keeps off the right border by a trailing space in its format: LibreOffice
# misplaces right-aligned text that has an indent.
NUMBER_FORMATS = {"money": '#,##0.00" "', "hours": '0.0#" "', "number": "0"}
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
FIXED_TIME = dt.datetime(2000, 1, 1)


class Style(NamedTuple):
    """How one cell looks. Text always wraps; left-aligned text in a bordered cell is
    indented a little to keep it off the border (centred text needs no indent). A tuple, so
    that looking a cell's style up (once per cell) hashes and compares in C."""

    font: str = "text"  # a key of FONTS
    horizontal: str = "left"
    vertical: str = "center"
    border: bool = True
    fill: bool = False  # the grey of label and header cells
    number_format: str | None = None  # one of NUMBER_FORMATS' values, or General

    @property
    def indent(self) -> int:
        return 1 if self.horizontal == "left" and self.border else 0


# Every style a plan can hold, in a fixed order (the prepared engine's style table).
STYLES = tuple(
    Style(font, horizontal, vertical, border, fill, number_format)
    for font, horizontal, vertical, border, fill, number_format in itertools.product(
        FONTS, HORIZONTAL, VERTICAL, (False, True), (False, True), (None, *NUMBER_FORMATS.values())
    )
)


class Put(NamedTuple):
    """One value written in row `row` across columns `first`..`last` (merged when more than
    one; with a border, every cell of the span is bordered). A tuple: a sheet holds
    hundreds, made quickly."""

    row: int
    first: int
    last: int
    value: Any  # None for an empty cell
    style: Style


@dataclass
class SheetPlan:
    title: str  # the sheet's name (at most 31 characters)
    widths: list[float]  # column widths in Excel units, column A first
    heights: list[float] = field(default_factory=list)  # row heights in points, row 1 first
    puts: list[Put] = field(default_factory=list)  # in the order the layout wrote them
    row_break: int | None = None  # a page starts after this row
    landscape: bool = False
    first_title_row: int = 1  # the rows printed again at the top of every page
    header_row: int = 1  # the sheet scrolls under the rows up to this one


def check(style: Style) -> Style:
    """`style`, once it is known to be one of STYLES (a layout bug otherwise)."""
    if (
        style.font not in FONTS
        or style.horizontal not in HORIZONTAL
        or style.vertical not in VERTICAL
        or style.number_format not in (None, *NUMBER_FORMATS.values())
    ):
        raise ValueError(f"not a style of the tabular layout: {style}")
    return style


def openpyxl_workbook(plan: SheetPlan) -> Workbook:
    """The plan as an openpyxl workbook: each cell styled, merged and sized as the layout has
    always done it, in the same order (so the saved package is the same, byte for byte)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = plan.title
    for column, width in enumerate(plan.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = round(width, 2)
    for row, height in enumerate(plan.heights, start=1):
        sheet.row_dimensions[row].height = round(height, 1)
    for put in plan.puts:
        _put(sheet, put)
    if plan.row_break is not None:
        sheet.row_breaks.append(Break(id=plan.row_break))
    page_setup(sheet, plan.first_title_row, plan.header_row, landscape=plan.landscape)
    workbook.properties.creator = "lvye-forms"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    return workbook


def _put(sheet: Worksheet, put: Put) -> None:
    style = put.style
    cell = sheet.cell(row=put.row, column=put.first, value=put.value)
    if isinstance(put.value, str) and cell.data_type != "s":
        # openpyxl takes text starting with "=" for a formula and "#N/A" for an error: a
        # value typed by staff is printed as typed.
        cell.data_type = "s"
    cell.font = FONTS[style.font]
    cell.alignment = Alignment(
        horizontal=style.horizontal, vertical=style.vertical, wrap_text=True, indent=style.indent
    )
    if style.number_format:
        cell.number_format = style.number_format
    if style.fill:
        cell.fill = HEADER_FILL
    if style.border:
        for column in range(put.first, put.last + 1):
            sheet.cell(row=put.row, column=column).border = BORDER
    if put.last > put.first:
        sheet.merge_cells(
            start_row=put.row, start_column=put.first, end_row=put.row, end_column=put.last
        )


def page_setup(sheet: Worksheet, first_title_row: int, header_row: int, *, landscape: bool) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    # Fit to the page width: the columns are sized to print at 100 % (see xlsx_layout), so
    # this only shrinks a table too wide even for landscape, rather than cutting it in two.
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    margins = sheet.page_margins
    margins.left = margins.right = 0.5
    margins.top, margins.bottom, margins.header, margins.footer = 0.5, 0.7, 0.2, 0.3
    sheet.print_title_rows = f"{first_title_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
