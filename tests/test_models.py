"""Cross-field rules of the forms: each example broken once, with the column staff must fix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic import ValidationError

from lvye_forms.registry import all_forms, get_form, spec

from .conftest import TODAY

CONTEXT = {"today": TODAY}  # 2026-11-22

CaseConsent = get_form("case_consent")
GroupPlan = get_form("group_plan")
ActivityReport = get_form("activity_report")
EldercareApproval = get_form("eldercare_approval")


def validate(model, data):
    return model.model_validate(data, context=CONTEXT)


def errors_of(model, data) -> list[tuple[tuple, str]]:
    """[(loc, type)] of every error `data` raises; fails the test if it validates."""
    with pytest.raises(ValidationError) as caught:
        validate(model, data)
    return [(tuple(e["loc"]), e["type"]) for e in caught.value.errors()]


def error_details(model, data) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        validate(model, data)
    return caught.value.errors()


def example(model, n: int = 0, **changes) -> dict:
    """A copy of the model's n-th example with some cells changed."""
    data = dict(model.examples[n])
    data.update(changes)
    return data


def without(data: dict, *fields: str) -> dict:
    return {k: v for k, v in data.items() if k not in fields}


# --- every example is valid ------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [CaseConsent, GroupPlan, ActivityReport, EldercareApproval], ids=lambda m: m.form_id
)
def test_examples_of_the_four_forms_validate(model):
    assert model.examples, "every form ships at least one example"
    for data in model.examples:
        record = validate(model, dict(data))
        assert record.key() == data[model.key_field]


@pytest.mark.parametrize("model", all_forms(), ids=lambda m: m.form_id)
def test_every_catalog_example_validates(model):
    for data in model.examples:
        assert validate(model, dict(data)).key() == data[model.key_field]


def test_examples_are_not_mutated_by_validation():
    before = [dict(e) for e in CaseConsent.examples]
    validate(CaseConsent, example(CaseConsent, 0))
    assert [dict(e) for e in CaseConsent.examples] == before


# --- case_consent ----------------------------------------------------------------------------

GUARDIAN_FIELDS = ("guardian_name", "guardian_relation", "guardian_signed_date")


def test_examples_cover_a_minor_and_an_adult():
    minor, adult = (validate(CaseConsent, dict(e)) for e in CaseConsent.examples)
    assert minor.needs_guardian() and minor.guardian_name == "陈美玲"
    assert not adult.needs_guardian() and adult.guardian_name is None


def test_minor_client_without_guardian():
    data = without(example(CaseConsent, 0), *GUARDIAN_FIELDS)
    assert sorted(errors_of(CaseConsent, data)) == [
        (("guardian_name",), "lvye.conditional"),
        (("guardian_relation",), "lvye.conditional"),
        (("guardian_signed_date",), "lvye.conditional"),
    ]
    messages = [e["msg"] for e in error_details(CaseConsent, data)]
    assert all("未满18岁" in m for m in messages)


@pytest.mark.parametrize("field", GUARDIAN_FIELDS)
def test_minor_client_missing_one_guardian_cell(field):
    data = example(CaseConsent, 0, **{field: ""})
    assert errors_of(CaseConsent, data) == [((field,), "lvye.conditional")]


def test_adult_lacking_capacity_needs_a_guardian():
    data = example(CaseConsent, 1, lacks_capacity="是")
    assert sorted(errors_of(CaseConsent, data)) == [
        ((f,), "lvye.conditional") for f in GUARDIAN_FIELDS
    ]
    assert all("缺乏行为能力" in e["msg"] for e in error_details(CaseConsent, data))
    with_guardian = example(
        CaseConsent,
        1,
        lacks_capacity="是",
        guardian_name="张伟",
        guardian_relation="儿子",
        guardian_signed_date="2024-04-10",
    )
    assert validate(CaseConsent, with_guardian).needs_guardian()


