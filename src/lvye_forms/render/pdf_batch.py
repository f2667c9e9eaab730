"""PDFs for a whole render run: one batch through LibreOffice (shared among the cores),
results noted on each document."""

from __future__ import annotations

from ..render.output import WriteStatus
from ..report import RenderReport
from .pdf import LibreOfficeMissing, convert_to_pdf


def add_pdfs(report: RenderReport, *, overwrite: bool = False, jobs: int | None = None) -> None:
    """Convert every document of `report` that is on disk (written or unchanged) to PDF, with
    up to `jobs` LibreOffice processes at once (None: one per core)."""
    documents = [d for f in report.files for d in f.documents if d.status is not WriteStatus.KEPT]
    if not documents:
        return
    try:
        results = convert_to_pdf([d.path for d in documents], overwrite=overwrite, jobs=jobs)
    except LibreOfficeMissing as exc:
        report.notices.append(str(exc))
        return
    by_document = {result.document: result for result in results}
    for document in documents:
        result = by_document.get(document.path)
        if result is None:
            continue
        document.pdf = result.pdf
        document.pdf_status = result.status.value
        document.pdf_reason = result.reason or ""
