"""The blank printable form of a form, when the library offers one (`api.blank`).

Looked up when asked rather than imported, so the 表单 page works (linking only the input
workbooks) with a library version that has no blank forms yet.
"""

from __future__ import annotations

import importlib
import inspect
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import api
from ..render.output import safe_name

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _function() -> Callable[..., Any] | None:
    found = getattr(api, "blank", None)
    if callable(found):
        return found
    try:
        module = importlib.import_module("lvye_forms.render.blank")
    except ImportError:
        return None
    found = getattr(module, "blank", None)
    return found if callable(found) else None


def available() -> bool:
    return _function() is not None


def make(form_id: str) -> tuple[bytes, str, str]:
    """(bytes, download name, media type) of the blank form of `form_id`."""
    function = _function()
    if function is None:
        raise LookupError("no blank forms in this version")
    model = api.describe(form_id).model
    name = safe_name(model.title, "空白", suffix=f".{model.kind}")
    media = MEDIA.get(model.kind, "application/octet-stream")
    parameters = list(inspect.signature(function).parameters)
    if len(parameters) >= 2:  # blank(form_id, path, ...) writes a file
        with tempfile.TemporaryDirectory(prefix="lvye-forms-web-") as folder:
            path = Path(folder) / name
            function(form_id, path)
            return path.read_bytes(), name, media
    data = function(form_id)
    return bytes(data), name, media
