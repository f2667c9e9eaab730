"""Every rule of the seeds, as the shipped profiles express it: each test quotes the seed text
its expected findings come from (issue 9). Archives are built from generated documents."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from lvye_forms import api
from lvye_forms.check.profile import load_profile, shipped_profiles
from lvye_forms.cli import main

from .conftest import write_workbook
from .test_check import put


def check(root, profile="lvye", as_of=dt.date(2024, 12, 1), points=None):
    return api.check_archive(root, profile=profile, as_of=as_of, service_points=points)


def found(report, subject_id, requirement, kind=None):
    """The findings of one requirement (its label, with or without an item) for one subject."""
    return [
        f
        for f in report.to_dict()["findings"]
        if f["subject_id"] == subject_id
        and (kind is None or f["subject_type"] == kind)
        and (f["requirement"] == requirement or f["requirement"].startswith(requirement + "（"))
    ]


def status(report, subject_id, requirement, kind=None):
    matches = found(report, subject_id, requirement, kind)
    assert len(matches) == 1, matches
    return matches[0]["status"]


def register(path, name, kind, contract="2024-01-01"):
    rows = [["服务点", "类型", "合同日期", "报表起始日期"], [name, kind, contract, None]]
    return write_workbook(path, {"服务点": rows})


# --- every rule names its seed --------------------------------------------------------------


@pytest.mark.parametrize("name", shipped_profiles())
def test_every_rule_of_a_shipped_profile_names_its_seed_section(name):
    profile = load_profile(name)
    for subject in profile.subjects.values():
        for step in subject.steps:
            for requirement in step.requirements:
                assert requirement.source, (name, requirement.id, requirement.line)
                assert requirement.source[:3] in ("000", "001", "002", "003", "004"), requirement


def test_profile_show_lists_each_rule_with_its_seed_reference():
    result = CliRunner().invoke(main, ["profile", "show", "naner"])
    assert result.exit_code == 0
    assert "依据：003 四(四)2" in result.output and "依据：003 五(二)" in result.output


# --- applications and refusals -----------------------------------------------------------------


def test_a_refused_application_is_not_a_case_and_owes_a_refusal_record(tmp_path):
    """000 第二章 二4: 负责社工须以电话/书面/面谈的方式向申请人清楚详述不接纳的原因，如有需要，
    负责同工须为申请人提供转介."""
    put(tmp_path / "申请", "service_application", 1)  # SQ-2024-015, 不接纳
    report = check(tmp_path)
    subjects = {(f["subject_type"], f["subject_id"]) for f in report.to_dict()["findings"]}
    assert ("application", "SQ-2024-015") in subjects
    assert not [s for s in subjects if s[0] == "case"]  # never a case "None" owing consent…
    assert status(report, "SQ-2024-015", "《不接纳申请记录》") == "missing"
    put(tmp_path / "申请", "application_refusal", 0)
    assert status(check(tmp_path), "SQ-2024-015", "《不接纳申请记录》") == "complete"


@pytest.mark.parametrize("profile", ["lvye", "leya", "naner"])
def test_a_refused_inquiry_is_an_application_in_every_dongguan_profile(tmp_path, profile):
    """001 第七条 五2 (and 000 第二章 二4, 003 二(二)4): refusal explained, referral offered."""
    put(tmp_path / "查询", "intake_inquiry", 1)  # CX-2024-036, 不符合服务资格, no case id
    report = check(tmp_path, profile=profile)
    assert not [f for f in report.to_dict()["findings"] if f["subject_id"] in ("None", "")]
    assert status(report, "CX-2024-036", "《不接纳申请记录》") == "missing"


def test_guangzhou_declined_intake_needs_a_refusal_record(tmp_path):
    """002 6.1.1.1: 做出接案与否的决定或转介的安排."""
    put(tmp_path, "gz_case_intake", 0, decision="不予接案", decision_note="不在服务范围。")
    report = check(tmp_path, profile="guangzhou")
    case_id = report.to_dict()["findings"][0]["subject_id"]
    assert status(report, case_id, "《不接纳申请记录》（不予接案或轉介）") == "missing"


def test_lvye_case_needs_its_application_unless_the_worker_reached_out(tmp_path):
    """000 第二章 二2: 申请者应填妥申请表; 001 第七条 二4: 社工主动接触的服务使用者可免除申请."""
    put(tmp_path / "个案", "case_consent")
    assert status(check(tmp_path), "GA-2024-017", "《服务申请表》") == "missing"
    outreach = tmp_path / "主动"
    put(outreach, "case_consent", application_route="社工主动接触", referrer="")
    assert not found(check(outreach), "GA-2024-017", "《服务申请表》")


# --- notice periods and the terms of termination -------------------------------------------


@pytest.mark.parametrize(
    ("kind", "days", "expected"),
    [
        ("项目", 8, "invalid"),  # 000 第三章 一(五)4(1)①: 以书面于三个月前
        ("社区综合服务中心", 8, "invalid"),
        ("岗位", 8, "complete"),  # 000 第三章 三(六)4(1)①: 以书面于一个星期前
        ("残疾人康复就业服务中心", 8, "complete"),  # 000 第三章 四(五)4(1)①
        ("岗位", 5, "invalid"),
        ("项目", 93, "complete"),
    ],
)
def test_ineligibility_notice_period_by_service_type(tmp_path, kind, days, expected):
    archive = tmp_path / "档案"
    put(archive, "case_consent", case_id="GA-2024-009", service_point="主山服务点")
    end = dt.date(2024, 8, 1) + dt.timedelta(days=days)
    put(archive, "termination_notice", termination_date=end.isoformat(),
        last_service_date=(end - dt.timedelta(days=1)).isoformat())
    points = register(tmp_path / "服务点.xlsx", "主山服务点", kind)
    report = check(archive, points=points)
    assert status(report, "GA-2024-009", "《终止服务通知》（通知期）") == expected


@pytest.mark.parametrize(("kind", "expected"), [("项目", "invalid"), ("岗位", "complete")])
def test_service_no_longer_fits_needs_two_weeks_in_a_project(tmp_path, kind, expected):
    """000 第三章 一(五)4(3): 提前两周通知服务对象或其家属，表明项目提供的服务不再符合服务对象的需要."""
    archive = tmp_path / "档案"
    put(archive, "case_consent", case_id="GA-2024-009", service_point="主山服务点")
    put(archive, "termination_notice", reason="服务不再符合需要", conference_held="否")
    points = register(tmp_path / "服务点.xlsx", "主山服务点", kind)
    report = check(archive, points=points)
    assert status(report, "GA-2024-009", "《终止服务通知》（服务不再符合需要：两周）") == expected


def test_ineligibility_needs_a_conference_and_a_referral(tmp_path):
    """000 附件1 第六步 4(1): ②应与督导召开个案会议…③应安排跟进转介."""
    put(tmp_path, "termination_notice", referral_offered="否", referral_to="")
    report = check(tmp_path)
    assert status(report, "GA-2024-009", "《个案会议记录》（不再符合资格）") == "missing"
    assert status(report, "GA-2024-009", "《终止服务通知》（跟进转介）") == "invalid"


def test_naner_three_months_notice(tmp_path):
    """003 四(四)2: 以书面于三个月前向服务对象发出终止服务的通知."""
    put(tmp_path, "termination_notice")  # eight days
    report = check(tmp_path, profile="naner")
    assert status(report, "GA-2024-009", "《终止服务通知》（通知期）") == "invalid"


# --- assessment before accepting; plans ---------------------------------------------------


@pytest.mark.parametrize(("assessed", "expected"), [("2024-02-10", "complete"),
                                                     ("2024-01-20", "invalid"),
                                                     ("2024-03-08", "invalid")])
def test_naner_assessment_within_a_month_before_accepting(tmp_path, assessed, expected):
    """003 三(二): 在接收服务对象前一个月内进行服务需要预估 (consent signed 2024-03-04)."""
    put(tmp_path, "case_consent")
    put(tmp_path, "case_intake", intake_date="2024-01-10", assessment_date=assessed)
    report = check(tmp_path, profile="naner")
    assert status(report, "GA-2024-017", "《建档、个案基本资料表》（接受服务前一个月内完成预估）") == expected


def test_case_plan_is_reviewed_every_year_while_open(tmp_path):
    """000 第三章 三(三)5: 机构会定期监察和修订各项个案计划，每年也会正式考核各项计划一次."""
    put(tmp_path, "case_consent")
    put(tmp_path, "case_plan")  # 2024-03-12
    report = check(tmp_path, as_of=dt.date(2025, 6, 1))
    assert [f["status"] for f in found(report, "GA-2024-017", "个案计划年度考核")] == ["missing"]
    put(tmp_path, "case_stage_review", 0, case_id="GA-2024-017", review_id="GA-2024-017-R1",
        intake_date="2024-03-04", period_start="2024-03-04", period_end="2025-03-12",
        review_date="2025-03-20")
    report = check(tmp_path, as_of=dt.date(2025, 6, 1))
    assert [f["status"] for f in found(report, "GA-2024-017", "个案计划年度考核")] == ["complete"]


def test_project_plan_deadlines_come_from_the_contract(tmp_path):
    """000 第一章 五(一): 合同签订一个月内完成项目计划; 督导须在三天内提供督导建议; 每年更新."""
    archive = tmp_path / "档案"
    put(archive, "project_plan", review_date="2024-02-12")  # submitted 02-05, reviewed 7 days on
    points = register(tmp_path / "服务点.xlsx", "东城街道主山社区社工站", "项目", "2024-01-15")
    report = check(archive, as_of=dt.date(2025, 3, 1), points=points)
    point = "东城街道主山社区社工站"
    assert status(report, point, "《项目计划》（合同后一个月内）") == "complete"
    assert status(report, point, "《项目计划》（督导三天内审核）") == "invalid"
    # The one plan, submitted 2024-02-05, is not the update due in February 2025.
    assert status(report, point, "《项目计划》（每年更新）") in ("late", "missing")


# --- approvals are decisions ------------------------------------------------------------------


def test_leya_supervisor_must_agree_before_the_first_follow_up(tmp_path):
    """001 第七条 三4: 当值社工把有关资料提交给督导/督导助理审批，审批通过后方可跟进个案."""
    put(tmp_path, "intake_inquiry", supervisor_decision="不同意")
    report = check(tmp_path, profile="leya")
    assert status(report, "GA-2024-017", "《查询接案探访记录》（督导审批同意后跟进）") == "invalid"
    late = tmp_path / "迟"
    put(late, "intake_inquiry", supervisor_date="2024-03-25")
    put(late, "case_note_process")  # the first follow-up, before the approval
    report = check(late, profile="leya")
    assert status(report, "GA-2024-017", "《查询接案探访记录》（督导审批同意后跟进）") == "invalid"


def test_agreement_only_after_three_levels_agree(tmp_path):
    """000 第三章 五(一)3-6: 初审…盖章同意; 复审…签注“同意”意见; 核准; 核准通过后…签订协议书."""
    put(tmp_path, "eldercare_approval", 0, town_decision="不同意", city_decision="",
        city_opinion="", city_date="")
    put(tmp_path, "eldercare_agreement", 0)
    report = check(tmp_path, as_of=dt.date(2024, 6, 30))
    assert status(report, "JJ-2024-0103", "《东莞市居家养老服务协议书》（三级审批同意后签订）") == "invalid"


def test_no_caregiver_visit_before_approval(tmp_path):
    """000 第三章 五(一)5-6: services follow 核准 and the agreement."""
    put(tmp_path, "eldercare_approval", 0)  # 核准 2024-06-03
    put(tmp_path, "caregiver_log", 0)  # first visit 2024-06-10: fine
    report = check(tmp_path, as_of=dt.date(2024, 6, 30))
    assert not found(report, "JJ-2024-0103", "护工服务记录（审批前不得服务）")
    early = tmp_path / "早"
    put(early, "eldercare_approval", 0, city_date="2024-06-20")
    put(early, "caregiver_log", 0)
    report = check(early, as_of=dt.date(2024, 6, 30))
    assert [f["status"] for f in found(report, "JJ-2024-0103", "护工服务记录（审批前不得服务）")] == [
        "invalid"
    ]


def test_needs_assessment_within_two_months_of_the_contract(tmp_path):
    """000 第一章 六(一): 在合同签订后两个月内完成《居家养老服务对象需求评估表》."""
    archive = tmp_path / "档案"
    put(archive, "eldercare_approval", 0)  # applied 2024-05-06 at 莞城街道居家养老服务中心
    put(archive, "eldercare_needs", 0)
    points = register(tmp_path / "点.xlsx", "莞城街道居家养老服务中心", "居家养老服务中心",
                      "2024-04-01")
    report = check(archive, as_of=dt.date(2024, 6, 30), points=points)
    assert status(
        report, "JJ-2024-0103", "《居家养老服务对象需求评估表》（合同后两个月内）"
    ) == "complete"
    # Applied within two months of a contract of 2024-03-01, assessed after 2024-05-01.
    put(archive, "eldercare_approval", 0, application_date="2024-04-25", village_date="2024-05-10")
    points = register(tmp_path / "点2.xlsx", "莞城街道居家养老服务中心", "居家养老服务中心",
                      "2024-03-01")
    report = check(archive, as_of=dt.date(2024, 6, 30), points=points)
    assert status(
        report, "JJ-2024-0103", "《居家养老服务对象需求评估表》（合同后两个月内）"
    ) == "invalid"


# --- groups and activities ----------------------------------------------------------------


def test_group_registration_before_the_first_session(tmp_path):
    """000 附件2 第一步(一)(1): 进行学员招募后，需填写《小组报名表》."""
    put(tmp_path, "group_plan")
    report = check(tmp_path, as_of=dt.date(2024, 4, 10))
    assert status(report, "XZ-2024-005", "《小组报名表》") == "missing"
    put(tmp_path, "group_registration")
    assert status(check(tmp_path, as_of=dt.date(2024, 4, 10)), "XZ-2024-005", "《小组报名表》") == "complete"


def test_leya_consecutive_unexplained_absences_mean_automatic_exit(tmp_path):
    """001 第八条 五2(3): 若参加者连续无故缺席，而没有任何通知者，项目实施方会视其为自动退出服务，
    并会发出《退出服务申请表》给该参加者. 周子涵's absence was excused (请假): not 无故."""
    put(tmp_path, "group_attendance")  # 陈思远 missed sessions 2 and 3 without notice
    report = check(tmp_path, profile="leya", as_of=dt.date(2024, 5, 1))
    exits = found(report, "XZ-2024-005", "《小组自动退出通知》（连续无故缺席）")
    assert [(f["item"], f["status"]) for f in exits] == [("陈思远（第2、3节无故缺席）", "missing")]
    put(tmp_path, "group_exit_notice")
    report = check(tmp_path, profile="leya", as_of=dt.date(2024, 5, 1))
    exits = found(report, "XZ-2024-005", "《小组自动退出通知》（连续无故缺席）")
    assert [f["status"] for f in exits] == ["complete"]


