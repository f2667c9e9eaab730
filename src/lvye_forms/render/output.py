"""Writing files safely: readable names, atomic writes, never clobbering someone's file.

- `safe_name` makes a file name from record values that every file system accepts: no
  characters Windows forbids, no reserved device names, and at most `MAX_NAME_BYTES` bytes of
  UTF-8 (ext4 and most systems allow 255 bytes; a Chinese character takes 3). A name cut to
  fit ends in a short hash of the whole name, so two long names never become one.
- `write_atomic` writes through a temporary file in the target folder named
  ``.lvye-forms-<pid>-<random>.tmp`` (never the document's name: it may be a client's), then
  renames it into place, so no reader ever sees half a file. Files get the permissions the
  user's umask gives new files. Any failure raises `WriteFailed` (an OSError) with a reason a
  person can act on, and leaves no temporary file behind.
- `remove_leftovers` deletes the temporary files a killed earlier run left in a folder.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import os
import re
import stat
import tempfile
import time
import unicodedata
from collections.abc import Collection
from enum import Enum
from pathlib import Path

from ..i18n import t

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+')
_MAX_NAME = 120  # characters, leaving room in Windows' 260-character paths
MAX_NAME_BYTES = 200  # UTF-8 bytes, suffix included: room under 255 for "(12)" and the like
_HASH_LENGTH = 8
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)", re.I)

TEMP_PREFIX = ".lvye-forms-"
_TEMP_NAME = re.compile(r"^\.lvye-forms-(\d+)-[A-Za-z0-9_]+\.tmp$")
LEFTOVER_AGE = 3600  # seconds after which a temporary file is a leftover whoever made it


class WriteStatus(str, Enum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"  # same bytes already there (documents render deterministically)
    REPLACED = "replaced"  # different file there, replaced because --overwrite was given
    KEPT = "kept"  # different file there, left alone


# --- names ----------------------------------------------------------------------------------


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(text: str, max_bytes: int, max_chars: int) -> str:
    """The longest start of `text` within both limits, ending on a whole character."""
    text = text[:max_chars]
    while _utf8_length(text) > max_bytes:
        # Drop roughly the excess at once, then one character at a time.
        excess = _utf8_length(text) - max_bytes
        text = text[: len(text) - max(1, excess // 4)]
    # A combining mark without its base, or a lone joiner, would look broken.
    while text and (unicodedata.combining(text[-1]) or text[-1] in "\u200d\ufe0f"):
        text = text[:-1]
    return text


def safe_name(*parts: str, suffix: str) -> str:
    """A file name from parts, readable in Chinese, valid on Windows, macOS and Linux.

    Short names are the parts joined with "_", characters no file system accepts replaced by
    "_". A longer one is cut (at most 120 characters and `MAX_NAME_BYTES` bytes of UTF-8,
    suffix included) and ends in "~" and 8 hex digits of a hash of the whole name.
    """
    joined = "_".join(p for p in (unicodedata.normalize("NFC", p).strip() for p in parts) if p)
    text = _UNSAFE.sub("_", joined).strip(" .")
    text = re.sub(r"_+", "_", text)
    if not text.strip("_ ."):
        text = "document"
    head, dot, rest = text.partition(".")
    if _RESERVED.fullmatch(head.rstrip(" ")):
        text = f"{head}_{dot}{rest}"  # CON, NUL, COM1… (also before a dot) are devices on Windows
    suffix_bytes = _utf8_length(suffix)
    if len(text) <= _MAX_NAME and _utf8_length(text) + suffix_bytes <= MAX_NAME_BYTES:
        return text + suffix
    digest = hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LENGTH]
    tail = f"~{digest}"
    head = _cut(text, MAX_NAME_BYTES - suffix_bytes - len(tail), _MAX_NAME - len(tail))
    head = head.rstrip(" ._")
    return f"{head}{tail}{suffix}"


# --- writing --------------------------------------------------------------------------------


def _read_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    # Elsewhere the only way is to set it and put it back: done once, at import.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()
FILE_MODE = 0o666 & ~_UMASK


class WriteFailed(OSError):
    """A file could not be written. `str(exc)` (also `exc.strerror`) says why in the current
    language; `exc.filename` is the target, `exc.errno` the system's error number."""

    def __init__(self, path: Path, cause: OSError) -> None:
        reason = _reason(cause)
        super().__init__(cause.errno or 0, reason, str(path))
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return t(
            f"无法写入「{self.path.name}」：{self.reason}",
            f"cannot write {self.path.name}: {self.reason}",
        )


