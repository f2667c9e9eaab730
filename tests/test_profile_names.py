"""Profile mistakes are errors at load time: every form and field an expression names exists."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import pytest

from lvye_forms import api
from lvye_forms.archive import ArchiveDocument
from lvye_forms.check import names
from lvye_forms.check.engine import DocView, months_between, years_between
from lvye_forms.check.profile import ProfileError, load_profile, parse_profile, shipped_profiles

from .test_check import put, status_of

LINE = 9  # the line of the requirement under test in `profile_text`


def profile_text(subject: str, form: str, closed_when: str | None = None, **keys: str) -> str:
    """A profile whose second requirement (at line 9) is `form` with these expressions."""
    closed = f"    closed_when: {json.dumps(closed_when)}\n" if closed_when else ""
    head = f"name: mine\nsubjects:\n  {subject}:\n{closed}    steps:\n      - id: a\n        requires:\n"
    if not closed:
        head += "          # the requirement under test is the second one\n"
    first = {"case": "case_consent", "group": "group_plan", "service_point": "annual_summary"}[subject]
    lines = [f"          - form: {first}", f"          - form: {form}"]
    lines += [f"            {key}: {json.dumps(value)}" for key, value in keys.items()]
    return head + "\n".join(lines) + "\n"


def load_error(text: str) -> str:
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, "mine.yaml")
    return str(caught.value)


SESSIONS = "fact('group_plan', 'sessions') or []"

# (subject, form, keys, the bad name, a name the message suggests or None)
MISTAKES = {
    "field in when": (
        "case", "case_referral", {"when": "has('case_closing') and first('case_closing').clossing_date"},
        "clossing_date", "closing_date",
    ),
    "field in valid": (
        "case", "termination_notice", {"valid": "doc.termination_dat >= doc.notice_date + days(7)"},
        "termination_dat", "termination_date",
    ),
    "field in due": (
        "case", "case_plan", {"due": "first('case_consent').intake_dat + days(30)"},
        "intake_dat", "intake_date",
    ),
    "field in match": (
        "group", "group_session_record",
        {"for_each": SESSIONS, "match": "doc.sesion_number == item.number"},
        "sesion_number", "session_number",
    ),
    "field in for_each": (
        "group", "group_session_record",
        {"for_each": "docs('group_session_record')|map(attribute='session_numbr')|list"},
        "session_numbr", "session_number",
    ),
    "row field in item_label": (
        "group", "group_session_record",
        {"for_each": SESSIONS, "item_label": "'第%d节' % item.sesion_no"},
        "sesion_no", None,
    ),
    "row field in when": (
        "group", "group_session_record", {"for_each": SESSIONS, "when": "item.dat <= as_of"},
        "dat", "date",
    ),
    "row field through a filter": (
        "group", "group_attendance", {"match": "3 in (doc.sessions|map(attribute='numbr')|list)"},
        "numbr", "number",
    ),
    "row field after |first": (
        "case", "case_plan", {"when": "(fact('case_plan', 'stages')|first).golas"},
        "golas", "goal",
    ),
    "row field with selectattr": (
        "case", "case_plan", {"when": "fact('case_plan', 'stages')|selectattr('end_dat')|list"},
        "end_dat", "end_date",
    ),
    "unknown form in first": ("case", "case_plan", {"when": "first('nope')"}, "nope", None),
    "unknown form in has": ("case", "case_plan", {"when": "has('case_consent', 'case_clsoing')"}, "case_clsoing", "case_closing"),
    "title instead of form id": (
        "case", "case_plan", {"due": "first_date('接受个案服务同意书')"}, "接受个案服务同意书", "case_consent",
    ),
    "unknown field in fact": (
        "case", "case_referral", {"when": "fact('case_closing', 'closing_resaon').needs_referral"},
        "closing_resaon", "closing_reason",
    ),
    "fact without a field": ("case", "case_referral", {"when": "fact('case_closing')"}, "fact('case_closing')", "两个参数"),
    "unknown form in fact": ("case", "case_referral", {"when": "fact('case_closng', 'closing_reason')"}, "case_closng", "case_closing"),
    "attribute of a choice": (
        "case", "case_referral", {"when": "fact('case_closing', 'closing_reason').needs_refferal"},
        "needs_refferal", "needs_referral",
    ),
    "choice value": (
        "case", "termination_notice", {"when": "fact('termination_notice', 'reason').value == '不再符合资格'"},
        "不再符合资格", "不再符合接受服务资格",
    ),
    "attribute of a date": (
        "case", "case_plan", {"when": "fact('case_consent', 'client_signed_date').yaer > 2020"},
        "yaer", "year",
    ),
    "key of months_between": (
        "service_point", "monthly_plan_summary",
        {"for_each": "months_between(start, as_of)", "match": "doc.month == item.mnth"},
        "mnth", None,
    ),
    "field on a list of documents": (
        "case", "case_plan", {"when": "docs('case_consent').client_name"}, "client_name", "map(attribute=",
    ),
    "doc where there is no document": ("case", "case_plan", {"when": "doc.plan_date"}, "doc", None),
    "item without for_each": ("case", "case_plan", {"when": "item.date"}, "item", None),
    "another subject's form in a helper": ("case", "case_plan", {"when": "has('group_plan')"}, "小组计划书", None),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_wrong_name_is_a_located_error(mistake):
    subject, form, keys, bad, suggested = MISTAKES[mistake]
    message = load_error(profile_text(subject, form, **keys))
    assert f"mine.yaml 第 {LINE} 行" in message
    assert bad in message
    assert list(keys)[-1] in message or "for_each" in message  # the key it is under
    if suggested:
        assert suggested in message


def test_the_message_names_the_key_the_expression_and_the_closest_fields():
    message = load_error(profile_text("case", "case_referral", when="fact('case_closing', 'closing_resaon')"))
    assert message.startswith("mine.yaml 第 9 行：when 表达式有误")
    assert "《个案结束评估表》没有字段“closing_resaon”" in message
    assert "closing_reason（结案原因）" in message
    assert message.endswith("：fact('case_closing', 'closing_resaon')")


def test_a_profile_file_with_a_wrong_field_names_the_file(tmp_path):
    path = tmp_path / "agency.yaml"
    path.write_text(
        profile_text("case", "termination_notice", valid="doc.termination_dat >= doc.notice_date"),
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"agency\.yaml 第 9 行.*termination_dat"):
        load_profile(str(path))
    with pytest.raises(ProfileError, match=r"agency\.yaml 第 9 行"):
        api.check_archive(tmp_path, profile=str(path), as_of=dt.date(2024, 7, 15))


def test_closed_when_is_checked_at_the_subject_line():
    text = profile_text("case", "case_plan", closed_when="has('case_closing') and first('case_closing').closing_dat")
    message = load_error(text)
    assert "mine.yaml 第 4 行" in message and "closing_dat" in message and "closing_date" in message
    message = load_error(profile_text("case", "case_plan", closed_when="closed"))
    assert "mine.yaml 第 4 行" in message and "closed_when" in message


def test_a_requirement_for_another_subjects_form():
    message = load_error(profile_text("case", "group_plan"))
    assert "mine.yaml 第 9 行" in message and "小组计划书" in message and "scope: all" in message
    # In the whole archive it can be found (the elder's caregiver logs, the group's sign-in sheets).
    parse_profile(
        profile_text("group", "volunteer_signin", scope="all", match="doc.service_id == subject"),
        "mine.yaml",
    )


LEGAL = [
    ("case", "case_plan", {"when": "docs('case_consent')|map(attribute='date')|select|list|length == 1"}),
    ("case", "case_plan", {"when": "docs('case_consent', 'case_intake')|sort(attribute='date,case_id')|list"}),
    ("case", "case_plan", {"when": "(docs('case_consent')|first).service_point or docs('case_consent')[0].path"}),
    ("case", "case_plan", {"when": "(first('case_consent') or first('case_intake')).assessment_date"}),
    ("case", "case_plan", {"when": "fact('case_plan', 'stages')|map(attribute='goal')|list"}),
    ("case", "case_plan", {"when": "(fact('case_plan', 'stages') or [])|selectattr('end_date')|list"}),
    ("case", "case_plan", {"when": "(fact('case_plan', 'stages')|max(attribute='end_date')).stage"}),
    ("case", "case_plan", {"when": "fact('case_plan', 'stages')|join(', ', attribute='goal')"}),
    ("case", "case_plan", {"when": "fact('case_consent', 'date') and fact('case_consent', 'path')"}),
    ("case", "case_plan", {"when": "fact('case_consent', 'service_point').startswith('东城')"}),
    ("case", "case_plan", {"when": "fact('case_consent', 'client_signed_date').year >= 2024"}),
    ("case", "case_referral", {"when": "fact('case_closing', 'closing_reason').needs_referral"}),
    ("case", "termination_notice", {"when": "fact('termination_notice', 'reason') == '行为构成危险'"}),
    ("case", "termination_notice", {"when": "fact('termination_notice', 'reason').value in ['行为构成危险', '服务不再符合需要']"}),
    ("case", "termination_notice", {"valid": "doc['termination_date'] > doc|attr('notice_date')"}),
    ("case", "termination_notice", {"valid": "doc.path.endswith('.docx') and doc.form == 'termination_notice' and doc.subject"}),
    ("case", "case_plan", {"when": "first(*['case_consent']).anything_at_all"}),  # cannot be told: accepted
    ("case", "case_plan", {"when": "fact('case_consent', 'client_signed_date' if true else 'x') is none"}),
    ("case", "case_plan", {"when": "((first_date('case_consent') - as_of).days) < 0"}),
    ("group", "group_attendance", {"for_each": SESSIONS, "match": "item.number in (doc.sessions|map(attribute='number')|list)"}),
    ("group", "group_plan", {"when": "docs('group_plan')|map(attribute='sessions.0.number')|list"}),
    ("group", "group_plan", {"when": "(docs('group_plan')|map(attribute='sessions')|first|first).place"}),
    ("group", "group_plan", {"when": "fact('group_plan', 'sessions')|sum(attribute='number') > 3"}),
    ("service_point", "monthly_plan_summary", {
        "for_each": "months_between(start, as_of)", "item_label": "item.label ~ item['month']",
        "match": "doc.month == item.month and item.start <= doc.submitted_date", "due": "item.due",
    }),
    ("service_point", "annual_summary", {
        "for_each": "years_between(start, as_of) if true else []", "match": "doc.year == item.year",
        "due": "item.due", "item_label": "item.items()|list|length",
    }),
    ("group", "gz_group_session_plan", {
        "for_each": "range(1, (fact('gz_group_plan', 'sessions') or 0) + 1) | list",
        "match": "doc.session_number == item", "item_label": "item.anything",  # a number: not told
    }),
]


@pytest.mark.parametrize("subject, form, keys", LEGAL)
def test_uncommon_but_legal_expressions_load(subject, form, keys):
    parse_profile(profile_text(subject, form, **keys), "mine.yaml")


# --- the shipped profiles ------------------------------------------------------------------


@pytest.mark.parametrize("name", shipped_profiles())
def test_every_shipped_profile_loads_under_the_check(name):
    assert load_profile(name).subjects


def test_the_shipped_profiles_are_checked(monkeypatch):
    """The check runs on the shipped profiles: a typo in lvye's own text is refused, located."""
    text = (resources.files("lvye_forms") / "profiles" / "lvye.yaml").read_text(encoding="utf-8")
    assert "doc.termination_date >=" in text
    with pytest.raises(ProfileError, match=r"lvye\.yaml 第 \d+ 行：valid.*termination_dat”"):
        parse_profile(text.replace("doc.termination_date >=", "doc.termination_dat >="), "lvye.yaml")
    seen: list[str] = []
    check = names.check_requirement
    monkeypatch.setattr(names, "check_requirement", lambda t, r: (seen.append(r.id), check(t, r)))
    load_profile("lvye")
    assert "notice_period" in seen and "caregiver_log" in seen


