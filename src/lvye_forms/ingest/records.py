"""From tables to validated records: one main row plus its list-sheet rows per document.

Validation never stops at the first bad cell: every row is checked and every problem is
returned as an `errors.Problem` that names the sheet, row, column header and value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..errors import Code, Problem, message
from ..fields import normalise_code
from ..model import FormModel
from ..privacy import mask_text, mask_whole
from ..schema import PERSONAL_KINDS, FieldSpec, FormSpec, PartSpec, form_spec
from .tables import SourceRow, Table


@dataclass
class Candidate:
    """The cells of one document before validation."""

    main: SourceRow
    parts: dict[str, list[SourceRow]] = field(default_factory=dict)


@dataclass
class Outcome:
    """A candidate after validation: a record, or the problems that stopped it."""

    candidate: Candidate
    record: FormModel | None
    problems: list[Problem]


def _key_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def find_main_table(spec: FormSpec, tables: dict[str, Table]) -> Table | None:
    """The sheet named after the form, else a sheet that has every required column of it.

    The fallback lets staff rename the sheet; requiring all columns keeps it from picking
    another form's sheet that merely shares the key column (个案编号).
    """
    if spec.sheet_name in tables:
        return tables[spec.sheet_name]
    required = {c.label for c in spec.columns if c.required}
    part_sheets = {name for p in spec.parts for name in spec.part_sheet_names(p)}
    for table in tables.values():
        if table.name not in part_sheets and required <= set(table.headers):
            return table
    return None


class FormReader:
    """Turns the tables of one file into validated records of one form."""

    def __init__(self, model: type[FormModel], file: str, *, today: dt.date, show_personal: bool):
        self.model = model
        self.spec = form_spec(model)
        self.file = file
        self.today = today
        self.show_personal = show_personal

    def problem(
        self,
        code: Code,
        row: SourceRow | None = None,
        column: str = "",
        value: Any = None,
        text: str | None = None,
        sheet: str = "",
        **ctx: Any,
    ) -> Problem:
        return Problem(
            code=code.value,
            message=text if text is not None else message(code, **ctx),
            file=self.file,
            sheet=row.sheet if row else sheet,
            row=row.row if row else None,
            column=column,
            value=self._shown(column, value),
            personal=self._kind_of(column) in PERSONAL_KINDS,
        )

    # --- reading ---------------------------------------------------------------------------

    def read(self, tables: dict[str, Table]) -> tuple[list[Outcome], list[Problem]]:
        """Outcomes for every main row, and the file-level problems (missing sheet, column…)."""
        problems: list[Problem] = []
        outcomes = [self.validate(c) for c in self.candidates(tables, problems)]
        return outcomes, problems

    def candidates(self, tables: dict[str, Table], problems: list[Problem]) -> Iterator[Candidate]:
        """The cells of each document, in the main sheet's order, as the sheet is read.

        File-level problems go to `problems`: the sheet's columns before the first candidate,
        a repeated key when its row is reached, list rows that belong to no row at the end.
        Only the list sheets are held whole (each document takes its rows from them).
        """
        main = find_main_table(self.spec, tables)
        if main is None:
            missing = message(Code.MISSING_SHEET, sheet=self.spec.sheet_name)
            problems.append(
                self.problem(Code.MISSING_SHEET, sheet=self.spec.sheet_name, text=missing)
            )
            return
        parts = list(self._part_tables(tables))
        found = self._missing_columns(main, self.spec.columns)
        found += self._odd_columns(main, self.spec.columns)
        for part, table in parts:
            found += self._odd_columns(table, (self.spec.key, *part.fields))
        problems += found
        if any(p.column == self.spec.key.label for p in found):
            return  # no document can be told from another: no list sheet is read either
        part_rows = {part.name: list(table.iter_rows()) for part, table in parts}
        key_label = self.spec.key.label
        by_key: dict[str, dict[str, list[SourceRow]]] = {}
        for name, rows in part_rows.items():
            for row in rows:
                key = _key_text(row.values.get(key_label))
                by_key.setdefault(key, {}).setdefault(name, []).append(row)
        first_row: dict[str, int] = {}
        for row in main.iter_rows():
            key = _key_text(row.values.get(key_label))
            if not key:
                # Still validated, so the row reports every empty required cell at once.
                yield Candidate(main=row)
                continue
            if key in first_row:
                problems.append(
                    self.problem(Code.DUPLICATE_KEY, row, key_label, key, other_row=first_row[key])
                )
                continue
            first_row[key] = row.row
            yield Candidate(main=row, parts=by_key.pop(key, {}))
        problems += self._orphans(part_rows, first_row)

    def _part_tables(self, tables: dict[str, Table]) -> Iterator[tuple[PartSpec, Table]]:
        for part in self.spec.parts:
            single, combined = self.spec.part_sheet_names(part)
            table = tables.get(combined) or tables.get(single)
            if table is not None:  # an absent list sheet is an empty list
                yield part, table

    def _missing_columns(self, table: Table, columns: tuple[FieldSpec, ...]) -> list[Problem]:
        return [
            self.problem(
                Code.MISSING_COLUMN,
                sheet=table.name,
                column=c.label,
                text=message(Code.MISSING_COLUMN, column=c.label),
            )
            for c in columns
            if c.required and c.label not in table.headers and c.name not in table.headers
        ]

    def _odd_columns(self, table: Table, columns: tuple[FieldSpec, ...]) -> list[Problem]:
        """Headers the form does not know (their cells would be lost) and headers written
        twice (only the first column is read): staff must know before trusting the output."""
        known = {c.label for c in columns} | {c.name for c in columns}
        problems = []
        seen: set[str] = set()
        for header in table.headers:
            if header in seen:
                code: Code | None = Code.DUPLICATE_COLUMN
            else:
                code = Code.UNKNOWN_COLUMN if header and header not in known else None
            if header and code is not None:
                text = message(code, column=header)
                problems.append(self.problem(code, sheet=table.name, column=header, text=text))
            seen.add(header)
        return problems

    def _orphans(
        self, part_rows: dict[str, list[SourceRow]], keys: dict[str, int]
    ) -> list[Problem]:
        """List rows whose key names no row of the main sheet (or names none at all)."""
        problems: list[Problem] = []
        key_label = self.spec.key.label
        orphan = message(Code.ORPHAN_ROW, sheet=self.spec.sheet_name)
        for rows in part_rows.values():
            for row in rows:
                key = _key_text(row.values.get(key_label))
                if not key:
                    problems.append(self.problem(Code.REQUIRED, row, key_label))
                elif key not in keys:
                    problems.append(self.problem(Code.ORPHAN_ROW, row, key_label, key, text=orphan))
        return problems

    # --- validating ------------------------------------------------------------------------

    def _data(self, candidate: Candidate) -> dict[str, Any]:
        data = _by_name(candidate.main.values, self.spec.columns)
        for part in self.spec.parts:
            data[part.name] = [
                _by_name(r.values, part.fields) for r in candidate.parts.get(part.name, [])
            ]
        return data

    def validate(self, candidate: Candidate) -> Outcome:
        formula_errors = self._formula_errors(candidate)
        try:
            record = self.model.model_validate(self._data(candidate), context={"today": self.today})
        except ValidationError as exc:
            problems = [self._locate(candidate, error) for error in exc.errors()]
            # A cell whose formula gives an error is reported as that, not as what follows.
            where = {(p.sheet, p.row, p.column) for p in formula_errors}
            problems = [p for p in problems if (p.sheet, p.row, p.column) not in where]
            return Outcome(candidate, None, formula_errors + problems)
        if formula_errors:
            return Outcome(candidate, None, formula_errors)
        return Outcome(candidate, record, [])

    def _formula_errors(self, candidate: Candidate) -> list[Problem]:
        """Cells holding an Excel error value (#DIV/0!, #N/A…): a formula that went wrong."""
        rows = [candidate.main, *(r for rows in candidate.parts.values() for r in rows)]
        return [
            self.problem(Code.FORMULA_ERROR, row, column, value, error=value)
            for row in rows
            for column, value in row.values.items()
            if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS
        ]

    def _locate(self, candidate: Candidate, error: Any) -> Problem:
        """Turn a pydantic error location into sheet, row, column and value."""
        loc = tuple(error["loc"])
        text = translate(error)
        part = next((p for p in self.spec.parts if loc and p.name == loc[0]), None)
        if part is not None:
            rows = candidate.parts.get(part.name, [])
            if len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < len(rows):
                row = rows[loc[1]]
                spec = next((f for f in part.fields if len(loc) > 2 and f.name == loc[2]), None)
                column = spec.label if spec else ""
                return self.problem(
                    Code(_code_of(error)),
                    row,
                    column,
                    row.values.get(column) if column else None,
                    text=text,
                )
            return self.problem(Code(_code_of(error)), candidate.main, part.label, text=text)
        spec = next((c for c in self.spec.columns if loc and c.name == loc[0]), None)
        column = spec.label if spec else ""
        value = candidate.main.values.get(column) if column else None
        return self.problem(Code(_code_of(error)), candidate.main, column, value, text=text)

    def _shown(self, column: str, value: Any) -> str:
        """The cell value as shown in reports: personal numbers masked unless asked."""
        text = display_value(value)
        if self.show_personal or not text:
            return text
        if self._kind_of(column) in PERSONAL_KINDS:
            return mask_whole(normalise_code(text))
        return mask_text(text)

    def _kind_of(self, column: str) -> str:
        specs = list(self.spec.columns) + [f for p in self.spec.parts for f in p.fields]
        return next((s.kind for s in specs if s.label == column), "")


# The error values a formula can leave in a cell (what Excel, WPS and LibreOffice save).
EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#REF!",
        "#NAME?",
        "#VALUE!",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


def display_value(value: Any) -> str:
    """A cell as people typed it: dates as 2024-03-30 (never 2024-03-30T00:00:00), whole
    numbers without .0, text as it is."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int) and value.bit_length() > 4000:
        # str() refuses ints of over 4300 digits: show the size instead of the digits.
        return f"（{len(hex(value)) * 6 // 5} 位左右的数字）"
    return str(value)


def _by_name(values: dict[str, Any], columns: tuple[FieldSpec, ...]) -> dict[str, Any]:
    """Cells keyed by header label (or field name, for machine-made sheets) → field names."""
    data: dict[str, Any] = {}
    for column in columns:
        if column.label in values:
            data[column.name] = values[column.label]
        elif column.name in values:
            data[column.name] = values[column.name]
    return data


# pydantic's own error types that can still reach us, in staff's words
_BUILTIN = {
    "missing": Code.REQUIRED,
    "enum": Code.CHOICE,
    "string_type": Code.INVALID,
    "int_parsing": Code.NUMBER,
    "int_type": Code.NUMBER,
    "bool_parsing": Code.BOOLEAN,
    "bool_type": Code.BOOLEAN,
    "date_type": Code.DATE,
    "date_parsing": Code.DATE,
    "decimal_parsing": Code.MONEY,
    "list_type": Code.INVALID,
}


def _code_of(error: Any) -> str:
    kind = str(error["type"])
    if kind.startswith("lvye."):
        return kind.removeprefix("lvye.")
    return _BUILTIN.get(kind, Code.INVALID).value


def translate(error: Any) -> str:
    """The Chinese message for one pydantic error."""
    kind = str(error["type"])
    if kind.startswith("lvye."):
        return str(error["msg"])
    code = _BUILTIN.get(kind, Code.INVALID)
    if code is Code.CHOICE:
        expected = str(error.get("ctx", {}).get("expected", ""))
        return message(
            Code.CHOICE, choices=expected.replace("'", "").replace(" or ", "、").replace(", ", "、")
        )
    if code is Code.INVALID:
        return message(Code.INVALID, reason=f"格式不正确（{error['msg']}）")
    return message(code)
