"""The service-point register: type, contract date and reporting start of each service point."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner
from openpyxl import load_workbook

from lvye_forms import api
from lvye_forms.check.service_points import guess_type, read_service_points
from lvye_forms.cli import main

from .conftest import write_workbook


def test_register_workbook_has_a_service_point_sheet(tmp_path):
    path = tmp_path / "登记表.xlsx"
    api.write_register_workbook(path)
    sheet = load_workbook(path)["服务点"]
    assert [c.value for c in sheet[1]] == ["服务点", "类型", "合同日期", "报表起始日期", "备注"]
    assert "社区综合服务中心" in sheet.data_validations.dataValidation[0].formula1


def test_registered_points_are_read_and_unlisted_ones_guessed(tmp_path):
    path = write_workbook(
        tmp_path / "服务点.xlsx",
        {
            "服务点": [
                ["服务点", "类型", "合同日期", "报表起始日期"],
                ["主山社工站", "项目", dt.datetime(2024, 1, 15), None],
                ["东城综合服务中心", "社区综合服务中心", "2023-07-01", "2023-08-01"],
                ["樟木头站", "不知道", "2024-13-01", None],
            ]
        },
    )
    register = read_service_points([path])
    project = register.lookup("主山社工站")
    assert (project.type, project.contract_date, project.reporting_start, project.guessed) == (
        "项目",
        dt.date(2024, 1, 15),
        dt.date(2024, 1, 15),  # no reporting start: from the contract date
        False,
    )
    centre = register.lookup("东城综合服务中心")
    assert centre.reporting_start == dt.date(2023, 8, 1)
    assert [(p.row, p.column) for p in register.problems] == [(4, "类型"), (4, "合同日期")]
    unlisted = register.lookup("石龙社区综合服务中心")
    assert (unlisted.type, unlisted.guessed) == ("社区综合服务中心", True)


def test_guess_from_the_name():
    assert guess_type("××镇残疾人康复就业服务中心") == "残疾人康复就业服务中心"
    assert guess_type("××街道居家养老服务中心") == "居家养老服务中心"
    assert guess_type("青少年成长项目") == "项目"
    assert guess_type("主山社区社工站") == "岗位"


# --- the register in a check ----------------------------------------------------------------

from .test_check import complete_case, put, status_of  # noqa: E402


def _point_register(path, *rows):
    return write_workbook(path, {"服务点": [["服务点", "类型", "合同日期", "报表起始日期"], *rows]})


def test_the_register_decides_the_notice_period_not_the_name(tmp_path):
    """000 第三章 一(五)4(1)①: a 项目 gives three months' notice, whatever it is called."""
    case = tmp_path / "档案" / "个案"
    put(case, "case_consent", case_id="GA-2024-009", service_point="主山社工站")
    put(case, "termination_notice", termination_date="2024-08-09")  # eight days after notice
    guessed = api.check_archive(tmp_path / "档案", as_of=dt.date(2024, 12, 1))
    assert status_of(guessed, "GA-2024-009", "《终止服务通知》")["status"] == "complete"
    assert [u.point.name for u in guessed.guessed_service_points] == ["主山社工站"]

    register = _point_register(tmp_path / "服务点.xlsx", ["主山社工站", "项目", "2024-01-01", None])
    known = api.check_archive(tmp_path / "档案", as_of=dt.date(2024, 12, 1), service_points=register)
    notice = status_of(known, "GA-2024-009", "《终止服务通知》")
    assert notice["status"] == "invalid" and "三个月" in notice["message"]
    point = known.to_dict()["service_points"][0]
    assert (point["type"], point["type_guessed"], point["reporting_start_from"]) == (
        "项目", False, "register"
    )


def test_monthly_reports_are_owed_from_the_registered_start(tmp_path):
    complete_case(tmp_path / "档案")  # documents from March 2024 on
    _point_register(  # a register inside the archive is read by itself
        tmp_path / "档案" / "服务点登记.xlsx",
        ["东城街道主山社区社工站", "岗位", "2024-01-10", "2024-06-01"],
    )
    report = api.check_archive(tmp_path / "档案", as_of=dt.date(2024, 9, 20))
    months = [
        f["item"]
        for f in report.to_dict()["findings"]
        if f["series"] == "《月计划汇总表》" and f["status"] == "missing"
    ]
    assert months == ["2024年6月", "2024年7月", "2024年8月"]
    assert report.guessed_service_points == []


def test_since_replaces_the_guess_from_the_oldest_document(tmp_path):
    complete_case(tmp_path)
    result = CliRunner().invoke(
        main, ["check", str(tmp_path), "--as-of", "2024-09-20", "--since", "2024-08-01"]
    )
    assert "《月计划汇总表》（2024年8月） 缺失" in result.output
    assert "2024年7月" not in result.output
    assert "最早的文档" not in result.output and "类型按名称推定" in result.output
    guessed = CliRunner().invoke(main, ["check", str(tmp_path), "--as-of", "2024-09-20"])
    assert "月度报表从最早的文档（2024-02-27）起算" in guessed.output


def test_a_registered_point_without_documents_still_owes_its_reports(tmp_path):
    archive = tmp_path / "档案"
    archive.mkdir()
    _point_register(archive / "服务点.xlsx", ["新开社工站", "岗位", "2024-05-01", None])
    report = api.check_archive(archive, as_of=dt.date(2024, 8, 20))
    assert any(
        f["subject_id"] == "新开社工站" and f["status"] == "missing" and f["item"] == "2024年5月"
        for f in report.to_dict()["findings"]
    )


def test_wrong_files_given_as_registers_are_refused_with_a_reason(tmp_path):
    archive = tmp_path / "档案"
    archive.mkdir()
    consent = tmp_path / "同意书.xlsx"
    api.write_input_workbook("case_consent", consent, example=True)
    for option in ("--register", "--staff", "--service-points"):
        result = CliRunner().invoke(main, ["check", str(archive), option, str(consent)])
        assert result.exit_code == 2, (option, result.output)
        assert "同意书.xlsx" in result.output and "Traceback" not in result.output
    roster = write_workbook(tmp_path / "名册.xlsx", {"名册": [["姓名", "从事社工起始日期"], ["何志明", "abc"]]})
    result = CliRunner().invoke(main, ["check", str(archive), "--staff", str(roster)])
    assert result.exit_code == 2 and "第 2 行" in result.output and "abc" in result.output
