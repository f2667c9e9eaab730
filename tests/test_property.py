"""Property: whatever staff type into any cell of any form, a run ends either in problems that
are all located (sheet, row and column), or in a document that gives the value back.

Each example takes a form's first example, puts one generated value into one cell (a main-sheet
column or the first row of a list sheet), writes the workbook, renders it with
`api.render_path` and, when a document was written, reads the value back with `api.extract`:
text as typed (CR LF and CR → LF; short text without surrounding spaces), anything else as the
model's own JSON serialisation of the validated record.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from lvye_forms import api
from lvye_forms.registry import all_forms, get_form, spec

from .conftest import TODAY, example_sheets

SETTINGS = settings(
    max_examples=int(os.environ.get("LVYE_PROPERTY_EXAMPLES", "60")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# XML 1.0 cannot hold these; Excel stores them as _xHHHH_ escapes, and they must be refused.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TEXT_KINDS = {"text", "longtext"}


@dataclass(frozen=True)
class Cell:
    form_id: str
    part: str | None  # None: the main sheet
    name: str
    label: str
    kind: str

    def __repr__(self) -> str:
        where = f"{self.part}[0]." if self.part else ""
        return f"{self.form_id}:{where}{self.name}({self.kind})"


def _cells() -> dict[str, list[Cell]]:
    by_kind: dict[str, list[Cell]] = {}
    for model in all_forms():
        form = spec(model.form_id)
        example = model.examples[0]
        for column in form.columns:
            by_kind.setdefault(column.kind, []).append(
                Cell(model.form_id, None, column.name, column.label, column.kind)
            )
        for part in form.parts:
            if not example.get(part.name):
                continue  # no first row to change
            for column in part.fields:
                by_kind.setdefault(column.kind, []).append(
                    Cell(model.form_id, part.name, column.name, column.label, column.kind)
                )
    return by_kind


CELLS = _cells()

# --- values --------------------------------------------------------------------------------

SPECIAL = [
    "&",
    "<b>",
    "a > b",
    '"引号"',
    "'单引号'",
    "{{ client_name }}",
    "{% if x %}",
    "{%",
    "}}",
    "{#",
    "😀",
    "👨‍👩‍👧",
    "𠀀",
    "ＡＢＣ１２３",
    "（全角）",
    "\u3000",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\x0b",
    "\x00",
    "\x1f",
    "\ufffe",
    "\uffff",
    "_x000B_",
    "_x005F_",
    "=1+1",
    "@",
    "-",
    "+86",
    "0",
    "null",
    "None",
    "是",
    "否",
    "\u200b",
    "\u202e",
    "ﷺ",
    "é",
]

characters = st.characters(exclude_categories=("Cs",))
free_text = st.one_of(
    st.text(characters, max_size=40),
    st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(characters, max_size=5)), max_size=8).map(
        "".join
    ),
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30),
    st.integers(-5, 5000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=3, max_value=10**14, min_value=-1
    ).map(str),
    st.sampled_from(
        ["1e309", "-1e309", "1e30", "-0", "NaN", "Infinity", "9" * 29, "9" * 400, "1,000.5", "１２"]
    ),
)
dates = st.one_of(
    st.dates(dt.date(1800, 1, 1), dt.date(2300, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 1, 1)),
    st.dates(dt.date(1870, 1, 1), dt.date(2210, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [
                d.isoformat(),
                f"{d.year}/{d.month}/{d.day}",
                f"{d.year}年{d.month}月{d.day}日",
                f"{d.year}{d.month:02d}{d.day:02d}",
                f"{d.year}-{d.month:02d}",
                f"{d.year}年{d.month}月",
            ]
        )
    ),
    st.sampled_from(["2024-02-30", "0000-01-01", "2024-13-01", "99999999", "45383", "昨天"]),
    st.integers(-10, 3_000_000),
)
codes = st.one_of(
    st.text("0123456789Xx-+() 转ext.", max_size=22),
    st.sampled_from(
        [
            "441900201205060035",
            "44190020120506003x",
            "13800138000",
            "+86 138 0013 8000",
            "0769-22223333",
        ]
    ),
    st.integers(0, 10**19),
)


def choice_values(cell: Cell) -> st.SearchStrategy[Any]:
    form = spec(cell.form_id)
    columns = (
        next(p for p in form.parts if p.name == cell.part).fields if cell.part else form.columns
    )
    labels = next(c for c in columns if c.name == cell.name).choices or ("",)
    return st.one_of(
        st.sampled_from(labels),
        st.lists(st.sampled_from(labels), max_size=4).map("、".join),
        st.sampled_from(labels).map(lambda label: f" {label}\u3000"),
    )


ANYTHING = st.one_of(free_text, numbers, dates, codes, st.booleans())


def values_for(cell: Cell) -> st.SearchStrategy[Any]:
    kind = cell.kind
    if kind in TEXT_KINDS:
        typed: st.SearchStrategy[Any] = free_text
    elif kind in ("money", "hours", "count", "numbers"):
        typed = st.one_of(
            numbers,
            st.text("0123456789-、,.", max_size=12),
            st.integers(0, 300),
            st.decimals(0, 10**6, places=2).map(str),
        )
    elif kind in ("date", "month"):
        typed = st.one_of(dates, st.dates(dt.date(2023, 1, 1), TODAY))
    elif kind in ("id", "phone", "mobile"):
        typed = codes
    elif kind == "yesno":
        typed = st.one_of(
            st.sampled_from(["是", "否", "有", "无", "Y", "n", "√", "×"]), st.booleans()
        )
    else:  # choice, choices
        typed = choice_values(cell)
    return st.one_of(typed, typed, ANYTHING)  # mostly values of the kind, sometimes anything


def as_cell(value: Any) -> Any:
    """What an Excel cell can hold: numbers of 15 significant digits, dates from 1900 (earlier
    ones stay text), times to the minute."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        value = float(value)
    if isinstance(value, float):
        typed = f"{value:.15g}"  # the digits Excel keeps of a typed number
        return float(typed) if abs(float(typed)) < 1e307 else typed  # beyond: text in Excel
    if isinstance(value, dt.datetime):
        value = value.replace(second=0, microsecond=0)
    if isinstance(value, dt.date) and value.year < 1900:
        return value.isoformat()
    return value