def test_adult_client_with_no_guardian_validates():
    data = without(example(CaseConsent, 1), *GUARDIAN_FIELDS, "guardian_phone")
    record = validate(CaseConsent, data)
    assert record.guardian_name is None and record.lacks_capacity is False
    assert record.template_extras() == {"needs_guardian": "否", "client_age": "72"}


def test_eighteenth_birthday_is_the_boundary():
    # Age is counted on the client's signature date (2024-04-10).
    adult = without(example(CaseConsent, 1, client_birth_date="2006-04-10"), "client_id_number")
    assert validate(CaseConsent, adult).needs_guardian() is False
    minor = without(example(CaseConsent, 1, client_birth_date="2006-04-11"), "client_id_number")
    assert sorted(errors_of(CaseConsent, minor)) == [
        ((f,), "lvye.conditional") for f in GUARDIAN_FIELDS
    ]


def test_referral_route_needs_a_referrer():
    data = without(example(CaseConsent, 1), "referrer")
    assert errors_of(CaseConsent, data) == [(("referrer",), "lvye.conditional")]
    assert errors_of(CaseConsent, example(CaseConsent, 1, referrer="  ")) == [
        (("referrer",), "lvye.conditional")
    ]
    # Other routes do not need one.
    assert (
        validate(
            CaseConsent, example(CaseConsent, 1, referrer="", application_route="自行申请")
        ).referrer
        is None
    )


def test_id_number_must_match_birth_date():
    data = example(CaseConsent, 1, client_birth_date="1952-03-16")
    details = error_details(CaseConsent, data)
    assert [(tuple(e["loc"]), e["type"]) for e in details] == [
        (("client_birth_date",), "lvye.id_mismatch")
    ]
    assert "1952-03-15" in details[0]["msg"]


def test_id_number_must_match_sex():
    details = error_details(CaseConsent, example(CaseConsent, 1, client_sex="男"))
    assert [(tuple(e["loc"]), e["type"]) for e in details] == [
        (("client_sex",), "lvye.id_mismatch")
    ]
    assert "女" in details[0]["msg"]


def test_without_id_number_birth_date_and_sex_are_not_checked():
    data = without(
        example(CaseConsent, 1, client_birth_date="1952-03-16", client_sex="男"), "client_id_number"
    )
    assert validate(CaseConsent, data).client_id_number is None


@pytest.mark.parametrize("field", ["client_signed_date", "worker_signed_date"])
def test_signature_before_intake_date(field):
    data = example(CaseConsent, 1, **{field: "2024-04-09"})
    details = error_details(CaseConsent, data)
    assert [(tuple(e["loc"]), e["type"]) for e in details] == [((field,), "lvye.date_order")]
    assert "接案日期" in details[0]["msg"] and "2024-04-10" in details[0]["msg"]


def test_guardian_signature_before_intake_date():
    data = example(CaseConsent, 0, guardian_signed_date="2024-03-03")
    assert errors_of(CaseConsent, data) == [(("guardian_signed_date",), "lvye.date_order")]


def test_intake_before_birth():
    data = without(example(CaseConsent, 1, intake_date="1950-01-01"), "client_id_number")
    assert (("intake_date",), "lvye.date_order") in errors_of(CaseConsent, data)


def test_signature_in_the_future():
    assert errors_of(CaseConsent, example(CaseConsent, 1, worker_signed_date="2026-11-23")) == [
        (("worker_signed_date",), "lvye.date_future")
    ]
    # Today itself is fine.
    assert (
        validate(
            CaseConsent, example(CaseConsent, 1, worker_signed_date="2026-11-22")
        ).worker_signed_date
        == TODAY
    )


def test_several_problems_in_one_record_are_reported_together():
    data = example(CaseConsent, 0, guardian_name="", application_route="公众人士或机构转介")
    found = errors_of(CaseConsent, data)
    assert len(found) >= 2
    assert (("guardian_name",), "lvye.conditional") in found
    assert (("referrer",), "lvye.conditional") in found


