"""The completeness report as data, and its renderings: JSON, XLSX and one HTML page.

Every rendering prints from `CheckReport.to_dict()`; none computes anything of its own. The
terminal table lives in the CLI. Keys of the JSON are stable and documented in
docs/checker.md. Reports name subjects and workers, never ID or phone numbers.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..archive import Unplaced
from ..registry import get_form
from .engine import PROBLEMS, STATUS_LABELS, SUBJECT_LABELS, CheckResult, Finding, summaries

SCHEMA_VERSION = 1
_ORDER = {"missing": 0, "late": 1, "invalid": 2, "not_due": 3, "complete": 4}


@dataclass
class CheckReport:
    profile: str
    archive: Path
    as_of: dt.date
    result: CheckResult

    @property
    def ok(self) -> bool:
        return not any(f.status in PROBLEMS for f in self.result.findings)

    def problems(self) -> list[Finding]:
        return [f for f in self.result.findings if f.status in PROBLEMS]

    def to_dict(self) -> dict[str, Any]:
        findings = sorted(
            self.result.findings, key=lambda f: (_ORDER[f.status], f.subject_type, f.subject_id)
        )
        return {
            "schema_version": SCHEMA_VERSION,
            "profile": self.profile,
            "archive": str(self.archive),
            "as_of": self.as_of.isoformat(),
            "ok": self.ok,
            "totals": {
                "documents": self.result.documents,
                "subjects": self.result.subjects,
                "unplaced": len(self.result.unplaced),
                **{status: sum(f.status == status for f in findings) for status in STATUS_LABELS},
            },
            "by_service_point": summaries(findings, lambda f: f.service_point),
            "by_worker": summaries(findings, lambda f: f.worker),
            "by_form": summaries(findings, lambda f: "、".join(get_form(x).title for x in f.forms)),
            "findings": [
                dict(
                    _finding(f), document=_relative(f.document, self.archive) if f.document else ""
                )
                for f in findings
            ],
            "unplaced": [_unplaced(u, self.archive) for u in self.result.unplaced],
        }


def _relative(path: str | Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "subject_type": f.subject_type,
        "subject_type_label": SUBJECT_LABELS.get(f.subject_type, f.subject_type),
        "subject_id": f.subject_id,
        "subject_name": f.subject_name,
        "service_point": f.service_point,
        "worker": f.worker,
        "step": f.step,
        "requirement": f.requirement,
        "forms": list(f.forms),
        "status": f.status,
        "status_label": STATUS_LABELS[f.status],
        "due": f.due.isoformat() if f.due else None,
        "days_late": f.days_late,
        "document": f.document,
        "message": f.message,
    }


def _unplaced(u: Unplaced, root: Path) -> dict[str, str]:
    return {"file": _relative(u.path, root), "code": u.code, "reason": u.reason}


def to_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


# --- XLSX -------------------------------------------------------------------------------

_DETAIL_COLUMNS = [
    ("subject_type_label", "对象类型"),
    ("subject_id", "对象编号"),
    ("subject_name", "名称"),
    ("service_point", "服务点"),
    ("worker", "负责社工"),
    ("step", "步骤"),
    ("requirement", "要求的文档"),
    ("status_label", "状态"),
    ("due", "期限"),
    ("days_late", "逾期天数"),
    ("message", "说明"),
    ("document", "文件"),
]
_STATUS_FILLS = {
    "缺失": PatternFill("solid", fgColor="FFC7CE"),
    "逾期": PatternFill("solid", fgColor="FFEB9C"),
    "不符合要求": PatternFill("solid", fgColor="F4B084"),
}


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for row in rows:
        sheet.append(row)
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


def to_xlsx(report: CheckReport) -> bytes:
    """A summary sheet (per service point, worker and form) and a filterable detail sheet."""
    data = report.to_dict()
    workbook = Workbook()
    workbook.remove(workbook.active)
    summary_headers = ["名称", *STATUS_LABELS.values()]
    rows: list[list[Any]] = []
    for title, key in (
        ("服务点", "by_service_point"),
        ("负责社工", "by_worker"),
        ("表单", "by_form"),
    ):
        rows.append([f"【按{title}】"])
        rows += [[r["name"], *(r[s] for s in STATUS_LABELS)] for r in data[key]]
        rows.append([])
    _sheet(workbook, "汇总", summary_headers, rows)
    detail = [[f[key] for key, _ in _DETAIL_COLUMNS] for f in data["findings"]]
    _sheet(workbook, "明细", [label for _, label in _DETAIL_COLUMNS], detail)
    status_column = [label for _, label in _DETAIL_COLUMNS].index("状态") + 1
    for row in workbook["明细"].iter_rows(min_row=2):
        fill = _STATUS_FILLS.get(str(row[status_column - 1].value))
        if fill:
            row[status_column - 1].fill = fill
    _sheet(
        workbook,
        "无法识别的文件",
        ["文件", "类型", "原因"],
        [[u["file"], u["code"], u["reason"]] for u in data["unplaced"]],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- HTML --------------------------------------------------------------------------------

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #bbb;padding:4px 8px;text-align:left}
th{background:#eee;position:sticky;top:0}.missing{background:#ffc7ce}.late{background:#ffeb9c}
.invalid{background:#f4b084}.not_due{color:#666}.complete{color:#2a7a2a}
input{padding:4px;width:20em;margin:0.5em 0}summary{font-weight:bold;cursor:pointer;margin-top:1em}
"""
_SCRIPT = """
function filterRows(){const q=document.getElementById('q').value.trim();const only=document.getElementById('only').checked;
document.querySelectorAll('#detail tbody tr').forEach(tr=>{const hit=!q||tr.textContent.includes(q);
const bad=!only||['missing','late','invalid'].some(c=>tr.classList.contains(c));tr.style.display=hit&&bad?'':'none';});}
"""


