"""What a supervisor reads: series on one line, links to files, what falls due, timelines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from lvye_forms import api
from lvye_forms.cli import main
from lvye_forms.formats.as_html import check_to_html
from lvye_forms.report import RunStatus

from .test_check import complete_case


def test_missing_monthly_reports_are_one_line_per_series(tmp_path):
    complete_case(tmp_path)
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--as-of", "2025-03-01"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "《月计划汇总表》" in line]
    # From February, the month of the oldest document (the service application).
    assert lines == ["  ✗ 每月报表（次月5日前）：《月计划汇总表》 缺失 2024年2月–2025年1月，共 12 个月"]
    # The months stay in the detail of every machine-readable format.
    report = api.check_archive(tmp_path, as_of=dt.date(2025, 3, 1))
    months = [
        f["item"]
        for f in report.to_dict()["findings"]
        if f["series"] == "《月计划汇总表》" and f["status"] == "missing"
    ]
    assert len(months) == 12 and "2024年2月" in months and "2025年1月" in months


def test_html_links_each_requirement_to_its_file(tmp_path):
    complete_case(tmp_path / "档案")
    report = api.check_archive(tmp_path / "档案", as_of=dt.date(2024, 7, 15))
    page = check_to_html(report, links_from=tmp_path / "报告")
    assert 'href="../档案/个案/GA-2024-017/接受个案服务同意书_GA-2024-017_李小明.docx"' in page
    assert "东莞市绿叶社会工作服务中心《专业服务程序指引》" in page  # the profile's title
    assert str(tmp_path / "档案") in page  # the archive folder
    assert '<td class="status nowrap">' in page


def test_what_falls_due_in_the_next_30_days_per_worker(tmp_path):
    case = tmp_path / "个案" / "GA-2024-017"
    from .test_check import put

    put(case, "case_consent")
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 3, 5))
    soon = report.due_soon(30)
    assert list(soon) == ["黄嘉欣"]
    assert all(f.due and f.due <= dt.date(2024, 4, 4) for f in soon["黄嘉欣"])
    page = check_to_html(report)
    assert "未来 30 天到期" in page and "黄嘉欣" in page


def test_timeline_lists_each_subjects_steps_with_dates(tmp_path):
    complete_case(tmp_path)
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 7, 15))
    timeline = dict(report.timeline())
    case = timeline["个案 GA-2024-017 李小明"]
    consent = next(f for f in case if "同意书" in f.requirement)
    assert consent.document_date == dt.date(2024, 3, 4)
    assert report.status is RunStatus.PROBLEMS
    assert "各对象的时间线" in check_to_html(report)


def test_html_page_in_english(tmp_path):
    complete_case(tmp_path)
    result = CliRunner().invoke(
        main,
        ["--lang", "en", "check", str(tmp_path), "--as-of", "2024-07-15", "--format", "html",
         "-o", str(tmp_path / "r.html")],
    )
    assert result.exit_code == 1
    page = Path(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Archive check" in page and "missing" in page


def test_a_series_line_never_claims_an_item_that_is_there(tmp_path):
    """Missing February–March and May with April filed: two lines, not 'February–May'."""
    from .test_check import put

    complete_case(tmp_path)
    put(
        tmp_path / "服务点", "monthly_plan_summary", report_id="主山-2024-04", month="2024-04",
        submitted_date="2024-05-03",
    )
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 6, 20))
    lines = [
        (g.span, len(g.findings))
        for g in report.groups(problems_only=True)
        if g.first.series == "《月计划汇总表》"
    ]
    assert lines == [("2024年2月–2024年3月", 2), ("2024年5月", 1)]
