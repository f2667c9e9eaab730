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

import struct
import zlib
from dataclasses import dataclass

# 1980-01-01 00:00:00, the earliest time a zip can hold (the same as package.normalise_zip).
_DOS_TIME = 0
_DOS_DATE = (0 << 9) | (1 << 5) | 1
_EXTERNAL_ATTR = 0o644 << 16  # rw-r--r--, as zipfile writes it for package.normalise_zip
_VERSION = 20  # "2.0": deflate
_MADE_BY = (3 << 8) | _VERSION  # made on a Unix-like system (the permissions are Unix ones)
_UTF8_NAME = 0x800
_LIMIT = 0xFFFFFFFF  # beyond this a zip needs zip64, which no form comes near

DEFAULT_LEVEL = 6  # zlib's default, as zipfile uses

@dataclass(frozen=True)
class Member:
    """One part of a package, already deflated."""

    name: str
    crc: int
    size: int
    data: bytes  # raw deflate stream

    @classmethod
    def deflate(cls, name: str, content: bytes, level: int = DEFAULT_LEVEL) -> Member:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = compressor.compress(content) + compressor.flush()
        return cls(name, zlib.crc32(content), len(content), data)


def _flags(name: bytes, text: str) -> int:
    return _UTF8_NAME if len(name) != len(text) else 0


def write_zip(members: list[Member]) -> bytes:
    """The zip file holding `members` in order. Raises ValueError past the plain-zip limits."""
    body: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for member in members:
        name = member.name.encode("utf-8")
        if max(offset, member.size, len(member.data)) >= _LIMIT or len(members) >= 0xFFFF:
            raise ValueError("package too large for a plain zip")
        flags = _flags(name, member.name)
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            _VERSION,
            flags,
            zlib.DEFLATED,
            _DOS_TIME,
            _DOS_DATE,
            member.crc,
            len(member.data),
            member.size,
            len(name),
            0,
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                _MADE_BY,
                _VERSION,
                flags,
                zlib.DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                member.crc,
                len(member.data),
                member.size,
                len(name),
                0,
                0,
                0,
                0,
                _EXTERNAL_ATTR,
                offset,
            )
            + name
        )
        body += (header, name, member.data)
        offset += len(header) + len(name) + len(member.data)
    directory = b"".join(central)
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), offset, 0
    )
    return b"".join(body) + directory + end