_REASONS = {
    errno.ENOSPC: ("磁盘空间不足", "the disk is full"),
    errno.EDQUOT: ("超出了磁盘配额", "the disk quota is exceeded"),
    errno.EACCES: (
        "没有写入权限，或文件正被其他程序（如 Word、Excel、WPS）打开",
        "permission denied, or the file is open in another program (Word, Excel, WPS)",
    ),
    errno.EPERM: ("操作不被允许（没有权限）", "operation not permitted"),
    errno.EROFS: ("磁盘或文件夹是只读的", "the disk or folder is read-only"),
    errno.ENAMETOOLONG: ("文件名或路径过长", "the file name or path is too long"),
    errno.EISDIR: ("已有同名的文件夹", "a folder of that name exists"),
    errno.ENOTDIR: (
        "路径中有一个同名的文件而不是文件夹",
        "part of the path is a file, not a folder",
    ),
    errno.ENOENT: ("文件夹不存在", "the folder does not exist"),
    errno.EBUSY: ("文件正被其他程序占用", "the file is in use by another program"),
    errno.ETXTBSY: ("文件正被其他程序占用", "the file is in use by another program"),
    errno.EIO: ("磁盘读写出错", "input/output error on the disk"),
}


def _reason(exc: OSError) -> str:
    if getattr(exc, "winerror", None) in (32, 33):  # sharing / lock violation on Windows
        return t(
            "文件正被其他程序（如 Word、Excel、WPS）打开，请关闭后重试",
            "the file is open in another program (Word, Excel, WPS); close it and try again",
        )
    if exc.errno in _REASONS:
        zh, en = _REASONS[exc.errno]
        return t(zh, en)
    return exc.strerror or str(exc) or type(exc).__name__


