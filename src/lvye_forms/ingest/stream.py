"""An input workbook read as a stream: a render holds one row at a time, whatever its size.

`open_tables` gives the same tables as `tables.read_tables`, but the rows of a workbook's
sheets are read from the file only as the caller iterates them (`Table.iter_rows`). Each
sheet is opened once up front, to learn its headers, its merged ranges (listed after the
cells in the XML, so a quick byte-level pass finds them first) and about how many rows it
has; nothing else of it is kept. A CSV file is read whole, as before (it is small next to
what a workbook can hold).

Damage found later in a sheet (a broken row, the cell limit) raises `UnreadableFile` from
the iteration, located at its sheet and row; the caller reports it and keeps what it made.
"""

from __future__ import annotations

import warnings
from collections.abc import Generator, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from .sheet_rows import MergedCells
from .tables import (
    XLSX_SUFFIXES,
    Budget,
    SourceRow,
    Table,
    cell_styles,
    check_regular_file,
    is_blank_row,
    open_input,
    opened_workbook,
    read_tables,
    sheet_cells,
    sheet_outline,
    sheet_values,
    source_row,
    take_header,
)

Rows = Generator[tuple[int, dict[int, Any]], None, None]


class _Book:
    """The opened workbook the sheets read from, and the file's cell budgets."""

    def __init__(self, workbook: Any) -> None:
        self.workbook = workbook
        self.styles = cell_styles(workbook)
        self.cells = Budget()  # values read from the file
        self.table_cells = Budget()  # cells handed on as table rows


class StreamedSheet(Table):
    """A sheet whose rows are read as they are asked for. `rows` stays empty: use
    `iter_rows()`, which may be called again (it then reads the sheet again)."""

    def __init__(self, book: _Book, sheet: Any) -> None:
        super().__init__(name=str(sheet.title), headers=[])
        self._book = book
        self._sheet = sheet
        shape = sheet_outline(book.workbook, sheet)
        self._merged = shape.merged
        self._estimate = max(shape.rows - 1, 0)  # less the header row
        self._labelled: list[tuple[int, str]] = []
        self._pending: Rows | None = None
        rows = self._read()
        for number, values in rows:
            if not is_blank_row(values):
                self._labelled = take_header(self, number, values)
                self._pending = rows  # the first pass goes on from here
                return
        rows.close()

    @property
    def expected_rows(self) -> int:
        return self._estimate

    def iter_rows(self) -> Iterator[SourceRow]:
        if self.header_row is None:
            return iter(())
        rows, self._pending = self._pending, None
        if rows is None:  # asked again: read again, past the header
            rows = self._read()
            for _number, values in rows:
                if not is_blank_row(values):
                    break
        return self._table_rows(rows)

    def close(self) -> None:
        if self._pending is not None:
            self._pending.close()
            self._pending = None

    def _table_rows(self, rows: Rows) -> Iterator[SourceRow]:
        with closing(rows):
            for number, values in rows:
                if is_blank_row(values):
                    continue
                self._book.table_cells.spend(len(self._labelled), self.name, number)
                yield source_row(self.name, self._labelled, number, values)

    def _read(self) -> Rows:
        """(row number, values) of the sheet's non-empty rows, as the whole-sheet scan reads
        them (`tables.sheet_values`)."""
        book = self._book
        cells = sheet_cells(book.workbook, self._sheet, book.styles)
        yield from sheet_values(cells, self.name, MergedCells(self._merged), book.cells)


@contextmanager
def open_tables(path: Path) -> Iterator[dict[str, Table]]:
    """The tables of an input file, by sheet name, rows streamed; raises UnreadableFile."""
    if path.suffix.lower() not in XLSX_SUFFIXES:
        yield read_tables(path)
        return
    check_regular_file(path)
    with open_input(path) as stream:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = opened_workbook(stream)
        sheets: list[StreamedSheet] = []
        try:
            book = _Book(workbook)
            for sheet in workbook.worksheets:
                if hasattr(sheet, "_worksheet_path"):
                    sheets.append(StreamedSheet(book, sheet))
            yield {sheet.name: sheet for sheet in sheets}
        finally:
            for sheet in sheets:
                sheet.close()
            workbook.close()
