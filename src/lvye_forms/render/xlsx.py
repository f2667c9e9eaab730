"""XLSX rendering for tabular forms (registers, sign-in sheets, logs, monthly statistics).

    write_blank_table(model, path)   # the empty form, for filling in by hand (`lvye-forms blank`)
    render_table(agency, title, data, metadata)   # a filled record's document, as bytes

The layout is the same for every tabular form, so it lives here rather than in one template
file per form: agency and title, the form's header facts in a bordered label/value grid, the
table (from the record's `table()`), a totals row, long remarks, and one signature line per
signer. Registers and sign-in sheets get blank rows to the end of the page. Ready to print:
A4, at 100 % where the table fits (landscape when it is wide, never below 90 % unless even
that cannot hold it), header row repeated on every page, page numbers in the footer.
Measurements live in xlsx_layout. The layout is recorded as a sheet plan (xlsx_plan); a filled
record's package is written from it by the prepared engine (fast_xlsx), by openpyxl when that
engine cannot (and always for the blank form, made one at a time).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from . import xlsx_layout as lay
from .fast_xlsx import render_prepared
from .package import add_custom_xml, normalise_zip
from .xlsx_plan import NUMBER_FORMATS, Put, SheetPlan, Style, check, openpyxl_workbook

if TYPE_CHECKING:
    from ..model import FormModel

_TEXT = "text"  # fonts, by their key in xlsx_plan.FONTS
_BOLD = "bold"
_BLANK_DATE = "____年__月__日"
_SIGNATURE_POINTS = 30.0  # room to sign by hand above the line


@dataclass
class TableData:
    """What a tabular form prints: headers, rows of display values, an optional totals row."""

    headers: list[str]
    rows: list[list[Any]]
    totals: list[Any] | None = None
    facts: list[tuple[str, str]] = field(default_factory=list)  # label, value above the table
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (who, date or "")
    # How a column prints, by header (see xlsx_layout.KINDS); guessed from its values when
    # not given, so a form may add columns (序号, 签名) to the standard table freely.
    kinds: dict[str, str] = field(default_factory=dict)
    # A heading row above the headers: (text, columns it spans), e.g. 收入 | 支出.
    groups: list[tuple[str, int]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # label, long text under the table
    fill_page: bool = False  # blank rows to the end of the page, for people added on the day


def signature_text(who: str, day: str) -> str:
    """One signer's line: room to sign, then the date the record gives or a blank to fill."""
    return f"{who}：________________　　日期：{day or _BLANK_DATE}"


@cache
def _style(
    font: str, horizontal: str, vertical: str, border: bool, fill: bool, number_format: str | None
) -> Style:
    # One object per look: a sheet asks for the same few thousands of times.
    return check(Style(font, horizontal, vertical, border, fill, number_format))


class _Sheet:
    """Lays one form out row by row into a SheetPlan, remembering each row's height."""

    def __init__(self, plan: SheetPlan) -> None:
        self.plan = plan
        self.widths = plan.widths
        self.count = len(plan.widths)
        self.row = 0
        self.heights = plan.heights

    def span_width(self, first: int, last: int) -> float:
        return sum(self.widths[first - 1 : last])

    def next_row(self, height: float) -> int:
        self.row += 1
        self.heights.append(height)
        return self.row

    def put(
        self,
        first: int,
        last: int,
        value: Any,
        *,
        font: str = _TEXT,
        horizontal: str = "left",
        border: bool = True,
        fill: bool = False,
        number_format: str | None = None,
        vertical: str = "center",
    ) -> None:
        style = _style(font, horizontal, vertical, border, fill, number_format)
        # An empty value is an empty cell, not an empty string Excel would count as filled.
        value = None if isinstance(value, str) and value == "" else value
        self.plan.puts.append(Put(self.row, first, last, value, style))

    def repeat_row(self, times: int) -> None:
        """`times` more rows like the last one: the blank rows to the end of a page, which are
        most of a register's cells, laid out once rather than measured again each."""
        puts = self.plan.puts
        first = len(puts)
        while first > 0 and puts[first - 1].row == self.row:
            first -= 1
        last_row = puts[first:]
        for _ in range(times):
            self.next_row(self.heights[-1])
            puts.extend(put._replace(row=self.row) for put in last_row)

    def line(self, text: str, font: str, height: float, horizontal: str = "center") -> None:
        self.next_row(height)
        self.put(1, self.count, text, font=font, horizontal=horizontal, border=False)


