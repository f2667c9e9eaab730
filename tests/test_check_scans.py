"""Scans are documents whose facts are partly unknown: never a crash, never a silent pass.

Archives are built with known gaps from generated documents, scans (empty PDFs named by the
convention) and registers; each class of gap is checked under the lvye profile and at least
one other shipped profile.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lvye_forms import api
from lvye_forms.archive import (
    INVALID_DOCUMENT,
    INVALID_ENTRY,
    INVALID_NAME,
    NOT_A_DOCUMENT,
    ArchiveDocument,
    parse_file_name,
    scan_archive,
    session_numbers,
)
from lvye_forms.check.engine import StaffRegister, run_check
from lvye_forms.check.profile import Profile, ProfileError, Requirement, Step, SubjectRules
from lvye_forms.registry import get_form

AS_OF = dt.date(2024, 7, 15)
CASE, GROUP, GZ_GROUP = "GA-2024-017", "XZ-2024-005", "GZX-2024-03"
_RENDERED: dict[tuple, tuple[str, bytes]] = {}


def put(folder: Path, form_id: str, n: int = 0, **changes) -> Path:
    """A generated document (example `n` with `changes`), filed under its own name."""
    key = (form_id, n, tuple(sorted(changes.items())))
    if key not in _RENDERED:
        model = get_form(form_id)
        record = model.model_validate(
            {**model.examples[n], **changes}, context={"today": dt.date.max}
        )
        _RENDERED[key] = (api.document_name(record), api.render_record(record))
    name, data = _RENDERED[key]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def scanned(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"%PDF-1.4 scanned page")
    return path


def register(root: Path, rows: list[list], extra: tuple[str, ...] = ()) -> Path:
    """The register `lvye-forms sheet register` writes, with `extra` fact columns and rows."""
    path = root / "文件登记.xlsx"
    api.write_register_workbook(path, overwrite=True)
    workbook = load_workbook(path)
    sheet = workbook["文件登记"]
    headers = [c.value for c in sheet[1]]
    for offset, header in enumerate(extra, start=len(headers) + 1):
        sheet.cell(row=1, column=offset, value=header)
    for index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=index, column=column, value=value)
    workbook.save(path)
    return path


def check(root: Path, profile: str = "lvye", as_of: dt.date = AS_OF):
    return api.check_archive(root, profile=profile, as_of=as_of)


def found(report, subject: str, prefix: str) -> list[dict]:
    return [
        f
        for f in report.to_dict()["findings"]
        if f["subject_id"] == subject and f["requirement"].startswith(prefix)
    ]


def one(report, subject: str, prefix: str) -> dict:
    matches = found(report, subject, prefix)
    assert len(matches) == 1, (prefix, matches)
    return matches[0]


def statuses(report, subject: str) -> dict[str, str]:
    """The subject's procedure findings (the signed-copy findings are tested on their own)."""
    return {
        f["requirement"]: f["status"]
        for f in report.to_dict()["findings"]
        if f["subject_id"] == subject and f["step"] != "签署件"
    }


def unplaced(report) -> dict[str, tuple[str, str]]:
    return {u["file"]: (u["code"], u["reason"]) for u in report.to_dict()["unplaced"]}


def case_without(root: Path, *left_out: str) -> Path:
    """The lvye example case, every document generated except `left_out`."""
    folder = root / "个案"
    for form_id in ("service_application", "case_consent", "case_intake", "case_plan",
                    "case_note_process", "problem_scale", "case_closing"):
        if form_id not in left_out:
            put(folder, form_id)
    return folder


# --- 1. facts a scan cannot give ---------------------------------------------------------


