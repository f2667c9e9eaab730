"""Input workbooks read as a stream: the same values as openpyxl gives, one row at a time.

The lean row parser (`ingest.sheet_rows`) replaces openpyxl's sheet parser for input; these
tests hold it to openpyxl's `data_only` values on workbooks with every kind of cell, check
that a render keeps only the rows in flight, and that damage part-way through a sheet ends in
a located problem with the documents before it kept.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from lvye_forms import api
from lvye_forms.errors import Code
from lvye_forms.ingest.sheet_rows import MergedCells, outline
from lvye_forms.ingest.stream import open_tables
from lvye_forms.ingest.tables import SourceRow, UnreadableFile, read_tables
from lvye_forms.limits import BoundedStream
from lvye_forms.report import RenderEvents

from .conftest import TODAY, example_sheets

SHEET = "接受个案服务同意书"
HEADERS, ROW = example_sheets("case_consent")[SHEET]
KEY = HEADERS.index("个案编号")


def _every_kind_of_cell(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "S"
    sheet.append(["text", "int", "float", "date", "datetime", "time", "bool", "formula", "error"])
    sheet.append(
        [
            "李小明 & <b> \"q\" 'a' {{ x }} 😀 𠀀 ＡＢＣ",
            13802461357,
            1.5,
            dt.date(2024, 3, 4),
            dt.datetime(2024, 3, 4, 15, 30),
            dt.time(9, 15),
            True,
            "=B2*2",
            "=1/0",
        ]
    )
    sheet.append(["x_x000B_y", 0, -2.25e-5, None, None, None, False, "=A3", None])
    sheet.append(["  ", 441900201205060035, 1e20, dt.date(1900, 3, 1), None, None, None, None, None])
    sheet.cell(row=6, column=3, value="after a blank row")
    sheet["A2"].alignment = Alignment(wrap_text=True)
    validation = DataValidation(type="list", formula1='"是,否"')
    sheet.add_data_validation(validation)
    validation.add("G2:G1000")
    sheet.merge_cells("D5:F5")
    workbook.save(path)
    return path


def _openpyxl_values(path: Path) -> dict[int, dict[int, object]]:
    """What openpyxl's own read-only, data_only reader gives (no cached formula results:
    openpyxl does not compute them, so both readers must see None)."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows: dict[int, dict[int, object]] = {}
    for row in workbook.active.iter_rows():
        for cell in row:
            if getattr(cell, "value", None) is not None:
                rows.setdefault(cell.row, {})[cell.column] = cell.value
    workbook.close()
    return rows


def test_a_streamed_sheet_gives_openpyxls_values(tmp_path):
    path = _every_kind_of_cell(tmp_path / "kinds.xlsx")
    expected = _openpyxl_values(path)
    expected[3][1] = "x\x0by"  # Excel's _x000B_ escape undone, as the reader always did
    header = expected.pop(1)
    with open_tables(path) as tables:
        table = tables["S"]
        assert table.headers == [header[c] for c in sorted(header)]
        rows = list(table.iter_rows())
    got = {
        row.row: {table.columns[h]: v for h, v in row.values.items() if v is not None}
        for row in rows
    }
    # The blank-looking row 4 ("  ") still counts: its other cells hold values.
    assert got == {n: v for n, v in expected.items() if n != 5}
    assert rows[0].values["date"] == dt.datetime(2024, 3, 4)
    assert rows[0].values["text"].startswith("李小明 & <b>")


def test_streamed_and_whole_readers_agree(tmp_path):
    path = _every_kind_of_cell(tmp_path / "kinds.xlsx")
    whole = read_tables(path)["S"]
    with open_tables(path) as tables:
        streamed = tables["S"]
        assert streamed.headers == whole.headers
        assert streamed.header_row == whole.header_row
        assert [(r.row, r.values) for r in streamed.iter_rows()] == [
            (r.row, r.values) for r in whole.rows
        ]
        # Asked again (two forms sharing a list sheet), it reads the sheet again.
        assert len(list(streamed.iter_rows())) == len(whole.rows)


