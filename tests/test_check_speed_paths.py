"""The checker's fast paths say exactly what the careful paths say.

`archive.datapart.read_data_part` reads a document's data part straight from the zip
directory and hands everything it does not vouch for to `render.embed.read_embedded`; these
tests put damaged, edited and hostile packages through `identify` both ways and compare.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import os
import re
import struct
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from lvye_forms import api, i18n, limits
from lvye_forms.archive import (
    UNREADABLE,
    ArchiveDocument,
    Unplaced,
    datapart,
    identify,
    parallel,
    remembered,
    scan_archive,
)
from lvye_forms.archive import documents as documents_module
from lvye_forms.check import engine
from lvye_forms.check.profile import ProfileError
from lvye_forms.registry import get_form
from lvye_forms.render.embed import NAMESPACE, read_embedded

from .conftest import data_part_name

CASE = "GA-2024-017"


def rezip(document: bytes, replace: dict[str, bytes] | None = None, **options) -> bytes:
    """`document` written again by zipfile, with members replaced or added."""
    replace = replace or {}
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(document)) as old,
        zipfile.ZipFile(buffer, "w", options.pop("method", zipfile.ZIP_DEFLATED)) as new,
    ):
        for item in old.infolist():
            if item.filename not in replace:
                new.writestr(item, old.read(item.filename))
        for name, content in replace.items():
            new.writestr(name, content)
        if "comment" in options:
            new.comment = options["comment"]
    return buffer.getvalue()


def data_part(data: dict, form: str = "case_consent", version: str = "1") -> bytes:
    root = etree.Element(f"{{{NAMESPACE}}}document", nsmap={None: NAMESPACE})
    root.set("form", form)
    root.set("schema-version", version)
    text = json.dumps(data, ensure_ascii=False)
    # A lone surrogate can only be written as a JSON escape (\udcb8).
    text = re.sub("[\ud800-\udfff]", lambda found: f"\\u{ord(found.group()):04x}", text)
    etree.SubElement(root, f"{{{NAMESPACE}}}data").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def example(**changes) -> dict:
    data = {k: v for k, v in get_form("case_consent").examples[0].items() if v is not None}
    return {**data, **changes}


def set_central_field(data: bytes, member: str, offset: int, fmt: str, value: int) -> bytes:
    """`data` with one field of `member`'s central directory entry changed."""
    buffer = bytearray(data)
    position, name = 0, member.encode()
    while True:
        position = buffer.index(b"PK\x01\x02", position)
        length = struct.unpack_from("<H", buffer, position + 28)[0]
        if bytes(buffer[position + 46 : position + 46 + length]) == name:
            struct.pack_into(fmt, buffer, position + offset, value)
            return bytes(buffer)
        position += 4


def declared(data: bytes, member: str, size: int) -> bytes:
    """`member` declared (local and central headers) at `size` bytes uncompressed."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        local = package.getinfo(member).header_offset
    buffer = bytearray(set_central_field(data, member, 24, "<I", size))
    struct.pack_into("<I", buffer, local + 22, size)
    return bytes(buffer)


def seen(found: ArchiveDocument | Unplaced) -> tuple:
    """What the checker takes from `identify`'s answer."""
    if isinstance(found, Unplaced):
        return ("unplaced", found.path.name, found.code, found.reason)
    record = found.record.model_dump(mode="json") if found.record is not None else None
    return (found.form_id, found.subject_type, found.subject_id, found.date, found.source, record)


def careful(path: Path, monkeypatch) -> tuple:
    """`identify` as it was before the fast path: every package through read_embedded."""
    with monkeypatch.context() as patch:
        patch.setattr(documents_module, "read_data_part", lambda _path: datapart.SLOW)
        return seen(identify(path))