def test_leya_withdrawal_needs_the_workers_agreement(tmp_path):
    """001 第八条 五2(2): 经负责社工同意，有关申请方能生效."""
    put(tmp_path, "group_withdrawal", worker_agreed="否", agreed_date="")
    report = check(tmp_path, profile="leya", as_of=dt.date(2024, 7, 1))
    assert status(report, "XZ-2024-008", "《退出小组申请书》（负责社工同意）") == "invalid"


def test_leya_activity_registration(tmp_path):
    """001 第八条 三: 符合资格申请人须填写《小组／活动报名表》交给负责社工."""
    put(tmp_path, "activity_plan")
    report = check(tmp_path, profile="leya", as_of=dt.date(2024, 10, 20))
    assert status(report, "HD-2024-031", "《活动报名表》") == "missing"


def test_inquiry_register_and_volunteer_registration(tmp_path):
    """000 附件3 第二步4: 在动员居民参与过程中填写《活动、服务咨询登记表》、并进行义工招募，
    填写《义工报名登记表》."""
    put(tmp_path, "activity_plan")  # needs volunteers
    report = check(tmp_path, as_of=dt.date(2024, 10, 20))
    assert status(report, "HD-2024-031", "《活动、服务咨询登记表》") == "missing"
    assert status(report, "HD-2024-031", "《义工报名登记表》") == "missing"
    put(tmp_path, "volunteer_registration")
    put(tmp_path, "inquiry_register")
    report = check(tmp_path, as_of=dt.date(2024, 10, 20))
    assert status(report, "HD-2024-031", "《义工报名登记表》") == "complete"
    none = tmp_path / "无义工"
    put(none, "activity_plan", volunteers_needed="0")
    assert not found(check(none, as_of=dt.date(2024, 10, 20)), "HD-2024-031", "《义工报名登记表》")