def test_what_the_check_knows_matches_the_engine():
    """DOC_ATTRIBUTES are a document view's own attributes; the helper keys are the engine's."""
    document = ArchiveDocument(Path("x.pdf"), "case_consent", "case", "GA-1", dt.date(2024, 1, 1), "filename")
    view = DocView(document)
    assert {n for n in dir(view) if not n.startswith("_")} == set(names.DOC_ATTRIBUTES)
    start, end = dt.date(2024, 1, 1), dt.date(2025, 3, 1)
    assert tuple(months_between(start, end)[0]) == names._helper_keys()["months_between"]
    assert tuple(years_between(start, end)[0]) == names._helper_keys()["years_between"]


# --- the lvye ineligibility notice ---------------------------------------------------------


@pytest.mark.parametrize(
    "service_point, termination_date, status",
    [
        ("主山社区综合服务中心", "2024-08-09", "invalid"),  # eight days; a community centre needs 3 months
        ("主山社区综合服务中心", "2024-11-01", "complete"),
        ("玉兰家园项目", "2024-08-09", "invalid"),  # a project: three months too
        ("东城街道主山社区社工站", "2024-08-09", "complete"),  # a post: one week
    ],
)
def test_lvye_notice_period_follows_the_cases_service_point(tmp_path, service_point, termination_date, status):
    case = tmp_path / "个案"
    put(case, "case_consent", case_id="GA-2024-009", service_point=service_point)
    put(case, "termination_notice", termination_date=termination_date)  # notice 2024-08-01, ineligible
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 12, 1))
    notice = status_of(report, "GA-2024-009", "《终止服务通知》")
    assert notice["status"] == status
    if status == "invalid":
        assert "三个月" in notice["message"]