def cell_and_value(kinds: list[str]) -> st.SearchStrategy[tuple[Cell, Any]]:
    return (
        st.sampled_from(kinds)
        .flatmap(lambda kind: st.sampled_from(CELLS[kind]))
        .flatmap(lambda cell: st.tuples(st.just(cell), values_for(cell).map(as_cell)))
    )


# --- running one example -----------------------------------------------------------------------


def excel_text(text: str) -> str:
    """How Excel stores typed text: a literal _xHHHH_ escaped, XML-forbidden characters as
    _xHHHH_."""
    text = re.sub(r"_x[0-9A-Fa-f]{4}_", lambda m: "_x005F" + m.group(0), text)
    return FORBIDDEN.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def write_cells(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    """Like conftest.write_workbook, but text stays text (also text starting with =)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(r, c)
                if isinstance(value, str):
                    cell.value = excel_text(value)
                    cell.data_type = "s"
                else:
                    cell.value = value
    workbook.save(path)


def sheets_with(cell: Cell, value: Any) -> dict[str, list[list[Any]]]:
    form = spec(cell.form_id)
    if cell.part is None:
        sheets = example_sheets(cell.form_id, overrides={cell.label: value})
        if cell.name == form.key.name:  # the list sheets follow the key
            for part in form.parts:
                for row in sheets[part.label][1:]:
                    row[0] = value
        return sheets
    sheets = example_sheets(cell.form_id)
    part = next(p for p in form.parts if p.name == cell.part)
    rows = sheets[part.label]
    rows[1][rows[0].index(cell.label)] = value
    return sheets


def record_with(cell: Cell, value: Any) -> dict[str, Any]:
    data = {
        k: ([dict(r) for r in v] if isinstance(v, list) else v)
        for k, v in get_form(cell.form_id).examples[0].items()
    }
    if cell.part is None:
        data[cell.name] = value
    else:
        data[cell.part][0][cell.name] = value
    return data


def expected_text(cell: Cell, value: str) -> str | None:
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if cell.kind == "text":
        text = text.strip()
    return text if text.strip() else None


def run(cell: Cell, value: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.xlsx"
        write_cells(path, sheets_with(cell, value))
        reports = api.render_path(path, Path(folder) / "out", today=TODAY, annotate=False)
        problems = [p for report in reports for p in report.problems]
        documents = [d for report in reports for d in report.documents if d.path is not None]
        for problem in problems:
            assert problem.sheet and problem.row is not None and problem.column, (
                f"unlocated problem for {cell!r} = {value!r}: {problem}"
            )
        typed = value if isinstance(value, str) else None
        if typed is not None and FORBIDDEN.search(typed) and cell.kind in TEXT_KINDS:
            assert any(p.code == "control_char" and p.column == cell.label for p in problems), (
                f"{cell!r} = {value!r} must be refused as a control character: {problems}"
            )
        if problems:
            event(f"problems: {sorted({p.code for p in problems})}")
            assert not documents
            return
        event("document")
        assert len(documents) == 1, f"{cell!r} = {value!r}: no problem and no document"
        data = api.extract(documents[0].path)["data"]
        got = data[cell.name] if cell.part is None else data[cell.part][0][cell.name]
        model = get_form(cell.form_id)
        record = model.model_validate(record_with(cell, value), context={"today": TODAY})
        dumped = record.model_dump(mode="json")
        want = dumped[cell.name] if cell.part is None else dumped[cell.part][0][cell.name]
        assert got == want, f"{cell!r} = {value!r}: document holds {got!r}, model gives {want!r}"
        if cell.kind in TEXT_KINDS and typed is not None:
            assert got == expected_text(cell, typed), f"{cell!r} = {value!r}: got {got!r}"


# --- the properties ------------------------------------------------------------------------------


@SETTINGS
@given(cell_and_value(["text", "longtext"]))
def test_text_in_any_text_cell_comes_back_as_typed_or_is_located(case):
    run(*case)


@SETTINGS
@given(cell_and_value(["money", "hours", "count", "numbers", "date", "month"]))
def test_numbers_and_dates_in_any_cell_end_in_a_value_or_a_located_problem(case):
    run(*case)


@SETTINGS
@given(cell_and_value(["id", "phone", "yesno", "choice", "choices"]))
def test_codes_and_choices_end_in_a_value_or_a_located_problem(case):
    run(*case)


@pytest.mark.parametrize("kind", sorted(CELLS))
def test_every_kind_is_covered(kind):
    assert CELLS[kind]
