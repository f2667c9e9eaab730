"""The prepared DOCX engine makes the documents docxtpl makes.

For every shipped DOCX template, each example record and a row of hostile text are rendered by
the prepared engine (`render.fast_docx`) and by docxtpl itself; the two documents must hold the
same text in the same paragraphs and cells, in the same order, be valid packages, and carry
the same data. A template or a value the engine cannot handle goes through docxtpl, said once.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docxtpl import RichText
from lxml import etree

from lvye_forms import api
from lvye_forms.registry import all_forms, template_path
from lvye_forms.render import document as document_module
from lvye_forms.render import fast_docx
from lvye_forms.render.context import template_context
from lvye_forms.render.document import metadata
from lvye_forms.render.docx import PreparedTemplate
from lvye_forms.render.embed import read_embedded

from .conftest import TODAY, example_sheets, write_workbook

DOCX_FORMS = [m for m in all_forms() if m.kind == "docx"]
HOSTILE = "A&B <c> \"d\" 'e' {{ x }} {% y %} 😀 𠀀 全角ＡＢＣ１２３\n第二行\t制表\n\n第四行 }}"


def hostile(value: Any) -> Any:
    """Every text of a context replaced by text that breaks naive XML or Jinja handling."""
    if isinstance(value, dict):
        return {k: hostile(v) for k, v in value.items()}
    if isinstance(value, list):
        return [hostile(v) for v in value]
    if isinstance(value, str):
        return f"{value}{HOSTILE}"
    return value


def paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text (body, table cells, headers, footers), in document order."""
    document = Document(io.BytesIO(data))
    texts = [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]
    for section in document.sections:
        for part in (section.header, section.footer):
            texts += [p.text for p in part.paragraphs]
    return texts


def check_package(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))  # well-formed, no recovery needed
    Document(io.BytesIO(data))


def both(model: type, context: dict[str, Any], meta: dict[str, Any]) -> tuple[bytes, bytes]:
    path = template_path(model.form_id)
    fast = PreparedTemplate(path)
    assert fast.fallback == ""
    slow = PreparedTemplate(path, fast=False)
    made = fast.render(context, meta)
    assert fast.fallback == "", fast.fallback
    return made, slow.render(context, meta)


def same_document(made: bytes, expected: bytes, tmp_path: Any) -> None:
    check_package(made)
    assert paragraphs(made) == paragraphs(expected)
    (tmp_path / "fast.docx").write_bytes(made)
    (tmp_path / "docxtpl.docx").write_bytes(expected)
    assert read_embedded(tmp_path / "fast.docx") == read_embedded(tmp_path / "docxtpl.docx")
    with zipfile.ZipFile(io.BytesIO(made)) as a, zipfile.ZipFile(io.BytesIO(expected)) as b:
        # The same parts; the engine lays the parts that never change out first (in their
        # order), so only the order of the per-document parts differs.
        assert sorted(a.namelist()) == sorted(b.namelist())
        assert a.namelist()[0] == "[Content_Types].xml"
        assert len(set(a.namelist())) == len(a.namelist())


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_every_example_renders_as_docxtpl_renders_it(model, tmp_path):
    for example in model.examples:
        record = model.model_validate(example, context={"today": TODAY})
        context = template_context(record, "测试机构 & <合作方>")
        made, expected = both(model, context, metadata(record, "测试机构"))
        same_document(made, expected, tmp_path)


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_hostile_text_renders_as_docxtpl_renders_it(model, tmp_path):
    record = model.model_validate(model.examples[0], context={"today": TODAY})
    context = hostile(template_context(record, "机构"))
    meta = metadata(record, HOSTILE)
    made, expected = both(model, context, meta)
    same_document(made, expected, tmp_path)
    text = "\n".join(paragraphs(made))
    # Not one character lost: braces, quotes, astral characters, line breaks and tabs.
    assert "A&B <c> \"d\" 'e' {{ x }} {% y %} 😀 𠀀 全角ＡＢＣ１２３\n第二行\t制表\n\n第四行 }}" in text


