"""Writing files safely: readable names, atomic writes, never clobbering someone's file."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from enum import Enum
from pathlib import Path

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_MAX_NAME = 120  # characters, leaving room in Windows' 260-character paths


class WriteStatus(str, Enum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"  # same bytes already there (documents render deterministically)
    REPLACED = "replaced"  # different file there, replaced because --overwrite was given
    KEPT = "kept"  # different file there, left alone


def safe_name(*parts: str, suffix: str) -> str:
    """A file name from parts, readable in Chinese, valid on Windows, macOS and Linux."""
    text = "_".join(p for p in (unicodedata.normalize("NFC", p).strip() for p in parts) if p)
    text = _UNSAFE.sub("_", text).strip(" .")
    text = re.sub(r"_+", "_", text) or "document"
    return text[:_MAX_NAME] + suffix


def write_atomic(path: Path, data: bytes, *, overwrite: bool) -> WriteStatus:
    """Write `data` to `path` via a temporary file, so no reader ever sees half a file."""
    existed = path.exists()
    if existed:
        if path.read_bytes() == data:
            return WriteStatus.UNCHANGED
        if not overwrite:
            return WriteStatus.KEPT
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return WriteStatus.REPLACED if existed else WriteStatus.WRITTEN


def free_path(path: Path, *, avoid: set[Path] | None = None) -> Path:
    """`path`, or `name(2).ext`, `name(3).ext`… — the first that is not taken."""
    avoid = avoid or set()
    candidate, n = path, 2
    while candidate.exists() or candidate.resolve() in avoid:
        candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
        n += 1
    return candidate
