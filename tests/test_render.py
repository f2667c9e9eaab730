"""Rendered documents: open each one and find the values where they belong."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from lvye_forms import api
from lvye_forms.registry import all_forms, get_form
from lvye_forms.render.embed import read_embedded

from .conftest import TODAY

DOCX_FORMS = [m for m in all_forms() if m.kind == "docx"]


def record_of(form_id: str, n: int = 0, **changes):
    model = get_form(form_id)
    return model.model_validate({**model.examples[n], **changes}, context={"today": TODAY})


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def all_text(document) -> str:
    """Body paragraphs and every table cell, nested tables included."""
    parts = [p.text for p in document.paragraphs]

    def walk(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.append(cell.text)
                    walk(cell.tables)

    walk(document.tables)
    return "\n".join(parts)


def right_of(document, label: str) -> str:
    """The text of the cell just right of the cell whose text is `label`."""
    for table in document.tables:
        for row in table.rows:
            cells = row.cells
            for index, cell in enumerate(cells[:-1]):
                if cell.text.strip() == label:
                    following = [c for c in cells[index + 1 :] if c._tc is not cell._tc]
                    return following[0].text
    raise AssertionError(f"no cell labelled {label!r}")


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_every_example_renders_with_its_values(model):
    for n in range(len(model.examples)):
        record = record_of(model.form_id, n)
        document = open_docx(api.render_record(record))
        text = all_text(document)
        # Guangzhou forms head their traditional page with a Guangzhou name of their own.
        assert document.paragraphs[0].text == getattr(model, "default_agency", api.DEFAULT_AGENCY)
        assert document.paragraphs[1].text == model.title  # bare, without 《》
        assert record.key() in text
        for name, value in record.model_dump().items():
            if isinstance(value, str) and value:
                for line in value.split("\n"):
                    assert line in text, f"{model.form_id}.{name}: {line!r} not in the document"


def test_values_sit_next_to_their_labels():
    consent = open_docx(api.render_record(record_of("case_consent")))
    assert right_of(consent, "服务对象姓名") == "李小明"
    assert right_of(consent, "出生日期") == "2012年5月6日"
    assert right_of(consent, "监护人姓名") == "陈美玲"
    assert "☑\u00a0家长或监护人转介" in right_of(consent, "申请形式")
    assert "☐\u00a0自行申请" in right_of(consent, "申请形式")

    approval = open_docx(api.render_record(record_of("eldercare_approval")))
    assert right_of(approval, "身份证号") == "441900195203150020"
    assert right_of(approval, "联系电话") == "0769-22668899"
    family = next(t for t in approval.tables if t.rows[0].cells[0].text == "姓名" and len(t.columns) == 4)
    assert [c.text for c in family.rows[1].cells] == ["张伟", "儿子", "13925512345", "否"]
    assert [c.text for c in family.rows[2].cells] == ["张丽", "女儿", "13650098765", "否"]

    plan = open_docx(api.render_record(record_of("group_plan")))
    budget = next(t for t in plan.tables if t.rows[0].cells[0].text == "预算项目")
    assert [c.text for c in budget.rows[2].cells][:4] == ["组员小礼物", "15.00", "10", "150.00"]
    assert budget.rows[-1].cells[-2].text == "220.00"
    sessions = next(t for t in plan.tables if t.rows[0].cells[0].text == "节次")
    assert len(sessions.rows) == 1 + 4
    assert sessions.rows[3].cells[0].text == "3"
    assert sessions.rows[3].cells[1].text == "2024年4月20日\n14:30-16:00"

    report = open_docx(api.render_record(record_of("activity_report")))
    assert right_of(report, "实际参与人数") == "95"
    assert right_of(report, "结余 / 超支") == "结余 119.50 元"


TRICKY = 'A & B <c> "q" \'s\' {{ 7*7 }} {% if x %} {_{ y }_} 😀 ＡＢＣ１２３\n第二行\t制表'


def test_special_characters_appear_verbatim():
    record = record_of("case_consent", service_request=TRICKY, client_name="<张&三>")
    data = api.render_record(record)
    document = open_docx(data)
    cell = right_of(document, "求助事项")
    assert cell == TRICKY
    assert right_of(document, "服务对象姓名") == "<张&三>"
    assert "49" not in cell  # nothing evaluated
    # The package stays valid XML throughout.
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_documents_carry_their_data_and_render_deterministically(model, tmp_path):
    record = record_of(model.form_id)
    data = api.render_record(record)
    assert api.render_record(record) == data
    path = tmp_path / "doc.docx"
    path.write_bytes(data)
    embedded = read_embedded(path)
    assert embedded["form"] == model.form_id
    assert embedded["schema_version"] == model.schema_version
    assert embedded["data"] == record.model_dump(mode="json")
    again = model.model_validate(embedded["data"], context={"today": TODAY})
    assert api.render_record(again) == data


def test_the_embedded_part_is_a_proper_custom_xml_part():
    data = api.render_record(record_of("group_plan"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        rels = package.read("word/_rels/document.xml.rels").decode()
        assert "relationships/customXml" in rels
        assert "customXml/itemProps1.xml" in package.namelist()
        assert "customXml/_rels/item1.xml.rels" in package.namelist()


@pytest.mark.parametrize("model", DOCX_FORMS, ids=lambda m: m.form_id)
def test_a4_page_and_chinese_fonts(model):
    document = open_docx(api.render_record(record_of(model.form_id)))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert defaults.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    usable = section.page_width - section.left_margin - section.right_margin  # EMU; 635 EMU = 1 twip
    for table in document.tables:
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) <= usable // 635 + 20, f"a table is wider than the page in {model.form_id}"


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler are installed by .ci/run")
def test_libreoffice_opens_every_form_and_shows_the_chinese_text(tmp_path):
    for model in DOCX_FORMS:
        (tmp_path / f"{model.form_id}.docx").write_bytes(api.render_record(record_of(model.form_id)))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
         *[str(p) for p in sorted(tmp_path.glob("*.docx"))]],
        check=True, capture_output=True, timeout=240,
    )
    for model in DOCX_FORMS:
        pdf = tmp_path / f"{model.form_id}.pdf"
        assert pdf.exists(), f"LibreOffice could not convert {model.form_id}"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout
        assert model.title in text.replace(" ", "")
        assert getattr(model, "default_agency", api.DEFAULT_AGENCY) in text.replace(" ", "")
        fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert "CJK" in fonts or "Song" in fonts or "Hei" in fonts, fonts


XLSX_FORMS = [m for m in all_forms() if m.kind == "xlsx"]


def sheet_text(data: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("model", XLSX_FORMS, ids=lambda m: m.form_id)
def test_tabular_forms_print_every_value_and_carry_their_data(model, tmp_path):
    from openpyxl import load_workbook

    for n in range(len(model.examples)):
        record = record_of(model.form_id, n)
        data = api.render_record(record)
        assert api.render_record(record) == data
        text = sheet_text(data)
        assert api.DEFAULT_AGENCY in text and model.title in text.split("\n")  # bare, no 《》
        for part_name, items in record.model_dump().items():
            if isinstance(items, list) and items and isinstance(items[0], dict):
                for item in items:
                    for value in item.values():
                        if isinstance(value, str) and value:
                            assert value in text, f"{model.form_id}.{part_name}: {value!r} missing"
        path = tmp_path / "t.xlsx"
        path.write_bytes(data)
        assert read_embedded(path)["data"] == record.model_dump(mode="json")
        sheet = load_workbook(path).active
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.print_title_rows and sheet.freeze_panes
        assert "&P" in sheet.oddFooter.center.text


def test_attendance_is_members_by_sessions():
    from openpyxl import load_workbook

    data = api.render_record(record_of("group_attendance"))
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "序号")
    assert header[2].startswith("第1节") and header[5].startswith("第4节") and header[6] == "出席次数"
    by_name = {r[1]: r for r in rows if r[0] in (1, 2, 3, 4, 5)}
    assert by_name["周子涵"][2:7] == ["✓", "✓", "假", "✓", 3]  # excused: 请假节次 3
    assert by_name["郑可欣"][2] == "缺"
    totals = next(r for r in rows if r[1] == "出席人数")
    assert totals[2:7] == [4, 4, 3, 5, 16]


def test_signature_lines_of_tabular_forms_print_no_program_text():
    """Every xlsx form: one line per signer, the record's date or a blank, never a tuple."""
    from openpyxl import load_workbook

    from lvye_forms.registry import all_forms
    from lvye_forms.render.tabular import signature_lines

    for model in all_forms():
        if model.kind != "xlsx" or not model.signatures:
            continue
        record = model.model_validate(model.examples[0], context={"today": TODAY})
        sheet = load_workbook(io.BytesIO(api.render_record(record))).worksheets[0]
        text = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        assert not any("('" in t or "None" in t for t in text), model.form_id
        for who, day in signature_lines(record):
            line = f"{who}：________________　　日期：{day or '____年__月__日'}"
            assert line in text, (model.form_id, line)