def test_naner_participants_sign_in(tmp_path):
    """003 六(二)1: 活动参与者签到."""
    put(tmp_path, "activity_plan")
    report = check(tmp_path, profile="naner", as_of=dt.date(2024, 10, 20))
    assert status(report, "HD-2024-031", "《活动参加者签到表》") == "missing"


# --- trainees ---------------------------------------------------------------------------------


def test_trainee_attachments_and_exit_notice(tmp_path):
    """000 第一章 六(五): 上传服务对象户口本复印件、身份证复印件; 第三章 四(五)4(1)①: 一个星期前通知."""
    put(tmp_path, "rehab_trainee_assessment", 0, att_hukou="否")
    put(tmp_path, "termination_notice", case_id="CK-2024-012", termination_date="2024-08-05",
        last_service_date="2024-08-04")
    report = check(tmp_path)
    assert status(report, "CK-2024-012", "《残疾人康复就业服务中心学员评估表》（附件）") == "invalid"
    assert status(report, "CK-2024-012", "《终止服务通知》（通知期）", "trainee") == "invalid"
    assert status(report, "CK-2024-012", "《个案会议记录》（不再符合资格）", "trainee") == "missing"
    # The trainee's exit papers are not a case owing a consent and a plan.
    assert not [f for f in report.to_dict()["findings"] if f["subject_type"] == "case"]


