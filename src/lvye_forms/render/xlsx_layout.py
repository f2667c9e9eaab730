"""Measuring a tabular form for paper: column widths, orientation, row heights, page filling.

LibreOffice and Excel do not grow a row whose height is set, and the layout must set heights
(room to write by hand), so every height is estimated here from the text and the width of its
cells. The numbers are calibrated on LibreOffice 7 printing the 宋体 fallback (Noto Sans CJK):
one column-width unit prints about 2.47 mm, a Chinese character about 1.5 units, a line of
10.5 pt text about 15 pt high. Estimates err on the generous side: a row a little too tall
is harmless, a clipped line is a lost character on paper.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import Any

# Width units across the printable part of A4 (0.5 in side margins) at 100 %.
PORTRAIT_UNITS = 74.0
LANDSCAPE_UNITS = 108.0
# Heights in points LibreOffice fills with rows on one page at 100 %, measured with the
# margins set in xlsx._page_setup: the forms' own rows (borders, merged signature lines)
# print at 100 % up to 752 pt on a portrait page and are shrunk to 98 % from 758 pt (bare
# rows go to 767 pt; landscape 511 pt). LibreOffice shrinks a sheet a little rather than
# start a page for its last rows, so an estimate a little high costs 2 %, not a page.
PORTRAIT_POINTS = 754.0
LANDSCAPE_POINTS = 498.0
MIN_SCALE = 0.9

LINE_POINTS = 15.0  # one line of 10.5 pt text
ROW_PADDING = 6.0  # above and below the text inside a bordered cell
DATA_ROW_POINTS = 22.0  # a filled row keeps room to correct by hand
BLANK_ROW_POINTS = 24.0  # a row printed empty for writing by hand
CELL_PADDING = 2.0  # width units lost to the indent and borders of a cell

# How a column prints. "left": wrapping text; "center": names, dates, choices, marks;
# "number": counts (centred); "money" and "hours": right-aligned with two decimals; "sign":
# an empty column people sign in, at least SIGN_UNITS wide.
KINDS = ("left", "center", "number", "money", "hours", "sign")
SIGN_UNITS = 14.0  # about 35 mm: a name written by hand
_NARROW_TEXT = 12.0  # text columns no wider than this are names, posts, times: centred


_WIDE = 1.65
_PRINTED_WIDE = 1.5


@cache  # a sheet measures the same few hundred characters over and over
def char_width(ch: str) -> float:
    """Width units one character takes, with a little to spare: wide (Chinese, full-width
    and ambiguous marks such as “ ” · that the Chinese font prints wide) 1.65, others 1."""
    return _WIDE if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1.0


def text_width(value: Any) -> float:
    """Width of the widest line of `value`."""
    text = "" if value is None else str(value)
    return max((sum(map(char_width, line)) for line in text.split("\n")), default=0.0)


def _as_text(value: Any, kind: str) -> str:
    if isinstance(value, float) and kind in ("money", "hours"):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


def lines_needed(value: Any, width: float) -> int:
    """Printed lines of `value` in a cell `width` units wide (wrapping each paragraph)."""
    text = "" if value is None else str(value)
    if not text:
        return 1  # an empty cell still holds a line (blank rows are most of a sign-in sheet)
    room = max(width - CELL_PADDING, 2.0)
    lines = 0
    for paragraph in text.split("\n"):
        lines += max(1, math.ceil(sum(map(char_width, paragraph)) / room))
    return lines


def height_for(cells: Sequence[tuple[Any, float]], minimum: float) -> float:
    """Row height fitting the tallest of its (value, cell width) cells, at least `minimum`."""
    lines = max((lines_needed(value, width) for value, width in cells), default=1)
    return max(minimum, lines * LINE_POINTS + ROW_PADDING)


def infer_kind(values: list[Any]) -> str:
    """A column's kind from its values, for tables that do not say."""
    filled = [v for v in values if v not in (None, "")]
    if filled and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in filled):
        return "money" if any(isinstance(v, float) for v in filled) else "number"
    widest = max((text_width(v) for v in filled), default=0.0)
    return "center" if widest <= _NARROW_TEXT else "left"


def header_text(header: str, width: float) -> str:
    """A header too wide for its column breaks before its unit (实际支出 / （元）, never a
    lone bracket on the second line), else in the middle (在案 / 个案), never one character
    hanging on the second line."""
    # Centred headers have no indent: judged by the printed width (1.5 units a character).
    if "\n" in header or text_width(header) * _PRINTED_WIDE / _WIDE <= width - 1.0:
        return header
    name, _, unit = header.partition("（")
    if unit and name:
        return f"{name}\n（{unit}"
    if len(header) >= 4:
        middle = math.ceil(len(header) / 2)
        return f"{header[:middle]}\n{header[middle:]}"
    return header


def _header_minimum(header: str) -> float:
    if "（" in header and "\n" not in header:
        return text_width(header_text(header, 0.0))
    # Otherwise a header may wrap onto a second line, half on each.
    return max(text_width(line[: math.ceil(len(line) / 2)]) for line in header.split("\n"))


