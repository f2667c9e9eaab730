"""File names as people read them, whatever bytes the file system holds.

Archives copied from Windows machines or unpacked from zips often carry names in GBK, which a
UTF-8 Linux system hands to Python as lone surrogates ('\\udcb0'); printing such a name, or
putting it in JSON, HTML or XLSX, fails. Every report shows paths through `display_path`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def display_text(text: str) -> str:
    """`text` (a name from the file system) as printable Unicode.

    Names that are valid UTF-8 are returned as they are; other bytes are read as GB18030 (what
    Chinese Windows writes) and, failing that, shown with U+FFFD in place of the bad bytes.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    raw = os.fsencode(text) if os.name != "nt" else text.encode("utf-8", "surrogatepass")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def display_path(path: str | Path, root: Path | None = None) -> str:
    """`path` for a report: relative to `root` when under it, always printable."""
    path = Path(path)
    if root is not None:
        path = _relative(path, root)
    return display_text(str(path))


def _relative(path: Path, root: Path) -> Path:
    # Lexically first: a link that loops cannot be resolved (RuntimeError before Python 3.13).
    with contextlib.suppress(ValueError, OSError):
        return path.absolute().relative_to(root.absolute())
    with contextlib.suppress(ValueError, OSError, RuntimeError):
        return path.resolve().relative_to(root.resolve())
    return path