# --- people and quality -------------------------------------------------------------------


def test_staff_appraisal_and_survey_twice_a_year(tmp_path):
    """000 第二章 五2: 对同工的考核每年进行两次; 五1(1): 定期…服务满意度调查."""
    put(tmp_path, "staff_appraisal", 0)  # 2024 上半年
    report = check(tmp_path, as_of=dt.date(2025, 2, 1))
    point = "东城街道主山社区社工站"
    appraisals = {f["item"]: f["status"] for f in found(report, point, "《同工考核表》")}
    assert appraisals == {"2024年上半年": "complete", "2024年下半年": "missing"}
    assert {f["item"] for f in found(report, point, "《服务对象满意度调查表》")} == {
        "2024年上半年", "2024年下半年"
    }


def test_caregiver_evaluated_every_quarter(tmp_path):
    """000 第三章 五(三)2(1): 每季度对护工进行“四方评估”."""
    put(tmp_path, "caregiver_log", 0)  # June 2024
    put(tmp_path, "caregiver_evaluation", 0)  # 2024 Q2
    report = check(tmp_path, as_of=dt.date(2024, 12, 1))
    quarters = {f["item"]: f["status"] for f in found(report, "罗秀兰", "《护工季度考评表（四方评估）》")}
    assert quarters == {"2024年第2季度": "complete", "2024年第3季度": "missing"}


