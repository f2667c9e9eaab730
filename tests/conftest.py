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


@pytest.fixture(scope="module")
def consent() -> bytes:
    """One generated consent form (rendered once per module: rendering is the slow part)."""
    from lvye_forms import api

    model = get_form("case_consent")
    record = model.model_validate(model.examples[0], context={"today": dt.date(2026, 1, 1)})
    return api.render_record(record)


def data_part_name(document: bytes) -> str:
    """The zip member of a generated document that carries its data (our namespace)."""
    import io
    import zipfile

    from lxml import etree

    from lvye_forms.render.embed import NAMESPACE

    with zipfile.ZipFile(io.BytesIO(document)) as package:
        for name in package.namelist():
            if (
                name.startswith("customXml/item")
                and "Props" not in name
                and etree.fromstring(package.read(name)).tag == f"{{{NAMESPACE}}}document"
            ):
                return name
    raise AssertionError("no data part")


# --- forms as models: examples, changed copies, validation errors ---------------------------


def validate_form(form_id: str, data: dict[str, Any]) -> Any:
    """`data` validated by the form's model, as of TODAY."""
    return get_form(form_id).model_validate(data, context={"today": TODAY})


def form_example(form_id: str, n: int = 0, **changes: Any) -> dict[str, Any]:
    """The form's example n, with fields changed."""
    return {**get_form(form_id).examples[n], **changes}


def example_with_row(
    form_id: str, part: str, index: int, n: int = 0, **changes: Any
) -> dict[str, Any]:
    """Example n with row `index` of list part `part` changed."""
    data = form_example(form_id, n)
    rows = [dict(row) for row in data[part]]
    rows[index].update(changes)
    return {**data, part: rows}


def validation_errors(form_id: str, data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """(location, error type) of every error `data` gives, in the model's order; fails the
    test when `data` validates."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        validate_form(form_id, data)
    return [(tuple(e["loc"]), e["type"]) for e in caught.value.errors()]

