"""Any report as JSON: its `to_dict()`, with personal numbers masked unless asked."""

from __future__ import annotations

import json
from typing import Any, Protocol

from ..privacy import mask_data, mask_whole


class _Report(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def report_data(report: _Report, *, show_personal: bool = False) -> dict[str, Any]:
    """The report's data as every machine-readable format prints it."""
    data = report.to_dict()
    return data if show_personal else masked(data)


def masked(data: Any) -> Any:
    """JSON-like data with personal numbers masked: whole in personal columns, else by content."""
    if isinstance(data, dict):
        if data.get("personal") is True and isinstance(data.get("value"), str):
            data = dict(data, value=mask_whole(data["value"]))
        return {key: masked(value) for key, value in data.items()}
    if isinstance(data, list):
        return [masked(item) for item in data]
    return mask_data(data)


def to_json(report: _Report, *, show_personal: bool = False) -> str:
    return json.dumps(
        report_data(report, show_personal=show_personal), ensure_ascii=False, indent=2
    )


def payload_to_json(payload: dict[str, Any], *, show_personal: bool = False) -> str:
    """The data a document carries (`extract`), masked by content unless asked."""
    return json.dumps(payload if show_personal else masked(payload), ensure_ascii=False, indent=2)
