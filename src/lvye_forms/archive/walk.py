"""Walking the archive's folder tree: which files are read, which are left out on purpose
(Office lock files, hidden files and folders), and symbolic links, special files and folders
that cannot be read (each an `Unplaced`)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..paths import display_text
from .unplaced import SYMLINK, UNREADABLE, Unplaced


def _ignored(path: Path) -> bool:
    # Office lock files (~$x.docx) and hidden files, among them our own temporary files
    # (.lvye-forms-….tmp).
    return path.name.startswith(("~$", "."))


def _os_reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "没有读取权限"
    if exc.errno == errno.ENOENT:
        return "文件不存在（可能在检查时被移走或删除）"
    if exc.errno == errno.ELOOP:
        return "链接形成循环"
    return display_text(exc.strerror or type(exc).__name__)


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


def _within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def _symlink_problem(path: Path, real_root: Path) -> Unplaced | None:
    """Why a symbolic link is not read, or None for a link to a file the scan reads anyway."""
    try:
        info = os.stat(path)  # follows the link
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Unplaced(path, SYMLINK, "链接形成循环（指向自己或互相指向），未读取")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return Unplaced(path, SYMLINK, "链接已失效：指向的文件不存在")
        return Unplaced(path, SYMLINK, f"无法读取链接指向的文件：{_os_reason(exc)}")
    if stat.S_ISDIR(info.st_mode):
        return Unplaced(
            path, SYMLINK, "指向文件夹的链接，未检查其中的文件；请把文件夹本身放进档案文件夹"
        )
    target = _resolved(path)
    if (
        target is not None
        and stat.S_ISREG(info.st_mode)
        and _within(target, real_root)
        and not any(part.startswith(".") for part in target.relative_to(real_root).parts[:-1])
        and not _ignored(target)
    ):
        return None  # the file itself is in the archive and is read where it lies
    if not stat.S_ISREG(info.st_mode):
        return Unplaced(path, SYMLINK, "链接指向的不是普通文件（设备、管道等），未读取")
    return Unplaced(
        path, SYMLINK, "链接指向档案文件夹以外的文件，未读取；请把文件本身放进档案文件夹"
    )


def walk(root: Path) -> tuple[list[Path], list[Unplaced], list[Path]]:
    """The regular files under `root` (sorted), what could not be walked or is not read, and
    what was left out on purpose.

    Symbolic links are never followed into folders, so loops cannot hang the walk; links to
    files in the archive are skipped (the file is found where it lies); other links, special
    files and folders that cannot be opened are returned as `Unplaced`. Hidden files and
    folders and Office lock files are left out, and returned as the third list.
    """
    files: list[Path] = []
    problems: list[Unplaced] = []
    ignored: list[Path] = []
    real_root = _resolved(root) or root
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            problems.append(Unplaced(folder, UNREADABLE, f"无法打开文件夹：{_os_reason(exc)}"))
            continue
        folders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    if _ignored(path):
                        ignored.append(path)
                    else:
                        problem = _symlink_problem(path, real_root)
                        if problem is not None:
                            problems.append(problem)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name.startswith("."):
                        ignored.append(path)
                        continue
                    info = entry.stat(follow_symlinks=False)
                    if (info.st_dev, info.st_ino) not in seen:
                        seen.add((info.st_dev, info.st_ino))
                        folders.append(path)
                elif _ignored(path):
                    ignored.append(path)
                    continue
                elif entry.is_file(follow_symlinks=False):
                    files.append(path)
                else:
                    problems.append(
                        Unplaced(path, UNREADABLE, "不是普通文件（设备、管道或套接字），未读取")
                    )
            except OSError as exc:
                problems.append(Unplaced(path, UNREADABLE, f"无法读取：{_os_reason(exc)}"))
        stack.extend(reversed(folders))
    return sorted(files), problems, sorted(ignored)


def iter_files(root: Path) -> Iterator[Path]:
    """The regular files `walk` finds under `root`."""
    yield from walk(root)[0]


def _unreadable(path: Path) -> Unplaced | None:
    """An Unplaced when the file cannot be opened for reading (no permission, gone)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return Unplaced(path, UNREADABLE, f"无法打开文件：{_os_reason(exc)}")
    os.close(descriptor)
    return None
