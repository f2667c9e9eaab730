"""The completeness checker on archives built from generated documents and named scans."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from lvye_forms import api
from lvye_forms.check.profile import ProfileError, load_profile, parse_profile, shipped_profiles
from lvye_forms.cli import main
from lvye_forms.registry import get_form

from .conftest import TODAY


def put(folder, form_id: str, n: int = 0, name: str | None = None, **changes):
    """Render an example (with changes) into `folder`, as staff would file it."""
    model = get_form(form_id)
    record = model.model_validate({**model.examples[n], **changes}, context={"today": TODAY})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or api.document_name(record))
    path.write_bytes(api.render_record(record))
    return path


def scan_file(folder, name: str):
    """A 'scanned' file named by the convention: subject_form_date.pdf."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"%PDF-1.4 scanned page")
    return path


def findings(report, subject_id: str | None = None):
    data = report.to_dict()["findings"]
    return [f for f in data if subject_id is None or f["subject_id"] == subject_id]


def status_of(report, subject_id: str, requirement_prefix: str) -> dict:
    matches = [f for f in findings(report, subject_id) if f["requirement"].startswith(requirement_prefix)]
    assert matches, f"no finding for {requirement_prefix} on {subject_id}"
    return matches[0]


def complete_case(root, **closing):
    """A case with every document of the lvye procedure, closed with reason 1."""
    case = root / "个案" / "GA-2024-017"
    put(case, "service_application")
    put(case, "case_consent")
    put(case, "case_intake")
    put(case, "case_plan")
    put(case, "case_note_process")
    put(case, "problem_scale")
    put(case, "case_closing", **closing)
    return case


AS_OF = dt.date(2024, 7, 15)


# --- cases under the lvye profile ----------------------------------------------------------


def test_complete_case_has_no_problems(tmp_path):
    complete_case(tmp_path)
    report = api.check_archive(tmp_path, as_of=AS_OF)
    case = [f for f in findings(report, "GA-2024-017") if f["status"] in ("missing", "late", "invalid")]
    assert case == []
    assert status_of(report, "GA-2024-017", "《接受个案服务同意书》")["status"] == "complete"


def test_missing_plan_and_assessment_are_reported(tmp_path):
    case = complete_case(tmp_path)
    for path in case.glob("个案服务计划书*"):
        path.unlink()
    for path in case.glob("建档*"):
        path.unlink()
    report = api.check_archive(tmp_path, as_of=AS_OF)
    plan = status_of(report, "GA-2024-017", "《个案服务计划书》")
    assert plan["status"] == "missing" and plan["due"] == "2024-04-03" and plan["days_late"] == 103
    assert status_of(report, "GA-2024-017", "《建档、个案基本资料表》")["status"] == "missing"
    assert not report.ok


def test_consent_signed_after_the_first_record_is_late(tmp_path):
    case = complete_case(tmp_path)
    for path in case.glob("个案记录表*"):
        path.unlink()
    put(case, "case_note_process", contact_date="2024-03-02", next_date="")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    consent = status_of(report, "GA-2024-017", "《接受个案服务同意书》")
    assert consent["status"] == "late" and consent["days_late"] == 2


def test_referral_required_for_closing_reasons_3_to_5(tmp_path):
    case = tmp_path / "个案" / "GA-2024-018"
    put(case, "case_consent", 1)
    put(case, "case_closing", 1)  # reason 4, referral named on the form but no referral document
    report = api.check_archive(tmp_path, as_of=AS_OF)
    assert status_of(report, "GA-2024-018", "《个案转介表》")["status"] == "missing"
    scan_file(case, "GA-2024-018_个案转介表_20240620.pdf")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    assert status_of(report, "GA-2024-018", "《个案转介表》")["status"] == "complete"


def test_stage_review_for_a_case_open_over_a_year(tmp_path):
    case = tmp_path / "个案"
    put(case, "case_consent")
    report = api.check_archive(tmp_path, as_of=dt.date(2025, 3, 10))
    review = status_of(report, "GA-2024-017", "《个案阶段性发展表》")
    assert review["status"] == "missing" and review["due"] == "2025-03-04"
    early = api.check_archive(tmp_path, as_of=dt.date(2024, 12, 1))
    assert not [f for f in findings(early, "GA-2024-017") if f["requirement"].startswith("《个案阶段性发展表》")]