def test_cross_field_problems_of_different_kinds_together():
    data = example(
        CaseConsent,
        1,
        referrer="",
        client_sex="男",
        client_birth_date="1952-03-16",
        worker_signed_date="2024-04-01",
    )
    assert sorted(errors_of(CaseConsent, data)) == [
        (("client_birth_date",), "lvye.id_mismatch"),
        (("client_sex",), "lvye.id_mismatch"),
        (("referrer",), "lvye.conditional"),
        (("worker_signed_date",), "lvye.date_order"),
    ]


def test_field_errors_name_their_column():
    data = example(
        CaseConsent,
        1,
        client_id_number="441900195203150021",
        client_phone="12345",
        client_sex="未知",
    )
    assert sorted(errors_of(CaseConsent, data)) == [
        (("client_id_number",), "lvye.id_checksum"),
        (("client_phone",), "lvye.phone"),
        (("client_sex",), "enum"),
    ]


def test_missing_required_cell_and_unknown_column():
    assert errors_of(CaseConsent, example(CaseConsent, 1, client_name=" ")) == [
        (("client_name",), "missing")
    ]
    assert errors_of(CaseConsent, example(CaseConsent, 1, nickname="小王")) == [
        (("nickname",), "extra_forbidden")
    ]


# --- group_plan ------------------------------------------------------------------------------


def sessions(**changes_by_index) -> list[dict]:
    """The example's sessions, copied, with row i changed by changes_by_index[f"s{i}"]."""
    rows = [dict(s) for s in GroupPlan.examples[0]["sessions"]]
    for key, changes in changes_by_index.items():
        rows[int(key[1:])].update(changes)
    return rows


def budget(**changes_by_index) -> list[dict]:
    rows = [dict(line) for line in GroupPlan.examples[0]["budget"]]
    for key, changes in changes_by_index.items():
        rows[int(key[1:])].update(changes)
    return rows


def test_group_plan_example_totals():
    plan = validate(GroupPlan, example(GroupPlan))
    assert plan.budget_total == Decimal("220.00")
    assert [s.number for s in plan.sessions] == [1, 2, 3, 4]
    assert plan.budget[2].amount == Decimal("10.00")  # 0.5 × 20


def test_budget_total_must_equal_the_sum_of_lines():
    details = error_details(GroupPlan, example(GroupPlan, budget_total="230"))
    assert [(tuple(e["loc"]), e["type"]) for e in details] == [(("budget_total",), "lvye.sum")]
    assert details[0]["ctx"] == {"expected": "220.00", "actual": "230.00"}


def test_budget_line_amount_must_be_price_times_quantity():
    data = example(GroupPlan, budget=budget(s1={"amount": "151"}))
    details = error_details(GroupPlan, data)
    assert [(tuple(e["loc"]), e["type"]) for e in details] == [
        (("budget", 1, "amount"), "lvye.sum")
    ]
    assert details[0]["ctx"] == {"expected": "150.00", "actual": "151.00"}


def test_budget_line_and_total_changed_together_validate():
    data = example(
        GroupPlan, budget=budget(s1={"quantity": "12", "amount": "180"}), budget_total="250"
    )
    assert validate(GroupPlan, data).budget_total == Decimal("250.00")


def test_session_count_must_match_the_sessions():
    details = error_details(GroupPlan, example(GroupPlan, session_count="5"))
    assert [(tuple(e["loc"]), e["type"]) for e in details] == [(("session_count",), "lvye.invalid")]
    assert "4" in details[0]["msg"]


@pytest.mark.parametrize(
    "numbers", [["2", "3", "4", "5"], ["1", "2", "2", "4"], ["1", "3", "2", "4"]]
)
def test_session_numbers_must_run_from_one(numbers):
    rows = sessions(**{f"s{i}": {"number": n} for i, n in enumerate(numbers)})
    assert errors_of(GroupPlan, example(GroupPlan, sessions=rows)) == [
        (("sessions",), "lvye.invalid")
    ]