def _fsync_directory(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a folder; the file itself is synced
    finally:
        os.close(handle)


def _begin(
    path: Path, data: bytes, overwrite: bool, folders: set[Path] | None = None
) -> WriteStatus | tuple[int, Path, bool]:
    """UNCHANGED or KEPT when nothing is to be written, else an open temporary file (handle,
    path) beside `path` and whether `path` existed. Raises WriteFailed. `folders` remembers
    the folders already made in this batch (making one is a few system calls per file)."""
    try:
        existed = path.exists()
        if existed:
            if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
                return WriteStatus.UNCHANGED
            if not overwrite:
                return WriteStatus.KEPT
        if folders is None or path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            if folders is not None:
                folders.add(path.parent)
        handle, temporary = _temporary(path.parent)
    except WriteFailed:
        raise
    except OSError as exc:
        raise WriteFailed(path, exc) from exc
    return handle, temporary, existed


_serial = itertools.count()


def _temporary(folder: Path) -> tuple[int, Path]:
    """A new temporary file in `folder`, open for writing, only its owner may read it.

    Named by this process and a counter (mkstemp's random names cost more than the write of a
    small document); created exclusively, so a name someone else holds is skipped.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _attempt in range(100):
        temporary = folder / f"{TEMP_PREFIX}{os.getpid()}-{next(_serial)}.tmp"
        try:
            return os.open(temporary, flags, 0o600), temporary
        except FileExistsError:
            continue
    handle, name = tempfile.mkstemp(
        prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder
    )
    return handle, Path(name)


def _fill(handle: int, data: bytes, *, sync: bool) -> None:
    with os.fdopen(handle, "wb") as stream:
        if os.name != "nt":
            os.fchmod(stream.fileno(), FILE_MODE)
        stream.write(data)
        stream.flush()
        if sync:
            _fsync(stream.fileno())


def _fsync(handle: int) -> None:
    try:
        os.fsync(handle)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise  # a file system that cannot sync at all is no failure to write


def _abandon(temporary: Path, path: Path, exc: BaseException) -> WriteFailed | None:
    """Remove the temporary file; the WriteFailed to raise for an OSError (None: re-raise)."""
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
    if isinstance(exc, WriteFailed):
        return exc
    if isinstance(exc, OSError):
        return WriteFailed(path, exc)
    return None


def write_atomic(path: Path, data: bytes, *, overwrite: bool) -> WriteStatus:
    """Write `data` to `path` via a temporary file, so no reader ever sees half a file.

    Raises WriteFailed (an OSError) when the file cannot be written; no temporary file stays.
    """
    begun = _begin(path, data, overwrite)
    if isinstance(begun, WriteStatus):
        return begun
    handle, temporary, existed = begun
    try:
        _fill(handle, data, sync=True)
        os.replace(temporary, path)
    except BaseException as exc:
        failure = _abandon(temporary, path, exc)
        if failure is None:
            raise
        raise failure from exc
    _fsync_directory(path.parent)
    return WriteStatus.REPLACED if existed else WriteStatus.WRITTEN


def write_many(
    items: list[tuple[Path, bytes]], *, overwrite: bool
) -> list[WriteStatus | WriteFailed]:
    """`write_atomic` for several files at once, one outcome per file in order.

    The same guarantees — no reader sees half a file, a file's data is on disk before its name
    points at it, no temporary file stays — at the cost of one sync for the group instead of
    two per file (a batch of forms spent most of its time waiting for the disk): every
    temporary file is written, the disk is synced once, then each is renamed into place and
    each folder is synced once.
    """
    outcomes: list[WriteStatus | WriteFailed] = []
    staged: list[tuple[int, Path, Path, bool]] = []  # outcome index, temporary, target, existed
    group_sync = hasattr(os, "sync") and len(items) > 1
    made: set[Path] = set()
    for path, data in items:
        try:
            begun = _begin(path, data, overwrite, made)
        except WriteFailed as failed:
            outcomes.append(failed)
            continue
        if isinstance(begun, WriteStatus):
            outcomes.append(begun)
            continue
        handle, temporary, existed = begun
        try:
            _fill(handle, data, sync=not group_sync)
        except BaseException as exc:
            failure = _abandon(temporary, path, exc)
            if failure is None:
                _discard(staged)
                raise
            outcomes.append(failure)
            continue
        staged.append((len(outcomes), temporary, path, existed))
        outcomes.append(WriteStatus.WRITTEN)  # settled below
    if group_sync and staged:
        os.sync()
    folders: set[Path] = set()
    for index, temporary, path, existed in staged:
        try:
            os.replace(temporary, path)
        except BaseException as exc:
            failure = _abandon(temporary, path, exc)
            if failure is None:
                _discard(staged)
                raise
            outcomes[index] = failure
            continue
        folders.add(path.parent)
        outcomes[index] = WriteStatus.REPLACED if existed else WriteStatus.WRITTEN
    for folder in folders:
        _fsync_directory(folder)
    return outcomes


def _discard(staged: list[tuple[int, Path, Path, bool]]) -> None:
    for _index, temporary, _path, _existed in staged:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    if os.name == "nt":  # os.kill would end the process there; the age rule alone applies
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or cannot tell: treat as running
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files of a killed earlier run from `folder`; returns those removed.

    Only regular files named as `write_atomic` names them, and only when the process that made
    them is gone or they are older than an hour. Never raises: a file that cannot be removed
    is left.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            if _running(int(match.group(1))) and now - info.st_mtime < LEFTOVER_AGE:
                continue
            os.unlink(entry.path)
        except (OSError, ValueError):
            continue
        removed.append(Path(entry.path))
    return removed


def free_path(path: Path, *, avoid: Collection[object] | None = None) -> Path:
    """`path`, or `name(2).ext`, `name(3).ext`… — the first that is not taken: not on disk,
    and not in `avoid` (paths, resolved or as absolute paths in casefold — names a run has
    given out but perhaps not yet written)."""
    avoid = avoid or ()
    candidate, n = path, 2
    while (
        candidate.exists()
        or candidate.resolve() in avoid
        or str(candidate.absolute()).casefold() in avoid
    ):
        candidate = path.with_name(f"{path.stem}({n}){path.suffix}")
        n += 1
    return candidate
