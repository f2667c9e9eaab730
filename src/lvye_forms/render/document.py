"""One validated record → the bytes of its document (DOCX or XLSX) and its file name."""

from __future__ import annotations

from functools import cache
from typing import Any

from .. import __version__
from ..model import FormModel
from ..registry import template_path
from .context import template_context
from .docx import PreparedTemplate
from .fast_xlsx import fallback as table_fallback
from .output import safe_name
from .tabular import table_data
from .xlsx import render_table

DEFAULT_AGENCY = "东莞市绿叶社会工作服务中心"


@cache
def _prepared(form_id: str) -> PreparedTemplate:
    return PreparedTemplate(template_path(form_id))


def engine_fallback(form_id: str) -> str:
    """Why docxtpl (openpyxl for an XLSX form) rather than the prepared engine rendered
    documents of this form in this process ("" when it did not)."""
    if form_id not in _used:
        return table_fallback(form_id)
    return _prepared(form_id).fallback


_used: set[str] = set()  # forms whose template this process has prepared


def metadata(record: FormModel, agency: str) -> dict[str, Any]:
    """What a document carries about itself: form, schema version, agency and the record."""
    model = type(record)
    return {
        "form": model.form_id,
        "schema_version": model.schema_version,
        "agency": agency,
        "generator": f"lvye-forms {__version__}",
        "key": record.key(),
        "data": record.model_dump(mode="json"),
    }


def render_record(record: FormModel, agency: str = DEFAULT_AGENCY) -> bytes:
    """The document for one validated record, as bytes (same record → same bytes)."""
    model = type(record)
    if model.kind == "xlsx":
        return render_table(agency, model.title, table_data(record), metadata(record, agency))
    _used.add(model.form_id)
    return _prepared(model.form_id).render(
        template_context(record, agency), metadata(record, agency)
    )


def document_name(record: FormModel) -> str:
    """表单名_编号_姓名.docx, shortened safely when a value is very long."""
    model = type(record)
    return safe_name(model.title, record.key(), record.display_name(), suffix=f".{model.kind}")
