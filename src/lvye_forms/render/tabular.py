"""The standard table of a tabular form, derived from its model.

The first list part is the table (one row per item, its field labels as headers); the form's
other fields are printed above it as "label：value" facts. Count and money columns get a
totals row when the form sets ``totals = True``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import FormModel
from ..schema import form_spec
from .context import display
from .xlsx import TableData


def _cell(value: Any) -> Any:
    # Numbers stay numbers so the printed sheet can still be summed in Excel.
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value if isinstance(value, int) else float(value)
    return display(value)


def signature_lines(record: FormModel) -> list[tuple[str, str]]:
    """(who, date) for each of the form's signatures: "负责社工|report_date" prints that date."""
    lines = []
    for signature in type(record).signatures:
        who, _, field = signature.partition("|")
        lines.append((who, display(getattr(record, field)) if field else ""))
    return lines


def table_data(record: FormModel) -> TableData:
    """The form's own table if it lays one out, the standard table otherwise."""
    custom = record.table()
    return custom if custom is not None else standard_table(record)


def standard_table(record: FormModel) -> TableData:
    model = type(record)
    spec = form_spec(model)
    # The identifying facts first (number, name, worker), the document's date last.
    first = [model.key_field, model.name_field or "", "worker_name"]
    ordered = sorted(
        spec.columns,
        key=lambda c: (
            c.name not in first,
            first.index(c.name) if c.name in first else 0,
            c.name == model.date_field,
        ),
    )
    facts = [(c.label, display(getattr(record, c.name))) for c in ordered]
    if not spec.parts:
        return TableData(headers=[], rows=[], facts=facts, signatures=signature_lines(record))
    part = spec.parts[0]
    items = getattr(record, part.name)
    headers = [f.label for f in part.fields]
    rows = [[_cell(getattr(item, f.name)) for f in part.fields] for item in items]
    totals = None
    if model.totals:
        totals = []
        for index, column in enumerate(part.fields):
            if column.kind in ("count", "money", "hours"):
                totals.append(_cell(sum((getattr(i, column.name) or 0 for i in items), 0)))
            else:
                totals.append("合计" if index == 0 else "")
    return TableData(
        headers=headers, rows=rows, totals=totals, facts=facts, signatures=signature_lines(record)
    )
