"""Inputs built to break a reader: every one ends in a located message or correct output.

Each test makes its hostile file itself, small: "huge" sizes are faked in the zip directory or
made by compressing a long run of zeros, so the whole file runs in seconds.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from lvye_forms import api, i18n, limits
from lvye_forms.errors import Code, Problem
from lvye_forms.ingest.annotate import AUTHOR, AnnotationFailed, annotated_copy
from lvye_forms.ingest.csv_input import decode_text
from lvye_forms.ingest.tables import (
    UnreadableFile,
    escape,
    read_tables,
    unescape,
    workbook_form_id,
)
from lvye_forms.render.embed import NAMESPACE, BadEmbeddedData, NoEmbeddedData, read_embedded

from .conftest import TODAY, example_sheets

SHEET = "接受个案服务同意书"
HEADERS, ROW = example_sheets("case_consent")[SHEET]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def row(**changes: str) -> list[str]:
    """The example row with cells (by header) changed."""
    values = list(ROW)
    for label, value in changes.items():
        values[HEADERS.index(label)] = value
    return values


def xlsx_bytes(
    rows: list[list],
    *,
    sheet: str = SHEET,
    shared: bool = True,
    merges: Iterable[str] = (),
    dimension: str | None = None,
    raw_rows: str = "",
) -> bytes:
    """A minimal workbook written as XML (shared or inline strings), as Excel would store it."""
    strings: list[str] = []
    index: dict[str, int] = {}

    def cell(ref: str, value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        if shared:
            if value not in index:
                index[value] = len(strings)
                strings.append(value)
            return f'<c r="{ref}" t="s"><v>{index[value]}</v></c>'
        text = xml_escape(value)
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'

    body = "".join(
        f'<row r="{r}">'
        + "".join(cell(f"{get_column_letter(c)}{r}", v) for c, v in enumerate(values, 1))
        + "</row>"
        for r, values in enumerate(rows, 1)
    )
    merges = list(merges)
    merge = (
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        + "</mergeCells>"
        if merges
        else ""
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sst = "".join(f'<si><t xml:space="preserve">{xml_escape(s)}</t></si>' for s in strings)
    members = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            f'<sheet name="{xml_escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{body}{raw_rows}</sheetData>{merge}</worksheet>'
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{sst}</sst>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in members.items():
            package.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
    return out.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def set_declared_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in its headers changed to `size` (a lie)."""
    buffer = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        offset = package.getinfo(member).header_offset
    struct.pack_into("<I", buffer, offset + 22, size)
    position, name = 0, member.encode()
    while True:
        position = buffer.index(b"PK\x01\x02", position)
        length = struct.unpack_from("<H", buffer, position + 28)[0]
        if bytes(buffer[position + 46 : position + 46 + length]) == name:
            struct.pack_into("<I", buffer, position + 24, size)
            return bytes(buffer)
        position += 4


def add_member(
    data: bytes, name: str, chunks: Iterable[bytes], method=zipfile.ZIP_DEFLATED
) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", method) as package, package.open(name, "w") as stream:
        for chunk in chunks:
            stream.write(chunk)
    return out.getvalue()


