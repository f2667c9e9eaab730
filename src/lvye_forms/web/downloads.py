"""Responses that download a file under a readable (Chinese) name."""

from __future__ import annotations

from pathlib import Path

from starlette.background import BackgroundTask
from starlette.responses import FileResponse, Response

from ..render.output import safe_name


def _disposition(name: str) -> dict[str, str]:
    from urllib.parse import quote

    # RFC 6266: an ASCII fallback and the UTF-8 name every current browser uses.
    stem, dot, suffix = name.rpartition(".")
    fallback = "download" + (f".{suffix}" if dot else "")
    return {
        "content-disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    }


def attachment(data: bytes, name: str, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers=_disposition(name))


def file_attachment(
    path: Path, name: str, media_type: str, *, after: BackgroundTask | None = None
) -> FileResponse:
    """`path` downloaded as `name`; `after` runs once it is sent (removing the file)."""
    return FileResponse(path, media_type=media_type, headers=_disposition(name), background=after)


def download_name(*parts: str, suffix: str) -> str:
    return safe_name(*parts, suffix=suffix)