def variants(consent: bytes) -> dict[str, bytes]:
    name = data_part_name(consent)
    edited = {
        "generated": consent,
        "rewritten by zipfile": rezip(consent),
        "stored, not deflated": rezip(consent, method=zipfile.ZIP_STORED),
        "edited to another case": rezip(consent, {name: data_part(example(case_id="GA-2024-050"))}),
        "a bad date": rezip(consent, {name: data_part(example(client_signed_date="2024-13-45"))}),
        "an extra key": rezip(consent, {name: data_part(example(nonsense="x"))}),
        "unknown form": rezip(consent, {name: data_part(example(), form="no_such_form")}),
        "newer version": rezip(consent, {name: data_part(example(), version="99")}),
        "not json": rezip(consent, {name: data_part(example())[:-40] + b"</document>"}),
        "malformed xml": rezip(consent, {name: b"<document xmlns='urn:lvye-forms:data:1'><da"}),
        "a list": rezip(consent, {name: data_part([1, 2])}),  # type: ignore[arg-type]
        "a lone surrogate": rezip(consent, {name: data_part(example(client_name="\udcb8"))}),
        "a surrogate by reference": rezip(
            consent, {name: data_part(example()).replace(b"<data>{", b'<data>{"x": "&#92;udcb8", ')}
        ),
        "a character reference": rezip(
            consent, {name: data_part(example()).replace(b"<data>{", b"<data>&#123;")}
        ),
        "foreign part only": rezip(consent, {name: b"<b:Sources xmlns:b='urn:other'/>"}),
        "a comment": rezip(consent, comment=b"made by hand"),
        "a prefix": b"#!stub\n" + consent,
        "a suffix": consent + b"\x00" * 10,
        "truncated": consent[: len(consent) // 2],
        "truncated directory": consent[:-30],
        "not a zip": b"not a zip",
        "empty": b"",
        "old office": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "data part declared larger": declared(consent, name, 5000),
        "data part declared smaller": declared(consent, name, 100),
        "data part declared 1.5 GB": declared(consent, name, 1536 * limits.MiB),
        "data part with a bad crc": set_central_field(consent, name, 16, "<I", 1234),
        "data part encrypted": set_central_field(consent, name, 8, "<H", 0x1),
        "data part bzip2": set_central_field(consent, name, 10, "<H", 12),
        "data part past the end": set_central_field(consent, name, 42, "<I", len(consent)),
        "two data parts": rezip(
            consent, {"customXml/item0.xml": data_part(example(case_id="GA-2024-001"))}
        ),
    }
    return edited


def test_every_variant_is_identified_as_the_careful_path_identifies_it(
    tmp_path, consent, monkeypatch
):
    for label, content in variants(consent).items():
        path = tmp_path / "文档.docx"
        path.write_bytes(content)
        assert seen(identify(path)) == careful(path, monkeypatch), label


def test_the_fast_path_answers_for_plain_documents_and_hands_on_the_rest(tmp_path, consent):
    answers = {}
    for label, content in variants(consent).items():
        path = tmp_path / f"{len(answers)}.docx"
        path.write_bytes(content)
        answer = datapart.read_data_part(path)
        answers[label] = answer if isinstance(answer, str) else "data"
        if isinstance(answer, datapart.DataPart):
            assert answer.payload == read_embedded(path), label
    for label in ("generated", "rewritten by zipfile", "stored, not deflated", "a bad date"):
        assert answers[label] == "data", label
    assert answers["foreign part only"] == datapart.NO_DATA
    for label in ("a comment", "a prefix", "truncated", "not a zip", "empty", "old office"):
        assert answers[label] == datapart.SLOW, label
    for label in ("not json", "malformed xml", "data part with a bad crc", "data part encrypted"):
        assert answers[label] == datapart.SLOW, label


def test_a_data_part_over_its_bound_is_a_located_problem(tmp_path, consent, monkeypatch):
    monkeypatch.setattr(limits, "MAX_EMBEDDED_BYTES", 200)
    path = tmp_path / "大.docx"
    path.write_bytes(consent)
    assert datapart.read_data_part(path) == datapart.SLOW
    found = identify(path)
    assert isinstance(found, Unplaced) and found.code == UNREADABLE and found.path == path
    assert "MB" in found.reason


def test_a_huge_member_that_is_never_read_does_not_matter(tmp_path, consent):
    # A member declared at 1.5 GB (and a zip bomb's ratio) that the checker never reads: the
    # data part is read all the same, without inflating anything else.
    content = declared(rezip(consent, {"word/media/big.bin": b"x" * 1000}), "word/media/big.bin",
                       1536 * limits.MiB)  # fmt: skip
    path = tmp_path / "big.docx"
    path.write_bytes(content)
    found = identify(path)
    assert isinstance(found, ArchiveDocument) and found.subject_id == CASE


def test_too_many_members_are_still_refused(tmp_path, consent):
    extra = {f"m/{n}": b"" for n in range(limits.MAX_MEMBERS + 1)}
    path = tmp_path / "many.docx"
    path.write_bytes(rezip(consent, extra))
    assert datapart.read_data_part(path) == datapart.SLOW
    found = identify(path)
    assert isinstance(found, Unplaced) and found.code == UNREADABLE
    assert str(limits.MAX_MEMBERS) in found.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_a_pipe_is_handed_to_the_careful_path(tmp_path):
    os.mkfifo(tmp_path / "pipe.docx")
    assert datapart.read_data_part(tmp_path / "pipe.docx") == datapart.SLOW
    assert isinstance(identify(tmp_path / "pipe.docx"), Unplaced)


def test_printable_is_only_claimed_where_no_surrogate_can_hide(tmp_path, consent):
    name = data_part_name(consent)
    cases = {
        "plain": (consent, True),
        "escaped surrogate": (rezip(consent, {name: data_part(example(client_name="\udcb8"))}), False),
        "character reference": (
            rezip(consent, {name: data_part(example()).replace(b"<data>{", b"<data>&#123;")}),
            False,
        ),
    }
    for label, (content, printable) in cases.items():
        path = tmp_path / "x.docx"
        path.write_bytes(content)
        answer = datapart.read_data_part(path)
        assert isinstance(answer, datapart.DataPart), label
        assert answer.printable is printable, label


# --- identifying on several cores -----------------------------------------------------------


def small_archive(root: Path, consent: bytes) -> None:
    name = data_part_name(consent)
    for n in range(4):
        folder = root / f"case-{n}"
        folder.mkdir()
        other = data_part(example(case_id=f"GA-2024-10{n}"))
        (folder / "同意书.docx").write_bytes(rezip(consent, {name: other}))
        (folder / f"GA-2024-10{n}_case_plan_20240401.pdf").write_bytes(b"%PDF-1.4")
        (folder / "坏.docx").write_bytes(b"not a zip")
        (folder / "说明.txt").write_bytes(b"notes")
    (root / "edited.docx").write_bytes(rezip(consent, {name: data_part(example(case_id=""))}))


def scanned(root: Path) -> tuple:
    result = scan_archive(root)
    return (
        [seen(d) + (d.path,) for d in result.documents],
        [seen(u) for u in result.unplaced],
        result.ignored,
    )


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork")
def test_a_scan_on_several_cores_is_the_scan_in_one_process(tmp_path, consent, monkeypatch):
    if not parallel._can_fork():
        pytest.skip("another thread is running: the scan stays in this process")
    small_archive(tmp_path, consent)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(parallel, "CHUNK_FILES", 3)
    monkeypatch.setattr(engine, "PARALLEL_MIN_SUBJECTS", 2)
    monkeypatch.setattr(engine, "_SUBJECTS_PER_CHUNK", 1)
    monkeypatch.setattr(parallel, "available_cores", lambda: 1)
    alone = scanned(tmp_path)
    report = api.check_archive(tmp_path, as_of=dt.date(2024, 7, 15)).to_dict()
    assert len(report["findings"]) > 10
    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    assert scanned(tmp_path) == alone
    assert api.check_archive(tmp_path, as_of=dt.date(2024, 7, 15)).to_dict() == report
    with i18n.use_language("en"):  # the workers speak the run's language
        monkeypatch.setattr(parallel, "available_cores", lambda: 1)
        english = scanned(tmp_path)
        monkeypatch.setattr(parallel, "available_cores", lambda: 2)
        assert scanned(tmp_path) == english


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork")
def test_a_worker_that_dies_leaves_its_files_to_this_process(tmp_path, consent, monkeypatch):
    small_archive(tmp_path, consent)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(parallel, "CHUNK_FILES", 3)
    monkeypatch.setattr(parallel, "available_cores", lambda: 1)
    alone = scanned(tmp_path)
    monkeypatch.setattr(parallel, "_chunk", _dying_chunk)  # sent by name: module level
    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    assert scanned(tmp_path) == alone


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="fork")
def test_a_profile_error_in_a_worker_is_the_error_in_one_process(tmp_path, consent, monkeypatch):
    archive = tmp_path / "档案"
    archive.mkdir()
    small_archive(archive, consent)
    profile = tmp_path / "rules.yaml"
    profile.write_text(
        "name: t\ntitle: t\nsubjects:\n  case:\n    label: 个案\n    steps:\n"
        "      - id: s\n        label: s\n        requires:\n"
        "          - form: case_plan\n"
        # a text where a date belongs, for the second case only: a worker's subject
        "            due: \"(subject ~ '!') if subject.endswith('1') else none\"\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(engine, "PARALLEL_MIN_SUBJECTS", 2)
    monkeypatch.setattr(engine, "_SUBJECTS_PER_CHUNK", 1)
    messages = []
    for cores in (1, 2):
        monkeypatch.setattr(parallel, "available_cores", lambda cores=cores: cores)
        with pytest.raises(ProfileError) as caught:
            api.check_archive(archive, profile=str(profile), as_of=dt.date(2024, 7, 15))
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "期限" in messages[0]


_PARENT = os.getpid()
_CHUNK = parallel._chunk


def _dying_chunk(function, paths, language):
    """`parallel._chunk`, except that a worker process dies at once."""
    if os.getpid() != _PARENT:
        os._exit(3)
    return _CHUNK(function, paths, language)


# --- the data part read without an XML parser -----------------------------------------------

TRICKY = [
    "\x7f", "\x85", "\ufffe", "\uffff", "\ufffd", "\U0001f600", "\u2028", "&#10;", "&#x41;",
    "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&foo;", ">", "]]>", "]]", "\t", "\n", "\r",
    "\x01", "<", "<!-- c -->", "<![CDATA[x]]>", " ", '"', "'", "\\u00e9", "\\udcb8", "{", "}",
]  # fmt: skip


def test_the_plain_reading_agrees_with_lxml_or_leaves_it_to_lxml():
    from random import Random

    from lvye_forms.render import embed

    base = embed.data_xml(
        {
            "form": "case_consent",
            "schema_version": 1,
            "agency": "东莞 A",
            "generator": "lvye-forms",
            "data": {"k": "a<b>&c]]>\r\n\t \"x\" 'y' 中文", "n": 1, "l": [1, None, True]},
        }
    )
    assert datapart._parse_plain(base) == embed._parse_data("n", base)
    places = {
        "text": b'"k": "',
        "agency": 'agency="东莞 A'.encode(),
        "form": b'form="case_consent',
        "version": b'schema-version="',
    }
    random = Random(11)
    agreed = 0
    for _ in range(4000):
        inserted = "".join(random.choice(TRICKY) for _ in range(random.randint(0, 3)))
        place = places[random.choice(list(places))]
        data = base.replace(place, place + inserted.encode("utf-8", "surrogatepass"), 1)
        plain = datapart._parse_plain(data)
        if plain is None:
            continue
        assert plain == embed._parse_data("n", data), data
        agreed += 1
    assert agreed > 500


# --- documents remembered from the last scan ------------------------------------------------


def aged(path: Path, seconds: int = 60) -> None:
    """`path` as if last written `seconds` ago (a file written this instant is never kept)."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_rescan_takes_unchanged_documents_from_the_last_scan(tmp_path, consent, monkeypatch):
    name = data_part_name(consent)
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    first.write_bytes(consent)
    second.write_bytes(rezip(consent, {name: data_part(example(case_id="GA-2024-050"))}))
    aged(first)
    aged(second)
    remembered.forget()
    before = scanned(tmp_path)
    reads = []
    real = documents_module.read_data_part
    monkeypatch.setattr(documents_module, "read_data_part", lambda p: reads.append(p) or real(p))
    assert scanned(tmp_path) == before and reads == []  # nothing read again
    # A file changed since (another case, a later time): read again, and its new data counts.
    second.write_bytes(rezip(consent, {name: data_part(example(case_id="GA-2024-051"))}))
    aged(second, 30)
    after = scanned(tmp_path)
    assert reads == [second]
    assert [d[2] for d in after[0]] == [CASE, "GA-2024-051"]
    # Edited into an invalid document: never taken from the last scan.
    second.write_bytes(rezip(consent, {name: data_part(example(client_signed_date="x"))}))
    aged(second, 20)
    assert [u[1:3] for u in scanned(tmp_path)[1]] == [("b.docx", "invalid_document")]


def test_a_file_written_this_instant_is_read_every_time(tmp_path, consent, monkeypatch):
    path = tmp_path / "a.docx"
    path.write_bytes(consent)  # mtime: now
    remembered.forget()
    scanned(tmp_path)
    reads = []
    real = documents_module.read_data_part
    monkeypatch.setattr(documents_module, "read_data_part", lambda p: reads.append(p) or real(p))
    scanned(tmp_path)
    assert reads == [path]
