"""The shared layout of the generated templates: what a supervisor checks on paper."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.oxml.ns import qn

from lvye_forms import api
from lvye_forms.registry import all_forms, template_path

from .test_render import open_docx, record_of

DOCX_FORMS = [m for m in all_forms() if m.kind == "docx"]
NUMERALS = "一二三四五六七八九十"


def _label_cells(document):
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
                if shading is not None and shading.get(qn("w:fill")) == "E7E6E6":
                    yield cell


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_title_is_bare_and_headings_are_numbered_in_order(model):
    document = Document(str(template_path(model.form_id)))
    texts = [p.text for p in document.paragraphs]
    assert not any("《" + model.title in t for t in texts[:3]), "the title stands bare"
    numbers = [t.split("、")[0] for t in texts if re.match(f"^[{NUMERALS}]+、", t)]
    expected = [NUMERALS[i] if i < 10 else "十" + NUMERALS[i - 10] for i in range(len(numbers))]
    assert numbers == expected[: len(numbers)], numbers


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_no_label_line_is_a_lone_character(model):
    document = Document(str(template_path(model.form_id)))
    for cell in _label_cells(document):
        lines = cell.text.split("\n")
        if len(lines) > 1:
            assert all(len(line.strip()) > 1 for line in lines), f"{model.form_id}: {cell.text!r}"


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_signature_dates_share_one_tab_stop_and_keep_together(model):
    document = Document(str(template_path(model.form_id)))
    lines = [p for p in document.paragraphs if "签名：" in p.text or "簽名：" in p.text]
    lines = [p for p in lines if "\t" in p.text]
    if len(lines) < 2:
        pytest.skip("one signer")
    stops = {tuple(s.position for s in p.paragraph_format.tab_stops) for p in lines}
    assert len(stops) == 1
    first = lines[0]
    assert first.paragraph_format.keep_with_next, "a signature block never starts a page alone"


def test_boxes_are_joined_to_their_words_and_yes_no_is_ticked():
    document = open_docx(api.render_record(record_of("exit_interview")))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "☑\u00a0是\u3000☐\u00a0否" in text
    assert "☐ " not in text and "☑ " not in text  # never an ordinary, breakable space


def test_an_empty_signature_date_is_a_line_to_fill_in():
    document = open_docx(api.render_record(record_of("case_referral")))
    supervisor = next(p for p in document.paragraphs if p.text.startswith("督导签名"))
    assert supervisor.text.endswith("日期：＿＿＿＿年＿＿月＿＿日")


def test_a_one_field_section_has_no_label_repeating_its_heading():
    document = Document(str(template_path("case_plan")))
    labels = {c.text for c in _label_cells(document)}
    assert "主要问题及相关问题" not in labels
    assert any(p.text == "二、主要问题及相关问题" for p in document.paragraphs)


def test_hours_print_as_written():
    document = open_docx(api.render_record(record_of("eldercare_agreement")))
    assert "每月服务24小时" in "\n".join(p.text for p in document.paragraphs)


def test_many_short_options_stand_in_columns_four_to_a_line():
    document = open_docx(api.render_record(record_of("eldercare_needs")))
    cell = next(c for t in document.tables for r in t.rows for c in r.cells if "生活照料" in c.text)
    lines = cell.text.split("\n")
    assert len(lines) == 2 and all(len(line.split("\t")) == 4 for line in lines)
    assert lines[0].startswith("☑\u00a0生活照料\t☑\u00a0家政服务")
    assert len(cell.paragraphs[0].paragraph_format.tab_stops) == 3


def test_long_options_stand_one_to_a_line():
    document = open_docx(api.render_record(record_of("case_closing")))
    cell = next(
        c for t in document.tables for r in t.rows for c in r.cells if "目标已达到" in c.text
    )
    assert cell.text.split("\n")[0] == "☑\u00a01 目标已达到"
    assert len(cell.text.split("\n")) == 5
