"""Cross-field rules of the forms: each broken once, with the column staff must fix."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from lvye_forms.registry import all_forms, get_form

from .conftest import TODAY


def validate(form_id: str, n: int = 0, **changes):
    model = get_form(form_id)
    data = {**model.examples[n], **changes}
    return model.model_validate(data, context={"today": TODAY})


def errors_of(form_id: str, n: int = 0, **changes) -> set[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as caught:
        validate(form_id, n, **changes)
    return {(tuple(e["loc"]), e["type"]) for e in caught.value.errors()}


@pytest.mark.parametrize("model", all_forms(), ids=lambda m: m.form_id)
def test_examples_validate(model):
    for n in range(len(model.examples)):
        assert validate(model.form_id, n).key() == model.examples[n][model.key_field]


# --- case_consent -------------------------------------------------------------------------


def test_minor_client_needs_a_guardian():
    found = errors_of("case_consent", 0, guardian_name="", guardian_relation="", guardian_signed_date="")
    assert {loc for loc, _ in found} == {("guardian_name",), ("guardian_relation",), ("guardian_signed_date",)}
    assert {kind for _, kind in found} == {"lvye.conditional"}


def test_adult_without_capacity_needs_a_guardian_and_capable_adult_does_not():
    assert (("guardian_name",), "lvye.conditional") in errors_of("case_consent", 1, lacks_capacity="是")
    assert validate("case_consent", 1).guardian_name is None


def test_referral_needs_a_referrer():
    assert errors_of("case_consent", 1, referrer="") == {(("referrer",), "lvye.conditional")}


def test_id_must_match_birth_date_and_sex():
    assert errors_of("case_consent", 1, client_birth_date="1952-03-16") == {
        (("client_birth_date",), "lvye.id_mismatch")
    }
    assert errors_of("case_consent", 1, client_sex="男") == {(("client_sex",), "lvye.id_mismatch")}


def test_signatures_not_before_intake_nor_in_the_future():
    assert errors_of("case_consent", 1, worker_signed_date="2024-04-09") == {
        (("worker_signed_date",), "lvye.date_order")
    }
    assert errors_of("case_consent", 1, worker_signed_date="2026-11-23") == {
        (("worker_signed_date",), "lvye.date_future")
    }


def test_several_problems_are_reported_together():
    found = errors_of("case_consent", 0, guardian_name="", application_route="公众人士或机构转介")
    assert (("guardian_name",), "lvye.conditional") in found
    assert (("referrer",), "lvye.conditional") in found


# --- group_plan ---------------------------------------------------------------------------


def test_budget_total_must_add_up():
    assert errors_of("group_plan", budget_total="230") == {(("budget_total",), "lvye.sum")}


def test_budget_line_amount_is_price_times_quantity():
    budget = [dict(line) for line in get_form("group_plan").examples[0]["budget"]]
    budget[1]["amount"] = "151"
    found = errors_of("group_plan", budget=budget)
    assert (("budget", 1, "amount"), "lvye.sum") in found


def test_sessions_must_match_count_numbering_and_dates():
    sessions = [dict(s) for s in get_form("group_plan").examples[0]["sessions"]]
    assert errors_of("group_plan", session_count="5") == {(("session_count",), "lvye.invalid")}
    renumbered = [dict(s, number=str(i + 2)) for i, s in enumerate(sessions)]
    assert (("sessions",), "lvye.invalid") in errors_of("group_plan", sessions=renumbered)
    late = [*sessions[:3], dict(sessions[3], date="2024-05-30")]
    assert (("sessions",), "lvye.invalid") in errors_of("group_plan", sessions=late)
    assert (("sessions",), "lvye.too_few") in errors_of("group_plan", sessions=[], session_count="0")


def test_plan_comes_before_the_first_session_and_end_after_start():
    assert errors_of("group_plan", plan_date="2024-04-07") == {(("plan_date",), "lvye.invalid")}
    assert (("end_date",), "lvye.date_order") in errors_of("group_plan", end_date="2024-04-01")


# --- activity_report ----------------------------------------------------------------------


def test_volunteers_need_hours_and_overspend_needs_a_note():
    assert errors_of("activity_report", volunteer_hours="") == {(("volunteer_hours",), "lvye.conditional")}
    assert validate("activity_report", volunteer_count="0", volunteer_hours="").volunteer_hours is None
    assert errors_of("activity_report", actual_expense="1600", finance_note="") == {
        (("finance_note",), "lvye.conditional")
    }


def test_report_not_before_the_activity():
    assert errors_of("activity_report", report_date="2024-10-10") == {(("report_date",), "lvye.date_order")}


def test_attachments_are_several_choices():
    record = validate("activity_report", attachments="签到表、活动照片")
    assert [a.value for a in record.attachments] == ["签到表", "活动照片"]
    assert (("attachments", 1), "enum") in errors_of("activity_report", attachments="签到表、录像")


# --- eldercare_approval -------------------------------------------------------------------


def test_approval_chain_goes_in_order():
    found = errors_of("eldercare_approval", 1, town_opinion="同意。", town_date="2024-06-01")
    assert (("town_date",), "lvye.date_order") in found
    skipped = errors_of("eldercare_approval", 1, village_opinion="", village_date="", town_opinion="同意。",
                        town_date="2024-06-20")
    assert (("town_opinion",), "lvye.conditional") in skipped


def test_opinion_and_date_go_together():
    assert errors_of("eldercare_approval", 1, village_date="") == {(("village_date",), "lvye.conditional")}


def test_other_entitlement_needs_a_certificate_name():
    assert errors_of("eldercare_approval", entitlement="其他（须注明证明名称）") == {
        (("certificate_name",), "lvye.conditional")
    }


def test_id_number_is_required_and_checked_against_birth_date():
    assert errors_of("eldercare_approval", id_number="") == {(("id_number",), "missing")}
    assert errors_of("eldercare_approval", birth_date="1952-03-14") == {(("birth_date",), "lvye.id_mismatch")}


@pytest.mark.parametrize("model", all_forms(), ids=lambda m: m.form_id)
def test_multi_choice_labels_do_not_contain_the_separator(model):
    from lvye_forms.registry import spec

    form = spec(model.form_id)
    for column in [*form.columns, *(f for p in form.parts for f in p.fields)]:
        if column.kind == "choices":
            for label in column.choices:
                assert not set(label) & set("、,，;；/\n"), f"{column.label}: {label}"


def test_rehab_admission_rules_give_reasons():
    found = errors_of("rehab_trainee_assessment", 1, decision="录取", refusal_reason="")
    assert (("decision",), "lvye.conditional") in found
    assert errors_of("rehab_trainee_assessment", 0, adl_score="40") == {(("decision",), "lvye.conditional")}
    assert errors_of("rehab_trainee_assessment", 0, infectious_disease="是") == {(("decision",), "lvye.conditional")}
    assert errors_of("rehab_trainee_assessment", 0, mental_state_stable="否") == {(("decision",), "lvye.conditional")}
    assert errors_of("rehab_trainee_assessment", 1, refusal_reason="") == {(("refusal_reason",), "lvye.conditional")}
    with pytest.raises(ValidationError) as caught:
        validate("rehab_trainee_assessment", 0, adl_score="40", infectious_disease="是")
    message = caught.value.errors()[0]["msg"]
    assert "ADL评分 40 分，低于 45 分" in message and "传染病" in message
    refused = validate("rehab_trainee_assessment", 1)
    assert refused.unmet_conditions() == ["年龄 63 岁，不在 16–55 岁之间"]


# One broken rule per catalog form: (form, example, changes, location that must be fixed, code)
RULES = [
    ("intake_inquiry", 0, {"decision": "不符合服务资格"}, ("decision_reason",), "lvye.conditional"),
    ("intake_inquiry", 0, {"case_id": ""}, ("case_id",), "lvye.conditional"),
    ("case_intake", 0, {"assessment_date": "2024-03-01"}, ("assessment_date",), "lvye.date_order"),
    ("case_plan", 0, {"client_signed_date": "2024-03-11"}, ("client_signed_date",), "lvye.date_order"),
    ("case_plan", 0, {"stages": []}, ("stages",), "lvye.too_few"),
    ("case_note_process", 0, {"next_date": "2024-03-21"}, ("next_date",), "lvye.date_order"),
    ("case_stage_review", 0, {"period_end": "2023-05-01"}, ("period_end",), "lvye.date_order"),
    ("problem_scale", 0, {"ratings": [{"problem": "x", "baseline": "6", "current": "2"}]},
     ("ratings", 0, "baseline"), "lvye.invalid"),
    ("case_referral", 0, {"client_consent": "否"}, ("client_consent",), "lvye.conditional"),
    ("exit_application", 0, {"lacks_capacity": "是"}, ("guardian_name",), "lvye.conditional"),
    ("termination_notice", 0, {"termination_date": "2024-08-01"}, ("termination_date",), "lvye.conditional"),
    ("termination_notice", 0, {"reason": "行为构成危险"}, ("conference_held",), "lvye.conditional"),
    ("case_conference", 0, {"deadline": "2024-05-01"}, ("deadline",), "lvye.date_order"),
    ("case_closing", 0, {"closing_reason": "3 专业关系不和谐"}, ("referral_to",), "lvye.conditional"),
    ("case_closing", 0, {"closing_reason": "5 不可预测的因素"}, ("referral_date",), "lvye.conditional"),
    ("group_registration", 0, {"guardian_name": ""}, ("guardian_name",), "lvye.conditional"),
    ("group_attendance", 0, {"members": [{"name": "甲", "attended": "1、5"}]}, ("members", 0, "attended"),
     "lvye.conditional"),
    ("group_attendance", 0, {"members": [{"name": "甲", "attended": "第一节"}]}, ("members", 0, "attended"),
     "lvye.number"),
    ("group_session_record", 0, {"present": "11"}, ("present",), "lvye.invalid"),
    ("group_report", 0, {"held_sessions": "5"}, ("held_sessions",), "lvye.invalid"),
    ("group_finance", 0, {"actual_total": "216"}, ("actual_total",), "lvye.sum"),
    ("group_finance", 0, {"explanation": "", "actual_total": "216.50", "budget_total": "220"}, None, None),
    ("volunteer_signin", 0, {"volunteers": []}, ("volunteers",), "lvye.too_few"),
    ("activity_plan", 0, {"plan_date": "2024-10-12"}, ("activity_date",), "lvye.date_order"),
    ("activity_plan", 0, {"budget_total": "1400"}, ("budget_total",), "lvye.sum"),
    ("activity_finance", 0, {"budget_total": "1499"}, ("budget_total",), "lvye.sum"),
    ("eldercare_needs", 0, {"assessment_date": "2024-05-01"}, ("assessment_date",), "lvye.date_order"),
    ("eldercare_agreement", 0, {"signed_date": "2024-06-01"}, ("signed_date",), "lvye.date_order"),
    ("eldercare_agreement", 0, {"caregiver_id_number": "441900197508084116"}, ("caregiver_id_number",),
     "lvye.id_checksum"),
    ("caregiver_log", 0, {"month": "2024-07"}, ("visits", 0, "date"), "lvye.conditional"),
    ("caregiver_log", 0, {"approved_date": "2024-06-13"}, ("approved_date",), "lvye.date_order"),
    ("eldercare_exit", 0, {"confirmed_date": "2024-09-01"}, ("confirmed_date",), "lvye.date_order"),
    ("volunteer_service_record", 0, {"month": "2024-05"}, ("services", 0, "date"), "lvye.conditional"),
    ("cash_journal", 0, {"closing_balance": "2119"}, ("closing_balance",), "lvye.sum"),
    ("annual_summary", 0, {"balance": "7549"}, ("balance",), "lvye.sum"),
    ("project_plan", 0, {"review_date": "2024-02-01"}, ("review_date",), "lvye.date_order"),
    ("gz_case_intake", 0, {"decision": "轉介"}, ("decision_note",), "lvye.conditional"),
    ("gz_case_agreement", 0, {"end_date": "2024-03-01"}, ("end_date",), "lvye.date_order"),
    ("gz_case_closing", 0, {"referral_needed": "是"}, ("referral",), "lvye.conditional"),
    ("gz_group_plan", 0, {"end_date": "2024-04-01"}, ("end_date",), "lvye.date_order"),
    ("gz_group_process", 0, {"present": "10"}, ("present",), "lvye.invalid"),
]


@pytest.mark.parametrize(("form_id", "n", "changes", "loc", "code"), RULES,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(RULES)])
def test_each_catalog_rule(form_id, n, changes, loc, code):
    if loc is None:  # the change keeps the record valid
        validate(form_id, n, **changes)
        return
    assert (loc, code) in errors_of(form_id, n, **changes)
