"""Bounds on the work one input file can make us do, and safe opening of zip packages.

A workbook or document is a zip package whose directory says how large each member becomes
when decompressed. A hostile or broken file can claim anything: a 1.5 GiB data part, a
thousand-to-one "zip bomb", a hundred thousand members, a member called ``../../x``. Every
package is checked here before anything reads it, and every member we read ourselves is read
through `read_member`, which also stops when the bytes actually produced pass the limit (the
directory can lie). Python's zipfile never produces more bytes than the directory declares
(it cuts the stream there and the CRC check fails), so a declared size within the limit bounds
what openpyxl reads too.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable
from typing import IO

from .errors import Code
from .i18n import t

MiB = 1024 * 1024

MAX_MEMBERS = 5000  # members in one package; real workbooks and documents have dozens
MAX_DIRECTORY_BYTES = 16 * MiB  # the zip's central directory itself
MAX_SHEET_BYTES = 200 * MiB  # one worksheet or the shared strings, decompressed
MAX_PART_BYTES = 50 * MiB  # any other XML part (styles, workbook, relationships…)
MAX_PACKAGE_BYTES = 1024 * MiB  # all members together, decompressed
MAX_EMBEDDED_BYTES = 20 * MiB  # the lvye-forms data part of a document
MAX_PROPERTIES_BYTES = 10 * MiB  # docProps/custom.xml
MAX_RATIO = 200  # decompressed / compressed size above which a large member is a zip bomb
RATIO_MIN_BYTES = 10 * MiB  # members smaller than this are not judged by their ratio
MAX_CSV_BYTES = 200 * MiB  # a CSV file on disk
MAX_CELLS = 5_000_000  # non-empty cells (and table cells) read from one input file
MAX_ANNOTATE_CELLS = 2_000_000  # cells of a workbook we load whole to mark its errors
MAX_MERGED_CELLS = 1_000_000  # cells covered by merged ranges in such a workbook
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


class PackageRefused(Exception):
    """The package is not read; `str(exc)` says why (in the current language)."""

    code: Code = Code.UNREADABLE


class TooLarge(PackageRefused):
    code = Code.FILE_TOO_LARGE


class NotAPackage(PackageRefused):
    """Not a zip at all; `ole` is True for an OLE compound file (.xls, .doc, encrypted OOXML)."""

    def __init__(self, reason: str, *, ole: bool = False) -> None:
        super().__init__(reason)
        self.ole = ole


def mb(size: int) -> str:
    """A byte count as megabytes for a message: 1536 → '0.0015', 200 MiB → '200'."""
    value = size / MiB
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}" if value < 1 else f"{value:.1f}"


def too_large(what: str, size: int | None, limit: int) -> TooLarge:
    """The refusal for `what` (e.g. 工作表「Sheet1」) being `size` bytes over `limit`."""
    if size is None:
        return TooLarge(
            t(
                f"文件中的{what}超过 {mb(limit)} MB 上限，未读取",
                f"{what} in the file exceeds the {mb(limit)} MB limit; not read",
            )
        )
    return TooLarge(
        t(
            f"文件中的{what}解压后有 {mb(size)} MB，超过 {mb(limit)} MB 上限，未读取",
            f"{what} in the file is {mb(size)} MB decompressed, over the {mb(limit)} MB limit; not read",
        )
    )


def _not_a_zip(head: bytes, stream: IO[bytes], kind: str) -> NotAPackage:
    app = "Word/WPS" if kind in (".docx", ".docm") else "Excel/WPS"
    if not head:
        return NotAPackage(t("文件是空的（0 字节）", "the file is empty (0 bytes)"))
    if head.startswith(_OLE_MAGIC):
        stream.seek(0)
        if _ENCRYPTION_MARK in stream.read(4 * MiB):
            return NotAPackage(
                t(
                    f"文件设置了打开密码（已加密），无法读取；请在 {app} 中取消密码后另存为 {kind}",
                    f"the file is password-protected (encrypted); remove the password and save as {kind}",
                ),
                ole=True,
            )
        return NotAPackage(
            t(
                f"这是旧版 Office 格式（.xls/.doc）的文件，只是扩展名改成了 {kind}；请在 {app} 中“另存为” {kind}",
                f"this is an old-format Office file (.xls/.doc) renamed to {kind}; save it as {kind}",
            ),
            ole=True,
        )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        return NotAPackage(
            t(
                f"这是网页（HTML）或 XML 格式的表格（常见于系统导出），只是扩展名为 {kind}；请在 {app} 中“另存为” {kind}",
                f"this is an HTML or XML table (common in system exports) named {kind}; save it as {kind}",
            )
        )
    return NotAPackage(
        t(
            f"文件内容不是 {kind} 格式（不是 zip 压缩包），可能已损坏或只是改了扩展名",
            f"the content is not a {kind} file (not a zip package); damaged or renamed",
        )
    )


def _directory(stream: IO[bytes]) -> tuple[int, int] | None:
    """(members, directory size) from the end-of-directory record, before zipfile reads it."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_length = min(size, 22 + 65535)
    stream.seek(size - tail_length)
    tail = stream.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    _sig, _disk, _cd_disk, _here, members, cd_size, cd_offset, _comment = struct.unpack(
        "<4s4H2LH", tail[at : at + 22]
    )
    if members == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        end = size - tail_length + at
        if end >= 20:
            stream.seek(end - 20)
            locator = stream.read(20)
            if locator[:4] == b"PK\x06\x07":
                record_at = struct.unpack("<Q", locator[8:16])[0]
                stream.seek(record_at)
                record = stream.read(56)
                if record[:4] == b"PK\x06\x06" and len(record) == 56:
                    members, cd_size = struct.unpack("<QQ", record[32:48])
    return members, cd_size