def _table(
    headers: list[str],
    rows: list[list[Any]],
    row_classes: list[str] | None = None,
    table_id: str = "",
) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for index, row in enumerate(rows):
        css = f' class="{row_classes[index]}"' if row_classes else ""
        cells = "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
        body.append(f"<tr{css}>{cells}</tr>")
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def to_html(report: CheckReport) -> str:
    """One self-contained page (no server, no external files) with filter and summaries."""
    data = report.to_dict()
    totals = data["totals"]
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>完整性检查 {html.escape(data['as_of'])}</title><style>{_STYLE}</style>",
        f"<script>{_SCRIPT}</script></head><body>",
        f"<h1>档案完整性检查</h1><p>规则：{html.escape(data['profile'])}　检查日期：{data['as_of']}　"
        f"文档 {totals['documents']} 份，对象 {totals['subjects']} 个，无法识别的文件 {totals['unplaced']} 个</p>",
        "<p>" + "　".join(f"{label} {totals[s]}" for s, label in STATUS_LABELS.items()) + "</p>",
    ]
    for title, key in (
        ("按服务点", "by_service_point"),
        ("按负责社工", "by_worker"),
        ("按表单", "by_form"),
    ):
        rows = [[r["name"], *(r[s] for s in STATUS_LABELS)] for r in data[key]]
        parts.append(
            f"<details open><summary>{title}</summary>{_table(['名称', *STATUS_LABELS.values()], rows)}</details>"
        )
    parts.append(
        "<h2>明细</h2><input id='q' placeholder='筛选：编号、姓名、社工、表单…' oninput='filterRows()'>"
        "<label><input type='checkbox' id='only' onchange='filterRows()' style='width:auto'> 只看问题</label>"
    )
    detail = [[f[key] for key, _ in _DETAIL_COLUMNS[:-1]] for f in data["findings"]]
    parts.append(
        _table(
            [label for _, label in _DETAIL_COLUMNS[:-1]],
            detail,
            [f["status"] for f in data["findings"]],
            "detail",
        )
    )
    if data["unplaced"]:
        rows = [[u["file"], u["reason"]] for u in data["unplaced"]]
        parts.append(f"<h2>无法识别的文件</h2>{_table(['文件', '原因'], rows)}")
    parts.append("</body></html>")
    return "".join(parts)
