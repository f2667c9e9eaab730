"""People and quality forms (forms/quality.py): each example rendered and opened, values found
in their place; each cross-field rule broken once, with the column staff must fix."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook
from pydantic import ValidationError

from lvye_forms import api
from lvye_forms.registry import get_form

from .conftest import example_with_row as with_row
from .conftest import form_example as example
from .conftest import validate_form as validate
from .conftest import validation_errors as errors_of
from .conftest import write_workbook

QUALITY_FORMS = (
    "staff_appraisal",
    "satisfaction_survey",
    "caregiver_evaluation",
    "eldercare_visit",
    "feedback_register",
    "crisis_report",
)


def message_of(form_id: str, data: dict, loc: tuple) -> str:
    with pytest.raises(ValidationError) as caught:
        validate(form_id, data)
    return next(e["msg"] for e in caught.value.errors() if tuple(e["loc"]) == loc)


# --- rendering -------------------------------------------------------------------------------


def render(form_id: str, n: int = 0) -> bytes:
    return api.render_record(validate(form_id, example(form_id, n)))


def docx_of(form_id: str, n: int = 0):
    return Document(io.BytesIO(render(form_id, n)))


def right_of(document, label: str) -> str:
    """The cell right of the cell reading `label`, with no-break spaces as plain spaces."""
    for table in document.tables:
        for row in table.rows:
            cells = row.cells
            for index, cell in enumerate(cells[:-1]):
                if cell.text.replace("\n", "").strip() == label:  # long labels may wrap
                    following = [c for c in cells[index + 1 :] if c._tc is not cell._tc]
                    return following[0].text.replace("\u00a0", " ")
    raise AssertionError(f"no cell labelled {label!r}")


def sheet_rows(form_id: str, n: int = 0) -> list[list]:
    sheet = load_workbook(io.BytesIO(render(form_id, n))).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def table_of(rows: list[list], first_header: str) -> tuple[list, list[dict], list]:
    """(header, rows as {header: value}, the row ending them) of the printed table."""

    def flat(value):  # headers may be broken over lines to fit their column
        return value.replace("\n", "") if isinstance(value, str) else value

    start = next(i for i, r in enumerate(rows) if flat(r[0]) == first_header)
    header = [flat(h) for h in rows[start]]
    body = []
    for row in rows[start + 1 :]:
        if row[0] is None or row[0] in ("平均分", "合计", "备注"):
            return header, body, row
        body.append(dict(zip(header, row, strict=True)))
    return header, body, []


def fact(rows: list[list], label: str) -> str:
    """A header fact, printed as a label cell and its value or as one "label：value" line."""
    for row in rows:
        for index, value in enumerate(row):
            if value == label:
                return next((str(v) for v in row[index + 1 :] if v is not None), "")
            for piece in str(value).split("\u3000\u3000"):
                if piece.startswith(f"{label}："):
                    return piece.removeprefix(f"{label}：")
    raise AssertionError(f"no fact {label!r}")


def signature_texts(rows: list[list]) -> list[str]:
    return [str(v) for row in rows for v in row if v is not None and "________" in str(v)]


@pytest.mark.parametrize("form_id", QUALITY_FORMS)
def test_every_example_validates_and_renders_without_program_text(form_id):
    model = get_form(form_id)
    assert len(model.examples) >= 2
    for n in range(len(model.examples)):
        data = render(form_id, n)
        if model.kind == "docx":
            document = Document(io.BytesIO(data))
            texts = [p.text for p in document.paragraphs] + [
                c.text for t in document.tables for r in t.rows for c in r.cells
            ]
        else:
            sheet = load_workbook(io.BytesIO(data)).worksheets[0]
            texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
        joined = "\n".join(texts)
        assert f"《{model.title}》" in joined or model.title in joined
        for junk in ("('", "None", "{{", "}}", "{%"):
            assert junk not in joined, (form_id, n, junk)


def test_staff_appraisal_prints_each_worker_on_a_row():
    rows = sheet_rows("staff_appraisal")
    _, body, _ = table_of(rows, "同工姓名")
    by_name = {r["同工姓名"]: r for r in body}
    assert by_name["黄嘉欣"]["满意度得分"] == 38
    assert by_name["黄嘉欣"]["服务质量得分"] == 52
    assert by_name["黄嘉欣"]["总分"] == 90
    assert by_name["黄嘉欣"]["等级"] == "优秀"
    assert by_name["黄嘉欣"]["告知日期"] == "2024年7月10日"
    assert by_name["莫小燕"]["岗位"] == "社工助理"
    assert fact(rows, "半年度") == "上半年" and fact(rows, "考核日期") == "2024年7月8日"
    assert fact(rows, "备注").startswith("满意度得分满分40")
    assert signature_texts(rows)[0].startswith("考核人：")
    assert signature_texts(rows)[0].endswith("2024年7月8日")


def test_satisfaction_survey_prints_the_answers_and_their_summary():
    rows = sheet_rows("satisfaction_survey")
    header, body, averages = table_of(rows, "问卷编号")
    assert [r["问卷编号"] for r in body] == ["Q-01", "Q-02", "Q-03", "T-01"]
    assert body[2]["接受的服务"] == "社区活动" and body[2]["服务及时性"] == 3
    assert body[0]["意见和建议"] == "社工很耐心，孩子愿意和她聊。"
    means = dict(zip(header, averages, strict=True))
    assert averages[0] == "平均分"
    assert means["服务态度"] == "4.75" and means["服务及时性"] == "4.00"
    assert means["服务成效"] == "4.00" and means["总体满意度"] == "4.25"
    assert fact(rows, "回收问卷") == "4 份（个案 2、小组 1、社区活动 1）"
    assert fact(rows, "满意度汇总") == "总体满意度平均 4.25 分；满意（4–5分）3 份，占 75%"
    assert fact(rows, "调查方式") == "问卷、电话"


def test_satisfaction_summary_of_a_small_survey():
    record = validate("satisfaction_survey", example("satisfaction_survey", 1))
    assert record.means()["overall"] == 3  # (4 + 2) / 2
    assert (
        dict(record.summary())["满意度汇总"] == "总体满意度平均 3.00 分；满意（4–5分）1 份，占 50%"
    )


def test_caregiver_evaluation_prints_scores_and_the_computed_total():
    document = docx_of("caregiver_evaluation")
    assert right_of(document, "护工姓名") == "罗秀兰"
    assert right_of(document, "季度") == "第2季度"
    assert right_of(document, "服务对象/家属评分") == "95"
    assert right_of(document, "护工组长评分") == "90"
    assert right_of(document, "综合得分") == "90"  # (95 + 88 + 90 + 86) / 4 = 89.75
    assert "☑ 否" in right_of(document, "是否护工组长")
    assert right_of(document, "绩效奖金档次") == "A档"


def test_team_leader_evaluation_is_three_party():
    record = validate("caregiver_evaluation", example("caregiver_evaluation", 1))
    assert record.party_scores() == [92, 90, 88]
    document = docx_of("caregiver_evaluation", 1)
    assert right_of(document, "护工组长评分") == "不适用（护工组长为三方评估）"
    assert right_of(document, "综合得分") == "90"


def test_caregiver_total_is_computed_when_left_empty():
    record = validate("caregiver_evaluation", example("caregiver_evaluation", total=""))
    assert record.total == 90
    half_up = example(
        "caregiver_evaluation", elder_score="90", worker_score="91", centre_score="90"
    )
    assert validate("caregiver_evaluation", half_up).total == 90  # 90.25
    assert validate("caregiver_evaluation", {**half_up, "worker_score": "92"}).total == 91  # 90.5


def test_eldercare_visit_prints_the_supervision_and_the_feedback():
    document = docx_of("eldercare_visit")
    assert right_of(document, "申请编号") == "JJ-2024-0103"
    assert right_of(document, "服务对象姓名") == "王秀英"
    assert right_of(document, "走访日期") == "2024年7月18日"
    assert "☑ 社工助理" in right_of(document, "走访人身份")
    assert "☑ 基本满意" in right_of(document, "老人满意度")
    assert "☑ 偶有迟到早退" in right_of(document, "服务时间")
    assert right_of(document, "突出问题") == "7月有两次上门迟到约20分钟。"
    assert right_of(document, "回馈意见").startswith("已提醒护工按约定时间上门")


def test_feedback_register_prints_each_entry():
    rows = sheet_rows("feedback_register")
    _, body, _ = table_of(rows, "接收日期")
    assert [r["类别"] for r in body] == ["投诉", "意见建议", "表扬"]
    complaint = body[0]
    assert complaint["来源"] == "家属"
    assert complaint["处理结果"] == "家属接受致歉；此后每节提前10分钟提醒结束时间。"
    assert complaint["办结日期"] == "2024年10月11日" and complaint["处理人"] == "黄嘉欣"
    assert fact(rows, "本月登记") == "投诉 1 条、意见建议 1 条、表扬 1 条"


def test_an_empty_month_prints_no_entries():
    rows = sheet_rows("feedback_register", 1)
    _, body, _ = table_of(rows, "接收日期")
    assert len(body) == 1 and body[0]["接收日期"] == "本月无登记"
    assert all(value is None for key, value in body[0].items() if key != "接收日期")
    assert fact(rows, "本月登记") == "本月无登记"


def test_empty_month_read_from_a_workbook(tmp_path):
    """A register row with no entry rows is a document of its own, not an error."""
    from lvye_forms.registry import spec

    form = spec("feedback_register")
    labels = [c.label for c in form.columns]
    record = example("feedback_register", 1)
    path = write_workbook(
        tmp_path / "in.xlsx",
        {
            form.sheet_name: [labels, [record.get(c.name, "") for c in form.columns]],
            form.parts[0].label: [[form.key.label, *[f.label for f in form.parts[0].fields]]],
        },
    )
    reports = api.render_path(path, tmp_path / "out")
    made = [p for p in (tmp_path / "out").rglob("*.xlsx")]
    assert len(made) == 1, reports
    assert "莞城社工站-2024-09" in made[0].name


def test_crisis_report_prints_the_event_and_the_report():
    document = docx_of("crisis_report")
    assert right_of(document, "个案编号") == "GA-2024-017"
    assert right_of(document, "事件日期") == "2024年5月14日"
    assert right_of(document, "事件时间") == "16:20"
    assert "☑ 自伤自杀风险" in right_of(document, "事件类型")
    assert right_of(document, "采取的应急措施").startswith("全程陪伴服务对象")
    assert right_of(document, "汇报对象") == "林慧敏"
    assert right_of(document, "汇报时间") == "16:45"
    assert right_of(document, "事件时间") != "None"
    empty = docx_of("crisis_report", 1)
    assert right_of(empty, "事件时间") == "" and right_of(empty, "服务点") == ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("16:20", "16:20"),
        ("16：20", "16:20"),
        ("9:05", "09:05"),
        ("下午4:20", "16:20"),
        ("16时20分", "16:20"),
        ("8点", "08:00"),
    ],
)
def test_times_are_read_as_staff_type_them(typed, stored):
    record = validate("crisis_report", example("crisis_report", event_time=typed, reported_time=""))
    assert record.event_time == stored


@pytest.mark.parametrize(
    ("cell", "stored"),
    [(dt.time(16, 20), "16:20"), (dt.datetime(1900, 1, 1, 8, 5), "08:05"), (0.5, "12:00")],
)
def test_time_cells_from_excel(cell, stored):
    record = validate("crisis_report", example("crisis_report", event_time=cell, reported_time=""))
    assert record.event_time == stored


# --- each cross-field rule broken once ------------------------------------------------------

RULES = [
    # 000 第二章 五2 / 003 五(二): twice a year; the appraisal follows the half it appraises.
    (
        "staff_appraisal",
        example("staff_appraisal", appraisal_date="2023-12-29"),
        ("appraisal_date",),
        "lvye.date_order",
    ),
    (
        "staff_appraisal",
        example("staff_appraisal", 1, appraisal_date="2023-06-30"),
        ("appraisal_date",),
        "lvye.date_order",
    ),
    ("staff_appraisal", example("staff_appraisal", year="24"), ("year",), "lvye.invalid"),
    (
        "staff_appraisal",
        with_row("staff_appraisal", "workers", 0, total="91"),
        ("workers", 0, "total"),
        "lvye.sum",
    ),
    (
        "staff_appraisal",
        with_row(
            "staff_appraisal",
            "workers",
            0,
            satisfaction_score="60",
            quality_score="50",
            total="110",
        ),
        ("workers", 0, "total"),
        "lvye.invalid",
    ),
    # 000 第二章 五1(2): 同工有权利了解自己的评估结果 — told after the appraisal, not before.
    (
        "staff_appraisal",
        with_row("staff_appraisal", "workers", 1, notified_date="2024-07-01"),
        ("workers", 1, "notified_date"),
        "lvye.date_order",
    ),
    (
        "staff_appraisal",
        with_row("staff_appraisal", "workers", 2, name="黄嘉欣"),
        ("workers", 2, "name"),
        "lvye.invalid",
    ),
    ("staff_appraisal", example("staff_appraisal", workers=[]), ("workers",), "lvye.too_few"),
    # 000 第二章 五1(1): 通过问卷、电话、走访等方式定期向服务对象进行服务满意度调查.
    (
        "satisfaction_survey",
        example("satisfaction_survey", half="下半年"),
        ("survey_date",),
        "lvye.date_order",
    ),
    (
        "satisfaction_survey",
        with_row("satisfaction_survey", "responses", 1, attitude="6"),
        ("responses", 1, "attitude"),
        "lvye.invalid",
    ),
    (
        "satisfaction_survey",
        with_row("satisfaction_survey", "responses", 0, overall="0"),
        ("responses", 0, "overall"),
        "lvye.invalid",
    ),
    (
        "satisfaction_survey",
        with_row("satisfaction_survey", "responses", 0, respondent_code="13812345678"),
        ("responses", 0, "respondent_code"),
        "lvye.invalid",
    ),
    (
        "satisfaction_survey",
        with_row("satisfaction_survey", "responses", 0, respondent_code="王秀英"),
        ("responses", 0, "respondent_code"),
        "lvye.invalid",
    ),
    (
        "satisfaction_survey",
        example("satisfaction_survey", method="问卷、信件"),
        ("method", 1),
        "enum",
    ),
    # 000 第三章 五(三)2(1): 每季度对护工进行“四方评估”（护工组长为“三方评估”）.
    (
        "caregiver_evaluation",
        example("caregiver_evaluation", 1, leader_score="85"),
        ("leader_score",),
        "lvye.invalid",
    ),
    (
        "caregiver_evaluation",
        example("caregiver_evaluation", leader_score=""),
        ("leader_score",),
        "lvye.conditional",
    ),
    ("caregiver_evaluation", example("caregiver_evaluation", total="89"), ("total",), "lvye.sum"),
    (
        "caregiver_evaluation",
        example("caregiver_evaluation", quarter="5"),
        ("quarter",),
        "lvye.invalid",
    ),
    (
        "caregiver_evaluation",
        example("caregiver_evaluation", elder_score="101"),
        ("elder_score",),
        "lvye.invalid",
    ),
    (
        "caregiver_evaluation",
        example("caregiver_evaluation", evaluation_date="2024-03-31"),
        ("evaluation_date",),
        "lvye.date_order",
    ),
    # 000 第三章 五(三)1: 对护工服务的态度、时间和成效进行监督，对老人反映的需求和突出的问题进行回馈.
    (
        "eldercare_visit",
        example("eldercare_visit", 1, satisfaction="不满意", problems="嫌护工做饭太咸。"),
        ("feedback_given",),
        "lvye.conditional",
    ),
    (
        "eldercare_visit",
        example("eldercare_visit", 1, satisfaction="不满意"),
        ("feedback_given",),
        "lvye.conditional",
    ),
    (
        "eldercare_visit",
        example("eldercare_visit", 1, needs_raised="想参加社区长者饭堂。"),
        ("feedback_given",),
        "lvye.conditional",
    ),
    (
        "eldercare_visit",
        example("eldercare_visit", feedback_given=""),
        ("feedback_given",),
        "lvye.conditional",
    ),
    (
        "eldercare_visit",
        example("eldercare_visit", 1, attitude="较差", feedback_given="已提醒"),
        ("problems",),
        "lvye.conditional",
    ),
    (
        "eldercare_visit",
        example("eldercare_visit", 1, punctuality="经常迟到早退"),
        ("problems",),
        "lvye.conditional",
    ),
    # 000 第一章 五(三)5: 及时登记提交“投诉处理”、“利益相关方管理”内容.
    (
        "feedback_register",
        with_row("feedback_register", "entries", 0, handling=""),
        ("entries", 0, "handling"),
        "lvye.conditional",
    ),
    (
        "feedback_register",
        with_row("feedback_register", "entries", 0, result=""),
        ("entries", 0, "result"),
        "lvye.conditional",
    ),
    (
        "feedback_register",
        with_row("feedback_register", "entries", 0, closed_date="2024-10-08"),
        ("entries", 0, "closed_date"),
        "lvye.date_order",
    ),
    (
        "feedback_register",
        with_row("feedback_register", "entries", 2, received_date="2024-11-01"),
        ("entries", 2, "received_date"),
        "lvye.conditional",
    ),
    (
        "feedback_register",
        example("feedback_register", submitted_date="2024-10-20"),
        ("submitted_date",),
        "lvye.date_order",
    ),
    # 004 4.4: 立即启动危机介入预案，采取必要的应急措施……并及时向机构负责人汇报.
    (
        "crisis_report",
        example("crisis_report", reported_date="2024-05-13"),
        ("reported_date",),
        "lvye.date_order",
    ),
    ("crisis_report", example("crisis_report", measures=""), ("measures",), "missing"),
    (
        "crisis_report",
        example("crisis_report", reported_time="15:00"),
        ("reported_time",),
        "lvye.invalid",
    ),
    (
        "crisis_report",
        example("crisis_report", event_time="25:10"),
        ("event_time",),
        "lvye.invalid",
    ),
]


@pytest.mark.parametrize(
    ("form_id", "data", "loc", "code"), RULES, ids=[f"{r[0]}-{i}" for i, r in enumerate(RULES)]
)
def test_each_rule(form_id, data, loc, code):
    assert (loc, code) in errors_of(form_id, data)


def test_rules_that_hold_give_no_error():
    # A complaint with its handling and result; praise without; a suggestion still open.
    validate("feedback_register", example("feedback_register"))
    # A satisfied elder with nothing raised needs no feedback.
    validate("eldercare_visit", example("eldercare_visit", 1))
    # Reported the next day: the time of day is not compared.
    validate(
        "crisis_report", example("crisis_report", reported_date="2024-05-15", reported_time="09:00")
    )
    # A late appraisal of the first half (in the second) is allowed.
    late = example("staff_appraisal", appraisal_date="2024-12-20")
    late["workers"] = [{**w, "notified_date": "2024-12-23"} for w in late["workers"]]
    validate("staff_appraisal", late)


def test_rule_messages_tell_staff_why():
    assert "三方评估" in message_of(
        "caregiver_evaluation",
        example("caregiver_evaluation", 1, leader_score="85"),
        ("leader_score",),
    )
    assert "老人不满意、有突出问题" in message_of(
        "eldercare_visit",
        example("eldercare_visit", 1, satisfaction="不满意", problems="饭菜太咸"),
        ("feedback_given",),
    )
    assert "2024年下半年开始" in message_of(
        "satisfaction_survey", example("satisfaction_survey", half="下半年"), ("survey_date",)
    )
    assert "匿名" in message_of(
        "satisfaction_survey",
        with_row("satisfaction_survey", "responses", 0, respondent_code="13812345678"),
        ("responses", 0, "respondent_code"),
    )


def test_a_phone_typed_as_respondent_code_is_masked_in_the_run_output(tmp_path):
    from click.testing import CliRunner

    from lvye_forms.cli import main

    from .conftest import example_sheets

    sheets = example_sheets("satisfaction_survey")
    sheets["调查结果"][1][1] = "13812345678"
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "out")])
    assert "13812345678" not in result.output
    assert "「问卷编号」列：调查是匿名的" in result.output and "138****5678" in result.output
