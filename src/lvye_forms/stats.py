"""《社工服务统计表》 computed from the month's records, so nothing is typed in twice.

Counted per worker (the records' 负责社工) from documents that carry their data:
- 在案个案: consent signed by the month's end and no closing form dated before its start,
  新开个案: consent dated in the month, 结案: closing form dated in the month;
- 个案跟进次数: contact records (brief or process) dated in the month;
- 小组节数 / 小组出席人次: session records dated in the month, and their attendance;
- 社区活动场数 / 活动参与人次: activity reports of activities held in the month;
- 义工人次 / 义工时数: volunteer sign-in sheets dated in the month (an activity without a
  sign-in sheet counts the volunteers on its report instead).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .archive import ArchiveDocument
from .forms.monitoring import ServiceStatistics


@dataclass
class _Tally:
    open_cases: int = 0
    new_cases: int = 0
    closed_cases: int = 0
    case_contacts: int = 0
    group_sessions: int = 0
    group_attendance: int = 0
    activities: int = 0
    activity_participants: int = 0
    volunteer_times: int = 0
    volunteer_hours: Decimal = Decimal("0")


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a 2024-10 style month."""
    year, number = (int(part) for part in month.split("-"))
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _in(day: Any, first: dt.date, last: dt.date) -> bool:
    return isinstance(day, dt.date) and first <= day <= last


def service_statistics(
    documents: list[ArchiveDocument],
    month: str,
    service_point: str,
    *,
    submitted: dt.date | None = None,
) -> ServiceStatistics:
    """The month's 社工服务统计表 for `service_point`, from the documents of its archive."""
    first, last = month_bounds(month)
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    by_form: dict[str, list[ArchiveDocument]] = defaultdict(list)
    for document in documents:
        if document.record is not None:  # only documents whose data we can trust
            by_form[document.form_id].append(document)

    closed_before: dict[str, dt.date] = {}
    for doc in by_form["case_closing"]:
        closing = doc.fact("closing_date")
        closed_before[doc.subject_id] = closing
        if _in(closing, first, last):
            tallies[doc.fact("worker_name")].closed_cases += 1
    for doc in by_form["case_consent"]:
        worker, signed = doc.fact("worker_name"), doc.fact("client_signed_date")
        if _in(signed, first, last):
            tallies[worker].new_cases += 1
        closed = closed_before.get(doc.subject_id)
        if signed <= last and (closed is None or closed >= first):
            tallies[worker].open_cases += 1
    for form_id in ("case_note_brief", "case_note_process"):
        for doc in by_form[form_id]:
            if _in(doc.fact("contact_date"), first, last):
                tallies[doc.fact("worker_name")].case_contacts += 1
    for doc in by_form["group_session_record"]:
        if _in(doc.fact("session_date"), first, last):
            tally = tallies[doc.fact("worker_name")]
            tally.group_sessions += 1
            tally.group_attendance += doc.fact("present") or 0
    signed_in: set[str] = set()
    for doc in by_form["volunteer_signin"]:
        if _in(doc.fact("service_date"), first, last):
            signed_in.add(doc.subject_id)
            tally = tallies[doc.fact("worker_name")]
            shifts = doc.fact("volunteers") or []
            tally.volunteer_times += len(shifts)
            tally.volunteer_hours += sum((s.hours for s in shifts), Decimal("0"))
    for doc in by_form["activity_report"]:
        if _in(doc.fact("activity_date"), first, last):
            tally = tallies[doc.fact("worker_name")]
            tally.activities += 1
            tally.activity_participants += doc.fact("actual_participants") or 0
            if doc.subject_id not in signed_in:
                tally.volunteer_times += doc.fact("volunteer_count") or 0
                tally.volunteer_hours += Decimal(doc.fact("volunteer_hours") or 0)

    rows = [
        {"worker": worker, **{name: getattr(tally, name) for name in _Tally.__dataclass_fields__}}
        for worker, tally in sorted(tallies.items())
        if worker
    ]
    return ServiceStatistics.model_validate(
        {
            "report_id": f"{service_point}-{month}",
            "service_point": service_point,
            "month": month,
            "submitted_date": submitted,
            "rows": rows,
            "notes": f"由 lvye-forms 根据 {len(documents)} 份文档统计（{first.isoformat()} 至 {last.isoformat()}）。",
        },
        context={"today": dt.date.max},
    )