def zeros(size: int) -> Iterable[bytes]:
    block = bytes(1024 * 1024)
    for _ in range(size // len(block)):
        yield block


def render(path: Path, tmp_path: Path, **kwargs):
    """A whole run over `path`: it must return reports, whatever the file holds."""
    reports = api.render_path(path, tmp_path / "out", today=TODAY, **kwargs)
    assert reports
    return reports


def problems(reports) -> list[Problem]:
    return [p for r in reports for p in r.problems]


def refusal(path: Path) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_tables(path)
    return caught.value


# --- 1. merged cells ----------------------------------------------------------------------


def merged_workbook(path: Path, merges: list[str], rows: list[list]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    for values in rows:
        sheet.append(values)
    for ref in merges:
        sheet.merge_cells(ref)
    workbook.save(path)
    return path


def test_merged_data_cell_is_read_and_marked_on_its_top_left_cell(tmp_path):
    name = HEADERS.index("服务对象姓名") + 1
    letter = get_column_letter(name)
    path = merged_workbook(
        tmp_path / "合并.xlsx",
        [f"{letter}2:{letter}3"],
        [HEADERS, row(), row(个案编号="GA-2024-018", 服务对象姓名="")],
    )
    reports = render(path, tmp_path)
    found = problems(reports)
    assert [(p.code, p.sheet, p.row, p.column) for p in found] == [
        (Code.REQUIRED.value, SHEET, 3, "服务对象姓名")
    ]
    assert len(reports[0].documents) == 1  # row 2, whose top-left cell holds the name
    copy = load_workbook(reports[0].annotated_copy)[SHEET]
    top_left = copy[f"{letter}2"]
    assert top_left.comment.author == AUTHOR and f"{letter}3" in top_left.comment.text
    assert top_left.fill.fgColor.rgb == "FFFFC7CE"
    assert copy[f"{letter}2"].value == "李小明"


def test_merged_header_cell_takes_the_mark_of_the_cell_it_covers(tmp_path):
    # 服务对象姓名 merged down over row 2: that row's name cell is covered, so it is empty.
    column = get_column_letter(HEADERS.index("服务对象姓名") + 1)
    path = merged_workbook(tmp_path / "表头.xlsx", [f"{column}1:{column}2"], [HEADERS, row()])
    reports = render(path, tmp_path)
    assert [(p.code, p.row, p.column) for p in problems(reports)] == [
        (Code.REQUIRED.value, 2, "服务对象姓名")
    ]
    header = load_workbook(reports[0].annotated_copy)[SHEET][f"{column}1"]
    assert header.value == "服务对象姓名"
    assert header.comment is not None and f"{column}2" in header.comment.text


def test_messages_of_a_merged_range_are_combined_on_one_comment(tmp_path):
    path = merged_workbook(
        tmp_path / "m.xlsx", ["B2:C3"], [["a", "b", "c"], [1, "x", ""], [2, "", ""]]
    )
    problems_ = [
        Problem(code="x", message="第一", sheet=SHEET, row=2, column="b"),
        Problem(code="x", message="第二", sheet=SHEET, row=2, column="c"),
        Problem(code="x", message="第三", sheet=SHEET, row=3, column="c"),
    ]
    sheet = load_workbook(io.BytesIO(annotated_copy(path, problems_)))[SHEET]
    text = sheet["B2"].comment.text
    assert text.splitlines() == ["第一", "C2：第二", "C3：第三"]
    assert ("B2:C3" in {str(r) for r in sheet.merged_cells.ranges}) and sheet["B2"].value == "x"


def test_a_value_left_under_a_merged_range_belongs_to_its_top_left_cell(tmp_path):
    # Written by hand: B3 still holds a value although B2:B3 is merged (Excel shows only B2).
    path = write(
        tmp_path / "x.xlsx",
        xlsx_bytes([["a", "b"], ["1", "top"], ["2", "hidden"]], sheet="S", merges=["B2:B3"]),
    )
    table = read_tables(path)["S"]
    assert [r.values for r in table.rows] == [{"a": "1", "b": "top"}, {"a": "2", "b": None}]


def test_a_merge_covering_the_whole_sheet_is_bounded(tmp_path):
    path = write(
        tmp_path / "all.xlsx",
        xlsx_bytes([HEADERS, row()], merges=["A5:XFD1048576"], dimension="A1:XFD1048576"),
    )
    assert len(read_tables(path)[SHEET].rows) == 1
    with pytest.raises(AnnotationFailed, match="合并单元格"):
        annotated_copy(path, [Problem(code="x", message="m", sheet=SHEET, row=2, column="性别")])
    render(path, tmp_path)  # the document is written; the copy's failure is one more problem


# --- 2. characters XML forbids ------------------------------------------------------------


@pytest.mark.parametrize("escaped", ["_x000B_", "_x0000_", "_x001F_", "_xFFFE_", "_x000c_"])
@pytest.mark.parametrize("shared", [True, False], ids=["shared", "inline"])
def test_control_character_in_a_cell_is_reported_and_the_copy_is_written(tmp_path, escaped, shared):
    address = f"东莞市{escaped}东城区_x005F_x0041_"  # plus a literal "_x0041_" someone typed
    path = write(tmp_path / "控制.xlsx", xlsx_bytes([HEADERS, row(住址=address)], shared=shared))
    reports = render(path, tmp_path)
    [problem] = problems(reports)
    assert (problem.code, problem.file, problem.sheet, problem.row, problem.column) == (
        Code.CONTROL_CHAR.value,
        "控制.xlsx",
        SHEET,
        2,
        "住址",
    )
    assert "第4个字符" in problem.message
    copy = read_tables(reports[0].annotated_copy)[SHEET].rows[0].values["住址"]
    assert copy == "东莞市\ufffd东城区_x0041_"  # only the bad character changed


def test_a_formula_whose_result_holds_an_escape_stays_a_formula_in_the_copy(tmp_path):
    formula = '<row r="3"><c r="A3" t="str"><f>"x"&amp;"y"</f><v>x_x000B_y</v></c></row>'
    path = write(
        tmp_path / "f.xlsx", xlsx_bytes([["a", "b"], ["1", "2"]], sheet="S", raw_rows=formula)
    )
    assert read_tables(path)["S"].rows[1].values["a"] == "x\x0by"
    copy = annotated_copy(path, [Problem(code="x", message="m", sheet="S", row=3, column="a")])
    cell = load_workbook(io.BytesIO(copy))["S"]["A3"]
    assert cell.value == '="x"&"y"' and cell.comment.text == "m"


def test_escapes_are_undone_once_and_nothing_else_changes():
    assert unescape("a_x000D__x000A_b") == "a\r\nb"
    assert unescape("_x005F_x000B_") == "_x000B_"
    assert unescape("_xD83D__xDE00_") == "😀"  # a pair of UTF-16 halves is one character
    assert unescape("_xD800_x") == "_xD800_x"  # half a character stays as typed
    assert unescape("plain 中文 _x12_") == "plain 中文 _x12_"
    for text in ("_x000B_", "a_x005F_b", "中文", "_x0041__X0041_"):
        assert unescape(escape(text)) == text


def test_control_characters_in_a_csv_keep_the_copy_writable(tmp_path):
    lines = [HEADERS, row(住址="东莞\x0b市", 求助事项="=1+1 \ufffe")]
    path = write(
        tmp_path / "c.csv", "\n".join(",".join(v for v in line) for line in lines).encode()
    )
    reports = render(path, tmp_path, form_id="case_consent")
    assert {(p.code, p.row, p.column) for p in problems(reports)} == {
        (Code.CONTROL_CHAR.value, 2, "住址"),
        (Code.CONTROL_CHAR.value, 2, "求助事项"),
    }
    sheet = load_workbook(reports[0].annotated_copy).worksheets[0]
    values = [c.value for c in sheet[2]]
    assert "东莞\ufffd市" in values and "=1+1 \ufffd" in values  # text, not a formula


# --- 5. size limits, damaged and disguised packages ----------------------------------------


def test_a_sheet_declared_huge_is_refused_with_a_reason(tmp_path):
    data = set_declared_size(
        xlsx_bytes([HEADERS, row()]), "xl/worksheets/sheet1.xml", 300 * limits.MiB
    )
    path = write(tmp_path / "big.xlsx", data)
    error = refusal(path)
    assert error.code is Code.FILE_TOO_LARGE and "200 MB" in str(error)
    [problem] = problems(render(path, tmp_path))
    assert problem.file == "big.xlsx" and "200 MB" in problem.message


def test_shared_strings_declared_huge_are_refused(tmp_path):
    data = set_declared_size(xlsx_bytes([HEADERS, row()]), "xl/sharedStrings.xml", 250 * limits.MiB)
    error = refusal(write(tmp_path / "s.xlsx", data))
    assert error.code is Code.FILE_TOO_LARGE and "sharedStrings" in str(error)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    data = add_member(xlsx_bytes([HEADERS, row()]), "xl/media/image1.png", zeros(16 * limits.MiB))
    error = refusal(write(tmp_path / "bomb.xlsx", data))
    assert error.code is Code.FILE_TOO_LARGE and "压缩" in str(error)


def test_a_zip_that_understates_a_size_is_refused_not_read_past_it(tmp_path):
    data = xlsx_bytes([HEADERS, row(), row(个案编号="GA-2")])
    path = write(tmp_path / "lie.xlsx", set_declared_size(data, "xl/worksheets/sheet1.xml", 200))
    assert refusal(path).code is Code.UNREADABLE
    assert problems(render(path, tmp_path))


def test_thousands_of_members_are_refused_before_the_directory_is_read(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for n in range(limits.MAX_MEMBERS + 1):
            package.writestr(f"m/{n}", b"")
    path = write(tmp_path / "many.xlsx", out.getvalue())
    error = refusal(path)
    assert error.code is Code.FILE_TOO_LARGE and str(limits.MAX_MEMBERS) in str(error)
    docx = write(tmp_path / "many.docx", out.getvalue())
    with pytest.raises(BadEmbeddedData):
        read_embedded(docx)


def test_member_names_climbing_out_are_refused(tmp_path):
    data = add_member(xlsx_bytes([HEADERS, row()]), "../../evil.xml", [b"<x/>"])
    assert ".." in str(refusal(write(tmp_path / "up.xlsx", data)))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "0 字节"),
        (b"just some text, not a workbook\n", "不是 .xlsx"),
        (b"<html><table><tr><td>1</td></tr></table></html>", "网页"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "Workbook".encode("utf-16-le"), "旧版"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptionInfo".encode("utf-16-le"),
            "密码",
        ),
        (b"PK\x03\x04" + bytes(100), "损坏"),
    ],
    ids=["empty", "text", "html", "xls-renamed", "encrypted", "truncated-zip"],
)
def test_files_that_are_not_workbooks_get_a_clear_reason(tmp_path, content, words):
    path = write(tmp_path / "表.xlsx", content)
    assert words in str(refusal(path))
    [problem] = problems(render(path, tmp_path))
    assert problem.file == "表.xlsx" and words in problem.message


