"""The checker on hostile or damaged input: odd file names, edited documents, profiles that try
to eat the machine, links that loop. Never a traceback: a located message, and the check goes on.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from lvye_forms import api
from lvye_forms.archive import (
    INVALID_DOCUMENT,
    SYMLINK,
    UNREADABLE,
    ArchiveDocument,
    scan,
)
from lvye_forms.check.engine import group_subjects
from lvye_forms.check.profile import ProfileError, load_profile, parse_profile
from lvye_forms.cli import main
from lvye_forms.registry import get_form
from lvye_forms.render.embed import NAMESPACE

from .conftest import data_part_name

AS_OF = dt.date(2024, 7, 15)
CASE = "GA-2024-017"


def with_part(document: bytes, content: bytes) -> bytes:
    """`document` with its embedded-data part replaced by `content`."""
    name = data_part_name(document)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(document)) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            new.writestr(item, content if item.filename == name else old.read(item.filename))
    return buffer.getvalue()


def data_part(data_json: str, form: str = "case_consent", version: str = "1") -> bytes:
    root = etree.Element(f"{{{NAMESPACE}}}document", nsmap={None: NAMESPACE})
    root.set("form", form)
    root.set("schema-version", version)
    etree.SubElement(root, f"{{{NAMESPACE}}}data").text = data_json
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def example_data(**changes) -> dict:
    data = dict(get_form("case_consent").examples[0])
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def printable(report) -> None:
    """Every rendering of the report can be written as UTF-8."""
    from lvye_forms.check.report import to_html, to_json, to_xlsx

    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
    to_json(report).encode("utf-8")
    to_html(report).encode("utf-8")
    assert to_xlsx(report)[:2] == b"PK"


# --- 1. file names that are not UTF-8 -------------------------------------------------------


def test_gbk_file_names_are_scanned_and_printable(tmp_path, consent):
    raw = os.fsencode(tmp_path)
    os.mkdir(raw + b"/\xb5\xb5\xb0\xb8")  # 档案 in GBK
    folder = raw + b"/\xb5\xb5\xb0\xb8"
    for name, content in (
        (b"/\xb8\xf6\xb0\xb8_case_consent_20240301.pdf", b"%PDF-1.4"),  # 个案_…: subject 个案
        (b"/\xc9\xa8\xc3\xe8.pdf", b"%PDF-1.4"),  # 扫描.pdf: no convention
        (b"/\xbb\xb5.docx", b"not a zip"),  # 坏.docx: damaged
        (b"/\xff\xfe_case_consent_20240302.pdf", b"%PDF"),  # not GBK either
        (b"/\xcd\xac\xd2\xe2\xca\xe9.docx", consent),  # 同意书.docx: generated
    ):
        with open(folder + name, "wb") as handle:
            handle.write(content)
    documents, unplaced = scan(tmp_path)
    subjects = {d.subject_id for d in documents}
    assert "个案" in subjects and CASE in subjects
    for text in [*subjects, *(u.reason for u in unplaced)]:
        text.encode("utf-8")
    assert {u.code for u in unplaced} == {"unknown_form", UNREADABLE}
    report = api.check_archive(tmp_path, as_of=AS_OF)
    printable(report)
    files = [u["file"] for u in report.to_dict()["unplaced"]]
    assert any("扫描" in f for f in files) and any("坏" in f for f in files)


# --- 2. documents whose embedded data was edited ---------------------------------------------


EDITS = {
    "a list": data_part("[1, 2]"),
    "a string": data_part('"text"'),
    "a number": data_part("42"),
    "null": data_part("null"),
    "a bad date": data_part(json.dumps(example_data(client_signed_date="2024-13-45"))),
    "a bad month": data_part(json.dumps(example_data(intake_date="2024-ab"))),
    "no key": data_part(json.dumps({k: v for k, v in example_data().items() if k != "case_id"})),
    "an extra key": data_part(json.dumps(example_data(nonsense="x"))),
    "a list for a date": data_part(json.dumps(example_data(client_signed_date=[2024, 3, 4]))),
    "lone surrogates": data_part(json.dumps(example_data(client_name="\udcb8\udcf6"))),
    "unknown form": data_part(json.dumps(example_data()), form="no_such_form"),
    "newer version": data_part(json.dumps(example_data()), version="99"),
    "version not a number": data_part(json.dumps(example_data()), version="abc"),
    "truncated JSON": data_part(json.dumps(example_data())[:40]),
    "deep JSON": data_part("[" * 100_000 + "]" * 100_000),
    "malformed XML": b"<?xml version='1.0'?><document xmlns='urn:lvye-forms:data:1' form='case_consent'><data>{",
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_edited_embedded_data_is_an_invalid_document(tmp_path, consent, edit):
    (tmp_path / "edited.docx").write_bytes(with_part(consent, EDITS[edit]))
    (tmp_path / "GA-2024-099_case_closing_20240601.pdf").write_bytes(b"%PDF")  # the check goes on
    documents, unplaced = scan(tmp_path)
    assert [(u.path.name, u.code) for u in unplaced] == [("edited.docx", INVALID_DOCUMENT)]
    assert unplaced[0].reason.startswith("文档中嵌入的数据无效：")
    unplaced[0].reason.encode("utf-8")
    assert [d.subject_id for d in documents] == ["GA-2024-099"]
    report = api.check_archive(tmp_path, as_of=AS_OF)
    assert report.to_dict()["unplaced"][0]["code"] == INVALID_DOCUMENT
    assert not any(f["subject_id"] == CASE for f in report.to_dict()["findings"])


def test_reasons_name_what_is_wrong(tmp_path, consent):
    expected = {  # read_embedded may already refuse what is not one record
        "a list": ("列表", "list"),
        "null": ("空值", "NoneType"),
        "a bad date": ("「签署日期」", "「服务使用者签署日期」", "日期"),
        "no key": ("缺少此项",),
        "an extra key": ("多余的字段",),
        "unknown form": ("no_such_form",),
        "newer version": ("升级",),
        "version not a number": ("abc",),
        "truncated JSON": ("JSON",),
        "malformed XML": ("XML",),
    }
    for edit, words in expected.items():
        path = tmp_path / f"{abs(hash(edit))}.docx"
        path.write_bytes(with_part(consent, EDITS[edit]))
        (reason,) = [u.reason for u in scan(tmp_path)[1] if u.path == path]
        assert any(w in reason for w in words), (edit, reason)
        path.unlink()


def test_a_data_part_over_its_limit_is_unreadable(tmp_path, consent, monkeypatch):
    from lvye_forms import limits

    monkeypatch.setattr(limits, "MAX_EMBEDDED_BYTES", 200)
    (tmp_path / "big.docx").write_bytes(consent)
    documents, unplaced = scan(tmp_path)
    assert documents == [] and [u.code for u in unplaced] == [UNREADABLE]


def test_valid_documents_are_kept_as_before(tmp_path, consent):
    (tmp_path / "ok.docx").write_bytes(consent)
    (tmp_path / "rewritten.docx").write_bytes(
        with_part(consent, data_part(json.dumps(example_data(case_id="GA-2024-050"))))
    )
    documents, unplaced = scan(tmp_path)
    assert unplaced == []
    assert sorted(d.subject_id for d in documents) == [CASE, "GA-2024-050"]
    assert all(d.record is not None and d.source == "embedded" for d in documents)
    assert documents[0].fact("client_signed_date") == dt.date(2024, 3, 4)


@pytest.mark.parametrize("month", ["2024-ab", "2024-13", "24-1", 202410, None, ["2024-10"], "２０２４-１０"])
def test_group_subjects_ignores_odd_months(month):
    document = ArchiveDocument(
        Path("x.pdf"), "monthly_plan_summary", "service_point", "主山", None, "filename",
        data={"month": month, "service_point": ["odd"]},
    )
    subjects = group_subjects([document])
    assert subjects[("service_point", "主山")].related_dates == []


# --- 3. profiles that would eat the machine or escape the sandbox ----------------------------


def profile_text(expression: str, key: str = "when") -> str:
    return (
        "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
        f"          - form: case_consent\n            {key}: {json.dumps(expression)}\n"
    )


@pytest.fixture(scope="module")
def case_archive(tmp_path_factory, consent) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    (folder / "consent.docx").write_bytes(consent)
    return folder


HOSTILE = [
    "'x'*10**12",
    "'x'*10**9",
    "10**(10**10)",
    "2**100000",
    "range(10**9)|list",
    "range(10**9)|join",
    "range(99999)|join('x'*1000)",
    "[1]*10**9",
    "[[1]*1000]*10000",
    "('x'*999999) ~ ('x'*999999)",
    "('x'*999999) + ('x'*999999)",
    "(" * 300 + "1" + ")" * 300,
    "[" * 300 + "]" * 300,
    "x" * 3000,
    "().__class__",
    "as_of.__class__.__mro__",
    "as_of['__class__']",
    "as_of[('_' ~ '_class__')]",
    "as_of|attr('__class__')",
    "fact.__globals__",
    "lipsum(10**6)",
    "cycler(1, 2)",
    "joiner()",
    "namespace(a=1)",
    "dict(a=1)",
    "'%s' % as_of.__class__",
    "'%999999999d' % 1",
    "'%*d' % (10**9, 1)",
    "'%(a(b))99999999s' % {'a(b)': 1}",
    "'{}'.format(1)",
    "'{0.__class__}'.format(as_of)",
    "'x'.ljust(10**9)",
    "'x'.replace('x', 'y')",
    "(1).to_bytes(10**9, 'big')",
    "'x'|center(10**9)",
    "'%d'|format(1) ~ 'x'|indent(10**9)",
    "unknown_name",
    "doc.date",  # `doc` exists only in valid and match
    "range(100000)|map('string')|map('string')|map('string')|map('string')|list",
]


@pytest.mark.parametrize("expression", HOSTILE)
def test_hostile_expressions_end_in_a_located_profile_error(tmp_path, case_archive, expression):
    path = tmp_path / "bad.yaml"
    path.write_text(profile_text(expression), encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ProfileError, match=r"bad\.yaml 第 7 行"):
        api.check_archive(case_archive, profile=str(path), as_of=AS_OF)
    assert time.monotonic() - started < 5


def test_hostile_for_each_and_labels(tmp_path, case_archive):
    path = tmp_path / "bad.yaml"
    for expression in (
        "range(100000)",
        "[1]*100000",
        "as_of",
        "'abc'",
        "[as_of]|map(attribute='__x')|list",
        "range(100000)|map('string')|map('string')|map('string')",  # a generator, run lazily
    ):
        path.write_text(profile_text(expression, "for_each"), encoding="utf-8")
        with pytest.raises(ProfileError, match=r"bad\.yaml 第 7 行"):
            api.check_archive(case_archive, profile=str(path), as_of=AS_OF)


def test_legitimate_expressions_still_work(tmp_path, case_archive):
    path = tmp_path / "fine.yaml"
    for expression in (
        "10**10**10 > 0",  # jinja's ** is left-associative: (10**10)**10, small
        "'第%d节' % 3 == '第3节' and '第%d節'|format(3)",
        "(range(1, 4)|list|sum) == 6 and [1, 2]|join(',') == '1,2' and 'a' ~ 'b' == 'ab'",
        "has('case_consent') and fact('case_consent', 'client_signed_date') + days(7) > as_of - days(999)",
        "docs('case_consent')|map(attribute='date')|select|list|length == 1",
        "docs('case_consent')|selectattr('date')",  # a generator, run by the sandbox
    ):
        path.write_text(profile_text(expression), encoding="utf-8")
        report = api.check_archive(case_archive, profile=str(path), as_of=AS_OF)
        assert [f["status"] for f in report.to_dict()["findings"]] == ["complete"], expression


def test_no_way_to_the_documents_behind_the_views(tmp_path, case_archive):
    path = tmp_path / "escape.yaml"
    for expression in (
        "fact('case_consent', '_document').path.unlink()",
        "fact('case_consent', '__dict__')[('_' ~ 'document')].path.unlink()",
        "first('case_consent').path.upper() and first('case_consent')['_document']",
    ):
        path.write_text(profile_text(expression), encoding="utf-8")
        try:
            api.check_archive(case_archive, profile=str(path), as_of=AS_OF)
        except ProfileError as exc:
            assert "第 7 行" in str(exc)
        assert (case_archive / "consent.docx").exists()


def test_every_variable_is_a_known_name(case_archive):
    from lvye_forms.check.engine import CheckContext, StaffRegister
    from lvye_forms.check.sandbox import PROFILE_NAMES

    documents, _ = scan(case_archive)
    subject = next(iter(group_subjects(documents).values()))
    names = set(CheckContext(subject, documents, AS_OF, StaffRegister()).variables())
    assert names | {"closed", "is_open", "item", "doc", "range"} == PROFILE_NAMES


def test_profile_text_is_printable(tmp_path, case_archive):
    path = tmp_path / "odd.yaml"
    path.write_text(
        'name: "\\udcb8"\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n'
        '          - form: case_referral\n            label: "\\udcb8\\udcf6"\n            note: "\\udcff"\n',
        encoding="utf-8",
    )
    report = api.check_archive(case_archive, profile=str(path), as_of=AS_OF)
    printable(report)
    bad = tmp_path / "bad.yaml"
    bad.write_text(profile_text('"\\udcb8" ~ unknown'), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(str(bad))
    str(caught.value).encode("utf-8")


def test_missing_facts_still_give_none(tmp_path, case_archive):
    path = tmp_path / "fine.yaml"
    path.write_text(profile_text("fact('case_closing', 'closing_date') + days(7)", "due"), encoding="utf-8")
    report = api.check_archive(case_archive, profile=str(path), as_of=AS_OF)
    assert report.to_dict()["findings"][0]["due"] is None


def test_cli_exits_2_on_a_hostile_profile(tmp_path, case_archive):
    path = tmp_path / "bad.yaml"
    path.write_text(profile_text("'x'*10**12"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(case_archive), "--profile", str(path)])
    assert result.exit_code == 2 and "第 7 行" in result.output


BAD_PROFILES = {
    "subjects a list": ("name: x\nsubjects:\n  - case\n", "第 3 行"),
    "subjects a string": ("name: x\nsubjects: case\n", "第 2 行"),
    "subject body a list": ("name: x\nsubjects:\n  case: [1]\n", "第 3 行"),
    "steps a mapping": ("name: x\nsubjects:\n  case:\n    steps:\n      id: a\n", "第 5 行"),
    "steps a string": ("name: x\nsubjects:\n  case:\n    steps: intake\n", "第 4 行"),
    "step a string": ("name: x\nsubjects:\n  case:\n    steps:\n      - intake\n", "第 5 行"),
    "requires a string": (
        "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires: case_consent\n",
        "第 6 行",
    ),
    "requirement a string": (
        "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
        "          - case_consent\n",
        "第 7 行",
    ),
    "forms a mapping": (
        "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
        "          - forms: {a: 1}\n",
        "第 7 行",
    ),
    "when a list": (
        "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
        "          - form: case_consent\n            when: [1, 2]\n",
        "第 7 行",
    ),
    "forbid a string": (
        "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        requires:\n"
        "          - form: case_consent\n            forbid: 'no'\n",
        "第 7 行",
    ),
    "label a mapping": (
        "name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        label: {a: 1}\n",
        "第 5 行",
    ),
    "unknown step key": ("name: x\nsubjects:\n  case:\n    steps:\n      - id: a\n        reqires: []\n", "第 5 行"),
    "unknown subject type": ("name: x\nsubjects:\n  cases: {}\n", "第 3 行"),
    "billion laughs": (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
        + "name: x\nsubjects:\n  case:\n    label: *i\n",
        "第 ",
    ),
    "recursive alias": ("name: x\nsubjects: &s\n  case:\n    steps: [*s]\n", "第 "),
    "deep nesting": ("name: x\nsubjects: " + "[" * 400 + "]" * 400 + "\n", "bad.yaml"),
    "not a mapping": ("- a\n- b\n", "bad.yaml"),
    "two documents": ("name: x\nsubjects: {}\n---\nname: y\n", "第 "),
    "python tag": ("name: !!python/object/apply:os.system ['true']\nsubjects: {}\n", "第 1 行"),
}


@pytest.mark.parametrize("case", list(BAD_PROFILES))
def test_malformed_profiles_are_located_errors(tmp_path, case):
    text, where = BAD_PROFILES[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(ProfileError, match="bad.yaml") as caught:
        load_profile(str(path))
    assert where in str(caught.value)
    assert time.monotonic() - started < 2


def test_profile_files_that_cannot_be_read(tmp_path):
    not_utf8 = tmp_path / "gbk.yaml"
    not_utf8.write_bytes("name: x\nsubjects:\n  case:\n    label: 个案\n".encode("gbk"))
    with pytest.raises(ProfileError, match=r"gbk\.yaml 第 4 行.*UTF-8"):
        load_profile(str(not_utf8))
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(ProfileError, match="folder.yaml.*文件夹"):
        load_profile(str(folder))
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"name: x\nsubjects: {}\n" + b"#" * 1_100_000)
    with pytest.raises(ProfileError, match="huge.yaml.*过大"):
        load_profile(str(huge))
    with pytest.raises(ProfileError, match="过大"):
        parse_profile("#" * 1_100_000, "text")
    with pytest.raises(ProfileError, match="missing.yaml"):
        load_profile(str(tmp_path / "missing.yaml"))
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ProfileError, match="pipe.yaml.*普通文件"):
        load_profile(str(fifo))  # would block forever if it were opened


def test_a_profile_keeps_working_with_aliases_and_a_bom(tmp_path, case_archive):
    path = tmp_path / "aliases.yaml"
    text = (
        "name: x\ncommon: &consent\n  form: case_consent\n  note: 签同意书\nsubjects:\n  case:\n"
        "    steps:\n      - id: a\n        requires:\n          - *consent\n"
        "          - {<<: *consent, label: 再一次}\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = api.check_archive(case_archive, profile=str(path), as_of=AS_OF)
    assert [f["status"] for f in report.to_dict()["findings"]] == ["complete", "complete"]


# --- 4. walking the archive ------------------------------------------------------------------


def test_links_special_files_and_unreadable_folders(tmp_path, consent, monkeypatch):
    archive = tmp_path / "archive"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "GA-2024-001_case_consent_20240301.pdf").write_bytes(b"%PDF")
    archive.mkdir()
    (archive / "real.docx").write_bytes(consent)
    os.symlink(archive, archive / "self")  # a folder link back to the archive: would loop
    os.symlink(tmp_path, archive / "up")  # a folder link above it
    os.symlink("b.pdf", archive / "a.pdf")  # a loop of two links
    os.symlink("a.pdf", archive / "b.pdf")
    os.symlink("gone.pdf", archive / "broken.pdf")
    os.symlink(outside / "GA-2024-001_case_consent_20240301.pdf", archive / "GA-2024-001_case_consent_20240301.pdf")
    os.symlink("real.docx", archive / "alias.docx")  # the same document under another name
    os.symlink("/dev/zero", archive / "zero.docx")
    os.mkfifo(archive / "pipe.docx")
    (archive / "locked").mkdir()
    (archive / "locked" / "GA-2024-002_case_consent_20240301.pdf").write_bytes(b"%PDF")

    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    started = time.monotonic()
    documents, unplaced = scan(archive)
    assert time.monotonic() - started < 5
    assert [d.path.name for d in documents] == ["real.docx"]
    codes = {u.path.name: u.code for u in unplaced}
    assert codes == {
        "self": SYMLINK,
        "up": SYMLINK,
        "a.pdf": SYMLINK,
        "b.pdf": SYMLINK,
        "broken.pdf": SYMLINK,
        "GA-2024-001_case_consent_20240301.pdf": SYMLINK,
        "zero.docx": SYMLINK,
        "pipe.docx": UNREADABLE,
        "locked": UNREADABLE,
    }
    reasons = {u.path.name: u.reason for u in unplaced}
    assert "循环" in reasons["a.pdf"] and "失效" in reasons["broken.pdf"]
    assert "以外" in reasons["GA-2024-001_case_consent_20240301.pdf"] and "权限" in reasons["locked"]


def test_reports_print_links_that_loop(tmp_path, consent):
    (tmp_path / "real.docx").write_bytes(consent)
    os.symlink("b.pdf", tmp_path / "a.pdf")
    os.symlink("a.pdf", tmp_path / "b.pdf")
    os.symlink(tmp_path, tmp_path / "self")
    report = api.check_archive(tmp_path, as_of=AS_OF)
    printable(report)  # Path.resolve() raises RuntimeError on a loop before Python 3.13
    assert {u["file"] for u in report.to_dict()["unplaced"]} >= {"a.pdf", "b.pdf"}


def test_unreadable_files_are_listed(tmp_path, consent, monkeypatch):
    (tmp_path / "locked.docx").write_bytes(consent)
    (tmp_path / "GA-2024-003_case_consent_20240301.pdf").write_bytes(b"%PDF")
    (tmp_path / "GA-2024-004_case_consent_20240301.pdf").write_bytes(b"%PDF")
    locked = {"locked.docx", "GA-2024-003_case_consent_20240301.pdf"}
    if os.geteuid() == 0:  # root reads anything: make the permission error ourselves
        real_open = os.open

        def fake_open(path, flags, *args, **kwargs):
            if Path(os.fsdecode(path)).name in locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", fake_open)
    else:
        for name in locked:
            (tmp_path / name).chmod(0)
    documents, unplaced = scan(tmp_path)
    assert [d.subject_id for d in documents] == ["GA-2024-004"]
    assert {u.path.name: (u.code, "权限" in u.reason) for u in unplaced} == {
        name: (UNREADABLE, True) for name in locked
    }
