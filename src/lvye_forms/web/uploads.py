"""Receiving files from the browser: a size limit on every request body, the upload saved under
a name we choose (never the browser's), and an archive zip unpacked within the project's limits.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..i18n import t
from ..limits import MAX_PART_BYTES, MiB, PackageRefused, mb, open_package, read_member
from ..limits import too_large as too_large_package

MAX_UPLOAD_BYTES = 50 * MiB
INPUT_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".json")
_CHUNK = 1024 * 1024


class UploadRefused(Exception):
    """The upload is not taken; `str(exc)` says why, for the page. `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def too_large(limit: int) -> UploadRefused:
    return UploadRefused(
        t(
            f"文件太大：网页上传最多 {mb(limit)} MB。请把数据分成几个文件，或在命令行使用 lvye-forms。",
            f"The file is too large: uploads are limited to {mb(limit)} MB. Split the data into "
            "several files, or use the lvye-forms command.",
        ),
        413,
    )


class BodyLimit:
    """ASGI middleware: a request body past `limit` bytes stops with UploadRefused (413).

    A declared Content-Length over the limit is refused before anything is read; a body sent
    without one (chunked) is counted as it arrives.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0
        limit = self.limit

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        scope.setdefault("state", {})["body_limit"] = limit
        await self.app(scope, counted, send)


async def read_form(request: Request) -> Any:
    """The request's form, or UploadRefused with the reason (too large, malformed)."""
    limit = request.scope.get("state", {}).get("body_limit", MAX_UPLOAD_BYTES)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    try:
        return await request.form(max_files=2, max_fields=20)
    except MultiPartException as exc:
        raise UploadRefused(
            t(f"上传的内容不完整或格式不对：{exc}", f"The upload is malformed: {exc}")
        ) from None


def upload_suffix(upload: UploadFile, allowed: tuple[str, ...]) -> str:
    """The lower-case suffix of the browser's file name, if it is one we take."""
    name = upload.filename or ""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    if suffix not in allowed:
        raise UploadRefused(
            t(
                f"不能使用这种文件「{name}」：请上传 {'、'.join(allowed)} 文件",
                f"Cannot use the file '{name}': upload a {', '.join(allowed)} file",
            )
        )
    return suffix


async def save_upload(upload: UploadFile, target: Path) -> None:
    """Copy the upload to `target` (a name we chose) in chunks."""
    with target.open("wb") as stream:
        while chunk := await upload.read(_CHUNK):
            stream.write(chunk)
    if target.stat().st_size == 0:
        raise UploadRefused(t("上传的文件是空的（0 字节）", "The uploaded file is empty (0 bytes)"))


def shown_name(upload: UploadFile) -> str:
    """The browser's file name without any folder part, for showing and download names."""
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[\x00-\x1f\x7f]", "", name)[:200]


# --- archive zips ----------------------------------------------------------------------------

MAX_ARCHIVE_MEMBER = MAX_PART_BYTES  # one document or scan in an archive
# All members together: a 50 MB upload of documents (already compressed) unpacks to little
# more; the package limit of a workbook (1 GiB) would be a lot of disk for one web request.
MAX_ARCHIVE_BYTES = 512 * MiB
_BAD_PART = re.compile(r'[\x00-\x1f<>:"|?*]')


def _member_name(info: zipfile.ZipInfo) -> str:
    # Zips made by Windows' "send to compressed folder" on a Chinese system store GBK names
    # without the UTF-8 flag; zipfile then decodes them as cp437 and every name is garbled.
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return name


def _safe_parts(name: str) -> list[str] | None:
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or _BAD_PART.search(p) or p.endswith((" ", ".")) for p in parts):
        return None
    return parts


def extract_archive(zip_path: Path, target: Path) -> int:
    """Unpack an uploaded archive zip into `target` (empty); the number of files written.

    The package is checked as every workbook is (`limits.open_package`: member count, sizes,
    compression ratio, `..` and absolute names); links and names that are not plain relative
    paths are skipped. Raises PackageRefused with the reason.
    """
    with zip_path.open("rb") as stream:
        package = open_package(stream, lambda _name: MAX_ARCHIVE_MEMBER, kind=".zip")
        written = 0
        with package:
            total = sum(info.file_size for info in package.infolist())
            if total > MAX_ARCHIVE_BYTES:
                raise too_large_package(t("全部内容", "content"), total, MAX_ARCHIVE_BYTES)
            for info in package.infolist():
                if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
                    continue
                parts = _safe_parts(_member_name(info))
                if parts is None:
                    continue
                destination = target.joinpath(*parts)
                if not destination.resolve().is_relative_to(target.resolve()):
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                data = read_member(package, info.filename, MAX_ARCHIVE_MEMBER)
                destination.write_bytes(data)
                written += 1
    if written == 0:
        raise PackageRefused(t("压缩包里没有文件", "The zip holds no files"))
    return written


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
