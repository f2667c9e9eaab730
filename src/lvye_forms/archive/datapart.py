"""Reading a document's data part straight from its zip directory, for the checker.

`render.embed.read_embedded` opens the package with every check `limits.open_package` makes
and reads members through zipfile: right for one file, but for an archive of thousands of
documents, zipfile's table of every member, the 64 KB tail read and the checks of members
never read cost more than everything else the checker does. `read_data_part` reads the end
of the file once, steps through the central directory with `struct`, and inflates only the
candidate data parts (``customXml/item…``), each bounded by its declared size (itself within
`limits.MAX_EMBEDDED_BYTES` and the compression-ratio limit), checking the bytes produced
against that size and the CRC. Members it never reads are not checked: their names, flags
and declared sizes cannot make it do any work. The member count and the directory's size are
checked as `open_package` checks them.

It answers only for a plain package whose data part is sound. For anything else — not a zip,
a comment or zip64 records, too many members, a data part that is damaged, encrypted, over
its limit or not one record — it answers `SLOW`, and the caller reads the file with
`read_embedded`, which refuses it or says what is wrong exactly as before.
"""

from __future__ import annotations

import json
import os
import re
import stat
import struct
import zlib
from typing import Any, Final, NamedTuple

from .. import limits
from ..render import embed

SLOW: Final = "slow"  # read the file with render.embed.read_embedded
NO_DATA: Final = "none"  # a readable package without our data part (a hand-made file)

# Read at once from the end of the file: a generated document's directory and data part are
# in its last few kilobytes.
_TAIL_BYTES = 16 * 1024
_END = struct.Struct("<4s4H2LH")  # end of central directory record
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")  # central directory file header
_ENTRY_LENGTHS = struct.Struct("<4s24x3H")  # its signature and name, extra, comment lengths
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header
_MAGIC_END = b"PK\x05\x06"
_MAGIC_ENTRY = b"PK\x01\x02"
_MAGIC_LOCAL = b"PK\x03\x04"
_MAGIC_ZIP64_LOCATOR = b"PK\x06\x07"
_UTF8_NAME = 0x800
# Flags zipfile refuses or needs a password for: encrypted, compressed patch, strong encryption.
_UNREADABLE_FLAGS = 0x1 | 0x20 | 0x40
_MAX_EXTRACT_VERSION = 63  # what zipfile reads
_NAMESPACE = embed.NAMESPACE.encode()
_CANDIDATE = b"customXml/item"  # the data part, and other programs' custom XML
_HEAD_BYTES = 4096  # as read_embedded: our namespace must be on the root element


class _Member(NamedTuple):
    """What the directory says of a member we may read."""

    raw_name: bytes
    method: int
    crc: int
    packed: int  # compressed size
    unpacked: int  # declared size
    offset: int  # of its local header


class DataPart(NamedTuple):
    """A data part read the fast way: what `read_embedded` gives, and whether its JSON can
    hold no lone surrogate (no \\uD800–\\uDFFF escape, no character reference that might
    make one), so the record's text is known to be printable."""

    payload: dict[str, Any]
    printable: bool


# A JSON escape of a surrogate, or an XML character reference (which could make a backslash).
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|&#")


class _Slow(Exception):
    """Something the fast path does not vouch for: read the file the careful way."""


class _File:
    """An open file and the bytes already read from its end."""

    def __init__(self, descriptor: int, size: int) -> None:
        self.descriptor = descriptor
        self.size = size
        self.tail_at = max(size - _TAIL_BYTES, 0)
        self.tail = self._pread(size - self.tail_at, self.tail_at)
        if len(self.tail) != size - self.tail_at:
            raise _Slow  # the file changed under us

    def read(self, length: int, at: int) -> bytes:
        """`length` bytes at `at` (fewer at the end of the file)."""
        if at >= self.tail_at:
            return self.tail[at - self.tail_at : at - self.tail_at + length]
        return self._pread(length, at)

    def _pread(self, length: int, at: int) -> bytes:
        if hasattr(os, "pread"):
            return os.pread(self.descriptor, length, at)
        os.lseek(self.descriptor, at, os.SEEK_SET)  # pragma: no cover - Windows
        return os.read(self.descriptor, length)  # pragma: no cover


