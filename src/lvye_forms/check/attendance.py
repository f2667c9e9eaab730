"""Unexplained absences read from a group's attendance sheets (《小组点名表》).

leya's rule (001 第八条 五2(3)): 若参加者连续无故缺席，而没有任何通知者，项目实施方会视其为自动
退出服务，并会发出《退出服务申请表》给该参加者. A session counts as an unexplained absence when
the member neither attended nor is listed as excused (请假节次); sessions are those the sheet
lists, in order, so a session that was never held breaks no run.
"""

from __future__ import annotations

from typing import Any

from ..archive import Unknown


def absent_runs(sheets: Any, run: Any = 2) -> list[dict[str, Any]]:
    """Members with at least `run` consecutive unexplained absences, each once:
    `{"name", "sessions", "label"}` with the sessions of their first such run."""
    if not isinstance(run, int) or isinstance(run, bool) or run < 1:
        raise TypeError("absent_runs 的连续次数应是正整数")
    found: dict[str, list[int]] = {}
    for sheet in _as_list(sheets):
        sessions = sorted(
            number
            for number in (getattr(s, "number", None) for s in _as_list(getattr(sheet, "sessions", None)))
            if isinstance(number, int)
        )
        for member in _as_list(getattr(sheet, "members", None)):
            name = str(getattr(member, "name", "") or "").strip()
            if not name or name in found:
                continue
            present = set(_as_list(getattr(member, "attended", None)))
            present |= set(_as_list(getattr(member, "excused", None)))
            streak: list[int] = []
            for number in sessions:
                streak = [] if number in present else [*streak, number]
                if len(streak) >= run:
                    found[name] = streak
                    break
    return [
        {
            "name": name,
            "sessions": numbers,
            "label": f"{name}（第{'、'.join(str(n) for n in numbers)}节无故缺席）",
        }
        for name, numbers in found.items()
    ]


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, Unknown):  # a scanned sheet: who was absent cannot be read
        raise value.error()
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]
