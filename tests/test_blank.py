"""`lvye-forms blank`: the empty paper form, every label printed, nothing ticked, no data."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from docx import Document

from lvye_forms.cli import main
from lvye_forms.registry import all_forms, spec
from lvye_forms.render.blank import blank_document
from lvye_forms.render.context import BLANK_ROWS
from lvye_forms.render.embed import NoEmbeddedData, read_embedded

from .test_render import all_text

DOCX_FORMS = [m for m in all_forms() if m.kind == "docx"]


def _docx_text(data: bytes) -> str:
    return all_text(Document(io.BytesIO(data)))


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_a_blank_docx_prints_every_label_and_no_value(model, tmp_path):
    data = blank_document(model.form_id)
    text = _docx_text(data)
    assert text.startswith("东莞市绿叶社会工作服务中心") or getattr(model, "script", "") == "hant"
    assert model.title in text
    for bad in ("{{", "{%", "}}", "None", "☑", "('"):
        assert bad not in text, f"{model.form_id}: {bad!r} on the blank form"
    example = model.examples[0]
    written = {c.name for c in spec(model.form_id).columns if c.kind in ("text", "longtext")}
    for name, value in example.items():
        if (
            name in written
            and isinstance(value, str)
            and len(value) > 3
            and value != text.split("\n")[0]
        ):
            assert value not in text, f"{model.form_id}.{name}: example value on the blank form"
    with pytest.raises(NoEmbeddedData):  # a blank is no record: extract must not take it for one
        (tmp_path / "blank.docx").write_bytes(data)
        read_embedded(tmp_path / "blank.docx")


def test_blank_tick_boxes_and_list_rows():
    document = Document(io.BytesIO(blank_document("case_consent")))
    text = all_text(document)
    assert "☐\u00a0自行申请" in text and "☑" not in text
    plan = Document(io.BytesIO(blank_document("case_plan")))
    stages = next(t for t in plan.tables if t.rows[0].cells[0].text == "阶段")
    assert len(stages.rows) == 1 + BLANK_ROWS
    assert all(not c.text.strip() for row in stages.rows[1:] for c in row.cells)


def test_blank_yes_no_prints_both_boxes_unticked():
    text = _docx_text(blank_document("termination_notice"))
    assert "☐\u00a0是\u3000☐\u00a0否" in text


def test_blank_command_writes_docx_and_refuses_the_wrong_suffix(tmp_path):
    runner = CliRunner()
    out = tmp_path / "同意书.docx"
    result = runner.invoke(main, ["blank", "case_consent", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "接受个案服务同意书" in _docx_text(out.read_bytes())
    again = runner.invoke(main, ["blank", "case_consent", "-o", str(out)])
    assert again.exit_code == 0  # the same bytes: nothing to overwrite
    wrong = runner.invoke(main, ["blank", "case_consent", "-o", str(tmp_path / "x.xlsx")])
    assert wrong.exit_code == 2 and "x.docx" in wrong.output


def test_blank_of_a_tabular_form_is_an_xlsx_with_its_headers(tmp_path):
    from openpyxl import load_workbook

    model = next(m for m in all_forms() if m.kind == "xlsx")
    data = blank_document(model.form_id)
    sheet = load_workbook(io.BytesIO(data)).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert any(model.title in c for c in cells)
    assert not any("None" in c or "('" in c for c in cells)
    assert spec(model.form_id).columns  # the form has fields to write in