_UNSAFE_MEMBER = re.compile(r"(^|[/\\])\.\.($|[/\\])|^[/\\]|^[A-Za-z]:|\x00")


def open_package(
    stream: IO[bytes], limit_for: Callable[[str], int | None], *, kind: str = ".xlsx"
) -> zipfile.ZipFile:
    """`stream` as a ZipFile once its directory passes every check; raises PackageRefused.

    `limit_for(member name)` gives the largest decompressed size allowed for that member (None:
    only the package total and the compression ratio apply). The caller closes the ZipFile.
    """
    stream.seek(0)
    head = stream.read(8)
    if not head.startswith(_ZIP_MAGIC):
        raise _not_a_zip(head, stream, kind)
    directory = _directory(stream)
    if directory is None:
        raise NotAPackage(
            t(
                f"文件不完整或已损坏（找不到 zip 目录），请重新保存为 {kind}",
                f"the file is truncated or damaged (no zip directory); save it again as {kind}",
            )
        )
    members, directory_size = directory
    if members > MAX_MEMBERS:
        raise TooLarge(
            t(
                f"压缩包中有 {members} 个成员，超过 {MAX_MEMBERS} 个上限，未读取",
                f"the package has {members} members, over the limit of {MAX_MEMBERS}; not read",
            )
        )
    if directory_size > MAX_DIRECTORY_BYTES:
        raise too_large(t("压缩包目录", "zip directory"), directory_size, MAX_DIRECTORY_BYTES)
    stream.seek(0)
    try:
        package = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise NotAPackage(
            t(f"文件已损坏，无法打开（{exc}）", f"the file is damaged and cannot be opened ({exc})")
        ) from exc
    try:
        _check_members(package, limit_for)
    except BaseException:
        package.close()
        raise
    return package


def _check_members(package: zipfile.ZipFile, limit_for: Callable[[str], int | None]) -> None:
    infos = package.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(
            t(
                f"压缩包中有 {len(infos)} 个成员，超过 {MAX_MEMBERS} 个上限，未读取",
                f"the package has {len(infos)} members, over the limit of {MAX_MEMBERS}; not read",
            )
        )
    total = 0
    for info in infos:
        name = info.filename
        if _UNSAFE_MEMBER.search(name):
            raise PackageRefused(
                t(
                    f"压缩包中有路径不安全的成员「{name!r}」（含 .. 或绝对路径），文件可能被篡改",
                    f"the package has a member with an unsafe path {name!r} (.. or absolute)",
                )
            )
        if info.flag_bits & 0x1:
            raise PackageRefused(
                t(
                    f"压缩包中的「{name}」已加密，无法读取；请取消密码后重新保存",
                    f"member {name} is encrypted; remove the password and save again",
                )
            )
        size = info.file_size
        limit = limit_for(name)
        if limit is not None and size > limit:
            raise too_large(f"「{name}」", size, limit)
        if size > RATIO_MIN_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            raise TooLarge(
                t(
                    f"文件中的「{name}」压缩比异常（{info.compress_size} 字节解压为 {mb(size)} MB），"
                    "可能是恶意的“压缩炸弹”，未读取",
                    f"{name} has an abnormal compression ratio ({info.compress_size} bytes to "
                    f"{mb(size)} MB), likely a zip bomb; not read",
                )
            )
        total += size
    if total > MAX_PACKAGE_BYTES:
        raise too_large(t("全部内容", "content"), total, MAX_PACKAGE_BYTES)


class BoundedStream(io.RawIOBase):
    """A read-only view of `stream` that raises TooLarge once more than `limit` bytes are read."""

    def __init__(self, stream: IO[bytes], limit: int, what: str) -> None:
        super().__init__()
        self._stream = stream
        self._limit = limit
        self._what = what
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        data = self._stream.read(len(view))
        self._count += len(data)
        if self._count > self._limit:
            raise too_large(self._what, None, self._limit)
        view[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        data = self._stream.read() if size is None or size < 0 else self._stream.read(size)
        self._count += len(data)
        if self._count > self._limit:
            raise too_large(self._what, None, self._limit)
        return data

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            super().close()


def read_member(package: zipfile.ZipFile, name: str, limit: int, what: str = "") -> bytes:
    """The decompressed bytes of `name`, refused (TooLarge) past `limit` declared or actual."""
    what = what or f"「{name}」"
    info = package.getinfo(name)
    if info.file_size > limit:
        raise too_large(what, info.file_size, limit)
    chunks: list[bytes] = []
    count = 0
    with package.open(info) as stream:
        while True:
            chunk = stream.read(1024 * 1024)
            if not chunk:
                break
            count += len(chunk)
            if count > limit:
                raise too_large(what, None, limit)
            chunks.append(chunk)
    return b"".join(chunks)