def test_a_zero_byte_sheet_is_named(tmp_path):
    data = xlsx_bytes([HEADERS, row()])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            blob = b"" if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, blob)
    error = refusal(write(tmp_path / "z.xlsx", out.getvalue()))
    assert "sheet1.xml" in str(error) and "0 字节" in str(error)


def test_broken_sheet_xml_names_the_sheet(tmp_path):
    data = xlsx_bytes([HEADERS, row()], raw_rows='<row r="3"><c r="A3" t="s"><v>999</v></c></row>')
    error = refusal(write(tmp_path / "b.xlsx", data))
    assert error.sheet == SHEET and SHEET in str(error)


def test_cells_outside_excels_grid_are_refused(tmp_path):
    data = xlsx_bytes(
        [HEADERS, row()], raw_rows='<row r="2000000"><c r="A2000000"><v>1</v></c></row>'
    )
    assert "超出" in str(refusal(write(tmp_path / "g.xlsx", data)))


def test_declared_dimensions_do_not_make_work(tmp_path):
    # One far-away cell and a dimension of the whole grid: only the cells present are read.
    data = xlsx_bytes(
        [HEADERS, row()],
        dimension="A1:XFD1048576",
        raw_rows='<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    )
    table = read_tables(write(tmp_path / "far.xlsx", data))[SHEET]
    assert [r.row for r in table.rows] == [2, 1048576]


def test_too_many_cells_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELLS", 30)
    path = write(tmp_path / "cells.xlsx", xlsx_bytes([HEADERS, row(), row(个案编号="GA-2")]))
    error = refusal(path)
    assert error.code is Code.FILE_TOO_LARGE and error.sheet == SHEET


def test_custom_properties_are_read_bounded(tmp_path):
    data = add_member(
        xlsx_bytes([HEADERS, row()]),
        "docProps/custom.xml",
        [b"<Properties>" + b" " * (limits.MAX_PROPERTIES_BYTES + 1) + b"</Properties>"],
        method=zipfile.ZIP_STORED,
    )
    with pytest.raises(UnreadableFile) as caught:
        workbook_form_id(write(tmp_path / "p.xlsx", data))
    assert caught.value.code is Code.FILE_TOO_LARGE
    assert workbook_form_id(write(tmp_path / "n.xlsx", b"not a zip")) is None


def test_reasons_follow_the_language(tmp_path):
    with i18n.use_language("en"):
        assert "empty" in str(refusal(write(tmp_path / "e.xlsx", b"")))


# --- embedded data parts ----------------------------------------------------------------


def docx_with(part: bytes, *, method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("customXml/item1.xml", part)
    return out.getvalue()


def data_part(payload: str, **attributes: str) -> bytes:
    attrs = {"form": "case_consent", "schema-version": "1", **attributes}
    text = " ".join(f'{k}="{v}"' for k, v in attrs.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><document xmlns="{NAMESPACE}" {text}>'
        f"<data>{xml_escape(payload)}</data></document>"
    ).encode()


def test_embedded_data_reads_back(tmp_path):
    path = write(tmp_path / "ok.docx", docx_with(data_part('{"case_id": "GA-1"}')))
    assert read_embedded(path)["data"] == {"case_id": "GA-1"}


@pytest.mark.parametrize(
    ("part", "words"),
    [
        (data_part("[1, 2]"), "list"),
        (data_part("42"), "int"),
        (data_part("{not json"), "JSON"),
        (data_part("[" * 100_000 + "]" * 100_000), "JSON"),
        (data_part("{}", **{"schema-version": "v2"}), "v2"),
        (f'<document xmlns="{NAMESPACE}" form="x"><data>'.encode(), "XML"),
    ],
    ids=["list", "number", "bad-json", "deep-json", "bad-version", "bad-xml"],
)
def test_unusable_embedded_data_says_why(tmp_path, part, words):
    path = write(tmp_path / "bad.docx", docx_with(part))
    with pytest.raises(BadEmbeddedData, match=words):
        read_embedded(path)


def test_an_embedded_data_part_over_its_limit_is_refused(tmp_path):
    size = limits.MAX_EMBEDDED_BYTES + 1024
    head = data_part("{}")[: -len("</data></document>")]
    part = head + os.urandom((size - len(head)) // 2).hex().encode()[: size - len(head)]
    path = write(tmp_path / "big.docx", docx_with(part, method=zipfile.ZIP_STORED))
    with pytest.raises(BadEmbeddedData) as caught:
        read_embedded(path)
    assert caught.value.code is Code.FILE_TOO_LARGE and "20 MB" in str(caught.value)


def test_an_embedded_part_declared_at_one_and_a_half_gigabytes_is_refused(tmp_path):
    data = set_declared_size(docx_with(data_part("{}")), "customXml/item1.xml", 1536 * limits.MiB)
    with pytest.raises(BadEmbeddedData) as caught:
        read_embedded(write(tmp_path / "huge.docx", data))
    assert caught.value.code is Code.FILE_TOO_LARGE


def test_an_embedded_part_that_lies_about_its_size_is_refused(tmp_path):
    data = set_declared_size(docx_with(data_part("{}" + " " * 5000)), "customXml/item1.xml", 100)
    with pytest.raises(BadEmbeddedData):
        read_embedded(write(tmp_path / "lie.docx", data))


def test_other_programs_custom_parts_and_old_formats_carry_no_data(tmp_path):
    big = b" " * (limits.MAX_EMBEDDED_BYTES + 1)
    foreign = docx_with(
        b"<b:Sources xmlns:b='urn:other'>" + big + b"</b:Sources>", method=zipfile.ZIP_STORED
    )
    with pytest.raises(NoEmbeddedData):
        read_embedded(write(tmp_path / "word.docx", foreign))
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    with pytest.raises(NoEmbeddedData):
        read_embedded(write(tmp_path / "old.docx", ole))
    with pytest.raises(zipfile.BadZipFile, match="0 字节"):
        read_embedded(write(tmp_path / "empty.docx", b""))


def test_bounded_stream_stops_at_the_limit():
    stream = limits.BoundedStream(io.BytesIO(bytes(100)), 50, "x")
    assert len(stream.read(40)) == 40
    with pytest.raises(limits.TooLarge):
        stream.read(40)


# --- 6. CSV ----------------------------------------------------------------------------------


def csv_bytes(*lines: list[str], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(",".join(line) for line in lines).encode(encoding)


def test_nul_in_a_csv_cell_is_kept_and_reported(tmp_path):
    path = write(tmp_path / "nul.csv", csv_bytes(HEADERS, row(住址="东莞\x00市")))
    reports = render(path, tmp_path, form_id="case_consent")
    assert [(p.code, p.sheet, p.row, p.column) for p in problems(reports)] == [
        (Code.CONTROL_CHAR.value, "nul.csv", 2, "住址")
    ]


def test_a_csv_mixing_utf8_and_gbk_lines_is_refused_at_the_line(tmp_path):
    data = csv_bytes(HEADERS, row()) + b"\r\n" + csv_bytes(row(个案编号="GA-2"), encoding="gb18030")
    path = write(tmp_path / "mixed.csv", data)
    error = refusal(path)
    assert (error.sheet, error.row) == ("mixed.csv", 3) and "UTF-8" in str(error)
    [problem] = problems(render(path, tmp_path, form_id="case_consent"))
    assert "第 3 行" in problem.message


def test_gbk_csv_reads_exactly_even_where_a_line_looks_like_utf8():
    # "女" in GBK (C5 AE) is also valid UTF-8 on its own; the file is still read as GBK.
    text = "姓名,性别\r\n李小明,男\r\n王芳,女\r\n"
    assert decode_text(text.encode("gb18030")) == text


def test_utf16_csv_as_excel_saves_unicode_text(tmp_path):
    text = "\t".join(HEADERS) + "\r\n" + "\t".join(row()) + "\r\n"
    path = write(tmp_path / "u16.csv", text.encode("utf-16"))
    reports = render(path, tmp_path, form_id="case_consent")
    assert problems(reports) == [] and len(reports[0].documents) == 1


def test_a_ten_million_character_cell_is_a_located_error(tmp_path):
    path = write(tmp_path / "long.csv", csv_bytes(HEADERS, row(求助事项="长" * 10_000_000)))
    error = refusal(path)
    assert (error.sheet, error.row) == ("long.csv", 2)
    [problem] = problems(render(path, tmp_path, form_id="case_consent"))
    assert "引号" in problem.message


def test_an_unclosed_quote_is_a_located_error(tmp_path):
    lines = [HEADERS, row(住址='"东莞'), *[row(个案编号=f"GA-{n}") for n in range(20_000)]]
    error = refusal(write(tmp_path / "quote.csv", csv_bytes(*lines)))
    assert error.row == 2 and "引号" in str(error)


def test_a_line_of_a_hundred_thousand_separators_is_a_located_error(tmp_path):
    error = refusal(write(tmp_path / "wide.csv", csv_bytes(HEADERS, ["x"] * 100_000)))
    assert error.row == 2 and "16384" in str(error)


def test_a_workbook_named_csv_says_so(tmp_path):
    path = write(tmp_path / "wb.csv", xlsx_bytes([HEADERS, row()]))
    assert ".xlsx" in str(refusal(path))


def test_json_input_holding_a_list_of_numbers_survives(tmp_path):
    path = write(tmp_path / "x.json", json.dumps([1, 2]).encode())
    assert problems(render(path, tmp_path))


@pytest.mark.skipif(os.name == "nt", reason="POSIX pipes and devices")
def test_pipes_and_devices_are_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.xlsx")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    for name in ("pipe.xlsx", "zero.csv"):
        assert "普通文件" in str(refusal(tmp_path / name))
        assert problems(render(tmp_path / name, tmp_path, form_id="case_consent"))
    os.mkfifo(tmp_path / "pipe.docx")
    with pytest.raises(BadEmbeddedData):
        read_embedded(tmp_path / "pipe.docx")
    assert workbook_form_id(tmp_path / "pipe.xlsx") is None