def _kinds(data: TableData) -> list[str]:
    # A column people sign in (签名, 参加者签名) needs room for a handwritten name.
    return [
        data.kinds.get(header)
        or ("sign" if header.endswith("签名") else "")
        or lay.infer_kind([r[i] for r in data.rows if i < len(r)])
        for i, header in enumerate(data.headers)
    ]


_ALIGN = {
    "left": "left",
    "center": "center",
    "number": "center",
    "money": "right",
    "hours": "right",
    "sign": "center",
}


def _facts(out: _Sheet, facts: list[tuple[str, str]]) -> None:
    """The header facts as a bordered grid: grey label cells, value cells, two pairs a line
    where the table is wide enough; a value too long for half a line gets the whole line."""
    if not facts:
        return
    if out.count < 2:  # a one-column table has no room for a grid: one bordered line each
        for label, value in facts:
            text = f"{label}：{value}"
            out.next_row(lay.height_for([(text, out.widths[0])], lay.DATA_ROW_POINTS))
            out.put(1, 1, text)
        return
    label_width = max(lay.text_width(label) for label, _ in facts)
    pairs = 2 if out.count >= 4 else 1
    segments = lay.fact_segments(out.widths, pairs, label_width)
    whole = lay.fact_segments(out.widths, 1, label_width)
    pending = list(facts)
    while pending:
        label, value = pending.pop(0)
        line = [(label, value)]
        fits = lay.lines_needed(value, out.span_width(*segments[1])) == 1
        if pairs == 2 and fits:
            # The next fact short enough for the right half shares the line.
            for index, (_, other) in enumerate(pending):
                if lay.lines_needed(other, out.span_width(*segments[3])) == 1:
                    line.append(pending.pop(index))
                    break
        cells = whole if len(line) == 1 else segments
        texts = [t for pair in line for t in pair]
        # Labels are centred without an indent: the padding of a value is theirs to use.
        spans = [out.span_width(*s) + (2 if i % 2 == 0 else 0) for i, s in enumerate(cells)]
        height = lay.height_for(list(zip(texts, spans, strict=False)), lay.DATA_ROW_POINTS)
        out.next_row(height)
        for index, (first, last) in enumerate(cells):
            is_label = index % 2 == 0
            out.put(
                first,
                last,
                texts[index],
                font=_BOLD if is_label else _TEXT,
                horizontal="center" if is_label else "left",
                fill=is_label,
            )


def _table_row(out: _Sheet, values: list[Any], kinds: list[str], font: str, minimum: float) -> None:
    cells = [(lay._as_text(v, k), w) for v, k, w in zip(values, kinds, out.widths, strict=False)]
    out.next_row(lay.height_for(cells, minimum))
    for column, (value, kind) in enumerate(zip(values, kinds, strict=False), start=1):
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        out.put(
            column,
            column,
            value,
            font=font,
            horizontal=_ALIGN.get(kind, "left"),
            number_format=NUMBER_FORMATS.get(kind) if number else None,
        )
    for column in range(len(values) + 1, out.count + 1):
        out.put(column, column, None, font=font)


def _notes(out: _Sheet, notes: list[tuple[str, str]]) -> None:
    """Long remarks under the table: a grey label cell and the text across the rest."""
    if not notes:
        return
    if out.count < 2:
        _facts(out, notes)
        return
    label_width = max(lay.text_width(label) for label, _ in notes)
    label_cells, text_cells = lay.fact_segments(out.widths, 1, label_width)
    for label, text in notes:
        height = lay.height_for(
            [(label, out.span_width(*label_cells)), (text, out.span_width(*text_cells))],
            _note_minimum(text),
        )
        out.next_row(height)
        out.put(*label_cells, label, font=_BOLD, horizontal="center", fill=True)
        one_line = lay.lines_needed(text, out.span_width(*text_cells)) == 1
        out.put(*text_cells, text, vertical="center" if one_line else "top")


def _note_minimum(text: str) -> float:
    """A remark left empty keeps two lines of room to write by hand."""
    return lay.DATA_ROW_POINTS * (2 if not text else 1)