def test_a_scanned_closing_form_leaves_the_referral_unverified(tmp_path):
    folder = case_without(tmp_path, "case_closing")
    scanned(folder, f"{CASE}_个案结束评估表_20240620.pdf")
    report = check(tmp_path)
    referral = one(report, CASE, "《个案转介表》")
    assert referral["status"] == "unverified"
    assert referral["status_label"] == "无法核实"
    message = referral["message"]
    assert "《个案结束评估表》" in message and "「结案原因」" in message
    assert "登记表" in message and "生成" in message
    # The case's other requirements are still checked.
    assert one(report, CASE, "《个案结束评估表》")["status"] == "complete"
    assert one(report, CASE, "《接受个案服务同意书》")["status"] == "complete"
    assert one(report, CASE, "《个案服务计划书》")["status"] == "complete"


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("4", "missing"), ("4 出现新的要求和问题需其他社工或机构", "missing"), ("1", None),
     ("目标已达到", None)],
)
def test_the_register_gives_the_closing_reason(tmp_path, reason, expected):
    folder = case_without(tmp_path, "case_closing")
    scanned(folder, "结案.pdf")
    register(tmp_path, [["个案/结案.pdf", CASE, "个案结束评估表", "2024-06-20", None, None, reason]],
             extra=("结案原因",))
    report = check(tmp_path)
    assert [f["status"] for f in found(report, CASE, "《个案转介表》")] == (
        [expected] if expected else []
    )
    assert one(report, CASE, "《个案结束评估表》")["document"] == "个案/结案.pdf"
    assert unplaced(report) == {}


def test_a_bad_register_value_is_listed_with_row_and_column(tmp_path):
    folder = case_without(tmp_path, "case_closing")
    scanned(folder, "结案.pdf")
    register(
        tmp_path,
        [["个案/结案.pdf", CASE, "case_closing", "2024-06-20", None, None, "9 不存在的原因", "x"]],
        extra=("closing_reason", "结案原由"),
    )
    report = check(tmp_path)
    problems = [u for u in report.to_dict()["unplaced"] if u["code"] == INVALID_ENTRY]
    reasons = " ".join(u["reason"] for u in problems)
    assert len(problems) == 2 and all(u["file"] == "文件登记.xlsx" for u in problems)
    assert "第 2 行「closing_reason」列" in reasons and "9 不存在的原因" in reasons
    assert "第 2 行「结案原由」列" in reasons and "没有这一项" in reasons
    # The file still counts; the fact stays unknown.
    assert one(report, CASE, "《个案结束评估表》")["status"] == "complete"
    assert one(report, CASE, "《个案转介表》")["status"] == "unverified"


def test_leya_exit_application_scan_leaves_the_referral_unverified(tmp_path):
    folder = tmp_path / "个案"
    put(folder, "intake_inquiry")
    scanned(folder, f"{CASE}_退出服务申请书_20240702.pdf")
    report = check(tmp_path, "leya")
    referral = one(report, CASE, "《个案转介表》")
    assert referral["status"] == "unverified"
    assert "《退出服务申请书》" in referral["message"] and "「需要转介」" in referral["message"]
    assert one(report, CASE, "《个案结束评估表》")["status"] == "missing"  # still checked
    assert one(report, CASE, "《退出服务申请书》")["status"] == "complete"
    # 需要转介 否 alone leaves the reason to tell; with the reason, the answer is known.
    name = f"个案/{CASE}_退出服务申请书_20240702.pdf"
    register(tmp_path, [[name, CASE, "exit_application", None, None, None, "否"]], extra=("需要转介",))
    referral = one(check(tmp_path, "leya"), CASE, "《个案转介表》")
    assert referral["status"] == "unverified" and "「退出原因」" in referral["message"]
    register(tmp_path, [[name, CASE, "exit_application", None, None, None, "否", "自愿放弃"]],
             extra=("需要转介", "退出原因"))
    assert found(check(tmp_path, "leya"), CASE, "《个案转介表》") == []
    register(tmp_path, [[name, CASE, "exit_application", None, None, None, "是"]], extra=("需要转介",))
    assert one(check(tmp_path, "leya"), CASE, "《个案转介表》")["status"] == "missing"


def test_a_complete_case_with_a_scanned_consent_is_not_invalid(tmp_path):
    folder = case_without(tmp_path, "case_consent")
    scanned(folder, f"{CASE}_接受个案服务同意书_20240304.pdf")
    report = check(tmp_path)
    assert "invalid" not in statuses(report, CASE).values()
    assert one(report, CASE, "《接受个案服务同意书》")["status"] == "complete"
    window = [f for f in found(report, CASE, "《建档、个案基本资料表》") if f["status"] != "complete"]
    # The window is a week, or a month at a community centre; the assessment lies within a
    # week of the signing date the scan's name gives, so the service point need not be known.
    assert window == []
    # naner's window is a month everywhere: the signing date in the name is enough.
    naner = check(tmp_path, "naner")
    assert set(statuses(naner, CASE).values()) == {"complete"}


