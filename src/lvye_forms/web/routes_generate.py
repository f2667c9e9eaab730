"""生成文档: upload a filled workbook or CSV, watch it render, read every problem, download.

The work is `api.render`, the function behind `lvye-forms render`; this module only saves the
upload in the job's private folder, runs the call in a thread (so the progress bar can be
fed by the render events) and zips what it wrote.
"""

from __future__ import annotations

import contextvars
import threading
import zipfile
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import api
from ..formats.as_json import report_data
from ..i18n import t
from ..privacy import mask_text
from ..render.output import safe_name
from . import catalogue
from .downloads import download_name, file_attachment
from .jobs import Progress, RenderJob, State
from .state import Web, session_of
from .uploads import INPUT_SUFFIXES, UploadRefused, save_upload, shown_name, upload_suffix

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _run(job: RenderJob, source: Path, outdir: Path, form_id: str | None, agency: str) -> None:
    try:
        job.report = api.render(
            [source],
            outdir,
            form_id=form_id,
            agency=agency or None,
            pdf=job.pdf,
            events=Progress(job),
        )
    except Exception as exc:  # the page says what happened; the server goes on
        reason = mask_text(f"{type(exc).__name__}: {exc}")
        job.error = t(
            f"生成时出现内部错误（{reason}）。请把这行和所用的文件报告给管理员。",
            f"Internal error while rendering ({reason}). Please report it with the file used.",
        )
        job.state = State.FAILED
    else:
        job.state = State.DONE
    finally:
        source.unlink(missing_ok=True)  # the upload is not needed once read


def problem_rows(job: RenderJob) -> list[dict[str, Any]]:
    """Every problem, masked as the CLI's JSON masks it."""
    if job.report is None:
        return []
    data = report_data(job.report)
    return [problem for file in data["files"] for problem in file["problems"]]


def document_rows(job: RenderJob) -> list[dict[str, Any]]:
    if job.report is None:
        return []
    data = report_data(job.report)
    return [
        {**document, "title": file["title"], "file_name": Path(document["path"]).name}
        for file in data["files"]
        for document in file["documents"]
    ]


def _documents(job: RenderJob) -> list[Path]:
    """The files the run wrote (or found unchanged): documents and their PDFs."""
    if job.report is None:
        return []
    paths: list[Path] = []
    for file in job.report.files:
        for document in file.documents:
            if document.written or document.status.value == "unchanged":
                paths.append(document.path)
                if document.pdf is not None and document.pdf_status in ("written", "unchanged"):
                    paths.append(document.pdf)
    return [p for p in paths if p.is_file()]


def _error_copy(job: RenderJob) -> Path | None:
    if job.report is None:
        return None
    copies = [p for p in job.report.annotated_copies if p.is_file()]
    return copies[0] if copies else None


