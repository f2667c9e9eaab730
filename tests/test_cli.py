"""The command line, driven as staff would use it, asserting on output and on the files made."""

from __future__ import annotations

import json

from click.testing import CliRunner
from docx import Document

from lvye_forms.cli import main
from lvye_forms.registry import all_forms

from .conftest import example_sheets, write_workbook


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_list_names_every_form():
    result = run("list")
    assert result.exit_code == 0
    for model in all_forms():
        assert model.form_id in result.output and model.title in result.output


def test_describe_shows_labels_types_and_rules():
    result = run("describe", "group_plan")
    assert result.exit_code == 0
    for text in ("小组名称", "具体活动计划", "预算合计（元）", "节次", "预算合计 = 各行金额之和"):
        assert text in result.output
    assert run("describe", "no_such_form").exit_code == 2


def test_sheet_writes_a_workbook_and_never_overwrites_unasked(tmp_path):
    target = tmp_path / "同意书.xlsx"
    assert run("sheet", "case_consent", "-o", target).exit_code == 0
    first = target.read_bytes()
    result = run("sheet", "case_consent", "-o", target, "--example")
    assert result.exit_code == 1 and "未覆盖" in result.output
    assert target.read_bytes() == first
    assert run("sheet", "case_consent", "-o", target, "--example", "--overwrite").exit_code == 0
    assert target.read_bytes() != first


def test_render_example_workbooks_without_naming_the_form(tmp_path):
    inputs = []
    for model in all_forms():
        path = tmp_path / f"{model.form_id}.xlsx"
        assert run("sheet", model.form_id, "-o", path, "--example").exit_code == 0
        inputs.append(path)
    out = tmp_path / "out"
    result = run("render", *inputs, "-o", out)
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in out.iterdir() if p.suffix in (".docx", ".xlsx"))
    assert len(made) == sum(len(m.examples) for m in all_forms())
    assert "接受个案服务同意书_GA-2024-017_李小明.docx" in made
    # Running again changes nothing and says so.
    again = run("render", *inputs, "-o", out)
    assert again.exit_code == 0 and "未变" in again.output


def test_render_reports_bad_rows_renders_good_ones_and_exits_1(tmp_path):
    sheets = example_sheets("case_consent")
    main_sheet = next(iter(sheets))
    bad = list(sheets[main_sheet][1])
    headers = sheets[main_sheet][0]
    bad[headers.index("个案编号")] = "GA-2024-BAD"
    bad[headers.index("身份证号")] = "441900201205060036"
    sheets[main_sheet].append(bad)
    data = write_workbook(tmp_path / "名单.xlsx", sheets)
    out = tmp_path / "out"
    result = run("render", "case_consent", data, "-o", out)
    assert result.exit_code == 1
    assert "第 3 行" in result.output and "身份证号" in result.output and "校验位" in result.output
    assert "441900201205060036" not in result.output  # masked
    assert [p.name for p in out.glob("*.docx")] == ["接受个案服务同意书_GA-2024-017_李小明.docx"]
    assert (out / "名单-待修改.xlsx").exists()
    assert not (out / "名单.xlsx").exists() and data.exists()

    as_json = json.loads(run("render", "case_consent", data, "-o", out, "--json").output)
    (problem,) = as_json["files"][0]["problems"]
    assert (problem["row"], problem["column"], problem["code"]) == (3, "身份证号", "id_checksum")


def test_render_keeps_a_changed_file_unless_overwrite(tmp_path):
    data = write_workbook(tmp_path / "in.xlsx", example_sheets("activity_report"))
    out = tmp_path / "out"
    assert run("render", "activity_report", data, "-o", out).exit_code == 0
    (document,) = out.glob("*.docx")
    document.write_bytes(b"someone's edited file")
    kept = run("render", "activity_report", data, "-o", out)
    assert kept.exit_code == 1 and document.read_bytes() == b"someone's edited file"
    assert run("render", "activity_report", data, "-o", out, "--overwrite").exit_code == 0
    assert Document(document).paragraphs  # a real document again


