"""Any report as JSON: its `to_dict()`, with personal numbers masked unless asked."""

from __future__ import annotations

import json
from typing import Any, Protocol

from ..privacy import mask_data, mask_record, mask_whole


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


def to_json(report: _Report, *, show_personal: bool = False, ascii_only: bool = False) -> str:
    """`ascii_only` escapes every other character (\\uXXXX), for a console that cannot show it."""
    data = report_data(report, show_personal=show_personal)
    return json.dumps(data, ensure_ascii=ascii_only, indent=2)


def payload_to_json(
    payload: dict[str, Any], *, show_personal: bool = False, ascii_only: bool = False
) -> str:
    """The data a document carries (`extract`): personal columns masked whole and everything
    else by content, unless asked."""
    if not show_personal:
        data = mask_record(str(payload.get("form")), payload.get("data"))
        payload = masked({**payload, "data": None}) | {"data": data}
    return json.dumps(payload, ensure_ascii=ascii_only, indent=2)
