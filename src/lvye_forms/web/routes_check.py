"""档案检查: check an archive (a folder on this computer, or an uploaded zip) against a profile
and show the same report as `lvye-forms check --format html`, with its XLSX to download.

The work is `api.check_archive` and the formatters `check_to_html` / `check_to_xlsx`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import api
from ..check.findings import FindingStatus
from ..check.profile import ProfileError
from ..formats.as_html import check_to_html
from ..formats.as_xlsx import check_to_xlsx
from ..i18n import t
from ..ingest.tables import UnreadableFile
from ..limits import PackageRefused
from .downloads import attachment, download_name
from .jobs import CheckJob, State
from .security import is_local_client
from .state import Web, client_address, session_of
from .uploads import UploadRefused, extract_archive, save_upload, shown_name, upload_suffix

PROFILES = ("lvye", "leya", "naner", "guangzhou")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The report page runs its own small script (sorting, filtering) and nothing else.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "frame-ancestors 'self'"
)


def _profile_titles() -> list[tuple[str, str]]:
    from ..check.profile import load_profile

    titles = []
    for name in PROFILES:
        try:
            titles.append((name, load_profile(name).title))
        except ProfileError:
            titles.append((name, name))
    return titles


def routes(web: Web) -> list[Route]:
    def page(request: Request, *, error: str = "", status: int = 200, **values: str) -> Response:
        return web.page(
            request,
            "check.html",
            status=status,
            active="check",
            error=error,
            profiles=_profile_titles(),
            values={"profile": "lvye", "as_of": dt.date.today().isoformat(), **values},
            limit_mb=web.upload_limit // (1024 * 1024),
            limit_bytes=web.upload_limit,
        )

    def job_of(request: Request) -> CheckJob:
        job = web.jobs.get(request.path_params["job"], session_of(request).id)
        if not isinstance(job, CheckJob) or job.report is None:
            raise HTTPException(404)
        return job

    async def check(request: Request) -> Response:
        if request.method == "GET":
            return page(request)
        form = await web.form(request)
        profile = str(form.get("profile") or "lvye")
        as_of_text = str(form.get("as_of") or "")
        folder_text = str(form.get("folder") or "").strip().strip('"')
        values = {"profile": profile, "as_of": as_of_text, "folder": folder_text}
        try:
            if profile not in PROFILES:
                raise UploadRefused(t("没有这个规则", "No such profile"))
            try:
                as_of = dt.date.fromisoformat(as_of_text) if as_of_text else dt.date.today()
            except ValueError:
                raise UploadRefused(
                    t("截至日期应写成 2024-12-31", "Write the date as 2024-12-31")
                ) from None
            upload = form.get("archive")
            job = CheckJob(session=session_of(request).id, folder=web.jobs.folder())
        except UploadRefused as exc:
            return page(request, error=str(exc), status=400, **values)
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                upload_suffix(upload, (".zip",))
                job.archive_label = shown_name(upload)
                package = job.folder / "archive.zip"
                await save_upload(upload, package)
                archive = job.folder / "档案"
                archive.mkdir()
                try:
                    await run_in_threadpool(extract_archive, package, archive)
                except PackageRefused as exc:
                    raise UploadRefused(
                        t(f"无法使用这个压缩包：{exc}", f"Cannot use this zip: {exc}")
                    ) from None
                package.unlink()
            elif folder_text:
                if not is_local_client(client_address(request)):
                    raise UploadRefused(
                        t(
                            "只有在运行本工具的电脑上才能填写文件夹路径；请上传档案的 zip 压缩包。",
                            "A folder path is accepted only on the computer running this tool; "
                            "upload the archive as a zip instead.",
                        ),
                        403,
                    )
                archive = Path(folder_text).expanduser()
                if not archive.is_dir():
                    raise UploadRefused(
                        t(f"找不到文件夹：{folder_text}", f"No such folder: {folder_text}")
                    )
                job.archive_label = str(archive)
            else:
                raise UploadRefused(
                    t(
                        "请填写档案文件夹的路径，或上传档案的 zip 压缩包",
                        "Give the archive folder's path, or upload the archive as a zip",
                    )
                )
            try:
                job.report = await run_in_threadpool(
                    api.check_archive, archive, profile=profile, as_of=as_of
                )
            except (ProfileError, UnreadableFile) as exc:
                raise UploadRefused(str(exc)) from None
        except UploadRefused as exc:
            job.remove_files()
            return page(request, error=str(exc), status=exc.status, **values)
        # The report is all the page needs: the unpacked archive goes now.
        job.remove_files()
        job.state = State.DONE
        web.jobs.add(job)
        return RedirectResponse(f"/check/{job.id}", status_code=303)

    async def show(request: Request) -> Response:
        job = job_of(request)
        assert job.report is not None
        return web.page(
            request,
            "check_result.html",
            active="check",
            job=job,
            report=job.report,
            labels={status.value: status.label for status in FindingStatus},
        )

    async def report_html(request: Request) -> Response:
        job = job_of(request)
        assert job.report is not None
        html = await run_in_threadpool(check_to_html, job.report)
        return HTMLResponse(html, headers={"content-security-policy": REPORT_CSP})

    async def report_xlsx(request: Request) -> Response:
        job = job_of(request)
        assert job.report is not None
        data = await run_in_threadpool(check_to_xlsx, job.report)
        name = download_name(
            t("档案检查", "archive-check"),
            job.report.profile,
            job.report.as_of.isoformat(),
            suffix=".xlsx",
        )
        return attachment(data, name, XLSX)

    return [
        Route("/check", check, methods=["GET", "POST"]),
        Route("/check/{job}", show),
        Route("/check/{job}/report.html", report_html),
        Route("/check/{job}/report.xlsx", report_xlsx),
    ]
