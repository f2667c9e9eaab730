"""Reading spreadsheets: cells as Excel really gives them, and errors that point at the cell."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lvye_forms.ingest.annotate import AUTHOR, annotated_copy
from lvye_forms.ingest.records import FormReader
from lvye_forms.ingest.tables import read_tables, workbook_form_id
from lvye_forms.ingest.workbook import input_workbook
from lvye_forms.registry import all_forms, get_form, spec

from .conftest import TODAY, example_sheets, write_workbook


def read(form_id: str, path: Path, show_personal: bool = False):
    reader = FormReader(get_form(form_id), path.name, today=TODAY, show_personal=show_personal)
    return reader.read(read_tables(path))


def problems_of(form_id: str, path: Path, **kwargs):
    outcomes, file_problems = read(form_id, path, **kwargs)
    return file_problems + [p for o in outcomes for p in o.problems]


# --- the input workbook ----------------------------------------------------------------


@pytest.mark.parametrize("model", all_forms(), ids=lambda m: m.form_id)
def test_example_workbook_reads_back_valid(model, tmp_path):
    path = tmp_path / "in.xlsx"
    input_workbook(model, example=True).save(path)
    outcomes, file_problems = read(model.form_id, path)
    assert file_problems == []
    assert [o.problems for o in outcomes] == [[] for _ in model.examples]
    assert [o.record.key() for o in outcomes] == [e[model.key_field] for e in model.examples]
    assert workbook_form_id(path) == model.form_id


def test_input_workbook_has_notes_dropdowns_and_text_columns(tmp_path):
    path = tmp_path / "in.xlsx"
    input_workbook(get_form("eldercare_approval")).save(path)
    workbook = load_workbook(path)
    form = spec("eldercare_approval")
    main = workbook[form.sheet_name]
    headers = {c.value: c for c in main[1]}
    assert list(headers) == [c.label for c in form.columns]
    assert "必填" in headers["身份证号"].comment.text
    assert "选填" in headers["证书编号"].comment.text
    id_column = headers["身份证号"].column_letter
    assert main[f"{id_column}2"].number_format == "@"  # Excel must not turn IDs into numbers
    assert main[f"{headers['联系电话'].column_letter}2"].number_format == "@"
    assert main[f"{headers['出生日期'].column_letter}2"].number_format == "yyyy-mm-dd"
    dropdowns = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in main.data_validations.dataValidation}
    sex_cell = f"{headers['性别'].column_letter}2"
    assert sex_cell in dropdowns
    options = workbook["选项"]
    assert options.sheet_state == "hidden"
    ref = dropdowns[sex_cell].split("!")[1].replace("$", "")
    assert [c.value for row in options[ref] for c in row] == ["男", "女"]
    family = workbook["家庭成员"]
    assert [c.value for c in family[1]] == ["申请编号", "姓名", "与申请人关系", "电话", "是否同住"]


# --- cells as Excel gives them ---------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [dt.datetime(2024, 3, 4), dt.date(2024, 3, 4), "2024-03-04", "2024/3/4", "2024.3.4", "2024年3月4日",
     "２０２４－０３－０４", 45355, "45355", " 2024-03-04 "],
)
def test_date_cells_in_every_form_staff_write_them(cell, tmp_path):
    sheets = example_sheets("case_consent", overrides={"接案日期": cell})
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    (outcome,), _ = read("case_consent", path)
    assert outcome.problems == []
    assert outcome.record.intake_date == dt.date(2024, 3, 4)


def test_numbers_as_text_spaces_fullwidth_and_trailing_empty_rows(tmp_path):
    sheets = example_sheets("activity_report", overrides={
        "计划参与人数": " ８０ ", "实际参与人数": 95.0, "预算金额（元）": "1,500", "活动名称": "  游园会  ",
    })
    main = next(iter(sheets))
    sheets[main] += [[None] * len(sheets[main][0]), ["", "  "]]
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    outcomes, file_problems = read("activity_report", path)
    assert file_problems == [] and len(outcomes) == 1
    record = outcomes[0].record
    assert (record.planned_participants, record.actual_participants) == (80, 95)
    assert str(record.budget_amount) == "1500.00"
    assert record.activity_name == "游园会"


def test_id_stored_as_number_by_excel_is_reported(tmp_path):
    sheets = example_sheets("eldercare_approval", overrides={"身份证号": 4.41900195203150e17})
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    (problem,) = problems_of("eldercare_approval", path)
    assert (problem.code, problem.row, problem.column) == ("id_as_number", 2, "身份证号")
    assert "文本" in problem.message


def test_csv_in_utf8_with_bom_and_in_gbk(tmp_path):
    sheets = example_sheets("case_consent")
    rows = next(iter(sheets.values()))
    text = "\n".join(",".join(f'"{v}"' for v in row) for row in rows)
    for encoding in ("utf-8-sig", "utf-8", "gbk"):
        path = tmp_path / f"in-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        (outcome,), file_problems = read("case_consent", path)
        assert file_problems == [] and outcome.problems == []
        assert outcome.record.client_name == "李小明"


# --- each kind of bad cell, located ------------------------------------------------------

BAD_CELLS = [
    ("身份证号", "441900201205060036", "id_checksum"),
    ("身份证号", "44190020120506003", "id_format"),
    ("出生日期", "2012-02-30", "date"),
    ("联系电话", "12345", "phone"),
    ("性别", "未知", "choice"),
    ("申请形式", "网上报名", "choice"),
    ("服务对象姓名", "", "required"),
    ("社工签署日期", "2030-01-01", "date_future"),
    ("服务对象签署日期", "2024-03-01", "date_order"),
    ("是否缺乏行为能力", "也许", "boolean"),
]


@pytest.mark.parametrize(("column", "value", "code"), BAD_CELLS)
def test_bad_cell_is_reported_at_its_row_and_column(column, value, code, tmp_path):
    sheets = example_sheets("case_consent")
    main = next(iter(sheets))
    good_row = list(sheets[main][1])
    sheets[main].append(list(good_row))
    sheets[main][2][0] = "GA-2024-099"
    sheets[main][2][sheets[main][0].index(column)] = value
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    outcomes, _ = read("case_consent", path)
    assert outcomes[0].problems == []  # the good row is unaffected
    (problem,) = outcomes[1].problems
    assert (problem.code, problem.sheet, problem.row, problem.column) == (code, main, 3, column)
    assert problem.message and "第 3 行" in str(problem) and f"「{column}」列" in str(problem)


def test_control_characters_from_csv_are_reported_and_the_copy_still_opens(tmp_path):
    sheets = example_sheets("case_consent", overrides={"求助事项": "有\x0b控制符"})
    rows = next(iter(sheets.values()))
    path = tmp_path / "in.csv"
    path.write_text("\n".join(",".join(f'"{v}"' for v in row) for row in rows), encoding="utf-8")
    (problem,) = problems_of("case_consent", path)
    assert (problem.code, problem.row, problem.column) == ("control_char", 2, "求助事项")
    copy = load_workbook(io.BytesIO(annotated_copy(path, [problem])))
    headers = {c.value: c.column for c in copy.active[1]}
    assert copy.active.cell(row=2, column=headers["求助事项"]).comment is not None


def test_personal_numbers_are_masked_unless_asked(tmp_path):
    sheets = example_sheets("case_consent", overrides={"身份证号": "441900201205060036"})
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    (masked,) = problems_of("case_consent", path)
    assert "441900201205060036" not in str(masked) and masked.value.endswith("0036")
    (shown,) = problems_of("case_consent", path, show_personal=True)
    assert shown.value == "441900201205060036"


def test_list_sheet_errors_point_at_the_list_sheet_row(tmp_path):
    sheets = example_sheets("group_plan")
    sheets["经费预算"][2][sheets["经费预算"][0].index("金额（元）")] = "151"
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    problems = problems_of("group_plan", path)
    located = {(p.sheet, p.row, p.column, p.code) for p in problems}
    assert ("经费预算", 3, "金额（元）", "sum") in located


def test_duplicate_keys_orphans_and_missing_columns(tmp_path):
    sheets = example_sheets("eldercare_approval")
    main = next(iter(sheets))
    sheets[main].append(list(sheets[main][1]))  # same 申请编号 twice
    sheets["家庭成员"].append(["JJ-NOPE", "某人", "儿子", "", "否"])
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    located = {(p.code, p.sheet, p.row) for p in problems_of("eldercare_approval", path)}
    assert ("duplicate_key", main, 3) in located
    assert ("orphan_row", "家庭成员", 4) in located

    del_column = sheets[main][0].index("姓名")
    for row in sheets[main]:
        del row[del_column]
    path = write_workbook(tmp_path / "in2.xlsx", sheets)
    assert any(p.code == "missing_column" and p.column == "姓名" for p in problems_of("eldercare_approval", path))


def test_missing_main_sheet_is_reported(tmp_path):
    path = write_workbook(tmp_path / "in.xlsx", {"Sheet1": [["随便", "一列"], ["a", "b"]]})
    (problem,) = problems_of("case_consent", path)
    assert problem.code == "missing_sheet"


# --- the annotated copy ------------------------------------------------------------------


def test_annotated_copy_marks_bad_cells_and_clears_old_marks(tmp_path):
    sheets = example_sheets("case_consent", overrides={"联系电话": "12345", "性别": "?"})
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    copy = load_workbook(io.BytesIO(annotated_copy(path, problems_of("case_consent", path))))
    main = copy[spec("case_consent").sheet_name]
    headers = {c.value: c.column for c in main[1]}
    phone = main.cell(row=2, column=headers["联系电话"])
    assert phone.fill.fgColor.rgb.endswith("FFC7CE")
    assert phone.comment.author == AUTHOR and "电话" in phone.comment.text
    assert main.cell(row=2, column=headers["性别"]).comment is not None
    assert main.cell(row=2, column=headers["服务对象姓名"]).comment is None

    # Staff fix the phone in the copy and run again: the old mark must go.
    main.cell(row=2, column=headers["联系电话"]).value = "13800138000"
    fixed = tmp_path / "fixed.xlsx"
    copy.save(fixed)
    again = load_workbook(io.BytesIO(annotated_copy(fixed, problems_of("case_consent", fixed))))
    cell = again[spec("case_consent").sheet_name].cell(row=2, column=headers["联系电话"])
    assert cell.comment is None and cell.value == "13800138000"