def test_brief_records_by_junior_workers_are_flagged(tmp_path):
    case = complete_case(tmp_path)
    put(case, "case_note_brief", 0, case_id="GA-2024-017", worker_name="黄嘉欣", client_name="李小明")
    staff = tmp_path.parent / "staff.xlsx"
    workbook = Workbook()
    workbook.active.append(["姓名", "从事社工起始日期"])
    workbook.active.append(["黄嘉欣", dt.date(2023, 7, 1)])
    workbook.save(staff)
    report = api.check_archive(tmp_path, as_of=AS_OF, staff=staff)
    flagged = [f for f in findings(report, "GA-2024-017") if f["status"] == "invalid"]
    assert len(flagged) == 1 and "过程" in flagged[0]["message"]
    assert [f for f in findings(api.check_archive(tmp_path, as_of=AS_OF), "GA-2024-017") if f["status"] == "invalid"] == []


def test_termination_notice_period_differs_by_profile(tmp_path):
    case = tmp_path / "个案" / "GA-2024-009"
    put(case, "termination_notice")  # notice 2024-08-01, termination 2024-08-09: eight days
    lvye = api.check_archive(tmp_path, as_of=dt.date(2024, 9, 1))
    # No consent, so no service point: whether one week is enough cannot be told.
    assert status_of(lvye, "GA-2024-009", "《终止服务通知》")["status"] == "unverified"
    put(case, "case_consent", case_id="GA-2024-009", client_name="赵伟")  # a 社工站: one week
    lvye = api.check_archive(tmp_path, as_of=dt.date(2024, 9, 1))
    assert status_of(lvye, "GA-2024-009", "《终止服务通知》")["status"] == "complete"
    naner = api.check_archive(tmp_path, profile="naner", as_of=dt.date(2024, 9, 1))
    assert status_of(naner, "GA-2024-009", "《终止服务通知》")["status"] == "invalid"


# --- groups, activities, eldercare, rehab, service points ----------------------------------


def test_group_sessions_each_need_attendance_and_a_record(tmp_path):
    group = tmp_path / "小组"
    put(group, "group_plan")
    put(group, "group_attendance")
    put(group, "group_session_record")  # only session 3 recorded
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 5, 1))
    records = [f for f in findings(report, "XZ-2024-005") if f["requirement"].startswith("《小组集会记录表》")]
    assert sorted((f["requirement"][-5:], f["status"]) for f in records) == [
        ("（第1节）", "missing"), ("（第2节）", "missing"), ("（第3节）", "complete"), ("（第4节）", "not_due"),
    ]
    attendance = [f for f in findings(report, "XZ-2024-005") if f["requirement"].startswith("《小组点名表》")]
    assert {f["status"] for f in attendance} == {"complete"}
    assert status_of(report, "XZ-2024-005", "《义工报名签到表》")["status"] == "missing"  # 2 volunteers came
    ending = api.check_archive(tmp_path, as_of=dt.date(2024, 6, 30))
    assert status_of(ending, "XZ-2024-005", "《小组报告》")["status"] == "missing"


def test_activity_plan_before_and_reports_after(tmp_path):
    folder = tmp_path / "活动"
    put(folder, "activity_report")
    put(folder, "activity_plan", plan_date="2024-10-12", activity_date="2024-10-12")  # written after the day
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 11, 30))
    assert status_of(report, "HD-2024-031", "《活动计划书》")["status"] == "late"
    assert status_of(report, "HD-2024-031", "《参与者意见表》")["status"] == "missing"
    assert status_of(report, "HD-2024-031", "《活动财务报告》")["status"] == "missing"
    assert status_of(report, "HD-2024-031", "《活动报告》")["status"] == "complete"


def test_eldercare_attachments_order_and_monthly_caregiver_logs(tmp_path):
    elder = tmp_path / "居家养老"
    put(elder, "eldercare_approval", 0)  # the agreement attachment is 否, the required ones are 是
    put(elder, "eldercare_needs")
    put(elder, "eldercare_agreement")
    put(elder, "caregiver_log")  # June only
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 8, 20))
    assert status_of(report, "JJ-2024-0103", "《东莞市社区居家养老服务补助审批表》")["status"] == "complete"
    logs = [f for f in findings(report, "JJ-2024-0103") if f["requirement"].startswith("《居家养老护工服务记录本》")]
    assert sorted((f["requirement"].split("（")[-1], f["status"]) for f in logs) == [
        ("2024年6月）", "complete"), ("2024年7月）", "missing"),
    ]
    put(elder, "eldercare_approval", 0, name="without-photos.docx", application_id="JJ-2024-0200",
        att_photos="否")
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 8, 20))
    assert status_of(report, "JJ-2024-0200", "《东莞市社区居家养老服务补助审批表》")["status"] == "invalid"


