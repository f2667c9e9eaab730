"""Problems a tester found in the checker: failing expressions, unknown service points, dateless
scans beside generated documents, upper-case form ids in names, register messages."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest

from lvye_forms import api
from lvye_forms.check.profile import ProfileError

from .test_check import complete_case, put, scan_file, status_of

AS_OF = dt.date(2024, 7, 15)


def lvye_copy(tmp_path, old: str, new: str):
    """lvye.yaml with one expression replaced, and the line it is on."""
    text = resources.files("lvye_forms.profiles").joinpath("lvye.yaml").read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "ours.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, line


def small_profile(tmp_path, key: str, expression: str, form: str = "case_consent"):
    path = tmp_path / "small.yaml"
    path.write_text(
        "name: x\nsubjects:\n  case:\n    closed_when: \"has('case_closing')\"\n    steps:\n"
        "      - id: a\n        requires:\n"
        f"          - form: {form}\n            {key}: {json.dumps(expression)}\n",
        encoding="utf-8",
    )
    return path


# --- 1. expressions that fail while running are the profile's error ------------------------


@pytest.mark.parametrize(
    "expression",
    ["first_date('case_consent') + days(1/0)", "'abc'", "5", "as_of - as_of"],
)
def test_a_due_that_fails_or_is_no_date_is_a_profile_error(tmp_path, expression):
    complete_case(tmp_path / "archive")
    path, line = lvye_copy(
        tmp_path,
        "due: \"first_date('case_consent') + days(30)\"",
        f"due: {json.dumps(expression)}",
    )
    with pytest.raises(ProfileError) as caught:
        api.check_archive(tmp_path / "archive", profile=str(path), as_of=AS_OF)
    message = str(caught.value)
    assert "ours.yaml" in message and f"第 {line - 1} 行" in message  # the requirement's line
    assert expression.replace("'", "") in message.replace("'", "")
    if expression in ("'abc'", "5", "as_of - as_of"):
        assert "期限表达式应得到日期" in message


@pytest.mark.parametrize(
    ("key", "expression"),
    [
        ("when", "closed and (1/0)"),
        ("valid", "1/0 > 0 and doc.client_signed_date"),
        ("valid", "doc.client_signed_date >= 'abc'"),
        ("valid", "add_months('abc', 1)"),
        ("due", "as_of + 'x'"),
    ],
)
def test_failing_conditions_are_profile_errors(tmp_path, key, expression):
    complete_case(tmp_path / "archive")
    path = small_profile(tmp_path, key, expression)
    with pytest.raises(ProfileError, match=r"small\.yaml 第 8 行.*表达式计算出错"):
        api.check_archive(tmp_path / "archive", profile=str(path), as_of=AS_OF)


@pytest.mark.parametrize(
    "expression",
    [
        "fact('case_referral', 'referral_date') + days(7)",
        "add_months(fact('case_referral', 'referral_date'), 2)",
        "first_date('case_referral') + days(1)",
    ],
)
def test_an_empty_fact_still_means_no_deadline(tmp_path, expression):
    complete_case(tmp_path / "archive")
    path = small_profile(tmp_path, "due", expression)
    report = api.check_archive(tmp_path / "archive", profile=str(path), as_of=AS_OF)
    finding = status_of(report, "GA-2024-017", "《接受个案服务同意书》")
    assert finding["status"] == "complete" and finding["due"] is None


def test_an_unknown_fact_is_still_unverified(tmp_path):
    root = tmp_path / "archive"
    scan_file(root, "GA-2024-017_case_consent.pdf")
    path = small_profile(tmp_path, "due", "first_date('case_consent') + days(30)")
    report = api.check_archive(root, profile=str(path), as_of=AS_OF)
    assert status_of(report, "GA-2024-017", "《接受个案服务同意书》")["status"] == "unverified"


# --- 2. an unknown service point is unknown, not "one week" --------------------------------


def notice_finding(report, case_id: str = "GA-2024-009") -> dict:
    found = [
        f
        for f in report.to_dict()["findings"]
        if f["subject_id"] == case_id and f["requirement"] == "《终止服务通知》（通知期）"
    ]
    assert len(found) == 1, found
    return found[0]


def test_notice_period_without_a_service_point_is_unverified(tmp_path):
    put(tmp_path / "个案", "termination_notice")  # 8 days' notice, no consent: no service point
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 9, 1))
    finding = notice_finding(report)
    assert finding["status"] == "unverified", finding
    assert "《接受个案服务同意书》" in finding["message"] and "服务点" in finding["message"]


def test_notice_period_with_a_named_service_point_is_checked(tmp_path):
    put(tmp_path / "个案", "termination_notice")
    put(tmp_path / "个案", "case_consent", case_id="GA-2024-009", client_name="赵伟")
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 9, 1))
    assert notice_finding(report)["status"] == "complete"  # 社工站: a post, one week


def test_a_service_point_itself_is_never_unknown(tmp_path):
    from lvye_forms.archive import scan
    from lvye_forms.check.engine import CheckContext, StaffRegister, group_subjects

    put(tmp_path / "个案", "termination_notice")
    put(tmp_path / "站", "monthly_plan_summary")
    documents, _ = scan(tmp_path)
    subjects = group_subjects(documents)
    for (kind, _), subject in subjects.items():
        variables = CheckContext(subject, documents, AS_OF, StaffRegister()).variables()
        if kind == "service_point":
            assert isinstance(variables["service_type"], str)
        else:
            assert repr(variables["service_type"]).startswith("<unknown case_consent.service_point")


# --- 3. a dateless scan beside the generated document it is the signed copy of -------------


def test_a_dateless_scan_beside_a_dated_consent_does_not_hide_its_date(tmp_path):
    case = complete_case(tmp_path)
    scan_file(case, "GA-2024-017_case_consent.pdf")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    plan = status_of(report, "GA-2024-017", "《个案服务计划书》")
    assert plan["status"] == "complete" and plan["due"] == "2024-04-03", plan


@pytest.mark.parametrize(
    "expression",
    [
        "first_date('case_consent') == last_date('case_consent')",
        "first('case_consent').date == last('case_consent').date",
        "fact('case_consent', 'client_signed_date') == first_date('case_consent')",
        "fact('case_consent', 'date') == first_date('case_consent')",
    ],
)
def test_helpers_use_the_generated_documents_date(tmp_path, expression):
    case = complete_case(tmp_path / "archive")
    scan_file(case, "GA-2024-017_case_consent.pdf")
    path = small_profile(tmp_path, "valid", expression)
    report = api.check_archive(tmp_path / "archive", profile=str(path), as_of=AS_OF)
    assert status_of(report, "GA-2024-017", "《接受个案服务同意书》")["status"] == "complete"


def test_a_dateless_scan_alone_is_still_unknown(tmp_path):
    case = tmp_path / "个案"
    put(case, "case_plan")
    scan_file(case, "GA-2024-017_case_consent.pdf")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    plan = status_of(report, "GA-2024-017", "《个案服务计划书》")
    assert plan["status"] == "unverified" and "GA-2024-017_case_consent.pdf" in plan["message"]


# --- 4. form ids in names in any letter case ------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "GA-2024-017_CASE_CONSENT_20240304.PDF",
        "GA-2024-017_Case_Consent_2024-03-04.pdf",
        "GA-2024-017_case_consent_20240304.pdf",
        "GA-2024-017_接受个案服务同意书_20240304.JPG",
    ],
)
def test_form_ids_in_file_names_are_case_insensitive(tmp_path, name):
    from lvye_forms.archive import ArchiveDocument, identify

    path = scan_file(tmp_path, name)
    found = identify(path)
    assert isinstance(found, ArchiveDocument), found
    assert (found.form_id, found.subject_id, found.date) == (
        "case_consent", "GA-2024-017", dt.date(2024, 3, 4),
    )


def test_a_register_names_forms_in_any_case(tmp_path):
    from openpyxl import Workbook

    scan_file(tmp_path, "signed consent.pdf")
    book = Workbook()
    sheet = book.active
    sheet.title = "文件登记"
    sheet.append(["文件", "对象编号", "表单", "日期"])
    sheet.append(["signed consent.pdf", "GA-2024-017", "Case_Consent", "2024-03-04"])
    book.save(tmp_path / "文件登记.xlsx")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    assert report.to_dict()["unplaced"] == []
    assert status_of(report, "GA-2024-017", "《接受个案服务同意书》")["document"].endswith("signed consent.pdf")


# --- 5. register rows: outside the archive, and which column is wrong -----------------------


def register_rows(folder, *rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "文件登记"
    sheet.append(["文件", "对象编号", "表单", "日期"])
    for row in rows:
        sheet.append(list(row))
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / "文件登记.xlsx")


def test_a_register_row_outside_the_archive_says_so(tmp_path):
    root = tmp_path / "a" / "archive"
    scan_file(root, "x.pdf")
    register_rows(
        root,
        ["../../etc/passwd", "GA-2024-017", "case_consent", "2024-03-04"],
        ["/etc/passwd", "GA-2024-017", "case_consent", "2024-03-04"],
        ["x.pdf", "GA-2024-017", "case_consent", "2024-03-04"],
    )
    report = api.check_archive(root, as_of=AS_OF)
    unplaced = report.to_dict()["unplaced"]
    reasons = [u["reason"] for u in unplaced]
    assert len(reasons) == 2, unplaced
    assert "第 2 行" in reasons[0] and "../../etc/passwd" in reasons[0] and "档案文件夹以外" in reasons[0]
    assert "第 3 行" in reasons[1] and "/etc/passwd" in reasons[1] and "档案文件夹以外" in reasons[1]
    assert all(u["file"].endswith("文件登记.xlsx") for u in unplaced)
    assert not any("不存在" in r for r in reasons)


def test_a_register_row_names_the_column_that_is_wrong(tmp_path):
    scan_file(tmp_path, "x.pdf")
    register_rows(
        tmp_path,
        ["x.pdf", "GA-2024-017", "case_consnet", "2024-03-04"],
        ["x.pdf", "", "case_consent", "2024-03-04"],
        ["", "GA-2024-017", "", "2024-03-04"],
    )
    report = api.check_archive(tmp_path, as_of=AS_OF)
    reasons = sorted(u["reason"] for u in report.to_dict()["unplaced"] if u["reason"].startswith("登记表"))
    assert len(reasons) == 3, reasons
    assert "「表单」列的“case_consnet”不是表单编号或名称" in reasons[0] and "第 2 行" in reasons[0]
    assert "「对象编号」列是空的" in reasons[1] and "第 3 行" in reasons[1]
    assert "「文件」列是空的" in reasons[2] and "「表单」列是空的" in reasons[2]
