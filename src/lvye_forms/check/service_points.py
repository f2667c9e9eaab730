"""The service-point register: facts about a service point that no single document carries.

Several rules depend on a service point's type (项目, 社区综合服务中心, 岗位, 残疾人康复就业服务中心,
居家养老服务中心), its contract date and the date its monthly reporting starts. They come from a
sheet 「服务点」 (columns 服务点, 类型, 合同日期, 报表起始日期) in the register workbook that
`lvye-forms sheet register` writes — read automatically when it lies in the archive, or given
with `check --service-points`. A service point that is not listed gets its type guessed from
its name (the only way before the register existed); every report names the guessed ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ..fields import parse_date
from ..ingest.tables import Table, UnreadableFile, read_tables

SHEET = "服务点"
NAME, TYPE, CONTRACT, REPORTING = "服务点", "类型", "合同日期", "报表起始日期"
COLUMNS = (NAME, TYPE, CONTRACT, REPORTING, "备注")
SERVICE_TYPES = ("项目", "社区综合服务中心", "岗位", "残疾人康复就业服务中心", "居家养老服务中心")
# What staff also write for a type, mapped to its name in the seeds.
_ALIASES = {
    "综合服务中心": "社区综合服务中心",
    "社区综合服务中心": "社区综合服务中心",
    "项目": "项目",
    "岗位": "岗位",
    "社工岗位": "岗位",
    "残疾人康复就业服务中心": "残疾人康复就业服务中心",
    "残疾人康复中心": "残疾人康复就业服务中心",
    "康复中心": "残疾人康复就业服务中心",
    "居家养老服务中心": "居家养老服务中心",
    "居家养老": "居家养老服务中心",
}


@dataclass(frozen=True)
class ServicePoint:
    """What the checker knows about one service point."""

    name: str
    type: str = ""
    contract_date: dt.date | None = None
    reporting_start: dt.date | None = None
    guessed: bool = False  # the type was guessed from the name, not read from a register
    source: str = ""  # the register that listed it


@dataclass(frozen=True)
class RegisterProblem:
    """A row of the register that could not be used, and why."""

    path: Path
    row: int
    column: str
    reason: str


def guess_type(name: str) -> str:
    """The type a service point's name suggests (the fallback when no register lists it).

    Names seen in the seeds: …社区综合服务中心, …项目, …残疾人康复就业服务中心, …居家养老服务中心;
    anything else (a 社工站 at a community) is a 岗位.
    """
    text = name or ""
    for marker, kind in (
        ("综合服务中心", "社区综合服务中心"),
        ("康复", "残疾人康复就业服务中心"),
        ("居家养老", "居家养老服务中心"),
        ("项目", "项目"),
    ):
        if marker in text:
            return kind
    return "岗位"


def normalise_type(value: Any) -> str | None:
    text = "".join(str(value or "").split())
    return _ALIASES.get(text) or (text if text in SERVICE_TYPES else None)


@dataclass
class ServicePointRegister:
    """Service points by name, from one or more registers."""

    points: dict[str, ServicePoint] = field(default_factory=dict)
    problems: list[RegisterProblem] = field(default_factory=list)

    def lookup(self, name: str) -> ServicePoint:
        """The registered service point, else one whose type is guessed from its name."""
        key = _key(name)
        if key in self.points:
            return self.points[key]
        return ServicePoint(name=name, type=guess_type(name), guessed=True)

    def add_tables(self, path: Path, tables: dict[str, Table]) -> None:
        for table in tables.values():
            if not is_service_point_table(table):
                continue
            for row in table.rows:
                self._add_row(path, table, row.row, row.values)

    def _add_row(self, path: Path, table: Table, number: int, values: dict[str, Any]) -> None:
        name = str(values.get(NAME) or "").strip()
        if not name:
            self.problems.append(RegisterProblem(path, number, NAME, "服务点名称为空"))
            return
        kind = normalise_type(values.get(TYPE)) if values.get(TYPE) not in (None, "") else None
        if values.get(TYPE) not in (None, "") and kind is None:
            self.problems.append(
                RegisterProblem(
                    path, number, TYPE, f"类型“{values.get(TYPE)}”无效，可填：{'、'.join(SERVICE_TYPES)}"
                )
            )
        dates: dict[str, dt.date | None] = {}
        for column in (CONTRACT, REPORTING):
            raw = values.get(column)
            dates[column] = None
            if raw in (None, ""):
                continue
            try:
                dates[column] = parse_date(raw)
            except (ValueError, OverflowError):
                self.problems.append(
                    RegisterProblem(path, number, column, f"“{raw}”不是有效的日期")
                )
        self.points[_key(name)] = ServicePoint(
            name=name,
            type=kind or guess_type(name),
            contract_date=dates[CONTRACT],
            reporting_start=dates[REPORTING] or dates[CONTRACT],
            guessed=kind is None,
            source=str(path),
        )


def _key(name: str) -> str:
    return "".join(str(name).split())


def is_service_point_table(table: Table) -> bool:
    return {NAME, TYPE} <= set(table.headers)


def read_service_points(paths: list[Path]) -> ServicePointRegister:
    """Every service point listed in the given workbooks (sheets with 服务点 and 类型 columns)."""
    register = ServicePointRegister()
    for path in paths:
        try:
            tables = read_tables(path)
        except UnreadableFile as exc:
            register.problems.append(RegisterProblem(path, 0, "", str(exc)))
            continue
        register.add_tables(path, tables)
    return register


def add_service_point_sheet(workbook: Workbook) -> None:
    """The 「服务点」 sheet of the register workbook: headers with notes, a type dropdown."""
    sheet = workbook.create_sheet(SHEET)
    notes = {
        NAME: "服务点的名称，与文档中“服务点”一栏写法一致",
        TYPE: "可选：" + "、".join(SERVICE_TYPES) + "。决定终止服务的通知期、需求预估期限等规则",
        CONTRACT: "服务合同（项目协议）签订日期：项目计划书、需求评估的期限从这天算起",
        REPORTING: "从哪个月起须交月度报表（空白则用合同日期）",
        "备注": "选填",
    }
    for index, header in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.comment = Comment(notes[header], "lvye-forms", width=260, height=100)
        sheet.column_dimensions[cell.column_letter].width = 24 if index == 1 else 18
    choices = DataValidation(type="list", formula1='"' + ",".join(SERVICE_TYPES) + '"', allow_blank=True)
    sheet.add_data_validation(choices)
    choices.add("B2:B500")
    for column in ("C", "D"):
        for row in range(2, 501):
            sheet[f"{column}{row}"].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