@pytest.mark.parametrize(("index", "day"), [(3, "2024-05-30"), (0, "2024-04-05")])
def test_session_outside_the_group_dates(index, day):
    rows = sessions(**{f"s{index}": {"date": day}})
    details = error_details(GroupPlan, example(GroupPlan, sessions=rows))
    assert (("sessions",), "lvye.invalid") in [(tuple(e["loc"]), e["type"]) for e in details]
    assert f"第 {index + 1} 节" in next(e["msg"] for e in details if e["loc"] == ("sessions",))


def test_plan_date_after_the_first_session():
    assert errors_of(GroupPlan, example(GroupPlan, plan_date="2024-04-07")) == [
        (("plan_date",), "lvye.invalid")
    ]
    # On the day of the first session is still "before".
    assert validate(GroupPlan, example(GroupPlan, plan_date="2024-04-06")).plan_date == dt.date(
        2024, 4, 6
    )


def test_end_date_before_start_date():
    found = errors_of(GroupPlan, example(GroupPlan, end_date="2024-04-01"))
    assert (("end_date",), "lvye.date_order") in found


def test_a_plan_needs_sessions():
    assert errors_of(GroupPlan, example(GroupPlan, sessions=[])) == [
        (("sessions",), "lvye.too_few")
    ]
    assert errors_of(GroupPlan, without(example(GroupPlan), "sessions")) == [
        (("sessions",), "missing")
    ]


def test_a_plan_needs_budget_lines():
    assert errors_of(GroupPlan, example(GroupPlan, budget=[], budget_total="0")) == [
        (("budget",), "lvye.too_few")
    ]


def test_bad_cell_inside_a_session_row_is_located():
    rows = sessions(s2={"date": "2024-02-30"})
    assert errors_of(GroupPlan, example(GroupPlan, sessions=rows)) == [
        (("sessions", 2, "date"), "lvye.date")
    ]


# --- activity_report -------------------------------------------------------------------------


@pytest.mark.parametrize("count", ["12", "1"])
def test_volunteers_need_hours(count):
    assert errors_of(
        ActivityReport, example(ActivityReport, volunteer_count=count, volunteer_hours="")
    ) == [(("volunteer_hours",), "lvye.conditional")]


def test_no_volunteers_no_hours():
    no_volunteers = example(ActivityReport, volunteer_count="0", volunteer_hours="")
    assert validate(ActivityReport, no_volunteers).volunteer_hours is None


def test_overspend_needs_a_finance_note():
    data = example(ActivityReport, actual_expense="1600", finance_note="")
    details = error_details(ActivityReport, data)
    assert [(tuple(e["loc"]), e["type"]) for e in details] == [
        (("finance_note",), "lvye.conditional")
    ]
    assert "1600.00" in details[0]["msg"] and "1500.00" in details[0]["msg"]
    # Exactly on budget, or overspent with a note, is fine.
    assert (
        validate(
            ActivityReport, example(ActivityReport, actual_expense="1500", finance_note="")
        ).finance_note
        is None
    )
    assert (
        validate(ActivityReport, example(ActivityReport, actual_expense="1600")).difference()
        == "超支 100.00 元"
    )


def test_report_not_before_the_activity():
    assert errors_of(ActivityReport, example(ActivityReport, report_date="2024-10-10")) == [
        (("report_date",), "lvye.date_order")
    ]


def test_activity_not_in_the_future():
    data = example(ActivityReport, activity_date="2026-12-01", report_date="2026-12-02")
    assert sorted(errors_of(ActivityReport, data)) == [
        (("activity_date",), "lvye.date_future"),
        (("report_date",), "lvye.date_future"),
    ]


