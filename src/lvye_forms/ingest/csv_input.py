"""Reading CSV files as staff save them from Excel or WPS: any of the usual encodings
(UTF-8 with or without a mark, GB18030, Excel's "Unicode text" in UTF-16), one table.

A CSV file is read whole (it is bounded by `limits.MAX_CSV_BYTES`); every failure is an
`UnreadableFile` naming the line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from .. import limits
from ..errors import Code
from ..i18n import t
from .tables import Budget, Table, UnreadableFile, _table_from_rows, open_input

_CJK_UTF8 = re.compile(rb"[\xe3-\xe9][\x80-\xbf]{2}")


def _line_number(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf16(data: bytes) -> str | None:
    """UTF-16 text (Excel's “Unicode text”): by its byte-order mark, or ASCII-like NUL pattern."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        sample = data[:4096]
        half = len(sample) // 2
        if half < 2:
            return None
        odd_nuls = sample[1::2].count(0) / half
        even_nuls = sample[0::2].count(0) / half
        if odd_nuls > 0.4 and even_nuls < 0.05:
            encoding = "utf-16-le"
        elif even_nuls > 0.4 and odd_nuls < 0.05:
            encoding = "utf-16-be"
        else:
            return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            t(
                f"文件是 UTF-16 编码，但第 {_line_number(data, exc.start)} 行附近有无效的字节；请在 Excel 中另存为“CSV UTF-8”",
                f"the file is UTF-16 but has invalid bytes near line {_line_number(data, exc.start)}; "
                "save it as CSV UTF-8",
            ),
            row=_line_number(data, exc.start),
        ) from exc


def decode_text(data: bytes, name: str = "") -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, else GBK/GB18030 as
    Chinese Excel saves. A file that mixes UTF-8 and GBK lines, or holds bytes valid in
    neither, is refused with the line that gives it away: guessing would change characters.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = _utf16(data)
    if text is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = _line_number(data, exc.start)
    lines = data.split(b"\n")
    utf8_line = next(
        (
            number
            for number, line in enumerate(lines, start=1)
            if _CJK_UTF8.search(line) and _valid_utf8(line)
        ),
        None,
    )
    if utf8_line is not None:
        raise UnreadableFile(
            t(
                f"文件混用了两种文字编码：第 {utf8_line} 行是 UTF-8，第 {first_bad} 行不是（可能是 GBK）；"
                "请把这些行重新输入，或把整个文件统一另存为“CSV UTF-8”",
                f"the file mixes encodings: line {utf8_line} is UTF-8, line {first_bad} is not "
                "(probably GBK); retype those lines or save the whole file as CSV UTF-8",
            ),
            sheet=name,
            row=first_bad,
        )
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = _line_number(data, exc.start)
        raise UnreadableFile(
            t(
                f"无法识别文件编码：第 {line} 行有既不是 UTF-8 也不是 GBK 的字节；"
                "请另存为“CSV UTF-8”或 GBK 编码",
                f"unknown encoding: line {line} has bytes that are neither UTF-8 nor GBK; "
                "save as CSV UTF-8",
            ),
            sheet=name,
            row=line,
        ) from exc


def _valid_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_csv_bytes(path: Path) -> bytes:
    with open_input(path) as stream:
        data = stream.read(limits.MAX_CSV_BYTES + 1)
    if len(data) > limits.MAX_CSV_BYTES:
        raise UnreadableFile(
            t(
                f"CSV 文件超过 {limits.mb(limits.MAX_CSV_BYTES)} MB 上限，未读取",
                f"the CSV file exceeds the {limits.mb(limits.MAX_CSV_BYTES)} MB limit; not read",
            ),
            code=Code.FILE_TOO_LARGE,
        )
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            t(
                "这是 Excel 工作簿（.xlsx），只是扩展名为 .csv；请把扩展名改回 .xlsx",
                "this is an Excel workbook (.xlsx) named .csv; rename it to .xlsx",
            )
        )
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnreadableFile(
            t(
                "这是旧版 Excel 文件（.xls），只是扩展名为 .csv；请在 Excel/WPS 中另存为 .xlsx 或 CSV",
                "this is an old Excel file (.xls) named .csv; save it as .xlsx or CSV",
            )
        )
    return data


def _csv_records(text: str, name: str) -> Iterator[list[str]]:
    nul = ""
    if "\x00" in text:  # csv before Python 3.11 refuses NUL; keep it, validation reports it
        nul = next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
        text = text.replace("\x00", nul)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",\t;"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    record = 0
    while True:
        record += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableFile(
                _csv_reason(exc, record, reader.line_num), sheet=name, row=record
            ) from exc
        if len(values) > limits.EXCEL_MAX_COLUMN:
            raise UnreadableFile(
                t(
                    f"第 {record} 行有 {len(values)} 列，超过 {limits.EXCEL_MAX_COLUMN} 列的上限；请检查分隔符",
                    f"row {record} has {len(values)} columns, over the limit of "
                    f"{limits.EXCEL_MAX_COLUMN}; check the separators",
                ),
                sheet=name,
                row=record,
            )
        yield [v.replace(nul, "\x00") for v in values] if nul else values


def _csv_reason(exc: csv.Error, record: int, line: int) -> str:
    where = t(f"第 {record} 行", f"row {record}")
    if line and line != record:
        where += t(f"（文件第 {line} 行）", f" (line {line} of the file)")
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return t(
            f'{where}有一个单元格超过 {limit} 个字符；常见原因是引号没有配对（一个 " 打开后没有关闭）',
            f'{where} has a cell longer than {limit} characters; usually a quote (") that is never closed',
        )
    return t(f"{where}无法按 CSV 格式读取：{exc}", f"{where} cannot be read as CSV: {exc}")


def csv_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV file (comma, tab or semicolon separated), as text."""
    text = decode_text(_read_csv_bytes(path), path.name)
    budget = Budget()
    rows: list[list[str]] = []
    for values in _csv_records(text, path.name):
        budget.spend(len(values), path.name, len(rows) + 1)
        rows.append(values)
    return rows


def read_csv(path: Path) -> dict[str, Table]:
    rows = (
        (number, dict(enumerate(values, start=1)))
        for number, values in enumerate(csv_rows(path), start=1)
    )
    return {path.name: _table_from_rows(path.name, rows)}