def test_elder_visited_every_month(tmp_path):
    """000 第三章 五(三)1: 社工助理和护工组长每月定期走访了解老人满意度."""
    put(tmp_path, "eldercare_approval", 0)
    put(tmp_path, "eldercare_agreement", 0)  # from 2024-06-10
    put(tmp_path, "eldercare_visit", 0)  # July
    report = check(tmp_path, as_of=dt.date(2024, 8, 15))
    visits = {f["item"]: f["status"] for f in found(report, "JJ-2024-0103", "《居家养老服务走访记录》")}
    assert visits == {"2024年6月": "missing", "2024年7月": "complete"}


def test_feedback_register_monthly(tmp_path):
    """000 第一章 五(三)5: 及时登记提交“投诉处理”、“利益相关方管理”内容."""
    put(tmp_path, "feedback_register", 0)  # October 2024
    report = check(tmp_path, as_of=dt.date(2024, 12, 10))
    months = {
        f["item"]: f["status"]
        for f in found(report, "东城街道主山社区社工站", "《投诉及利益相关方意见登记表》")
    }
    assert months["2024年10月"] == "complete" and months["2024年11月"] == "missing"


def test_crisis_reported_within_a_day(tmp_path):
    """004 4.4: 采取必要的应急措施…并及时向机构负责人汇报."""
    put(tmp_path, "crisis_report", 0, reported_date="2024-05-17")
    report = check(tmp_path)
    assert status(report, "GA-2024-017", "《危机事件报告》（及时汇报）") == "invalid"