def test_same_record_same_bytes():
    model = DOCX_FORMS[0]
    record = model.model_validate(model.examples[0], context={"today": TODAY})
    first = api.render_record(record)
    assert api.render_record(record) == first
    template = PreparedTemplate(template_path(model.form_id))
    context, meta = template_context(record, "机构"), metadata(record, "机构")
    assert template.render(context, meta) == template.render(context, meta)


def test_word_objects_in_values_go_through_docxtpl():
    model = next(m for m in DOCX_FORMS if m.form_id == "case_consent")
    record = model.model_validate(model.examples[0], context={"today": TODAY})
    context = template_context(record, "机构")
    context["client_name"] = RichText("富文本")
    template = PreparedTemplate(template_path(model.form_id))
    data = template.render(context, metadata(record, "机构"))
    assert "Word objects" in template.fallback
    check_package(data)
    assert "富文本" in "\n".join(paragraphs(data))


def test_a_template_the_engine_cannot_prepare_is_rendered_by_docxtpl_and_said_once(
    tmp_path, monkeypatch, caplog
):
    def refuse(self: Any, data: bytes, env: Any) -> None:
        raise fast_docx.Unsupported("测试：不支持")

    monkeypatch.setattr(fast_docx.FastDocx, "__init__", refuse)
    document_module._prepared.cache_clear()
    try:
        sheets = example_sheets("case_consent")
        main = next(iter(sheets))
        first = sheets[main][1]
        for n in range(3):
            sheets[main].append([f"GA-FALLBACK-{n}" if i == 0 else v for i, v in enumerate(first)])
        data = write_workbook(tmp_path / "in.xlsx", sheets)
        with caplog.at_level(logging.WARNING, logger="lvye_forms.batch"):
            report = api.render([data], tmp_path / "out", form_id="case_consent", jobs=1)
        assert len(report.written) == 4
        said = [r for r in caplog.records if "测试：不支持" in r.getMessage()]
        assert len(said) == 1
        for document in report.written:
            check_package(document.path.read_bytes())
    finally:
        document_module._prepared.cache_clear()


def test_a_table_whose_cells_change_takes_docxtpls_table_fix(tmp_path):
    """A template with {%tc %} columns: the grid is rewritten as docxtpl rewrites it."""
    from docx.shared import Cm

    document = Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "{%tc for c in cols %}"
    table.cell(0, 1).text = "{{ c }}{%tc endfor %}"
    table.cell(1, 0).text = "{{ agency }}"
    table.columns[0].width = Cm(3)
    path = tmp_path / "tc.docx"
    document.save(path)
    context = {"cols": ["甲", "乙", "丙"], "agency": "机构"}
    meta = {"form": "x", "schema_version": 1, "agency": "", "generator": "", "key": "k", "data": {}}
    fast = PreparedTemplate(path)
    made = fast.render(context, meta)
    expected = PreparedTemplate(path, fast=False).render(context, meta)
    check_package(made)
    assert paragraphs(made) == paragraphs(expected)
    grid = [
        len(Document(io.BytesIO(d)).tables[0]._tbl.tblGrid.findall(qn("w:gridCol")))
        for d in (made, expected)
    ]
    assert grid[0] == grid[1]


def test_control_characters_in_values_go_through_docxtpls_listing_step(tmp_path):
    """A bell or form feed in a value (validation refuses them; the engine must not rely on
    it): docxtpl turns them into paragraphs and page breaks, and so does the engine."""
    model = next(m for m in DOCX_FORMS if m.form_id == "case_consent")
    record = model.model_validate(model.examples[0], context={"today": TODAY})
    context = template_context(record, "机构")
    context["client_name"] = "甲\x07乙\x0c丙\x0b丁"
    made, expected = both(model, context, metadata(record, "机构"))
    check_package(made)
    assert paragraphs(made) == paragraphs(expected)