def test_the_register_completes_a_scanned_consent(tmp_path):
    folder = case_without(tmp_path, "case_consent")
    scanned(folder, "同意书.pdf")
    register(tmp_path, [["个案/同意书.pdf", CASE, "接受个案服务同意书", "2024-03-04", None, None,
                         "东城街道主山社区社工站"]], extra=("服务点",))
    report = check(tmp_path)
    assert set(statuses(report, CASE).values()) == {"complete"}


def test_a_scan_without_a_date_has_an_unknown_date(tmp_path):
    folder = case_without(tmp_path, "case_consent")
    scanned(folder, f"{CASE}_接受个案服务同意书.pdf")
    report = check(tmp_path)
    consent = one(report, CASE, "《接受个案服务同意书》")
    assert consent["status"] == "unverified"  # due before the first record: the date decides
    assert "日期" in consent["message"] and "文件名" in consent["message"]
    plan = one(report, CASE, "《个案服务计划书》")  # due a month after the consent
    assert plan["status"] == "unverified" and "日期" in plan["message"]
    naner = check(tmp_path, "naner")
    window = [f for f in found(naner, CASE, "《建档、个案基本资料表》")]
    assert [f["status"] for f in window] == ["unverified"]
    assert "日期" in window[0]["message"]


def test_a_scanned_group_plan_leaves_the_sessions_unverified_not_absent(tmp_path):
    folder = tmp_path / "小组"
    scanned(folder, f"{GROUP}_小组计划书_20240320.pdf")
    put(folder, "group_attendance")
    put(folder, "group_session_record")  # session 3
    report = check(tmp_path, as_of=dt.date(2024, 6, 30))
    listing = [f for f in found(report, GROUP, "《小组集会记录表》") if f["requirement"] == "《小组集会记录表》"]
    assert [f["status"] for f in listing] == ["unverified"]
    assert "共有几节" in listing[0]["message"] and "《小组计划书》" in listing[0]["message"]
    # The sessions that have documents are still checked.
    attendance = {f["requirement"]: f["status"] for f in found(report, GROUP, "《小组点名表》（")}
    assert attendance == {f"《小组点名表》（第{n}节）": "complete" for n in (1, 2, 3, 4)}
    record = one(report, GROUP, "《小组集会记录表》（第3节）")
    assert record["document"].endswith(".docx") and record["status"] == "unverified"
    report_due = one(report, GROUP, "《小组报告》")
    assert report_due["status"] == "unverified" and "「结束日期」" in report_due["message"]
    assert one(report, GROUP, "《小组计划书》")["status"] == "complete"


def test_the_register_gives_a_scanned_plan_its_sessions_and_end(tmp_path):
    folder = tmp_path / "小组"
    scanned(folder, "计划书.pdf")
    put(folder, "group_attendance")
    register(tmp_path, [["小组/计划书.pdf", GROUP, "group_plan", "2024-03-20", "1-4", None,
                         "2024-04-27"]], extra=("结束日期",))
    report = check(tmp_path, as_of=dt.date(2024, 6, 30))
    assert unplaced(report) == {}
    records = {f["requirement"]: f["status"] for f in found(report, GROUP, "《小组集会记录表》")}
    # Four sessions, none recorded; their dates are still unknown, so not yet "missing".
    assert set(records) == {f"《小组集会记录表》（第{n}节）" for n in (1, 2, 3, 4)}
    assert set(records.values()) == {"unverified"}
    assert one(report, GROUP, "《小组报告》")["status"] == "missing"  # ended 2024-04-27


