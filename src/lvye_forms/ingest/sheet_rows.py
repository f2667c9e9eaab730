"""One worksheet's cells, row by row, straight from its XML: the input's hot loop.

openpyxl's own sheet parser builds objects for everything a sheet holds (data validations,
conditional formats, column widths…) and a dict per cell; reading an input workbook needs
only the values. This parser takes each `<row>` as lxml finishes it, turns its `<c>` cells
into values exactly as openpyxl does in `data_only` mode (shared strings, numbers, dates by
the cell's style, booleans, error values, inline strings) and drops the row, so a sheet of
any length is read in constant memory.

Merged ranges are listed after the cells in the XML, so a reader that must know them before
the first row (to blank the cells a range hides) gets them from `outline`, a cheap
byte-level pass over the same part.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

from .. import limits
from ..limits import BoundedStream

_NS = f"{{{SHEET_MAIN_NS}}}"
ROW, CELL, VALUE = f"{_NS}row", f"{_NS}c", f"{_NS}v"
INLINE, TEXT, RUN = f"{_NS}is", f"{_NS}t", f"{_NS}r"
# Parts of a sheet no reader here needs, which a hand-made or hostile sheet can make large:
# dropped as soon as lxml has read them, like each row, so they are never held.
_UNREAD = tuple(
    f"{_NS}{tag}"
    for tag in (
        "cols", "sheetViews", "dataValidations", "conditionalFormatting", "hyperlinks",
        "extLst", "rowBreaks", "colBreaks", "customSheetViews",
    )
)  # fmt: skip

XML_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
}

_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?[0-9]+")
_MERGE_TAG = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]{1,40})\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CHUNK = 1024 * 1024


class OutsideGrid(ValueError):
    """A row or column Excel cannot have (the file is damaged or made to hurt)."""

    def __init__(self, row: int) -> None:
        super().__init__(row)
        self.row = row


@dataclass
class CellStyles:
    """What turns a number into a date: the workbook's date styles and its epoch."""

    dates: set[int] = field(default_factory=set)
    durations: set[int] = field(default_factory=set)
    epoch: Any = None


class SheetCells:
    """The rows of one sheet part; iterate once. `cells` counts every `<c>` seen, empty or not
    (for the size limit of a marked copy). The merged ranges come from `outline`."""

    def __init__(
        self,
        source: BoundedStream,
        strings: list[str],
        styles: CellStyles,
    ) -> None:
        self.source = source
        self._strings = strings
        self._styles = styles
        self._columns: dict[str, int] = {}
        self.cells = 0
        self.number = 0  # the row being read: where a damaged part is reported

    def __iter__(self) -> Iterator[tuple[int, dict[int, Any]]]:
        """(row number, {column number: value}) for each row, non-empty values only."""
        tags = (ROW, *_UNREAD)
        events = etree.iterparse(self.source, events=("end",), tag=tags, **XML_OPTIONS)
        for _event, element in events:
            if element.tag == ROW:
                yield self._row(element)
            elif not _top_level(element):
                continue  # e.g. a cell's own <extLst>: part of the row, read with it
            # Drop what is read, and the rows before it, so memory stays flat.
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]

    def _row(self, element: Any) -> tuple[int, dict[int, Any]]:
        reference = element.get("r")
        self.number = _row_number(reference) if reference else self.number + 1
        if not 1 <= self.number <= limits.EXCEL_MAX_ROW:
            raise OutsideGrid(self.number)
        values: dict[int, Any] = {}
        column = 0
        value_of = self._value
        for cell in element.iterchildren(CELL):  # filtered by lxml, not here: the hot loop
            self.cells += 1
            reference = cell.get("r")
            column = self._column(reference) if reference else column + 1
            if not 1 <= column <= limits.EXCEL_MAX_COLUMN:
                raise OutsideGrid(self.number)
            value = value_of(cell)
            if value is not None:
                values[column] = value
        return self.number, values

    def _column(self, reference: str) -> int:
        letters = reference.rstrip("0123456789$").lstrip("$")
        known = self._columns.get(letters)
        if known is None:
            if not _REFERENCE.fullmatch(reference):
                raise ValueError(f"bad cell reference {reference[:20]!r}")
            known = self._columns[letters] = column_index_from_string(letters.upper())
        return known

    def _value(self, cell: Any) -> Any:
        """The cell's value as openpyxl gives it with `data_only=True` (strings kept raw)."""
        kind = cell.get("t")
        if kind == "inlineStr":
            for node in cell.iterchildren(INLINE):
                return _inline_text(node)
            return None
        text = None
        for child in cell.iterchildren(VALUE):
            text = child.text
            break
        if not text:
            return None
        if kind == "s":
            return self._strings[int(text)]
        if kind is None or kind == "n":
            number = _number(text)
            style = cell.get("s")
            if style and int(style) in self._styles.dates:
                try:
                    return from_excel(
                        number,
                        self._styles.epoch,
                        timedelta=int(style) in self._styles.durations,
                    )
                except (OverflowError, ValueError):
                    return "#VALUE!"  # what openpyxl gives a date serial out of range
            return number
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text result), "e" (#DIV/0!…), anything else as is


def _top_level(element: Any) -> bool:
    """Whether `element` is a child of the worksheet element itself."""
    parent = element.getparent()
    return parent is not None and parent.getparent() is None


def _inline_text(node: Any) -> str:
    # The text of <is>: its <t>, and the <t> of each rich-text run (phonetic runs left out).
    if len(node) == 1 and node[0].tag == TEXT:  # the usual case: one <t>
        return node[0].text or ""
    parts = [child.text or "" for child in node if child.tag == TEXT]
    for run in node.iterchildren(RUN):
        parts += [child.text or "" for child in run if child.tag == TEXT]
    return "".join(parts)


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)  # some writers put "5.0"; anything else is damage
        if not number.is_integer():
            raise
        return int(number)