def test_attachments_are_parsed_from_one_cell():
    record = validate(ActivityReport, example(ActivityReport, attachments="签到表、活动照片"))
    assert [a.value for a in record.attachments] == ["签到表", "活动照片"]
    record = validate(
        ActivityReport, example(ActivityReport, attachments="签到表，活动照片; 宣传品")
    )
    assert [a.value for a in record.attachments] == ["签到表", "活动照片", "宣传品"]
    assert (
        validate(ActivityReport, without(example(ActivityReport), "attachments")).attachments == []
    )


def test_unknown_attachment_is_rejected():
    assert errors_of(ActivityReport, example(ActivityReport, attachments="签到表、录像")) == [
        (("attachments", 1), "enum")
    ]


def test_report_needs_an_objective():
    assert errors_of(ActivityReport, example(ActivityReport, objectives=[])) == [
        (("objectives",), "lvye.too_few")
    ]


# --- eldercare_approval ----------------------------------------------------------------------


def test_town_opinion_without_village_approval():
    """000 第三章 五(一)4: 初审通过的，由居家养老服务中心提交至镇（街）社会事务办核准."""
    data = example(
        EldercareApproval,
        1,
        village_decision="",
        village_opinion="",
        village_date="",
        town_decision="同意",
        town_opinion="同意。",
        town_date="2024-06-20",
    )
    assert errors_of(EldercareApproval, data) == [(("town_decision",), "lvye.conditional")]


def test_city_opinion_without_town_approval():
    data = example(EldercareApproval, 0, town_decision="", town_opinion="", town_date="")
    assert errors_of(EldercareApproval, data) == [(("city_decision",), "lvye.conditional")]


def test_a_refusal_ends_the_chain():
    """An approval is a decision: after 不同意 the next level does not sign."""
    data = example(EldercareApproval, 0, town_decision="不同意", town_opinion="不符合条件。")
    assert errors_of(EldercareApproval, data) == [(("city_decision",), "lvye.conditional")]
    refused = example(EldercareApproval, 0, town_decision="不同意", city_decision="",
                      city_opinion="", city_date="")
    assert validate(EldercareApproval, refused).town_decision.value == "不同意"


def test_date_without_decision():
    assert errors_of(EldercareApproval, example(EldercareApproval, 1, village_decision="")) == [
        (("village_decision",), "lvye.conditional")
    ]
    data = example(EldercareApproval, 1, town_date="2024-06-20")
    assert errors_of(EldercareApproval, data) == [(("town_decision",), "lvye.conditional")]


def test_decision_without_date():
    assert errors_of(EldercareApproval, example(EldercareApproval, 1, village_date="")) == [
        (("village_date",), "lvye.conditional")
    ]


def test_town_date_before_village_date():
    data = example(EldercareApproval, 1, town_decision="同意", town_date="2024-06-13")
    assert errors_of(EldercareApproval, data) == [(("town_date",), "lvye.date_order")]
    same_day = example(EldercareApproval, 1, town_decision="同意", town_date="2024-06-14")
    assert validate(EldercareApproval, same_day).town_date == dt.date(2024, 6, 14)


def test_village_date_before_application():
    data = example(EldercareApproval, 1, village_date="2024-06-11")
    assert errors_of(EldercareApproval, data) == [(("village_date",), "lvye.date_order")]


def test_other_entitlement_needs_a_certificate_name():
    data = example(EldercareApproval, 0, entitlement="其他（须注明证明名称）")
    assert errors_of(EldercareApproval, data) == [(("certificate_name",), "lvye.conditional")]
    data["certificate_name"] = "特困人员救助供养证"
    assert validate(EldercareApproval, data).certificate_name == "特困人员救助供养证"


def test_eldercare_id_must_match_birth_date_and_sex():
    assert errors_of(EldercareApproval, example(EldercareApproval, 0, birth_date="1952-03-14")) == [
        (("birth_date",), "lvye.id_mismatch")
    ]
    assert errors_of(EldercareApproval, example(EldercareApproval, 0, sex="男")) == [
        (("sex",), "lvye.id_mismatch")
    ]