def test_guangzhou_scanned_group_plan(tmp_path):
    folder = tmp_path / "小組"
    scanned(folder, f"{GZ_GROUP}_小組工作計畫書_20240401.pdf")
    put(folder, "gz_group_session_plan")  # session 1
    put(folder, "gz_group_process")  # session 1
    report = check(tmp_path, "guangzhou", as_of=dt.date(2024, 7, 1))
    listing = [f for f in found(report, GZ_GROUP, "《小組工作單元(小節)計畫書》")
               if f["status"] == "unverified"]
    assert len(listing) == 1 and "「節數」" in listing[0]["message"]
    assert one(report, GZ_GROUP, "《小組工作單元(小節)計畫書》（第1節）")["status"] == "complete"
    assert one(report, GZ_GROUP, "《小組工作過程記錄表》（第1節）")["status"] == "complete"
    ending = one(report, GZ_GROUP, "《小組工作評估總結報告》")
    assert ending["status"] == "unverified" and "「結束日期」" in ending["message"]
    # 節數 in the register (the simplified 节数 also names it) lists the six sessions.
    register(tmp_path, [[f"小組/{GZ_GROUP}_小組工作計畫書_20240401.pdf", GZ_GROUP, "gz_group_plan",
                         None, None, None, 6, "2024-05-25"]], extra=("节数", "結束日期"))
    report = check(tmp_path, "guangzhou", as_of=dt.date(2024, 7, 1))
    plans = {f["requirement"]: f["status"] for f in found(report, GZ_GROUP, "《小組工作單元(小節)計畫書》")}
    assert plans == {"《小組工作單元(小節)計畫書》（第1節）": "complete",
                     **{f"《小組工作單元(小節)計畫書》（第{n}節）": "missing" for n in range(2, 7)}}
    assert one(report, GZ_GROUP, "《小組工作評估總結報告》")["status"] == "missing"


def test_closed_when_on_an_unknown_fact(tmp_path):
    """A profile whose closing condition reads a scan's fact: requirements on it say so."""
    scanned(tmp_path, f"{CASE}_个案结束评估表_20240620.pdf")
    documents = scan_archive(tmp_path).documents
    rules = SubjectRules("case", "个案", (Step("a", "a", (
        Requirement("exit", "退出面谈", ("exit_interview",), 9, when="closed"),
    )),), closed_when="fact('case_closing', 'closing_reason').needs_referral", line=4)
    profile = Profile("mine", "", "mine.yaml", {"case": rules})
    result = run_check(profile, documents, [], AS_OF, StaffRegister())
    (finding,) = result.findings
    assert finding.status.value == "unverified" and "「结案原因」" in finding.message


def test_an_unknown_fact_that_cannot_change_the_answer_does_not_matter(tmp_path):
    """Volunteers took part in session 3 (generated record): whether they did in session 1
    (a scan) does not change that the sign-in sheet is needed."""
    folder = tmp_path / "小组"
    put(folder, "group_plan")
    put(folder, "group_attendance")
    put(folder, "group_session_record")  # session 3, two volunteers
    scanned(folder, f"{GROUP}_小组集会记录表_20240406_第1节.pdf")
    report = check(tmp_path, as_of=dt.date(2024, 5, 1))
    assert one(report, GROUP, "《义工报名签到表》")["status"] == "missing"
    # With the scan alone, it does.
    (folder / next(p.name for p in folder.iterdir() if p.name.startswith("小组集会记录表"))).unlink()
    report = check(tmp_path, as_of=dt.date(2024, 5, 1))
    signin = one(report, GROUP, "《义工报名签到表》")
    assert signin["status"] == "unverified" and "「义工人数」" in signin["message"]


@pytest.mark.parametrize("test", ["doc.service_point is not none", "doc.service_point is defined",
                                  "not doc.service_point"])
def test_whether_an_unknown_fact_is_empty_is_unknown(tmp_path, test):
    scanned(tmp_path, f"{CASE}_case_consent_20240304.pdf")
    documents = scan_archive(tmp_path).documents
    (finding,) = run_check(_profile(valid=test), documents, [], AS_OF).findings
    assert finding.status.value == "unverified" and "「服务点」" in finding.message