# --- the helpers behind the rules -------------------------------------------------------------


def test_period_helpers_cross_year_ends_and_leap_days():
    from lvye_forms.check.periods import half_years_between, quarters_between, years_after

    halves = half_years_between(dt.date(2023, 11, 5), dt.date(2024, 8, 1))
    assert [h["label"] for h in halves] == ["2023年下半年", "2024年上半年"]
    assert halves[0]["due"] == dt.date(2024, 1, 31)
    quarters = quarters_between(dt.date(2023, 12, 31), dt.date(2024, 4, 1))
    assert [(q["year"], q["quarter"], q["due"]) for q in quarters] == [
        (2023, 4, dt.date(2024, 1, 15)), (2024, 1, dt.date(2024, 4, 15))
    ]
    leap = years_after(dt.date(2024, 2, 29), dt.date(2026, 3, 1))
    assert [y["start"] for y in leap] == [dt.date(2025, 2, 28), dt.date(2026, 2, 28)]
    assert years_after(dt.date(9998, 6, 1), dt.date(9999, 12, 31))[-1]["number"] == 1


def test_absent_runs_counts_only_consecutive_unexplained_sessions():
    from types import SimpleNamespace as NS

    from lvye_forms.check.attendance import absent_runs

    sheet = NS(
        sessions=[NS(number=n) for n in (1, 2, 3, 4, 5)],
        members=[
            NS(name="甲", attended=[1, 3, 5], excused=None),  # never two in a row
            NS(name="乙", attended=[1, 2], excused=[3]),  # 4 and 5
            NS(name="丙", attended=[1, 4, 5], excused=[2]),  # 3 alone
        ],
    )
    assert [(r["name"], r["sessions"]) for r in absent_runs([sheet], 2)] == [("乙", [4, 5])]
    assert absent_runs([], 2) == []
    with pytest.raises(TypeError):
        absent_runs([sheet], 0)