def test_eldercare_id_number_is_required():
    assert errors_of(EldercareApproval, example(EldercareApproval, 0, id_number="")) == [
        (("id_number",), "missing")
    ]
    assert errors_of(EldercareApproval, without(example(EldercareApproval, 0), "id_number")) == [
        (("id_number",), "missing")
    ]


def test_eldercare_id_stored_as_a_number():
    data = example(EldercareApproval, 0, id_number=4.41900195203150e17)
    assert errors_of(EldercareApproval, data) == [(("id_number",), "lvye.id_as_number")]


# --- the other catalog forms: one broken rule each --------------------------------------------


@pytest.mark.parametrize("model", all_forms(), ids=lambda m: m.form_id)
def test_multi_choice_labels_do_not_contain_the_separator(model):
    form = spec(model.form_id)
    for column in [*form.columns, *(f for p in form.parts for f in p.fields)]:
        if column.kind == "choices":
            for label in column.choices:
                assert not set(label) & set("、,，;；/\n"), f"{column.label}: {label}"


def test_rehab_admission_rules_give_reasons():
    rehab = get_form("rehab_trainee_assessment")
    found = errors_of(rehab, example(rehab, 1, decision="录取", refusal_reason=""))
    assert (("decision",), "lvye.conditional") in found
    for changes in (
        {"adl_score": "40"},
        {"infectious_disease": "是"},
        {"mental_state_stable": "否"},
    ):
        assert errors_of(rehab, example(rehab, 0, **changes)) == [
            (("decision",), "lvye.conditional")
        ]
    assert errors_of(rehab, example(rehab, 1, refusal_reason="")) == [
        (("refusal_reason",), "lvye.conditional")
    ]
    message = error_details(rehab, example(rehab, 0, adl_score="40", infectious_disease="是"))[0][
        "msg"
    ]
    assert "ADL评分 40 分，低于 45 分" in message and "传染病" in message
    assert validate(rehab, example(rehab, 1)).unmet_conditions() == [
        "年龄 63 岁，不在 16–55 岁之间"
    ]