# --- 2. file names and every file listed -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "form_id", "date", "sessions"),
    [
        ("XZ-2024-005_group_attendance_2024-04-06_第1节.jpg", "group_attendance", "2024-04-06", [1]),
        ("XZ-2024-005_小组点名表_20240406_第01节.pdf", "group_attendance", "2024-04-06", [1]),
        ("XZ-2024-005_group_session_record_20240413_第二节.pdf", "group_session_record", "2024-04-13", [2]),
        ("XZ-2024-005_小组集会记录表_2024.4.20_session3.png", "group_session_record", "2024-04-20", [3]),
        ("XZ-2024-005_小组点名表_第1-4节_2024年4月27日.pdf", "group_attendance", "2024-04-27", [1, 2, 3, 4]),
        ("GZX-2024-03_gz_group_process_20240420_第1節.pdf", "gz_group_process", "2024-04-20", [1]),
        ("GA-2024-017_case_consent_20240304_补签.pdf", "case_consent", "2024-03-04", None),
        ("GA-2024-017_《接受个案服务同意书》.pdf", "case_consent", None, None),
    ],
)
def test_names_by_form_id_or_title(name, form_id, date, sessions):
    parsed = parse_file_name(Path(name))
    assert parsed is not None and not parsed.problem
    assert parsed.model.form_id == form_id and parsed.subject == name.split("_")[0]
    assert parsed.date == (dt.date.fromisoformat(date) if date else None)
    assert parsed.sessions == sessions


def test_session_notes():
    assert session_numbers("第十二节") == [12] and session_numbers("第二十节") == [20]
    assert session_numbers("第1、3节") == [1, 3] and session_numbers("SESSION 4") == [4]
    assert session_numbers("第0节") == [] and session_numbers("补签") is None


@pytest.mark.parametrize("date", ["20241345", "2024-02-30", "2023.2.29", "2024年4月31日"])
def test_impossible_dates_are_refused(tmp_path, date):
    folder = case_without(tmp_path, "case_plan")
    scanned(folder, f"{CASE}_个案服务计划书_{date}.pdf")
    report = check(tmp_path)
    ((file, (code, reason)),) = unplaced(report).items()
    assert file.endswith(".pdf") and code == INVALID_NAME
    assert date in reason and "不存在" in reason
    assert one(report, CASE, "《个案服务计划书》")["status"] == "missing"  # not counted complete


def test_session_numbers_in_names_satisfy_their_sessions(tmp_path):
    folder = tmp_path / "小组"
    put(folder, "group_plan")
    scanned(folder, f"{GROUP}_group_attendance_2024-04-06_第1节.jpg")
    scanned(folder, f"{GROUP}_小组点名表_20240413_第02节.jpg")
    scanned(folder, f"{GROUP}_小组集会记录表_20240406_第一节.pdf")
    scanned(folder, f"{GROUP}_group_session_record_20240413_session2.pdf")
    report = check(tmp_path, as_of=dt.date(2024, 4, 22))
    result = statuses(report, GROUP)
    for form in ("《小组点名表》", "《小组集会记录表》"):
        assert result[f"{form}（第1节）"] == "complete"
        assert result[f"{form}（第2节）"] == "complete"
    assert result["《小组集会记录表》（第3节）"] == "not_due"  # 2024-04-20, due a week later
    assert result["《小组点名表》（第3节）"] == "missing"
    assert unplaced(report) == {}


def test_a_session_document_without_its_number_is_unverified_not_missing(tmp_path):
    folder = tmp_path / "小组"
    put(folder, "group_plan")
    put(folder, "group_attendance")
    scanned(folder, f"{GROUP}_小组集会记录表_20240406.pdf")
    report = check(tmp_path, as_of=dt.date(2024, 5, 10))
    records = {f["requirement"]: f for f in found(report, GROUP, "《小组集会记录表》（")}
    assert {r["status"] for r in records.values()} == {"unverified"}
    assert len(records) == 4
    message = records["《小组集会记录表》（第1节）"]["message"]
    assert "「节次」" in message and f"{GROUP}_小组集会记录表_20240406.pdf" in message
    # With 节次 in the register, it is session 1's record; the others are missing.
    register(tmp_path, [[f"小组/{GROUP}_小组集会记录表_20240406.pdf", GROUP, "小组集会记录表",
                         "2024-04-06", 1]])
    report = check(tmp_path, as_of=dt.date(2024, 5, 10))
    result = statuses(report, GROUP)
    assert result["《小组集会记录表》（第1节）"] == "complete"
    assert result["《小组集会记录表》（第2节）"] == "missing"


