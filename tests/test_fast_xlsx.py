"""The prepared XLSX engine makes the workbooks openpyxl makes.

For every tabular form, each example record (for two agencies), a long table running over
several pages and a row of awkward text are rendered by the prepared engine
(`render.fast_xlsx`) and by openpyxl (`render_table(..., prepared=False)`, the path every
tabular document took before). Both must hold, cell by cell, the same value of the same type
with the same font, fill, border, alignment and number format, the same merged ranges, column
widths, row heights, page setup, repeated rows and page breaks, and the same embedded data;
the other parts of the package are the same bytes. Same record → same bytes, whatever was
rendered before in the process.
"""

from __future__ import annotations

import contextlib
import copy
import io
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as _ILLEGAL
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.xml.functions import fromstring

from lvye_forms.model import FormModel
from lvye_forms.registry import all_forms, get_form
from lvye_forms.render import document as document_module
from lvye_forms.render import fast_xlsx
from lvye_forms.render.document import metadata, render_record
from lvye_forms.render.embed import read_embedded
from lvye_forms.render.tabular import table_data
from lvye_forms.render.xlsx import TableData, build_plan, render_table

XLSX_FORMS = [m for m in all_forms() if m.kind == "xlsx"]
OTHER_AGENCY = "广州市某某社会工作服务中心"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def both(record: FormModel, agency: str = "东莞市绿叶社会工作服务中心") -> tuple[bytes, bytes]:
    """(openpyxl's package, the prepared engine's package) of one record."""
    model = type(record)
    data, meta = table_data(record), metadata(record, agency)
    old = render_table(agency, model.title, data, meta, prepared=False)
    new = render_table(agency, model.title, table_data(record), meta)
    return old, new


def _styles(package: zipfile.ZipFile) -> Any:
    sheet = Stylesheet.from_tree(fromstring(package.read("xl/styles.xml")))
    custom = {f.numFmtId: f.formatCode for f in sheet.numFmts.numFmt}

    def resolve(index: str | None) -> tuple[Any, ...]:
        xf = sheet.cellXfs.xf[int(index or 0)]
        number = custom.get(xf.numFmtId) or BUILTIN_FORMATS.get(xf.numFmtId)
        return (
            sheet.fonts[xf.fontId],
            sheet.fills[xf.fillId],
            sheet.borders[xf.borderId],
            xf.alignment,
            xf.protection,
            number,
        )

    return resolve


