"""The service-point register: type, contract date and reporting start of each service point."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from lvye_forms import api
from lvye_forms.check.service_points import guess_type, read_service_points

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