def test_rehab_assessment_within_two_months(tmp_path):
    put(tmp_path / "残康", "rehab_trainee_assessment", 0, assessment_date="2024-05-20")
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 8, 1))
    late = status_of(report, "CK-2024-012", "《残疾人康复就业服务中心学员评估表》")
    assert late["status"] == "late" and late["days_late"] == 19


def test_monthly_reports_by_the_fifth(tmp_path):
    point = tmp_path / "报表"
    put(point, "monthly_plan_summary", 0, submitted_date="2024-11-04")  # for November
    put(point, "worker_statistics", 0, submitted_date="2024-11-07")  # October's, two days late
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 12, 3))
    subject = "东城街道主山社区社工站"
    statistics = [f for f in findings(report, subject) if f["requirement"].startswith("《社工情况统计表》")]
    assert ("2024年10月）", "late", 2) in [(f["requirement"].split("（")[-1], f["status"], f["days_late"])
                                         for f in statistics]
    plan = [f for f in findings(report, subject) if f["requirement"] == "《月计划汇总表》（2024年11月）"]
    assert plan[0]["status"] == "complete"
    november = [f for f in findings(report, subject) if f["requirement"] == "《社工情况统计表》（2024年11月）"]
    assert november[0]["status"] == "not_due" and november[0]["due"] == "2024-12-05"
    annual = api.check_archive(tmp_path, as_of=dt.date(2025, 1, 6))
    summary = [f for f in findings(annual, subject) if f["requirement"].startswith("《年度工作总结》")]
    assert summary and summary[0]["status"] == "missing" and summary[0]["due"] == "2025-01-05"


# --- what cannot be read or placed --------------------------------------------------------


def test_unreadable_unknown_and_registered_files(tmp_path):
    case = complete_case(tmp_path)
    for path in case.glob("服务使用者问题评量表*"):
        path.unlink()
    (tmp_path / "坏文件.docx").write_bytes(b"not a zip")
    (tmp_path / "随手拍.jpg").write_bytes(b"\xff\xd8")
    scan_file(tmp_path / "扫描", "scan001.pdf")
    register = tmp_path / "文件登记.xlsx"
    assert api.write_register_workbook(register) is not None
    workbook = load_workbook(register)
    workbook.active.append(["扫描/scan001.pdf", "GA-2024-017", "服务使用者问题评量表", "2024-06-20"])
    workbook.save(register)
    report = api.check_archive(tmp_path, as_of=AS_OF)
    unplaced = {u["file"]: u["code"] for u in report.to_dict()["unplaced"]}
    assert unplaced == {"坏文件.docx": "unreadable", "随手拍.jpg": "unknown_form"}
    scale = status_of(report, "GA-2024-017", "《服务使用者问题评量表》")
    assert (scale["status"], scale["document"]) == ("complete", "扫描/scan001.pdf")  # the registered scan counts


def test_reports_mask_personal_numbers(tmp_path):
    put(tmp_path / "居家养老", "eldercare_approval")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    from lvye_forms.check.report import to_html, to_json, to_xlsx

    for text in (to_json(report), to_html(report), str(to_xlsx(report))):
        assert "441900195203150020" not in text and "0769-22668899" not in text


# --- profiles ------------------------------------------------------------------------------


def test_shipped_profiles_load():
    assert set(shipped_profiles()) >= {"lvye", "leya", "naner", "guangzhou"}
    for name in shipped_profiles():
        assert load_profile(name).subjects


