"""The generated documents of the last scan, kept in this process to be checked again.

Checking a folder again after fixing a few files (the web page's local-folder check, a
script) need not read and validate again the thousands that did not change. A generated
document is taken from the last scan when its file has the same path, size, modification
and change times, inode and device as then, and its form is still the one registered.
Only the last scan is kept (a scan replaces what the one before kept), so memory is bounded
by one archive; nothing is written to disk.

A file modified within the last two seconds of a scan is not kept: on a file system with
coarse times (FAT keeps two seconds) a second change in the same tick would otherwise go
unseen.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from pathlib import Path

from ..registry import UnknownForm, get_form
from .documents import ArchiveDocument

Stamp = tuple[int, int, int, int, int]
_RACY_SECONDS = 2

_lock = threading.Lock()
_kept: dict[Path, tuple[Stamp, ArchiveDocument]] = {}


def stamp(path: Path) -> Stamp | None:
    """What tells that the file changed, or None when it cannot be told (not a file)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if time.time() - info.st_mtime < _RACY_SECONDS:
        return None  # still being written, perhaps: read it, and do not keep it
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def recall(path: Path, now: Stamp | None) -> ArchiveDocument | None:
    """A copy of the document the last scan found at `path`, if the file is unchanged."""
    if now is None:
        return None
    with _lock:
        kept = _kept.get(path)
    if kept is None or kept[0] != now:
        return None
    document = kept[1]
    try:
        if document.record is None or get_form(document.form_id) is not type(document.record):
            return None  # the form was registered anew since
    except UnknownForm:
        return None
    return dataclasses.replace(document)  # its own object; the record is shared, never changed


def keep(found: dict[Path, tuple[Stamp, ArchiveDocument]]) -> None:
    """Remember this scan's generated documents, in place of the last scan's."""
    global _kept
    with _lock:
        _kept = found


def forget() -> None:
    keep({})