def _natural_and_minimum(header: str, values: list[Any], kind: str) -> tuple[float, float]:
    texts = [_as_text(v, kind) for v in values]
    value_w = max((text_width(t) for t in texts), default=0.0)
    header_w = text_width(header)
    # A header may wrap onto a second line; a value other than running text may not.
    header_min = _header_minimum(header)
    natural = max(header_w, value_w, 4.0) + CELL_PADDING
    if kind == "sign":
        return SIGN_UNITS, SIGN_UNITS
    if kind == "left":
        minimum = max(header_min, min(value_w, 12.0), 8.0) + CELL_PADDING
    else:
        minimum = max(header_min, value_w, 4.0) + CELL_PADDING
    return min(natural, 48.0), min(minimum, natural, 48.0)


def plan_columns(
    headers: list[str], columns: list[list[Any]], kinds: list[str]
) -> tuple[list[float], bool]:
    """Column widths and whether to print landscape, so that the table prints at 100 % where
    it can and never below 90 % unless even landscape with every column at its narrowest is
    too wide. A narrow table is widened to the page, the extra going to its text columns."""
    sizes = [_natural_and_minimum(h, c, k) for h, c, k in zip(headers, columns, kinds, strict=True)]
    natural = [n for n, _ in sizes]
    minimum = [m for _, m in sizes]
    # Portrait while the text columns need not be squeezed to under two thirds; else landscape.
    if sum(minimum) <= PORTRAIT_UNITS and sum(natural) <= PORTRAIT_UNITS * 1.6:
        page, landscape = PORTRAIT_UNITS, False
    else:
        page, landscape = LANDSCAPE_UNITS, True
    if sum(natural) <= page:
        return _widen(natural, kinds, page), landscape
    if sum(minimum) >= page:
        return minimum, landscape
    slack = [n - m for n, m in zip(natural, minimum, strict=True)]
    cut = (sum(natural) - page) / sum(slack)
    return [n - s * cut for n, s in zip(natural, slack, strict=True)], landscape


def _widen(widths: list[float], kinds: list[str], page: float) -> list[float]:
    extra = page - sum(widths)
    takers = [i for i, k in enumerate(kinds) if k == "left"] or list(range(len(widths)))
    share = sum(widths[i] for i in takers)
    return [w + (extra * w / share if i in takers else 0.0) for i, w in enumerate(widths)]


def print_scale(widths: list[float], landscape: bool) -> float:
    """The scale fit-to-width will print at (1.0 when the table fits)."""
    page = LANDSCAPE_UNITS if landscape else PORTRAIT_UNITS
    return min(1.0, page / max(sum(widths), 1.0))


def page_points(landscape: bool, scale: float) -> float:
    return (LANDSCAPE_POINTS if landscape else PORTRAIT_POINTS) / scale


def used_on_last_page(
    heights: list[float], repeat: float, page: float, break_before: int | None = None
) -> float:
    """Points filled on the page the last of `heights` ends on. Rows do not split across
    pages, the header rows (`repeat` high) print again at the top of each page, and row
    `break_before` (1-based), if given, starts a new page."""
    used = 0.0
    for number, height in enumerate(heights, start=1):
        if used + height > page or number == break_before:
            used = repeat
        used += height
    return used


def break_to_keep_tail(
    heights: list[float], repeat: float, tail: float, page: float, first_row: int
) -> int | None:
    """The row (1-based) to start a new page with so that `tail` (totals, remarks,
    signatures) does not stand alone on a page: the last table row goes over with it. None
    when the tail fits, or when the table has no row (from `first_row` on) to take along."""
    last = len(heights)
    if last < first_row or used_on_last_page(heights, repeat, page) + tail <= page:
        return None
    if used_on_last_page(heights[:-1], repeat, page) + heights[-1] > page:
        return None  # the last row already starts a page of its own
    return last


def blank_rows_to_fill(
    heights: list[float],
    repeat: float,
    tail: float,
    page: float,
    blank: float,
    break_before: int | None = None,
) -> int:
    """How many blank rows of height `blank` fill the page the last of `heights` ends on,
    leaving room for `tail` (totals, notes, signatures) below them."""
    room = page - used_on_last_page(heights, repeat, page, break_before) - tail
    return max(int(room // blank), 0)


def fact_segments(widths: list[float], pairs: int, label_width: float) -> list[tuple[int, int]]:
    """Column ranges (first, last; 1-based) of label, value, label, value… cells of the header
    grid, `pairs` label/value pairs a line, each label about `label_width` wide."""
    count = len(widths)
    halves: list[tuple[int, int]] = []
    if pairs == 2:
        total, running, split = sum(widths), 0.0, 2
        best = math.inf
        for k in range(2, count - 1):
            running = sum(widths[:k])
            if abs(running - total / 2) < best:
                best, split = abs(running - total / 2), k
        halves = [(1, split), (split + 1, count)]
    else:
        halves = [(1, count)]
    segments: list[tuple[int, int]] = []
    for first, last in halves:
        # The fewest columns that hold the longest label on one line, as long as the value
        # keeps a third of the line; else the label wraps (its row grows) and the value keeps
        # its room.
        half = sum(widths[first - 1 : last])
        fitting = [
            j
            for j in range(1, last - first + 1)
            if half - sum(widths[first - 1 : first - 1 + j]) >= min(10.0, half / 3)
        ] or [1]
        take = next(
            (j for j in fitting if sum(widths[first - 1 : first - 1 + j]) >= label_width - 0.5),
            fitting[-1],
        )
        segments += [(first, first + take - 1), (first + take, last)]
    return segments