def _bounds(reference: str | None) -> tuple[int, int, int, int] | None:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(str(reference))
    except (TypeError, ValueError):
        return None
    if None in (min_col, min_row, max_col, max_row):
        return None
    return min_col, min_row, max_col, max_row


@dataclass
class SheetOutline:
    """What a byte-level pass over a sheet part tells before its rows are read."""

    merged: list[tuple[int, int, int, int]]
    rows: int  # <row> elements, empty ones included: an estimate of the rows to come


def outline(source: BoundedStream) -> SheetOutline:
    """The merged ranges and the row count of a sheet part, without parsing it as XML."""
    merged: list[tuple[int, int, int, int]] = []
    rows = 0
    tail = b""
    while chunk := source.read(_CHUNK):
        buffer = tail + chunk
        end = buffer.rfind(b">") + 1  # whole tags only; the rest waits for the next chunk
        complete, tail = buffer[:end], buffer[end:]
        if len(tail) > _CHUNK:  # a long text run holds no tag worth keeping
            tail = tail[-1024:]
        rows += len(_ROW_TAG.findall(complete))
        for reference in _MERGE_TAG.findall(complete):
            bounds = _bounds(reference.decode("ascii", "replace"))
            if bounds is not None:
                merged.append(bounds)
    return SheetOutline(merged=merged, rows=rows)


class MergedCells:
    """Blanks, row by row, the cells a merged range hides (its value is its top-left cell's).

    Rows normally come in order, so the ranges still open are kept in a short list; a row
    out of order (a damaged or hand-made file) is answered by looking at every range.
    """

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        self._ranges = sorted(ranges, key=lambda r: r[1])
        self._next = 0
        self._open: list[tuple[int, int, int, int]] = []
        self._last = 0

    def __bool__(self) -> bool:
        return bool(self._ranges)

    def blank(self, number: int, values: dict[int, Any]) -> int:
        """Remove the hidden cells of row `number` from `values`; returns the work it took
        (ranges looked at), which the caller counts against the file's budget."""
        work = 0
        if number < self._last:
            covering = [r for r in self._ranges if r[1] <= number <= r[3]]
            work = len(self._ranges)
        else:
            while self._next < len(self._ranges) and self._ranges[self._next][1] <= number:
                self._open.append(self._ranges[self._next])
                self._next += 1
            self._open = [r for r in self._open if r[3] >= number]
            covering = self._open
            self._last = number
        for min_col, min_row, max_col, _max_row in covering:
            for column in [c for c in values if min_col <= c <= max_col]:
                if (number, column) != (min_row, min_col):
                    del values[column]
        return max(work, len(covering))
