"""Shared test helpers: input workbooks written from small inline tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from lvye_forms.registry import get_form, spec

TODAY = dt.date(2026, 11, 22)


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """A workbook whose sheets are given as rows (first row = headers), like the spreadsheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def example_sheets(form_id: str, *, overrides: dict[str, Any] | None = None) -> dict[str, list[list[Any]]]:
    """The form's first example as inline tables (labels as headers), with cells overridden.

    `overrides` maps a column label of the main sheet to the value to put there instead.
    """
    model = get_form(form_id)
    form = spec(form_id)
    record = dict(model.examples[0])
    labels = [c.label for c in form.columns]
    row = [record.get(c.name, "") for c in form.columns]
    for label, value in (overrides or {}).items():
        row[labels.index(label)] = value
    sheets = {form.sheet_name: [labels, row]}
    for part in form.parts:
        part_rows = [[form.key.label, *[f.label for f in part.fields]]]
        for item in record.get(part.name, []):
            part_rows.append([record[form.key.name], *[item.get(f.name, "") for f in part.fields]])
        sheets[part.label] = part_rows
    return sheets


@pytest.fixture
def today() -> dt.date:
    return TODAY