def raw_cells(data: bytes) -> dict[str, tuple[Any, ...]]:
    """Every cell the worksheet XML writes: reference → (type, text, resolved style)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        resolve = _styles(package)
        root = etree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for cell in root.iter(f"{_MAIN}c"):
        kind = cell.get("t", "n")
        text = "".join(cell.itertext()) if len(cell) else None
        cells[cell.get("r")] = (kind, text or None, resolve(cell.get("s")))
    return cells


def assert_same_workbook(old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(old)) as a, zipfile.ZipFile(io.BytesIO(new)) as b:
        assert a.namelist() == b.namelist()
        assert b.testzip() is None
        for name in a.namelist():
            if name not in ("xl/worksheets/sheet1.xml", "xl/styles.xml"):
                assert a.read(name) == b.read(name), name
    assert raw_cells(old) == raw_cells(new)
    first = load_workbook(io.BytesIO(old)).active
    second = load_workbook(io.BytesIO(new)).active
    assert first is not None and second is not None
    assert first.title == second.title
    assert (first.max_row, first.max_column) == (second.max_row, second.max_column)
    for row in first.iter_rows():
        for cell in row:
            other = second[cell.coordinate]
            assert (cell.value, cell.data_type) == (other.value, other.data_type)
            for attribute in ("font", "fill", "border", "alignment", "number_format"):
                # Style proxies compare by their parameters, which their repr lists.
                assert repr(getattr(cell, attribute)) == repr(getattr(other, attribute)), (
                    cell.coordinate,
                    attribute,
                )
    assert {str(r) for r in first.merged_cells.ranges} == {
        str(r) for r in second.merged_cells.ranges
    }
    widths = {k: (d.width, d.customWidth) for k, d in first.column_dimensions.items()}
    assert widths == {k: (d.width, d.customWidth) for k, d in second.column_dimensions.items()}
    heights = {k: (d.height, d.customHeight) for k, d in first.row_dimensions.items()}
    assert heights == {k: (d.height, d.customHeight) for k, d in second.row_dimensions.items()}
    for part in ("page_setup", "page_margins", "print_options", "sheet_format"):
        assert dict(getattr(first, part)) == dict(getattr(second, part)), part
    assert first.sheet_properties.pageSetUpPr.fitToPage
    assert second.sheet_properties.pageSetUpPr.fitToPage
    assert first.print_title_rows == second.print_title_rows
    assert first.freeze_panes == second.freeze_panes
    assert first.oddFooter.center.text == second.oddFooter.center.text
    assert [b.id for b in first.row_breaks.brk] == [b.id for b in second.row_breaks.brk]


def _embedded(data: bytes, tmp_path: Any) -> dict[str, Any]:
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    return read_embedded(path)


def records(model: type[FormModel]) -> list[FormModel]:
    """Each example, and the first with its table repeated to run over several pages."""
    found = [model.model_validate(example) for example in model.examples]
    example = copy.deepcopy(model.examples[0])
    lists = [k for k, v in example.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
    if lists:
        example[lists[0]] = example[lists[0]] * 20
        # The form's own rules (places, sums, repeats) may refuse the copies.
        with contextlib.suppress(ValueError):
            found.append(model.model_validate(example))
    return found


@pytest.mark.parametrize("model", XLSX_FORMS, ids=lambda m: m.form_id)
def test_prepared_engine_makes_the_workbook_openpyxl_makes(model, tmp_path):
    for record in records(model):
        for agency in ("东莞市绿叶社会工作服务中心", OTHER_AGENCY):
            old, new = both(record, agency)
            assert_same_workbook(old, new)
            assert _embedded(new, tmp_path) == _embedded(old, tmp_path)
            assert _embedded(new, tmp_path)["data"] == record.model_dump(mode="json")
            assert render_record(record, agency) == new
    assert fast_xlsx.fallback(model.form_id) == ""
    assert document_module.engine_fallback(model.form_id) == ""


def test_a_long_table_breaks_pages_the_same_way():
    model = get_form("activity_finance")
    record = records(model)[-1]
    plan = build_plan("某中心", model.title, table_data(record))
    assert plan.row_break is not None  # the case the page break code is for
    assert_same_workbook(*both(record))


def test_awkward_text_is_kept_as_typed():
    """Spaces at either end, markup, a formula, an error value, line breaks: printed as typed
    (openpyxl took '=…' for a formula and '#N/A' for an error before)."""
    model = get_form("activity_finance")
    example = copy.deepcopy(model.examples[0])
    example["explanation"] = "  =SUM(A1:A3) <b>&amp; \"引号\" 'x'\n第二行  "
    example["activity_name"] = "#N/A"
    record = model.model_validate(example)
    old, new = both(record)
    assert_same_workbook(old, new)
    sheet = load_workbook(io.BytesIO(new)).active
    assert sheet is not None
    values = {c.value for row in sheet.iter_rows() for c in row}
    assert example["explanation"] in values and "#N/A" in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_values_of_every_plain_type():
    data = TableData(
        headers=["名称", "数量", "金额", "是否", "备注"],
        rows=[
            ["甲", 3, 12.5, True, None],
            ["乙", 10**17, 0.1 + 0.2, False, " 前后空格 "],
            ["", 0, -1.0, None, "x\ny"],
        ],
        totals=["合计", 10**17 + 3, 11.8, "", ""],
        facts=[("编号", "T-1"), ("日期", "2024年1月1日")],
        notes=[("说明", "")],
        signatures=[("负责社工", "")],
        fill_page=True,
    )
    _assert_both_paths_agree(data, "test")
    assert fast_xlsx.fallback("test") == ""


def test_same_record_same_bytes_whatever_came_before():
    model = get_form("volunteer_signin")
    record = model.model_validate(model.examples[0])
    meta = metadata(record, "某中心")
    plan = build_plan("某中心", model.title, table_data(record))
    fresh = fast_xlsx.FastXlsx().render(plan, meta)
    for other in XLSX_FORMS:  # the process's engine has seen every form by now
        render_record(other.model_validate(other.examples[0]))
    assert render_table("某中心", model.title, table_data(record), meta) == fresh
    assert fast_xlsx.FastXlsx().render(plan, meta) == fresh


def test_a_value_the_engine_cannot_write_goes_through_openpyxl_and_is_said(monkeypatch):
    """A date object (openpyxl turns it into a serial number with a date format) is left to
    openpyxl; the run is told once which form and why."""
    import datetime as dt

    monkeypatch.setattr(fast_xlsx, "_reasons", {})
    data = TableData(headers=["日期"], rows=[[dt.date(2024, 1, 1)]])
    meta = {"form": "dated", "schema_version": 1, "agency": "a", "generator": "g", "key": "k"}
    meta["data"] = {}
    made = render_table("某中心", "测试表", data, meta)
    assert made == render_table("某中心", "测试表", data, meta, prepared=False)
    assert "date" in fast_xlsx.fallback("dated")
    sheet = load_workbook(io.BytesIO(made)).active
    assert sheet is not None and any(c.is_date for row in sheet.iter_rows() for c in row)


def _assert_both_paths_agree(data: TableData, form: str) -> None:
    """The table through openpyxl and through the prepared engine makes the same workbook."""
    meta = {"form": form, "schema_version": 1, "agency": "a", "generator": "g", "key": "k"}
    meta["data"] = {}
    old = render_table("某中心", "测试表", data, meta, prepared=False)
    assert_same_workbook(old, render_table("某中心", "测试表", data, meta))


def _break_engine(monkeypatch: Any) -> None:
    """A prepared engine that cannot be made (its style table fails)."""

    def broken() -> None:
        raise RuntimeError("no style table")

    monkeypatch.setattr(fast_xlsx, "_engine", None)
    monkeypatch.setattr(fast_xlsx, "_broken", "")
    monkeypatch.setattr(fast_xlsx, "_reasons", {})
    monkeypatch.setattr(fast_xlsx, "FastXlsx", broken)


def test_an_engine_that_cannot_be_prepared_leaves_every_document_to_openpyxl(monkeypatch):
    _break_engine(monkeypatch)
    model = get_form("cash_journal")
    record = model.model_validate(model.examples[0])
    old, _ = both(record)
    assert render_record(record) == old
    assert "no style table" in document_module.engine_fallback("cash_journal")


_CELL_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"),
    max_size=40,
).filter(lambda text: not _ILLEGAL.search(text))
_VALUE = st.one_of(
    st.none(),
    _CELL_TEXT,
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(_VALUE, min_size=3, max_size=3), max_size=6),
    facts=st.lists(st.tuples(_CELL_TEXT, _CELL_TEXT), max_size=4),
    notes=st.lists(st.tuples(_CELL_TEXT, _CELL_TEXT), max_size=2),
    fill_page=st.booleans(),
)
def test_any_text_and_numbers_make_the_same_workbook(rows, facts, notes, fill_page):
    """Escaping, spaces at either end, line breaks, CJK and astral characters, numbers of any
    size: what openpyxl writes, the prepared engine writes."""
    data = TableData(
        headers=["名称", "数量", "备注"],
        rows=rows,
        facts=facts,
        notes=notes,
        signatures=[("负责社工", "")],
        fill_page=fill_page,
    )
    _assert_both_paths_agree(data, "prop")


def test_a_run_whose_xlsx_documents_fell_back_names_openpyxl_once(monkeypatch, tmp_path, caplog):
    import logging

    from lvye_forms import api

    _break_engine(monkeypatch)
    data = tmp_path / "in.xlsx"
    api.write_input_workbook("cash_journal", data, example=True)
    with caplog.at_level(logging.WARNING, logger="lvye_forms.batch"):
        report = api.render([data], tmp_path / "out", jobs=1)
    assert report.written
    said = [r.getMessage() for r in caplog.records if "no style table" in r.getMessage()]
    assert len(said) == 1 and "openpyxl" in said[0] and "docxtpl" not in said[0]