def read_data_part(path: os.PathLike[str] | str) -> DataPart | str:
    """The data part of the document at `path` as `read_embedded` gives it, `NO_DATA`, or
    `SLOW` when only `read_embedded` can tell (see the module's docstring). Never raises."""
    try:
        # O_NONBLOCK: opening a pipe must not wait for a writer; O_BINARY: Windows.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        descriptor = os.open(path, flags)
    except (OSError, ValueError):
        return SLOW
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return SLOW  # a pipe or a device: read_embedded says so
        return _read(descriptor, info.st_size)
    except Exception:  # noqa: BLE001 - whatever it is, read_embedded reports it as before
        return SLOW
    finally:
        os.close(descriptor)


def _read(descriptor: int, size: int) -> DataPart | str:
    if size < _END.size:
        raise _Slow
    file = _File(descriptor, size)
    if file.read(4, 0) != _MAGIC_LOCAL:
        raise _Slow  # not a zip, or something before it: read_embedded says which
    entries = _directory(file)
    for name in sorted(entries):  # the order read_embedded tries them in
        data = _inflate(file, entries[name])
        if _NAMESPACE not in data[:_HEAD_BYTES]:
            continue  # another program's custom XML, as read_embedded skips it
        payload = _parse_plain(data)
        if payload is None:
            try:
                payload = embed._parse_data(name, data)
            except embed._NotOurs:
                continue
        printable = b"\\u" not in data and b"&#" not in data  # the common case, quickly
        return DataPart(payload, printable or _MAYBE_SURROGATE.search(data) is None)
    return NO_DATA


def _directory(file: _File) -> dict[str, _Member]:
    """The candidate data parts (customXml/item…, not …Props…): name → directory fields.

    The member count and the directory's size are checked as open_package checks them;
    members that are not candidates are only stepped over: nothing of theirs is read, so
    their names, flags and declared sizes do not matter here.
    """
    tail, tail_at = file.tail, file.tail_at
    end_at = len(tail) - _END.size
    # Only a plain end record with no comment: then zipfile and limits._directory read
    # exactly this record. Anything else (a comment, zip64) goes the careful way.
    if tail.rfind(_MAGIC_END) != end_at or tail[end_at - 20 : end_at - 16] == _MAGIC_ZIP64_LOCATOR:
        raise _Slow
    _sig, disk, cd_disk, here, members, cd_size, cd_offset, comment = _END.unpack_from(tail, end_at)
    if comment or disk or cd_disk or here != members or members == 0xFFFF:
        raise _Slow
    if members > limits.MAX_MEMBERS or cd_size > limits.MAX_DIRECTORY_BYTES:
        raise _Slow
    if cd_offset + cd_size != tail_at + end_at:  # a prefix before the zip, or a bad offset
        raise _Slow
    if cd_offset >= tail_at:
        directory = tail[cd_offset - tail_at : end_at]
    else:
        directory = file.read(cd_size, cd_offset)
        if len(directory) != cd_size:
            raise _Slow
    found: dict[str, _Member] = {}
    at = count = 0
    lengths = _ENTRY_LENGTHS.unpack_from
    while at < cd_size:
        signature, name_length, extra_length, comment_length = lengths(directory, at)
        name_at = at + _ENTRY.size
        if signature != _MAGIC_ENTRY:
            raise _Slow
        if directory.startswith(_CANDIDATE, name_at):
            raw = directory[name_at : name_at + name_length]
            if b"Props" not in raw:
                extra = directory[name_at + name_length : name_at + name_length + extra_length]
                name, entry = _candidate(_ENTRY.unpack_from(directory, at), raw, extra)
                found[name] = entry  # a repeated name: zipfile too reads the last one
        at = name_at + name_length + extra_length + comment_length
        count += 1
    if at != cd_size or count != members:
        raise _Slow
    return found


def _candidate(fields: tuple[Any, ...], raw: bytes, extra: bytes) -> tuple[str, _Member]:
    """A candidate's name and directory fields, when zipfile would read it as it is; else _Slow."""
    (_sig, _cv, _cs, extract, _r, flags, method, _t, _d, crc, packed, unpacked,
     _nl, _el, _cl, _vol, _ia, _ea, offset) = fields  # fmt: skip
    if extract > _MAX_EXTRACT_VERSION or flags & _UNREADABLE_FLAGS or b"\x00" in raw:
        raise _Slow
    if 0xFFFFFFFF in (packed, unpacked, offset):
        raise _Slow  # zip64 sizes
    _check_extra(extra)
    name = raw.decode("utf-8" if flags & _UTF8_NAME else "cp437")
    return name, _Member(raw, method, crc, packed, unpacked, offset)