def build_plan(agency: str, title: str, data: TableData) -> SheetPlan:
    """Where every value of the form goes and how it looks, ready for either writer."""
    headers = data.headers or ["", "", "", ""]  # a form without a table still gets a grid
    kinds = _kinds(data) if data.headers else ["left"] * 4
    columns = [[r[i] for r in data.rows if i < len(r)] for i in range(len(headers))]
    if data.totals:
        columns = [
            c + [data.totals[i]] if i < len(data.totals) else c for i, c in enumerate(columns)
        ]
    widths, landscape = lay.plan_columns(headers, columns, kinds)
    plan = SheetPlan(title=title[:31], widths=widths, landscape=landscape)
    out = _Sheet(plan)

    out.line(agency, "agency", 20)
    out.line(title, "title", 30)
    _facts(out, data.facts)
    out.line("", _TEXT, 8)
    if data.groups:
        out.next_row(lay.DATA_ROW_POINTS)
        first = 1
        for text, span in data.groups:
            out.put(first, first + span - 1, text, font=_BOLD, horizontal="center", fill=True)
            first += span
    header_row = out.row + 1
    first_title_row = header_row - (1 if data.groups else 0)
    if data.headers:
        headers = [lay.header_text(h, w) for h, w in zip(headers, widths, strict=True)]
        out.next_row(lay.height_for(list(zip(headers, widths, strict=True)), lay.DATA_ROW_POINTS))
        for column, header in enumerate(headers, start=1):
            out.put(column, column, header, font=_BOLD, horizontal="center", fill=True)
    for values in data.rows:
        _table_row(out, values, kinds, _TEXT, lay.DATA_ROW_POINTS)

    page = lay.page_points(landscape, lay.print_scale(widths, landscape))
    repeat = sum(out.heights[first_title_row - 1 : header_row])
    tail = _tail_points(out, data, kinds)
    # When the table's last rows fill the page, the last one goes over with the totals and
    # signatures, rather than the signatures standing alone on a page.
    brk = lay.break_to_keep_tail(out.heights, repeat, tail, page, header_row + 1)
    if brk is not None:
        plan.row_break = brk - 1
    if data.fill_page and data.headers:
        blank = lay.BLANK_ROW_POINTS
        count = lay.blank_rows_to_fill(out.heights, repeat, tail, page, blank, brk)
        if count:
            _table_row(out, [""] * len(headers), kinds, _TEXT, blank)
            out.repeat_row(count - 1)
    if data.totals is not None:
        _table_row(out, data.totals, kinds, _BOLD, lay.DATA_ROW_POINTS)
    _notes(out, data.notes)
    if data.signatures:
        out.line("", _TEXT, 10)
    for who, day in data.signatures:
        out.next_row(_SIGNATURE_POINTS)
        out.put(1, out.count, signature_text(who, day), border=False, vertical="bottom")

    plan.first_title_row, plan.header_row = first_title_row, header_row
    return plan


def build_workbook(agency: str, title: str, data: TableData) -> Workbook:
    """The form as an openpyxl workbook (the reference the prepared engine is held to)."""
    return openpyxl_workbook(build_plan(agency, title, data))


def _tail_points(out: _Sheet, data: TableData, kinds: list[str]) -> float:
    """Height of what follows the table rows: totals, notes and the signature lines."""
    tail = 0.0
    if data.totals is not None:
        cells = [
            (lay._as_text(v, k), w) for v, k, w in zip(data.totals, kinds, out.widths, strict=False)
        ]
        tail += lay.height_for(cells, lay.DATA_ROW_POINTS)
    for _, text in data.notes:
        tail += lay.height_for([(text, sum(out.widths) * 0.8)], _note_minimum(text))
    if data.signatures:
        tail += 10 + _SIGNATURE_POINTS * len(data.signatures)
    return tail


def render_table(
    agency: str, title: str, data: TableData, metadata: dict[str, Any], *, prepared: bool = True
) -> bytes:
    """The finished XLSX as bytes, with `metadata` embedded; same input → same bytes.

    Made by the prepared engine (render/fast_xlsx.py); by openpyxl when `prepared` is False
    or the engine cannot make it (`fast_xlsx.fallback` then says why).
    """
    plan = build_plan(agency, title, data)
    if prepared:
        made = render_prepared(plan, metadata)
        if made is not None:
            return made
    buffer = io.BytesIO()
    openpyxl_workbook(plan).save(buffer)
    return normalise_zip(
        add_custom_xml(buffer.getvalue(), metadata, main_rels="xl/_rels/workbook.xml.rels")
    )


def blank_table_bytes(model: type[FormModel], agency: str) -> bytes:
    """The empty form of a tabular model: labels, an empty header grid, blank rows to the
    end of the page and signature lines with blank dates. No data is embedded."""
    from .tabular import blank_table_data  # imported here: tabular imports this module

    buffer = io.BytesIO()
    build_workbook(agency, model.title, blank_table_data(model)).save(buffer)
    return normalise_zip(buffer.getvalue())


def write_blank_table(model: type[FormModel], path: Path, agency: str | None = None) -> None:
    """Write the empty form of tabular `model` (kind "xlsx") to `path`."""
    from .document import DEFAULT_AGENCY

    path.write_bytes(blank_table_bytes(model, agency or DEFAULT_AGENCY))