def test_guangzhou_session_scans(tmp_path):
    folder = tmp_path / "小組"
    put(folder, "gz_group_plan")
    for n, day in ((1, "20240420"), (2, "20240427")):
        scanned(folder, f"{GZ_GROUP}_小組工作單元(小節)計畫書_{day}_第{n}節.pdf")
    scanned(folder, f"{GZ_GROUP}_gz_group_process_20240420_第1節.pdf")
    report = check(tmp_path, "guangzhou", as_of=dt.date(2024, 5, 10))
    result = statuses(report, GZ_GROUP)
    assert result["《小組工作單元(小節)計畫書》（第1節）"] == "complete"
    assert result["《小組工作單元(小節)計畫書》（第2節）"] == "complete"
    assert result["《小組工作單元(小節)計畫書》（第3節）"] == "missing"
    assert result["《小組工作過程記錄表》（第1節）"] == "complete"
    assert result["《小組工作過程記錄表》（第2節）"] == "missing"  # 2024-04-27, a week is over


def test_monthly_reports_by_the_month_in_their_name_or_register(tmp_path):
    point = "东城街道主山社区社工站"
    folder = tmp_path / "报表"
    put(folder, "monthly_plan_summary", 0, month="2024-10", submitted_date="2024-10-03")
    scanned(folder, f"{point}_月计划汇总表_20241104_2024年11月.pdf")
    scanned(folder, f"{point}_社工情况统计表_20241104.pdf")  # which month: not said
    report = check(tmp_path, as_of=dt.date(2024, 12, 3))
    plans = statuses(report, point)
    assert plans["《月计划汇总表》（2024年11月）"] == "complete"
    assert plans["《月计划汇总表》（2024年10月）"] == "complete"
    statistics = one(report, point, "《社工情况统计表》（2024年10月）")
    assert statistics["status"] == "unverified" and "「月份」" in statistics["message"]
    register(tmp_path, [[f"报表/{point}_社工情况统计表_20241104.pdf", point, "社工情况统计表",
                         "2024-11-04", None, None, "2024-10"]], extra=("月份",))
    report = check(tmp_path, as_of=dt.date(2024, 12, 3))
    assert one(report, point, "《社工情况统计表》（2024年10月）")["status"] == "complete"
    assert one(report, point, "《社工情况统计表》（2024年11月）")["status"] == "not_due"


def test_leya_registration_scan_is_found_by_its_group(tmp_path):
    folder = tmp_path / "小组"
    put(folder, "group_plan")
    scanned(folder, f"{GROUP}_小组报名表_20240326.pdf")
    report = check(tmp_path, "leya", as_of=dt.date(2024, 5, 1))
    assert one(report, GROUP, "《小组报名表》")["status"] == "complete"