def test_the_outline_finds_merged_ranges_and_counts_rows(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    for n in range(1, 301):
        sheet.append([f"r{n}", n])
    for n in range(10, 250, 20):
        sheet.merge_cells(f"A{n}:B{n + 1}")
    path = tmp_path / "m.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as package:
        source = BoundedStream(package.open("xl/worksheets/sheet1.xml"), 10**8, "sheet")
        shape = outline(source)
    assert shape.rows == 300
    assert sorted(shape.merged) == sorted((1, n, 2, n + 1) for n in range(10, 250, 20))


def test_merged_cells_blank_what_a_range_hides_in_and_out_of_order():
    merged = MergedCells([(1, 2, 3, 3)])  # A2:C3
    row2 = {1: "top-left", 2: "hidden", 4: "outside"}
    row3 = {1: "hidden", 3: "hidden", 4: "kept"}
    merged.blank(2, row2)
    merged.blank(3, row3)
    assert row2 == {1: "top-left", 4: "outside"}
    assert row3 == {4: "kept"}
    again = {2: "hidden"}
    merged.blank(2, again)  # a row out of order: every range is looked at
    assert again == {}


def _consent_workbook(path: Path, rows: int) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for n in range(rows):
        values = list(ROW)
        values[KEY] = f"GA-S-{n:05d}"
        sheet.append(values)
    workbook.save(path)
    return path


class _CountRowsInFlight(RenderEvents):
    """Counts the input rows alive in memory when the 300th document is done."""

    def __init__(self) -> None:
        self.done = 0
        self.alive: int | None = None
        self.expected = 0

    def rows_found(self, count: int) -> None:
        self.expected += count

    def document_done(self, report, document) -> None:
        self.done += 1
        if self.done == 300:
            gc.collect()
            self.alive = sum(1 for o in gc.get_objects() if type(o) is SourceRow)


def test_a_render_keeps_only_the_rows_in_flight(tmp_path):
    data = _consent_workbook(tmp_path / "many.xlsx", 900)
    events = _CountRowsInFlight()
    report = api.render([data], tmp_path / "out", today=TODAY, events=events, jobs=1)
    assert len(report.written) == 900 and not report.problems
    assert events.expected == 900  # the estimate, corrected to the rows really read
    # A chunk of rows is in flight at most; all 900 would be alive with a whole-sheet read.
    assert events.alive is not None and events.alive < 100


def _damaged_at_row(path: Path, bad_row: int, rows: int) -> Path:
    """A workbook whose sheet XML has a cell reference no reader can place at `bad_row`."""
    buffer = io.BytesIO()
    _consent_workbook(path, rows)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(f'r="A{bad_row}"'.encode(), f'r="A{bad_row}!"'.encode(), 1)
            target.writestr(item, data)
    path.write_bytes(buffer.getvalue())
    return path


def test_damage_part_way_through_a_sheet_is_located_and_the_rows_before_it_kept(tmp_path):
    data = _damaged_at_row(tmp_path / "damaged.xlsx", 60, 80)
    report = api.render([data], tmp_path / "out", today=TODAY, jobs=1)
    (file_report,) = report.files
    problem = next(p for p in file_report.problems if p.code == Code.UNREADABLE.value)
    assert problem.sheet == SHEET and problem.row == 60
    assert "第 60 行" in problem.message or "row 60" in problem.message
    written = sorted(d.key for d in file_report.documents)
    assert written == [f"GA-S-{n:05d}" for n in range(58)]  # rows 2–59 of the sheet
    assert report.status.exit_code == 1


def test_damage_in_a_sheets_header_refuses_the_file_as_before(tmp_path):
    data = _damaged_at_row(tmp_path / "damaged.xlsx", 1, 5)
    with pytest.raises(UnreadableFile) as caught, open_tables(data):
        pass
    assert caught.value.sheet == SHEET
    report = api.render([data], tmp_path / "out", today=TODAY, jobs=1)
    assert not report.written and report.files[0].problems[0].code == Code.UNREADABLE.value


def test_a_merged_range_hides_its_other_cells_in_a_streamed_sheet(tmp_path):
    from .test_hostile_inputs import xlsx_bytes

    rows = [["a", "b", "c"], ["top", "hidden", "own"], ["x", "y", "z"], ["hidden", "q", "r"]]
    path = tmp_path / "merged.xlsx"
    path.write_bytes(xlsx_bytes(rows, sheet="S", merges=["A2:B2", "A3:A4"]))
    whole = read_tables(path)["S"]
    with open_tables(path) as tables:
        streamed = [r.values for r in tables["S"].iter_rows()]
    assert streamed == [r.values for r in whole.rows]
    assert streamed == [
        {"a": "top", "b": None, "c": "own"},
        {"a": "x", "b": "y", "c": "z"},
        {"a": None, "b": "q", "c": "r"},
    ]


def test_a_cells_own_extension_list_does_not_lose_its_value(tmp_path):
    """Sheet-level parts we never read are dropped as they are parsed; a cell's own <extLst>
    is part of its row and must not take the value before it with it."""
    from .test_hostile_inputs import xlsx_bytes

    raw_row = (
        '<row r="3"><c r="A3"><v>42</v><extLst><ext uri="x"/></extLst></c>'
        '<c r="B3" t="inlineStr"><is><t>kept</t></is></c></row>'
    )
    path = tmp_path / "ext.xlsx"
    path.write_bytes(xlsx_bytes([["a", "b"], ["1", "2"]], sheet="S", raw_rows=raw_row))
    with open_tables(path) as tables:
        rows = [r.values for r in tables["S"].iter_rows()]
    assert rows == [{"a": "1", "b": "2"}, {"a": 42, "b": "kept"}]
    assert [r.values for r in read_tables(path)["S"].rows] == rows