def test_malformed_profiles_name_the_line(tmp_path):
    bad_yaml = "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires: [form: case_consent\n"
    with pytest.raises(ProfileError, match="第 [67] 行"):
        parse_profile(bad_yaml, "bad.yaml")
    unknown_form = "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n          - form: nope\n"
    with pytest.raises(ProfileError, match="第 7 行.*nope"):
        parse_profile(unknown_form, "bad.yaml")
    bad_expression = ("name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
                      "          - form: case_consent\n            due: \"first_date(\"\n")
    with pytest.raises(ProfileError, match="第 7 行.*due"):
        parse_profile(bad_expression, "bad.yaml")
    path = tmp_path / "mine.yaml"
    path.write_text(unknown_form, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--profile", str(path)])
    assert result.exit_code == 2 and "第 7 行" in result.output


def test_an_agency_profile_file(tmp_path):
    profile = tmp_path / "agency.yaml"
    profile.write_text(
        "name: 我们机构\nsubjects:\n  case:\n    steps:\n      - id: a\n        label: 接案\n        requires:\n"
        "          - form: case_consent\n          - form: case_referral\n", encoding="utf-8")
    archive = tmp_path / "档案"
    put(archive, "case_consent")
    report = api.check_archive(archive, profile=str(profile), as_of=AS_OF)
    assert [(f["requirement"], f["status"]) for f in findings(report)] == [
        ("《个案转介表》", "missing"), ("《接受个案服务同意书》", "complete"),
    ]


def test_guangzhou_profile_follows_appendices(tmp_path):
    case = tmp_path / "個案"
    put(case, "gz_case_intake")
    put(case, "gz_case_assessment")
    put(case, "gz_case_process")
    report = api.check_archive(tmp_path, profile="guangzhou", as_of=AS_OF)
    assert status_of(report, "GZ-2024-011", "《個案工作計畫表》")["status"] == "missing"
    assert status_of(report, "GZ-2024-011", "《個案工作接案記錄表》")["status"] == "complete"


def test_leya_profile_requires_supervisor_approval_and_closing_for_every_exit(tmp_path):
    case = tmp_path / "个案"
    put(case, "intake_inquiry", supervisor_date="", supervisor_opinion="", supervisor_decision="")
    put(case, "exit_application", 0, case_id="GA-2024-017")
    report = api.check_archive(tmp_path, profile="leya", as_of=AS_OF)
    assert status_of(report, "GA-2024-017", "《查询接案探访记录》")["status"] in ("complete", "invalid")
    assert any(f["status"] == "invalid" for f in findings(report, "GA-2024-017"))
    assert status_of(report, "GA-2024-017", "《个案结束评估表》")["status"] == "missing"


# --- the command ---------------------------------------------------------------------------


def test_check_command_formats_and_exit_status(tmp_path):
    complete_case(tmp_path / "档案")
    archive = tmp_path / "档案"
    runner = CliRunner()
    table = runner.invoke(main, ["check", str(archive), "--as-of", "2024-07-15"])
    assert table.exit_code == 1  # the service point's monthly reports are missing
    assert "档案完整性检查" in table.output
    data = json.loads(runner.invoke(main, ["check", str(archive), "--as-of", "2024-07-15", "--format", "json"]).output)
    assert data["schema_version"] == 2 and data["as_of"] == "2024-07-15"
    assert data["by_service_point"][0]["name"] == "东城街道主山社区社工站"
    out = tmp_path / "结果.xlsx"
    runner.invoke(main, ["check", str(archive), "--as-of", "2024-07-15", "--format", "xlsx", "-o", str(out)])
    assert load_workbook(out).sheetnames == ["汇总", "明细", "无法识别的文件"]
    page = tmp_path / "结果.html"
    runner.invoke(main, ["check", str(archive), "--as-of", "2024-07-15", "--format", "html", "-o", str(page)])
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "GA-2024-017" in html and "http" not in html
    case_only = tmp_path / "只有个案"
    complete_case(case_only)
    profile = tmp_path / "cases.yaml"
    profile.write_text("name: c\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
                       "          - form: case_consent\n", encoding="utf-8")
    assert runner.invoke(main, ["check", str(case_only), "--profile", str(profile)]).exit_code == 0
    assert runner.invoke(main, ["check", str(tmp_path / "nope")]).exit_code == 2


def test_assessment_window_is_a_week_or_a_month_before_accepting(tmp_path):
    """000 第二章 三2 "机构在接收服务对象前一个星期内进行服务需要预估"; 第三章 二(四)2
    "社区综合服务中心在接收服务对象前一个月内进行服务需要预估"."""
    case = tmp_path / "个案"
    put(case, "case_consent")  # signed 2024-03-04 at 东城街道主山社区社工站
    put(case, "case_intake", intake_date="2024-02-10", assessment_date="2024-02-20")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    window = [f for f in findings(report, "GA-2024-017") if f["status"] == "invalid"]
    assert window and "前一周" in window[0]["message"]
    centre = tmp_path / "中心"
    put(centre, "case_consent", case_id="GA-2024-050", service_point="主山社区综合服务中心")
    put(centre, "case_intake", case_id="GA-2024-050", intake_date="2024-02-10",
        assessment_date="2024-02-20")
    report = api.check_archive(centre, as_of=AS_OF)
    assert not [f for f in findings(report, "GA-2024-050") if f["status"] == "invalid"]
    # After accepting is never inside the window, whatever the service point.
    after = tmp_path / "之后"
    put(after, "case_consent", case_id="GA-2024-051", service_point="主山社区综合服务中心")
    put(after, "case_intake", case_id="GA-2024-051", assessment_date="2024-03-08")
    report = api.check_archive(after, as_of=AS_OF)
    assert [f for f in findings(report, "GA-2024-051") if f["status"] == "invalid"]
