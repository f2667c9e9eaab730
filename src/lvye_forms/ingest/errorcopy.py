"""Where the copy of an input with its bad cells marked goes, and when it may be replaced.

The copy is named `<input>-待修改.xlsx` in the output folder. A later run on the same input
replaces its own earlier copy (each copy holds the full data, ID numbers included, so copies
must not pile up as `(2)`, `(3)`…), but never a copy a person has changed: each copy records a
digest of its cell values, and a copy whose values no longer match it was edited (by Excel, WPS,
LibreOffice or a script alike) and is kept; the new copy then takes the next free name, or
replaces an untouched `(2)` of an earlier run.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from ..errors import Problem
from ..render.output import free_path, safe_name, write_atomic
from .annotate import annotated_copy

SUFFIX = "-待修改"
MARK = "lvye-forms"
_CORE = "docProps/core.xml"
_KEYWORDS = re.compile(rb"<cp:keywords>([^<]*)</cp:keywords>")
_CORE_LIMIT = 1024 * 1024
_MAX_COPIES = 50  # copies (2)…(50) a person may keep before we stop looking for a free name


def copy_name(path: Path) -> str:
    """`名单-待修改.xlsx` for 名单.xlsx (and for 名单-待修改.xlsx itself), shortened safely."""
    stem = path.stem.removesuffix(SUFFIX)
    return safe_name(f"{stem}{SUFFIX}", suffix=".xlsx")


def values_digest(source: Path | bytes) -> str:
    """A digest of every cell value of a workbook: what staff change when they fix cells."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    workbook = load_workbook(stream, read_only=True, data_only=False)
    digest = hashlib.sha256()
    try:
        for sheet in workbook.worksheets:
            digest.update(sheet.title.encode("utf-8", "surrogatepass") + b"\0")
            for row in sheet.iter_rows(values_only=True):
                digest.update(repr(row).encode("utf-8", "surrogatepass") + b"\n")
    finally:
        workbook.close()
    return digest.hexdigest()[:32]


def _marked(data: bytes) -> bytes:
    """The workbook with our mark and the digest of its values in its keywords property."""
    stamp = f"{MARK}:{values_digest(data)}".encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            blob = source.read(item.filename)
            if item.filename == _CORE:
                blob = _KEYWORDS.sub(b"", blob).replace(
                    b"</cp:coreProperties>",
                    b"<cp:keywords>" + stamp + b"</cp:keywords></cp:coreProperties>",
                )
            target.writestr(item, blob)
    return out.getvalue()


def is_untouched_copy(path: Path) -> bool:
    """True when `path` is an error copy we wrote and its cell values are still as written."""
    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo(_CORE)
            if info.file_size > _CORE_LIMIT:
                return False
            match = _KEYWORDS.search(package.read(info))
        if not match:
            return False
        stamp = match.group(1).decode("utf-8", "replace")
        return stamp == f"{MARK}:{values_digest(path)}"
    except Exception:  # not a workbook we can read: certainly not our untouched copy
        return False


def write_error_copy(path: Path, outdir: Path, problems: list[Problem]) -> Path:
    """Write the marked copy of `path` into `outdir` and return where it went.

    Raises OSError when it cannot be written.
    """
    data = _marked(annotated_copy(path, problems))
    first = outdir / copy_name(path)
    target = first
    for number in range(2, _MAX_COPIES + 2):
        if not target.exists() or is_untouched_copy(target) or _is_input(target, path):
            break
        # Someone's own file by that name, or a copy staff have edited: leave it alone.
        target = first.with_name(f"{first.stem}({number}){first.suffix}")
    else:
        target = free_path(first, avoid={path.resolve()})
    write_atomic(target, data, overwrite=True)
    return target


def _is_input(target: Path, path: Path) -> bool:
    """Staff ran on the copy itself: it is re-marked in place (its values are the input's)."""
    try:
        return target.resolve() == path.resolve() and path.name.endswith(f"{SUFFIX}.xlsx")
    except OSError:
        return False
