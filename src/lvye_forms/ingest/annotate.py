"""A copy of the input with every bad cell highlighted and the reason in a cell comment.

Staff open the copy in Excel or WPS, fix the red cells and run `render` again on it. Marks
from an earlier run (our comment author and fill) are cleared first, so a fixed cell does
not stay red.

The copy keeps every cell as it was, with one exception: characters a workbook cannot hold
(control characters, U+FFFE/U+FFFF) become U+FFFD "�", so the cell that validation reported
shows where they were. A bad cell inside a merged range is marked on the range's top-left
cell (the only one Excel lets carry a comment), its messages combined there. When no copy
can be made, `AnnotationFailed` says why; the run itself goes on.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .. import limits
from ..errors import Problem
from ..i18n import t
from .csv_input import csv_rows, read_csv
from .tables import (
    CSV_SUFFIXES,
    Table,
    UnreadableFile,
    escape,
    scan_xlsx,
    tables_from_scans,
)

AUTHOR = "lvye-forms"
_ERROR_COLOR = "FFFFC7CE"
_ERROR_FILL = PatternFill("solid", fgColor=_ERROR_COLOR)
_NO_FILL = PatternFill(fill_type=None)
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class AnnotationFailed(ValueError):
    """The marked copy cannot be made; `str(exc)` says why (in the current language)."""


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 cannot hold replaced by U+FFFD, the rest untouched."""
    return _NOT_XML.sub("\ufffd", text)


def _clear_old_marks(sheet: Worksheet) -> None:
    # Only the cells the sheet holds: iter_rows() would create every cell of its dimensions.
    for cell in list(sheet._cells.values()):
        if cell.comment is not None and cell.comment.author == AUTHOR and cell.row > 1:
            cell.comment = None
            if cell.fill is not None and cell.fill.fgColor.rgb == _ERROR_COLOR:
                cell.fill = _NO_FILL


def _csv_workbook(path: Path) -> tuple[Workbook, dict[str, Table]]:
    # A CSV cannot hold colours or comments: the copy is a workbook with the same cells,
    # all stored as text so nothing is reinterpreted (IDs, leading zeros, "=…").
    tables = read_csv(path)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "数据"
    for row, values in enumerate(csv_rows(path), start=1):
        for column, value in enumerate(values, start=1):
            if value == "":
                continue
            cell = sheet.cell(row=row, column=column)
            cell.value = escape(xml_safe(value))
            cell.data_type = "s"
            cell.number_format = "@"
    return workbook, {sheet.title: next(iter(tables.values()))}


def _xlsx_workbook(path: Path) -> tuple[Workbook, dict[str, Table]]:
    with path.open("rb") as stream:
        scans = scan_xlsx(stream)
        cells = sum(scan.cells for scan in scans)
        if cells > limits.MAX_ANNOTATE_CELLS:
            raise AnnotationFailed(
                t(
                    f"工作簿有 {cells} 个单元格，超过 {limits.MAX_ANNOTATE_CELLS} 个上限，未生成标出错误的副本",
                    f"the workbook has {cells} cells, over the limit of "
                    f"{limits.MAX_ANNOTATE_CELLS}; no marked copy was made",
                )
            )
        merged = sum(
            (max_col - min_col + 1) * (max_row - min_row + 1)
            for scan in scans
            for min_col, min_row, max_col, max_row in scan.merged
        )
        if merged > limits.MAX_MERGED_CELLS:
            raise AnnotationFailed(
                t(
                    f"合并单元格共覆盖 {merged} 个单元格，超过 {limits.MAX_MERGED_CELLS} 个上限，未生成标出错误的副本",
                    f"merged ranges cover {merged} cells, over the limit of "
                    f"{limits.MAX_MERGED_CELLS}; no marked copy was made",
                )
            )
        stream.seek(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook = load_workbook(stream)
        except Exception as exc:  # the read-only pass succeeded; openpyxl's full load did not
            raise AnnotationFailed(
                t(
                    f"无法载入工作簿以标出错误（{type(exc).__name__}: {exc}）",
                    f"cannot load the workbook to mark its errors ({type(exc).__name__}: {exc})",
                )
            ) from exc
    for scan in scans:
        if scan.title not in workbook.sheetnames:
            continue
        sheet = workbook[scan.title]
        for (row, column), value in scan.escaped.items():
            cell = sheet._cells.get((row, column))
            if (
                cell is None
                or isinstance(cell, MergedCell)
                or cell.data_type != "s"  # a formula keeps its formula; only its result was read
                or not isinstance(cell.value, str)
            ):
                continue
            # The text as it really is, made storable, and written so Excel reads it back so.
            cell._value = escape(xml_safe(value))
            cell.data_type = "s"
    return workbook, tables_from_scans(scans)


def _top_left(sheet: Worksheet, row: int, column: int) -> tuple[int, int]:
    """The cell that carries (row, column)'s value: itself, or its merged range's top-left."""
    if not isinstance(sheet._cells.get((row, column)), MergedCell):
        return row, column
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return merged.min_row, merged.min_col
    return row, column


def annotated_copy(path: Path, problems: list[Problem]) -> bytes:
    """The input file as an .xlsx with `problems` marked on their cells.

    Raises AnnotationFailed (a ValueError) when the copy cannot be made.
    """
    csv_input = path.suffix.lower() in CSV_SUFFIXES
    try:
        workbook, tables = _csv_workbook(path) if csv_input else _xlsx_workbook(path)
    except UnreadableFile as exc:
        raise AnnotationFailed(str(exc)) from exc
    except OSError as exc:
        raise AnnotationFailed(exc.strerror or str(exc)) from exc
    for sheet in workbook.worksheets:
        _clear_old_marks(sheet)
    by_cell: dict[tuple[str, int, int], list[str]] = defaultdict(list)
    for problem in problems:
        sheet_name = workbook.worksheets[0].title if csv_input else problem.sheet
        if problem.row is None or sheet_name not in workbook.sheetnames:
            continue
        sheet = workbook[sheet_name]
        table = tables.get(sheet_name)
        column = table.columns.get(problem.column, 1) if table is not None else 1
        row, column = problem.row, column
        top, left = _top_left(sheet, row, column)
        text = xml_safe(problem.message)
        if (top, left) != (row, column):
            text = f"{get_column_letter(column)}{row}{t('：', ': ')}{text}"
        messages = by_cell[(sheet_name, top, left)]
        if text not in messages:
            messages.append(text)
    for (sheet_name, row, column), messages in by_cell.items():
        cell = workbook[sheet_name].cell(row=row, column=column)
        cell.fill = _ERROR_FILL
        cell.comment = Comment(
            "\n".join(messages), AUTHOR, width=300, height=60 + 30 * len(messages)
        )
    buffer = io.BytesIO()
    try:
        workbook.save(buffer)
    except Exception as exc:
        raise AnnotationFailed(
            t(
                f"无法保存标出错误的副本（{type(exc).__name__}: {exc}）",
                f"cannot save the marked copy ({type(exc).__name__}: {exc})",
            )
        ) from exc
    return buffer.getvalue()