def routes(web: Web) -> list[Route]:
    def job_of(request: Request) -> RenderJob:
        job = web.jobs.get(request.path_params["job"], session_of(request).id)
        if not isinstance(job, RenderJob):
            raise HTTPException(404)
        return job

    def upload_page(request: Request, *, error: str = "", status: int = 200) -> Response:
        settings = web.settings()
        return web.page(
            request,
            "generate.html",
            status=status,
            active="generate",
            error=error,
            forms=catalogue.entries(),
            limit_mb=web.upload_limit // (1024 * 1024),
            limit_bytes=web.upload_limit,
            output=settings.output,
            suffixes=",".join(INPUT_SUFFIXES),
        )

    async def upload(request: Request) -> Response:
        if request.method == "GET":
            return upload_page(request)
        form = await web.form(request)
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return upload_page(
                request, error=t("请先选择一个文件", "Choose a file first"), status=400
            )
        try:
            suffix = upload_suffix(file, INPUT_SUFFIXES)
            form_id = str(form.get("form") or "") or None
            if form_id is not None and not catalogue.known(form_id):
                raise UploadRefused(t("没有这个表单", "No such form"))
            if suffix == ".csv" and form_id is None:
                raise UploadRefused(
                    t(
                        "CSV 文件不带表单信息：请在“表单”中选择它是哪一个表单",
                        "A CSV file does not say which form it is: choose the form",
                    )
                )
        except UploadRefused as exc:
            return upload_page(request, error=str(exc), status=400)
        settings = web.settings()
        kept_in = Path(settings.output) if settings.output else None
        if kept_in is not None and not kept_in.is_dir():
            return upload_page(
                request,
                error=t(
                    f"设置中的输出文件夹不存在：{settings.output}",
                    f"The output folder in Settings does not exist: {settings.output}",
                ),
                status=400,
            )
        job = RenderJob(
            session=session_of(request).id,
            folder=web.jobs.folder(),
            upload_name=shown_name(file),
            pdf=form.get("pdf") == "1",
            kept_in=kept_in,
        )
        # The browser's name is never a path: only its stem, made a safe single file name (the
        # marked copy is named after it, in the output folder too), inside our own folder.
        source = job.folder / safe_name(Path(job.upload_name).stem or "数据", suffix=suffix)
        try:
            await save_upload(file, source)
        except UploadRefused as exc:
            job.remove_files()
            return upload_page(request, error=str(exc), status=400)
        web.jobs.add(job)
        web.apply_templates()
        outdir = kept_in or job.folder / "out"
        context = contextvars.copy_context()  # the page's language goes with the work
        threading.Thread(
            target=context.run,
            args=(_run, job, source, outdir, form_id, settings.agency),
            daemon=True,
        ).start()
        return RedirectResponse(f"/generate/{job.id}", status_code=303)

    async def show(request: Request) -> Response:
        job = job_of(request)
        return web.page(
            request,
            "generate_job.html",
            active="generate",
            job=job,
            problems=problem_rows(job),
            documents=document_rows(job),
            has_documents=bool(_documents(job)),
            has_errors=_error_copy(job) is not None,
            notices=report_data(job.report)["notices"] if job.report else [],
        )

    async def status(request: Request) -> Response:
        return JSONResponse(job_of(request).progress())

    def after_download(job: RenderJob, what: str, paths: list[Path]) -> BackgroundTask:
        def tidy() -> None:
            job.downloaded.add(what)
            for path in paths:
                # Files in the output folder from 设置 stay; everything else goes once sent.
                if job.kept_in is None or not path.is_relative_to(job.kept_in):
                    path.unlink(missing_ok=True)
            if not _documents(job) and _error_copy(job) is None or job.kept_in is not None:
                job.remove_files()

        return BackgroundTask(tidy)

    async def documents_zip(request: Request) -> Response:
        job = job_of(request)
        paths = _documents(job)
        if job.state is not State.DONE or not paths:
            raise HTTPException(404)
        package = job.folder / "documents.zip"
        names: set[str] = set()
        with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                if path.name not in names:
                    names.add(path.name)
                    archive.write(path, path.name)
        stem = Path(job.upload_name).stem or t("文档", "documents")
        name = download_name(stem, t("文档", "documents"), suffix=".zip")
        return file_attachment(
            package,
            name,
            "application/zip",
            after=after_download(job, "documents", [*paths, package]),
        )

    async def error_copy(request: Request) -> Response:
        job = job_of(request)
        path = _error_copy(job)
        if path is None:
            raise HTTPException(404)
        stem = Path(job.upload_name).stem or t("数据", "data")
        name = download_name(f"{stem}-待修改", suffix=".xlsx")
        return file_attachment(path, name, XLSX, after=after_download(job, "errors", [path]))

    async def discard(request: Request) -> Response:
        await web.form(request)
        job = job_of(request)
        web.jobs.finish(job)
        return RedirectResponse("/generate", status_code=303)

    return [
        Route("/generate", upload, methods=["GET", "POST"]),
        Route("/generate/{job}", show),
        Route("/generate/{job}/status", status),
        Route("/generate/{job}/documents.zip", documents_zip),
        Route("/generate/{job}/errors.xlsx", error_copy),
        Route("/generate/{job}/discard", discard, methods=["POST"]),
    ]