# (form, example, changes, location that must be fixed, code); loc None: the change stays valid.
RULES = [
    ("intake_inquiry", 0, {"decision": "不符合服务资格"}, ("decision_reason",), "lvye.conditional"),
    ("intake_inquiry", 0, {"case_id": ""}, ("case_id",), "lvye.conditional"),
    ("case_intake", 0, {"assessment_date": "2024-02-20"}, ("assessment_date",), "lvye.date_order"),
    (
        "case_plan",
        0,
        {"client_signed_date": "2024-03-11"},
        ("client_signed_date",),
        "lvye.date_order",
    ),
    ("case_plan", 0, {"stages": []}, ("stages",), "lvye.too_few"),
    ("case_note_process", 0, {"next_date": "2024-03-21"}, ("next_date",), "lvye.date_order"),
    ("case_stage_review", 0, {"period_end": "2023-05-01"}, ("period_end",), "lvye.date_order"),
    (
        "problem_scale",
        0,
        {"ratings": [{"problem": "x", "baseline": "6", "current": "2"}]},
        ("ratings", 0, "baseline"),
        "lvye.invalid",
    ),
    ("case_referral", 0, {"client_consent": "否"}, ("client_consent",), "lvye.conditional"),
    ("exit_application", 0, {"lacks_capacity": "是"}, ("guardian_name",), "lvye.conditional"),
    (
        "termination_notice",
        0,
        {"termination_date": "2024-08-01"},
        ("termination_date",),
        "lvye.conditional",
    ),
    ("termination_notice", 0, {"reason": "行为构成危险"}, ("conference_held",), "lvye.conditional"),
    ("case_conference", 0, {"deadline": "2024-05-01"}, ("deadline",), "lvye.date_order"),
    (
        "case_closing",
        0,
        {"closing_reason": "3 专业关系不和谐"},
        ("referral_to",),
        "lvye.conditional",
    ),
    (
        "case_closing",
        0,
        {"closing_reason": "5 不可预测的因素"},
        ("referral_date",),
        "lvye.conditional",
    ),
    ("group_registration", 0, {"guardian_name": ""}, ("guardian_name",), "lvye.conditional"),
    (
        "group_attendance",
        0,
        {"members": [{"name": "甲", "attended": "1、5"}]},
        ("members", 0, "attended"),
        "lvye.conditional",
    ),
    (
        "group_attendance",
        0,
        {"members": [{"name": "甲", "attended": "第一节"}]},
        ("members", 0, "attended"),
        "lvye.number",
    ),
    ("group_session_record", 0, {"present": "11"}, ("present",), "lvye.invalid"),
    ("group_report", 0, {"held_sessions": "5"}, ("held_sessions",), "lvye.invalid"),
    ("group_finance", 0, {"actual_total": "216"}, ("actual_total",), "lvye.sum"),
    (
        "group_finance",
        0,
        {"explanation": "", "actual_total": "216.50", "budget_total": "220"},
        None,
        None,
    ),
    ("volunteer_signin", 0, {"volunteers": []}, ("volunteers",), "lvye.too_few"),
    ("activity_plan", 0, {"plan_date": "2024-10-12"}, ("activity_date",), "lvye.date_order"),
    ("activity_plan", 0, {"budget_total": "1400"}, ("budget_total",), "lvye.sum"),
    ("activity_finance", 0, {"budget_total": "1499"}, ("budget_total",), "lvye.sum"),
    (
        "eldercare_needs",
        0,
        {"assessment_date": "2024-05-01"},
        ("assessment_date",),
        "lvye.date_order",
    ),
    ("eldercare_agreement", 0, {"signed_date": "2024-06-01"}, ("signed_date",), "lvye.date_order"),
    (
        "eldercare_agreement",
        0,
        {"caregiver_id_number": "441900197508084116"},
        ("caregiver_id_number",),
        "lvye.id_checksum",
    ),
    ("caregiver_log", 0, {"month": "2024-07"}, ("visits", 0, "date"), "lvye.conditional"),
    ("caregiver_log", 0, {"approved_date": "2024-06-13"}, ("approved_date",), "lvye.date_order"),
    ("eldercare_exit", 0, {"confirmed_date": "2024-09-01"}, ("confirmed_date",), "lvye.date_order"),
    (
        "volunteer_service_record",
        0,
        {"month": "2024-05"},
        ("services", 0, "date"),
        "lvye.conditional",
    ),
    ("cash_journal", 0, {"closing_balance": "2119"}, ("closing_balance",), "lvye.sum"),
    ("annual_summary", 0, {"balance": "7549"}, ("balance",), "lvye.sum"),
    ("project_plan", 0, {"review_date": "2024-02-01"}, ("review_date",), "lvye.date_order"),
    ("gz_case_intake", 0, {"decision": "轉介"}, ("decision_note",), "lvye.conditional"),
    ("gz_case_agreement", 0, {"end_date": "2024-03-01"}, ("end_date",), "lvye.date_order"),
    ("gz_case_closing", 0, {"referral_needed": "是"}, ("referral",), "lvye.conditional"),
    ("gz_group_plan", 0, {"end_date": "2024-04-01"}, ("end_date",), "lvye.date_order"),
    ("gz_group_process", 0, {"present": "10"}, ("present",), "lvye.invalid"),
]


@pytest.mark.parametrize(
    ("form_id", "n", "changes", "loc", "code"),
    RULES,
    ids=[f"{r[0]}-{i}" for i, r in enumerate(RULES)],
)
def test_each_catalog_rule(form_id, n, changes, loc, code):
    model = get_form(form_id)
    data = example(model, n, **changes)
    if loc is None:
        validate(model, data)
    else:
        assert (loc, code) in errors_of(model, data)
