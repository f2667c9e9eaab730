"""`template check`, agencies' own templates (`--templates`) and `template export`."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from click.testing import CliRunner
from docx import Document

from lvye_forms import registry
from lvye_forms.cli import main
from lvye_forms.render import document as rendering
from lvye_forms.templates_check import check_template, check_templates

from .test_render import open_docx, record_of


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def edited(source, target, old: str, new: str):
    """A copy of template `source` with `old` replaced by `new` in the text of every run,
    as an agency would edit it in Word."""
    document = Document(str(source))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run_ in paragraph.runs:
                        run_.text = run_.text.replace(old, new)
    for paragraph in document.paragraphs:
        for run_ in paragraph.runs:
            run_.text = run_.text.replace(old, new)
    document.save(str(target))
    return target


def test_every_shipped_template_uses_only_values_its_form_offers():
    report = check_templates()
    assert report.results, "no templates found"
    problems = [(r.form_id, f) for r in report.results for f in r.findings]
    assert not problems, problems
    assert report.ok


def test_a_misspelled_tag_is_named_with_its_cell_and_the_likely_name(tmp_path):
    template = edited(
        registry.shipped_template("exit_interview"),
        tmp_path / "exit_interview.docx",
        "{{ client_name }}",
        "{{ clint_name }}",
    )
    result = check_template(template)
    [error] = result.errors
    assert error.tag == "{{ clint_name }}"
    assert "表格" in error.where and "服务对象姓名" in error.where
    assert error.suggestion == "client_name"
    # The field is now printed nowhere: a warning, not a second error.
    [warning] = result.warnings
    assert "服务对象姓名" in warning.reason


def test_a_required_field_left_out_is_a_warning_only(tmp_path):
    template = edited(
        registry.shipped_template("exit_interview"),
        tmp_path / "exit_interview.docx",
        "{{ feedback }}",
        "",
    )
    result = check_template(template)
    assert not result.errors
    assert [w.reason for w in result.warnings] == ["必填项“对服务的意见”（feedback）没有印在模板上"]


def test_a_wrong_row_value_in_a_list_table_is_found(tmp_path):
    template = edited(
        registry.shipped_template("case_plan"),
        tmp_path / "case_plan.docx",
        "{{ row.methods }}",
        "{{ row.method }}",
    )
    [error] = check_template(template).errors
    assert error.tag == "{{ row.method }}" and error.suggestion == "methods"


def test_a_file_named_after_no_form_is_an_error(tmp_path):
    shutil.copy(registry.shipped_template("case_plan"), tmp_path / "个案计划.docx")
    [error] = check_template(tmp_path / "个案计划.docx").errors
    assert "表单编号" in error.reason


def test_check_command_exits_1_and_prints_json(tmp_path):
    edited(
        registry.shipped_template("case_referral"),
        tmp_path / "case_referral.docx",
        "{{ reason }}",
        "{{ reasons }}",
    )
    result = run("template", "check", tmp_path)
    assert result.exit_code == 1
    assert "{{ reasons }}" in result.output and "reason" in result.output
    data = json.loads(run("template", "check", tmp_path, "--json").output)
    assert data["errors"] == 1 and data["results"][0]["form"] == "case_referral"
    assert run("template", "check").exit_code == 0


def test_export_gives_the_shipped_template_and_never_overwrites(tmp_path):
    assert run("template", "export", "case_consent", "-o", tmp_path).exit_code == 0
    exported = tmp_path / "case_consent.docx"
    assert exported.read_bytes() == registry.shipped_template("case_consent").read_bytes()
    exported.write_bytes(b"edited by the agency")
    result = run("template", "export", "case_consent", "-o", tmp_path)
    assert result.exit_code == 1 and exported.read_bytes() == b"edited by the agency"
    assert run("template", "export", "case_consent", "-o", tmp_path, "--overwrite").exit_code == 0
    assert exported.read_bytes() == registry.shipped_template("case_consent").read_bytes()
    assert run("template", "export", "no_such_form", "-o", tmp_path).exit_code == 2


@pytest.fixture
def own_templates(tmp_path):
    """An agency folder with its own 退出面谈记录; the cache of prepared templates is
    emptied before and after, since a process normally uses one folder."""
    folder = tmp_path / "own"
    folder.mkdir()
    edited(
        registry.shipped_template("exit_interview"),
        folder / "exit_interview.docx",
        "退出面谈记录",
        "离开服务面谈记录",
    )
    rendering._prepared.cache_clear()
    yield folder
    registry.use_templates(None)
    rendering._prepared.cache_clear()


def test_render_uses_the_agencys_template_and_falls_back_to_the_shipped_one(own_templates):
    rendering.render_record(record_of("exit_interview"))  # the shipped one, read once
    registry.use_templates(own_templates)
    own = open_docx(rendering.render_record(record_of("exit_interview")))
    assert own.paragraphs[1].text == "离开服务面谈记录"
    shipped = open_docx(rendering.render_record(record_of("case_referral")))
    assert shipped.paragraphs[1].text == "个案转介表"


def test_templates_setting_and_option(own_templates, tmp_path, monkeypatch):
    monkeypatch.setenv("LVYE_FORMS_TEMPLATES", str(own_templates))
    assert registry.template_path("exit_interview") == own_templates / "exit_interview.docx"
    assert registry.template_path("case_plan") == registry.shipped_template("case_plan")
    monkeypatch.delenv("LVYE_FORMS_TEMPLATES")
    out = tmp_path / "blank.docx"
    assert run("blank", "exit_interview", "-o", out, "--templates", own_templates).exit_code == 0
    assert Document(io.BytesIO(out.read_bytes())).paragraphs[1].text == "离开服务面谈记录"


def test_render_with_a_misspelled_agency_template_says_so(own_templates, tmp_path):
    edited(
        own_templates / "exit_interview.docx",
        own_templates / "exit_interview.docx",
        "{{ feedback }}",
        "{{ feedbak }}",
    )
    out = tmp_path / "blank.docx"
    result = CliRunner().invoke(
        main, ["blank", "exit_interview", "-o", str(out), "--templates", str(own_templates)]
    )
    assert result.exit_code == 0
    assert "{{ feedbak }}" in result.output and "exit_interview.docx" in result.output


def _builder():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "build_templates.py"
    module_spec = importlib.util.spec_from_file_location("build_templates_under_test", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def test_the_builder_scaffolds_but_never_replaces_a_template_without_force(tmp_path, capsys):
    builder = _builder()
    builder.FORMS_DIR = tmp_path
    edited_by_agency = tmp_path / "case_plan.docx"
    edited_by_agency.write_bytes(b"the agency's own layout")
    builder.main(["case_plan", "exit_interview"])
    out = capsys.readouterr().out
    assert edited_by_agency.read_bytes() == b"the agency's own layout"
    assert "kept 1" in out and "case_plan" in out and "--force" in out
    assert (tmp_path / "exit_interview.docx").is_file()  # a missing template is scaffolded
    builder.main(["case_plan", "--force"])
    assert edited_by_agency.read_bytes() != b"the agency's own layout"
    assert not check_template(edited_by_agency).findings


def test_a_template_that_cannot_be_opened_is_named_and_stops_rendering(tmp_path):
    folder = tmp_path / "own"
    folder.mkdir()
    (folder / "case_plan.docx").write_bytes(b"not a document")
    (folder / "~$case_plan.docx").write_bytes(b"Word's lock file")  # ignored
    report = check_templates(folder)
    [result] = report.results
    [error] = result.errors
    assert result.unusable and "不是有效的 Word 文档" in error.reason
    try:
        result_ = run("blank", "case_plan", "-o", tmp_path / "x.docx", "--templates", folder)
    finally:
        registry.use_templates(None)
    assert result_.exit_code == 2 and "case_plan.docx" in result_.output
    assert "Traceback" not in result_.output and not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize("broken", ["{{ feedback }", "{{ feed back }}"])
def test_a_tag_that_would_stop_rendering_is_named(tmp_path, broken):
    template = edited(
        registry.shipped_template("exit_interview"),
        tmp_path / "exit_interview.docx",
        "{{ feedback }}",
        broken,
    )
    result = check_template(template)
    [error] = result.errors
    assert result.unusable and "无法生成" in error.reason and "对服务的意见" in error.where


def test_a_loop_left_open_is_found(tmp_path):
    template = edited(
        registry.shipped_template("case_plan"),
        tmp_path / "case_plan.docx",
        "{%tr endfor %}",
        "",
    )
    result = check_template(template)
    assert result.unusable and any("endfor" in e.reason for e in result.errors)