def test_every_file_is_listed_or_counted(tmp_path):
    case_without(tmp_path)
    for name in ("说明.txt", "名单.csv", "README.md", "旧档案.zip", "notes.tmp", "无扩展名"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / f"{CASE}_case_consent_20240304.txt").write_bytes(b"x")  # a name, but a text file
    (tmp_path / "~$同意书.docx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / ".lvye-forms-123-abc.tmp").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_bytes(b"x")
    report = check(tmp_path)
    listed = unplaced(report)
    assert {f: code for f, (code, _) in listed.items()} == {
        name: NOT_A_DOCUMENT
        for name in ("说明.txt", "名单.csv", "README.md", "旧档案.zip", "notes.tmp", "无扩展名",
                     f"{CASE}_case_consent_20240304.txt")
    }
    assert "不是文档" in listed["说明.txt"][1] and ".txt" in listed["说明.txt"][1]
    assert "解压" in listed["旧档案.zip"][1]
    assert report.result.ignored == 4
    assert sorted(p.name for p in report.result.ignored_paths) == [
        ".DS_Store", ".git", ".lvye-forms-123-abc.tmp", "~$同意书.docx"
    ]
    # The seven generated documents of the case are read as before.
    assert report.result.documents == 7


def test_a_registered_text_file_counts(tmp_path):
    folder = case_without(tmp_path, "problem_scale")
    (folder / "评量.txt").write_text("手写评量的记录", encoding="utf-8")
    register(tmp_path, [["个案/评量.txt", CASE, "problem_scale", "2024-06-18"]])
    report = check(tmp_path)
    assert unplaced(report) == {}
    assert one(report, CASE, "《服务使用者问题评量表》")["status"] == "complete"


def test_edited_and_newer_generated_documents_are_invalid(tmp_path):
    from .test_check_safety import data_part, example_data, with_part

    consent = put(tmp_path / "gen", "case_consent").read_bytes()
    (tmp_path / "gen").joinpath("edited.docx").write_bytes(
        with_part(consent, data_part('{"case_id": "GA-2024-017", "client_signed_date": "2024-02-30"}'))
    )
    import json

    (tmp_path / "gen").joinpath("newer.docx").write_bytes(
        with_part(consent, data_part(json.dumps(example_data()), version="99"))
    )
    listed = unplaced(check(tmp_path))
    assert listed["gen/edited.docx"][0] == INVALID_DOCUMENT
    assert "数据未通过校验" in listed["gen/edited.docx"][1]
    assert listed["gen/newer.docx"][0] == INVALID_DOCUMENT and "升级" in listed["gen/newer.docx"][1]


def test_register_workbook_explains_fact_columns(tmp_path):
    path = tmp_path / "登记.xlsx"
    api.write_register_workbook(path)
    workbook = load_workbook(path)
    headers = [c.value for c in workbook["文件登记"][1]]
    assert headers[:6] == ["文件", "对象编号", "表单", "日期", "节次", "备注"]
    guide = " ".join(str(c.value) for c in workbook["登记说明"]["A"] if c.value)
    assert "结案原因" in guide and "无法核实" in guide and "节次" in guide


# --- 3. an unknown name at run time is the profile's error ---------------------------------


def _profile(**requirement) -> Profile:
    rules = SubjectRules("case", "个案", (Step("a", "a", (
        Requirement("x", "x", ("case_consent",), 12, **requirement),
    )),), line=3)
    return Profile("mine", "", "mine.yaml", {"case": rules})


@pytest.mark.parametrize(
    "requirement",
    [
        {"valid": "doc.consent_date"},
        {"when": "fact('case_consent', 'signed')"},
        {"due": "first('case_consent').nope + days(1)"},
        {"when": "fact('case_consent', 'client_signed_date').nope"},
        {"when": "has('no_such_form')"},
    ],
)
def test_unknown_names_at_run_time_are_profile_errors(tmp_path, requirement):
    put(tmp_path, "case_consent")
    scanned(tmp_path, "GA-2024-050_case_consent_20240301.pdf")  # a scan is no excuse either
    documents = scan_archive(tmp_path).documents
    with pytest.raises(ProfileError, match=r"mine\.yaml 第 12 行"):
        run_check(_profile(**requirement), documents, [], AS_OF, StaffRegister())


def test_absent_documents_give_none_not_an_error(tmp_path):
    put(tmp_path, "case_consent")
    documents = scan_archive(tmp_path).documents
    for expression in ("(docs('case_plan')|first).plan_date", "docs('case_plan')[0].plan_date",
                       "fact('case_plan', 'plan_date').year"):
        result = run_check(_profile(due=expression), documents, [], AS_OF)
        assert [(f.status.value, f.due) for f in result.findings] == [("complete", None)]


def test_an_empty_field_stays_none(tmp_path):
    put(tmp_path, "case_consent", service_point="")
    documents = scan_archive(tmp_path).documents
    result = run_check(_profile(valid="doc.service_point is none"), documents, [], AS_OF)
    assert [f.status.value for f in result.findings] == ["complete"]
    assert isinstance(documents[0], ArchiveDocument) and documents[0].record is not None
