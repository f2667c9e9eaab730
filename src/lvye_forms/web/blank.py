"""The blank printable form of a form (`lvye-forms blank`): its bytes, name and media type."""

from __future__ import annotations

from .. import api
from ..render.blank import blank_document
from ..render.output import safe_name

MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def make(form_id: str, agency: str | None) -> tuple[bytes, str, str]:
    """(bytes, download name, media type) of the empty form `form_id`."""
    model = api.describe(form_id).model
    name = safe_name(model.title, "空白", suffix=f".{model.kind}")
    return blank_document(form_id, agency), name, MEDIA[model.kind]
