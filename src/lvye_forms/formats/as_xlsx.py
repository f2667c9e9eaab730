"""The check report as a workbook: a summary sheet and a filterable detail sheet."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..i18n import t
from ..report import CheckReport
from .as_json import report_data

_STATUS_FILLS = {
    "missing": PatternFill("solid", fgColor="FFC7CE"),
    "late": PatternFill("solid", fgColor="FFEB9C"),
    "invalid": PatternFill("solid", fgColor="F4B084"),
    "unverified": PatternFill("solid", fgColor="D9E1F2"),
    "unsigned": PatternFill("solid", fgColor="FCE4D6"),
}


def detail_columns() -> list[tuple[str, str]]:
    return [
        ("subject_type_label", t("对象类型", "Subject type")),
        ("subject_id", t("对象编号", "Subject")),
        ("subject_name", t("名称", "Name")),
        ("service_point", t("服务点", "Service point")),
        ("worker", t("负责社工", "Worker")),
        ("step", t("步骤", "Step")),
        ("requirement", t("要求的文档", "Required document")),
        ("status_label", t("状态", "Status")),
        ("due", t("期限", "Due")),
        ("days_late", t("逾期天数", "Days late")),
        ("message", t("说明", "Note")),
        ("document", t("文件", "File")),
    ]


def _cell(value: Any) -> Any:
    # A worksheet cannot hold XML control characters; a file name may (hand-made archives).
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for index, header in enumerate(headers, start=1):
        widest = max(
            [
                len(str(header)) * 2,
                *(len(str(r[index - 1] or "")) * 2 for r in rows[:500] if index <= len(r)),
            ],
            default=8,
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest, 8), 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def check_to_xlsx(report: CheckReport, *, show_personal: bool = False) -> bytes:
    data = report_data(report, show_personal=show_personal)
    statuses = list(data["status_labels"])
    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    rows: list[list[Any]] = [
        [t("档案", "Archive"), data["archive"]],
        [t("规则", "Profile"), f"{data['profile']} {data['profile_title']}".strip()],
        [t("截至", "As of"), data["as_of"]],
        [],
    ]
    for title, key in (
        (t("按服务点", "By service point"), "by_service_point"),
        (t("按负责社工", "By worker"), "by_worker"),
        (t("按表单", "By form"), "by_form"),
    ):
        rows.append([f"【{title}】"])
        rows += [[r["name"], *(r[s] for s in statuses)] for r in data[key]]
        rows.append([])
    _sheet(
        workbook,
        t("汇总", "Summary"),
        [t("名称", "Name"), *data["status_labels"].values()],
        rows,
    )
    columns = detail_columns()
    detail = [[f[key] for key, _ in columns] for f in data["findings"]]
    detail_title = t("明细", "Findings")
    _sheet(workbook, detail_title, [label for _, label in columns], detail)
    status_index = [key for key, _ in columns].index("status_label")
    for finding, row in zip(
        data["findings"], workbook[detail_title].iter_rows(min_row=2), strict=False
    ):
        fill = _STATUS_FILLS.get(finding["status"])
        if fill:
            row[status_index].fill = fill
    _sheet(
        workbook,
        t("无法识别的文件", "Unplaced files"),
        [t("文件", "File"), t("类型", "Code"), t("原因", "Reason")],
        [[u["file"], u["code"], u["reason"]] for u in data["unplaced"]],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
