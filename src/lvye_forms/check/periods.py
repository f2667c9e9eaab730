"""Reporting periods a profile repeats a requirement over: half-years and quarters.

Each helper lists the periods from the one holding `start` to the one before the period holding
`end` (a period still running is not yet due), with the keys a profile's `for_each` reads:
`year`, `half` / `quarter`, `start`, `end`, `due` and `label`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

HALVES = ("上半年", "下半年")


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, at the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        # Like date + timedelta past 9999-12-31: a document's odd date, not the profile's fault.
        raise OverflowError("date value out of range")
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise OverflowError("date value out of range")


def half_years_between(start: dt.date | None, end: dt.date) -> list[dict[str, Any]]:
    """Each half-year (上半年 January–June, 下半年 July–December) from `start`'s to the one
    before `end`'s (staff appraisals twice a year, 000 第二章 五2). An appraisal looks back on
    the half-year, so it is due by the end of the month after it (31 July, 31 January): the
    seeds set no day, this is the tool's default."""
    if start is None:
        return []
    items = []
    year, half = start.year, 0 if start.month <= 6 else 1
    last = (end.year, 0 if end.month <= 6 else 1)
    while (year, half) < last:
        first_month = 1 + 6 * half
        period_end = dt.date(year, 6, 30) if half == 0 else dt.date(year, 12, 31)
        items.append(
            {
                "year": year,
                "half": HALVES[half],
                "start": dt.date(year, first_month, 1),
                "end": period_end,
                "due": dt.date(year, 7, 31) if half == 0 else dt.date(year + 1, 1, 31),
                "label": f"{year}年{HALVES[half]}",
            }
        )
        year, half = (year, 1) if half == 0 else (year + 1, 0)
    return items


def quarters_between(start: dt.date | None, end: dt.date) -> list[dict[str, Any]]:
    """Each calendar quarter from `start`'s to the one before `end`'s, due on the 15th after it
    ends (the caregivers' four-party evaluation every quarter, 000 第三章 五(三)2(1))."""
    if start is None:
        return []
    items = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    last = (end.year, (end.month - 1) // 3 + 1)
    while (year, quarter) < last:
        first_month = 3 * quarter - 2
        following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, first_month + 3, 1)
        items.append(
            {
                "year": year,
                "quarter": quarter,
                "start": dt.date(year, first_month, 1),
                "end": following - dt.timedelta(days=1),
                "due": following.replace(day=15),
                "label": f"{year}年第{quarter}季度",
            }
        )
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return items


def years_after(start: dt.date | None, end: dt.date) -> list[dict[str, Any]]:
    """Each anniversary of `start` up to `end`: `{"number", "start", "due", "label"}`, due a
    month after the anniversary (a yearly update of a plan: 000 第一章 五(一)3; a case plan's
    yearly review: 000 第三章 三(三)5, 003 三(五))."""
    if start is None:
        return []
    items = []
    number = 1
    while number <= 200:
        try:
            anniversary = add_months(start, 12 * number)  # 29 February: the 28th
        except OverflowError:  # past 9999
            break
        if anniversary > end:
            break
        try:
            due = add_months(anniversary, 1)
        except OverflowError:  # an anniversary in December 9999 is due on its own day
            due = anniversary
        items.append(
            {
                "number": number,
                "start": anniversary,
                "due": due,
                "label": f"第{number}年（{anniversary.year}年{anniversary.month}月{anniversary.day}日起）",
            }
        )
        number += 1
    return items
