"""Writing a zip package in one pass, from members that may already be compressed.

A document is mostly parts that never change between rows (styles, theme, fonts, settings):
they are deflated once per template (`Member.deflate`) and copied into every document as they
are; only the parts that change are deflated per row. Every member gets the same fixed
timestamp and permissions, so the same parts in the same order always give the same bytes —
which is what lets `render` find an unchanged document and skip it. The layout is plain zip
(no zip64: a form is a few hundred kilobytes), readable by Word, WPS, LibreOffice and
`zipfile`.
"""

from __future__ import annotations

import functools
import struct
import zlib
from dataclasses import dataclass
from zipfile import ZIP_STORED

# 1980-01-01 00:00:00, the earliest time a zip can hold (the same as package.normalise_zip).
_DOS_TIME = 0
_DOS_DATE = (0 << 9) | (1 << 5) | 1
_EXTERNAL_ATTR = 0o644 << 16  # rw-r--r--, as zipfile writes it for package.normalise_zip
_VERSION = 20  # "2.0": deflate
_MADE_BY = (3 << 8) | _VERSION  # made on a Unix-like system (the permissions are Unix ones)
_UTF8_NAME = 0x800
_LIMIT = 0xFFFFFFFF  # beyond this a zip needs zip64, which no form comes near
_OFFSET = struct.Struct("<I")

DEFAULT_LEVEL = 6  # zlib's default, as zipfile uses
# Parts smaller than this are stored, not deflated: deflating a part of a few kilobytes
# costs more (a deflate stream is set up each time) than the kilobyte or two it saves (the
# data part and its properties, made per row).
STORE_BELOW = 4096


@dataclass(frozen=True)
class Member:
    """One part of a package, already deflated (or stored, when small)."""

    name: str
    crc: int
    size: int
    data: bytes  # raw deflate stream, or the content itself when stored
    method: int = zlib.DEFLATED

    @classmethod
    def deflate(cls, name: str, content: bytes, level: int = DEFAULT_LEVEL) -> Member:
        if len(content) < STORE_BELOW:
            return cls(name, zlib.crc32(content), len(content), content, ZIP_STORED)
        return cls(name, zlib.crc32(content), len(content), zlib.compress(content, level, -15))

    @functools.cached_property
    def _encoded_name(self) -> bytes:
        return self.name.encode("utf-8")

    @functools.cached_property
    def local_record(self) -> bytes:
        """The local header, name and data: the same bytes wherever the member is placed
        (parts that never change are reused by every document, and so is this)."""
        name = self._encoded_name
        if max(self.size, len(self.data)) >= _LIMIT:
            raise ValueError("package too large for a plain zip")
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            _VERSION,
            _flags(name, self.name),
            self.method,
            _DOS_TIME,
            _DOS_DATE,
            self.crc,
            len(self.data),
            self.size,
            len(name),
            0,
        )
        return header + name + self.data

    @functools.cached_property
    def central_fields(self) -> bytes:
        """The central directory entry up to (not including) the member's offset."""
        name = self._encoded_name
        return struct.pack(
            "<IHHHHHHIIIHHHHHI",
            0x02014B50,
            _MADE_BY,
            _VERSION,
            _flags(name, self.name),
            self.method,
            _DOS_TIME,
            _DOS_DATE,
            self.crc,
            len(self.data),
            self.size,
            len(name),
            0,
            0,
            0,
            0,
            _EXTERNAL_ATTR,
        )


def _flags(name: bytes, text: str) -> int:
    return _UTF8_NAME if len(name) != len(text) else 0


class ZipSkeleton:
    """A package whose fixed parts are laid out once: they come first, their local records and
    central-directory entries joined in advance, so a document only adds its own parts."""

    def __init__(self, fixed: list[Member]) -> None:
        central: list[bytes] = []
        offset = 0
        for member in fixed:
            central += (member.central_fields, _OFFSET.pack(offset), member._encoded_name)
            offset += len(member.local_record)
        if offset >= _LIMIT:
            raise ValueError("package too large for a plain zip")
        self._body = b"".join(member.local_record for member in fixed)
        self._central = b"".join(central)
        self._count = len(fixed)

    def write(self, members: list[Member]) -> bytes:
        """The zip file of the fixed parts followed by `members`, in order. Raises ValueError
        past the plain-zip limits."""
        count = self._count + len(members)
        if count >= 0xFFFF:
            raise ValueError("package too large for a plain zip")
        body: list[bytes] = [self._body]
        central: list[bytes] = [self._central]
        offset = len(self._body)
        for member in members:
            record = member.local_record
            central += (member.central_fields, _OFFSET.pack(offset), member._encoded_name)
            body.append(record)
            offset += len(record)
            if offset >= _LIMIT:
                raise ValueError("package too large for a plain zip")
        directory = b"".join(central)
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), offset, 0)
        return b"".join(body) + directory + end


_NO_FIXED_PARTS = ZipSkeleton([])


def write_zip(members: list[Member]) -> bytes:
    """The zip file holding `members` in order. Raises ValueError past the plain-zip limits."""
    return _NO_FIXED_PARTS.write(members)
