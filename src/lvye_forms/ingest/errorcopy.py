"""Where the copy of an input with its bad cells marked goes, and when it may be replaced.

The copy is named `<input>-待修改.xlsx` in the output folder. A later run on the same input
replaces its own earlier copy (each copy holds the full data, ID numbers included, so copies
must not pile up as `(2)`, `(3)`…), but never a file a person has since saved: Excel, WPS and
LibreOffice record who last saved a workbook, and our copies say "lvye-forms" there until then.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from ..errors import Problem
from ..render.output import free_path, safe_name, write_atomic
from .annotate import annotated_copy

SUFFIX = "-待修改"
MARK = "lvye-forms"
_CORE = "docProps/core.xml"
_MODIFIED_BY = re.compile(rb"<cp:lastModifiedBy>([^<]*)</cp:lastModifiedBy>")
_CORE_LIMIT = 1024 * 1024


def copy_name(path: Path) -> str:
    """`名单-待修改.xlsx` for 名单.xlsx (and for 名单-待修改.xlsx itself), shortened safely."""
    stem = path.stem.removesuffix(SUFFIX)
    return safe_name(f"{stem}{SUFFIX}", suffix=".xlsx")


def _marked(data: bytes) -> bytes:
    """The workbook with lastModifiedBy set to our mark (so a later run knows it is ours)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            blob = source.read(item.filename)
            if item.filename == _CORE:
                if _MODIFIED_BY.search(blob):
                    blob = _MODIFIED_BY.sub(
                        b"<cp:lastModifiedBy>" + MARK.encode() + b"</cp:lastModifiedBy>", blob
                    )
                else:
                    blob = blob.replace(
                        b"</cp:coreProperties>",
                        b"<cp:lastModifiedBy>"
                        + MARK.encode()
                        + b"</cp:lastModifiedBy></cp:coreProperties>",
                    )
            target.writestr(item, blob)
    return out.getvalue()


def is_untouched_copy(path: Path) -> bool:
    """True when `path` is an error copy we wrote and nobody has saved since."""
    try:
        with zipfile.ZipFile(path) as package:
            info = package.getinfo(_CORE)
            if info.file_size > _CORE_LIMIT:
                return False
            match = _MODIFIED_BY.search(package.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    return bool(match and match.group(1).decode("utf-8", "replace") == MARK)


def write_error_copy(path: Path, outdir: Path, problems: list[Problem]) -> Path:
    """Write the marked copy of `path` into `outdir` and return where it went.

    Raises OSError when it cannot be written.
    """
    target = outdir / copy_name(path)
    data = _marked(annotated_copy(path, problems))
    same_as_input = target.exists() and target.resolve() == path.resolve()
    if (
        target.exists()
        and not is_untouched_copy(target)
        and not (same_as_input and path.name.endswith(f"{SUFFIX}.xlsx"))
    ):
        # Someone's own file by that name, or a copy staff have edited: leave it alone.
        target = free_path(target, avoid={path.resolve()})
    write_atomic(target, data, overwrite=True)
    return target
