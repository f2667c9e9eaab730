"""The empty paper form (`lvye-forms blank`): every label, tick boxes unticked, room to
write, for home visits where staff fill the form by hand.

A blank DOCX is the form's template (the agency's own when one is set) rendered with an
empty context; a blank XLSX comes from the tabular layout. Neither carries embedded data: a
blank is no record, and `extract` must not take it for one.
"""

from __future__ import annotations

import io

from docxtpl import DocxTemplate
from jinja2 import Environment

from ..registry import get_form, template_path
from .context import blank_context
from .package import normalise_zip


def blank_document(form_id: str, agency: str | None = None) -> bytes:
    """The bytes of the empty form `form_id` (.docx or .xlsx, as the form's kind)."""
    from .document import DEFAULT_AGENCY  # imported here: document imports the renderers

    model = get_form(form_id)
    agency = agency or DEFAULT_AGENCY
    if model.kind == "xlsx":
        from .xlsx import blank_table_bytes

        return blank_table_bytes(model, agency)
    template = DocxTemplate(str(template_path(form_id)))
    template.render(blank_context(model, agency), Environment(autoescape=True), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return normalise_zip(buffer.getvalue())
