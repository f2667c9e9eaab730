"""A copy of the input with every bad cell highlighted and the reason in a cell comment.

Staff open the copy in Excel or WPS, fix the red cells and run `render` again on it. Marks
from an earlier run (our comment author and fill) are cleared first, so a fixed cell does
not stay red.
"""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import Problem
from .tables import CSV_SUFFIXES, clean_header, csv_rows

AUTHOR = "lvye-forms"
_ERROR_COLOR = "FFFFC7CE"
_ERROR_FILL = PatternFill("solid", fgColor=_ERROR_COLOR)
_NO_FILL = PatternFill(fill_type=None)


def _clear_old_marks(sheet: Worksheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if cell.comment is not None and cell.comment.author == AUTHOR and cell.row > 1:
                cell.comment = None
                if cell.fill is not None and cell.fill.fgColor.rgb == _ERROR_COLOR:
                    cell.fill = _NO_FILL


def _header_columns(sheet: Worksheet) -> dict[str, int]:
    columns: dict[str, int] = {}
    for row in sheet.iter_rows(min_row=1, max_row=20):
        headers = {clean_header(c.value): c.column for c in row if c.value not in (None, "")}
        if headers:
            return headers
    return columns


def _load(path: Path) -> Workbook:
    if path.suffix.lower() not in CSV_SUFFIXES:
        return load_workbook(path)
    # A CSV cannot hold colours or comments: the copy is a workbook with the same cells,
    # all stored as text so nothing is reinterpreted (IDs, leading zeros).
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "数据"
    for row, values in enumerate(csv_rows(path), start=1):
        for column, value in enumerate(values, start=1):
            # Control characters cannot be stored in a worksheet; the cell is marked anyway.
            value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            sheet.cell(row=row, column=column, value=value).number_format = "@"
    return workbook


def annotated_copy(path: Path, problems: list[Problem]) -> bytes:
    """The input file as an .xlsx with `problems` marked on their cells."""
    workbook = _load(path)
    csv_input = path.suffix.lower() in CSV_SUFFIXES
    for sheet in workbook.worksheets:
        _clear_old_marks(sheet)
    by_cell: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for problem in problems:
        sheet_name = workbook.worksheets[0].title if csv_input else problem.sheet
        if problem.row is None or sheet_name not in workbook.sheetnames:
            continue
        sheet = workbook[sheet_name]
        column = _header_columns(sheet).get(problem.column, 1)
        by_cell[(sheet_name, problem.row, column)].append(problem.message)
    for (sheet_name, row, column), messages in by_cell.items():
        cell = workbook[sheet_name].cell(row=row, column=column)
        cell.fill = _ERROR_FILL
        cell.comment = Comment(
            "\n".join(messages), AUTHOR, width=300, height=60 + 30 * len(messages)
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