def test_extract_masks_on_screen_and_round_trips_through_a_file(tmp_path):
    data = write_workbook(tmp_path / "in.xlsx", example_sheets("eldercare_approval"))
    out = tmp_path / "out"
    run("render", "eldercare_approval", data, "-o", out)
    (document,) = out.glob("*.docx")

    shown = json.loads(run("extract", document).output)
    assert shown["form"] == "eldercare_approval" and shown["schema_version"] == 1
    assert shown["data"]["id_number"] != "441900195203150020"
    assert shown["data"]["id_number"].endswith("0020")
    assert "13925512345" not in json.dumps(shown)

    masked_file = tmp_path / "masked.json"
    assert run("extract", document, "-o", masked_file).exit_code == 0
    assert "441900195203150020" not in masked_file.read_text(encoding="utf-8")

    full = tmp_path / "data.json"
    assert run("extract", document, "-o", full, "--show-personal").exit_code == 0
    assert json.loads(full.read_text(encoding="utf-8"))["data"]["id_number"] == "441900195203150020"
    # -o never replaces an existing file unless asked.
    assert run("extract", document, "-o", full).exit_code == 1
    assert "441900195203150020" in full.read_text(encoding="utf-8")

    again = tmp_path / "again"
    assert run("render", full, "-o", again).exit_code == 0
    (regenerated,) = again.glob("*.docx")
    assert regenerated.name == document.name
    assert regenerated.read_bytes() == document.read_bytes()


def test_extract_refuses_a_document_not_made_by_us(tmp_path):
    path = tmp_path / "plain.docx"
    Document().save(path)
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 1 and "没有 lvye-forms 数据" in result.output


def test_render_unknown_workbook_says_which_form_is_needed(tmp_path):
    data = write_workbook(tmp_path / "x.xlsx", {"Sheet1": [["a"], ["b"]]})
    result = run("render", data, "-o", tmp_path / "out")
    assert result.exit_code == 1 and "表单编号" in result.output


def test_one_workbook_for_a_whole_service_point(tmp_path):
    from openpyxl import load_workbook

    from lvye_forms.registry import spec

    book = tmp_path / "服务点.xlsx"
    assert run("sheet", "--all", "-o", book, "--example").exit_code == 0
    names = load_workbook(book, read_only=True).sheetnames
    for model in all_forms():
        form = spec(model.form_id)
        assert form.sheet_name in names
        for part in form.parts:
            assert form.part_sheet_names(part)[1] in names
    assert len(names) == len(set(names))
    out = tmp_path / "out"
    result = run("render", book, "-o", out, "--json")
    assert result.exit_code == 0, result.output[:2000]
    reports = json.loads(result.output)["files"]
    assert {r["form"] for r in reports} == {m.form_id for m in all_forms()}
    made = [p for p in out.iterdir() if p.suffix in (".docx", ".xlsx")]
    assert len(made) == sum(len(m.examples) for m in all_forms())


def test_all_forms_workbook_reports_a_bad_row_on_its_own_sheet(tmp_path):
    from openpyxl import load_workbook

    book = tmp_path / "服务点.xlsx"
    run("sheet", "--all", "-o", book, "--example")
    workbook = load_workbook(book)
    sheet = workbook["小组点名表"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("小组名称") + 1).value = None
    workbook.save(book)
    result = run("render", book, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 1
    problems = [p for f in json.loads(result.output)["files"] for p in f["problems"]]
    assert [(p["sheet"], p["row"], p["column"], p["code"]) for p in problems] == [
        ("小组点名表", 2, "小组名称", "required")
    ]


def test_sheet_needs_a_form_or_all(tmp_path):
    assert run("sheet", "-o", tmp_path / "x.xlsx").exit_code == 2