def _check_extra(extra: bytes) -> None:
    """Refuse an extra field zipfile would find corrupt, or one with zip64 sizes."""
    at = 0
    while len(extra) - at >= 4:
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == 0x0001 or at + 4 + length > len(extra):
            raise _Slow
        at += 4 + length


def _inflate(file: _File, entry: _Member) -> bytes:
    """The member's bytes, read only when its declared size is within the data part's limit,
    and only when the bytes produced are exactly that many, with the declared CRC."""
    raw, method, crc, packed, unpacked, offset = entry
    if unpacked > limits.MAX_EMBEDDED_BYTES or method not in (0, 8):
        raise _Slow  # read_embedded decides: skip another program's part, or refuse ours
    if unpacked > limits.RATIO_MIN_BYTES and unpacked > limits.MAX_RATIO * max(packed, 1):
        raise _Slow  # a zip bomb: open_package refuses it by name
    header = file.read(_LOCAL.size + len(raw), offset)
    if len(header) < _LOCAL.size:
        raise _Slow
    sig, *_rest, name_length, extra_length = _LOCAL.unpack_from(header)
    if sig != _MAGIC_LOCAL or header[_LOCAL.size : _LOCAL.size + name_length] != raw:
        raise _Slow  # zipfile compares the decoded names; equal bytes are certainly equal
    start = offset + _LOCAL.size + name_length + extra_length
    packed_bytes = file.read(packed, start)
    if len(packed_bytes) != packed:
        raise _Slow
    if method == 0:
        data = packed_bytes if packed == unpacked else b""
    else:
        inflater = zlib.decompressobj(-15)
        data = inflater.decompress(packed_bytes, unpacked + 1)
    if len(data) != unpacked or zlib.crc32(data) != crc:
        raise _Slow
    return data


# The data part exactly as render.embed.data_xml writes it (lxml's serialisation), up to the
# first attribute's value.
_PLAIN_START = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<document xmlns="urn:lvye-forms:data:1" form="'
)
_PLAIN_ATTRIBUTES = re.compile(
    rb'([^"&<\x00-\x1f]*)" schema-version="([^"&<\x00-\x1f]*)" agency="([^"&<\x00-\x1f]*)"'
    rb' generator="([^"&<\x00-\x1f]*)"><data>'
)
_PLAIN_END = b"</data></document>"
# Bytes XML does not allow in text, or reads otherwise than as they stand (\r, <).
_NOT_PLAIN_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *b"\r<"])
_ENTITIES = (
    (b"&lt;", b"<"),
    (b"&gt;", b">"),
    (b"&quot;", b'"'),
    (b"&apos;", b"'"),
    (b"&amp;", b"&"),
)


def _parse_plain(data: bytes) -> dict[str, Any] | None:
    """What `embed._parse_data` gives for a data part in the exact form we write, read
    without an XML parser; None for anything else (another attribute order, a reference in
    an attribute, a character XML refuses, JSON that does not load as an object…), which
    `_parse_data` then reads."""
    if not data.startswith(_PLAIN_START) or not data.endswith(_PLAIN_END):
        return None
    head = _PLAIN_ATTRIBUTES.match(data, len(_PLAIN_START))
    if head is None:
        return None
    text = data[head.end() : len(data) - len(_PLAIN_END)]
    # (bytes methods, not a regular expression: this runs for every document)
    if len(text.translate(None, _NOT_PLAIN_BYTES)) != len(text) or b"]]>" in text:
        return None
    if b"&" in text:
        if text.count(b"&") != sum(text.count(reference) for reference, _ in _ENTITIES):
            return None  # a character reference or an entity XML does not define
        for reference, character in _ENTITIES:  # &amp; last: "&amp;lt;" is the text "&lt;"
            text = text.replace(reference, character)
    try:
        form, version_text, agency, generator = values = [part.decode() for part in head.groups()]
        json_text = text.decode()
        # U+FFFE and U+FFFF are the only characters valid UTF-8 gives that XML refuses.
        if not form or any("\ufffe" in v or "\uffff" in v for v in (*values, json_text)):
            return None
        version = int(version_text)
        payload = json.loads(json_text or "{}")
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    return {
        "form": form,
        "schema_version": version,
        "agency": agency,
        "generator": generator,
        "data": payload,
    }
