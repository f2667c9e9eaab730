"""The standard table of a tabular form, derived from its model.

The first list part is the table (one row per item, its field labels as headers); the form's
other short fields are the header facts above it, its long-text fields remarks under it.
Count and money columns get a totals row when the form sets ``totals = True``; a register or
sign-in sheet sets ``fill_page: ClassVar[bool] = True`` for blank rows to the end of the page.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model import FormModel
from ..schema import FieldSpec, form_spec
from .context import display
from .xlsx import TableData

# How a field kind prints in a table column (xlsx_layout.KINDS). Short text is left out:
# names print centred, longer phrases left, judged by the column's widest value.
_COLUMN_KIND = {
    "money": "money",
    "hours": "hours",
    "count": "number",
    "date": "center",
    "month": "center",
    "choice": "center",
    "choices": "center",
    "yesno": "center",
    "phone": "center",
    "mobile": "center",
    "id": "center",
    "numbers": "center",
    "longtext": "left",
}


def _cell(value: Any) -> Any:
    # Numbers stay numbers so the printed sheet can still be summed in Excel.
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value if isinstance(value, int) else float(value)
    return display(value)


def month_text(value: str | None) -> str:
    """2024-04 → 2024年4月, as months are written on the agencies' forms."""
    if not value:
        return ""
    year, _, month = value.partition("-")
    return f"{year}年{int(month)}月" if month.isdigit() else value


def shown(spec: FieldSpec, value: Any) -> str:
    """A header fact's value as printed."""
    return month_text(value) if spec.kind == "month" else display(value)


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
    facts = [(c.label, shown(c, getattr(record, c.name))) for c in ordered if c.kind != "longtext"]
    notes = [(c.label, display(getattr(record, c.name))) for c in ordered if c.kind == "longtext"]
    data = TableData(
        headers=[],
        rows=[],
        facts=facts,
        notes=notes,
        signatures=signature_lines(record),
        fill_page=bool(getattr(model, "fill_page", False)),
    )
    if not spec.parts:
        return data
    part = spec.parts[0]
    items = getattr(record, part.name) or []
    data.headers = [f.label for f in part.fields]
    data.kinds = {f.label: _COLUMN_KIND[f.kind] for f in part.fields if f.kind in _COLUMN_KIND}
    data.rows = [[_cell(getattr(item, f.name)) for f in part.fields] for item in items]
    if model.totals:
        totals: list[Any] = []
        for index, column in enumerate(part.fields):
            if column.kind in ("count", "money", "hours"):
                totals.append(_cell(sum((getattr(i, column.name) or 0 for i in items), 0)))
            else:
                totals.append("合计" if index == 0 else "")
        data.totals = totals
    return data


def _empty_record(model: type[FormModel]) -> FormModel:
    """A record of `model` with nothing filled in (lists empty), never validated."""
    values: dict[str, Any] = {
        name: [] if _is_list(info.annotation) else None for name, info in model.model_fields.items()
    }
    return model.model_construct(None, **values)


def _is_list(annotation: Any) -> bool:
    return getattr(annotation, "__origin__", None) is list or any(
        getattr(a, "__origin__", None) is list for a in getattr(annotation, "__args__", ())
    )


def _constant_facts(model: type[FormModel]) -> dict[str, str]:
    """Facts a form prints whatever the record (a legend of marks): kept on the blank form."""
    if not model.examples:
        return {}
    try:
        example = table_data(model.model_validate(model.examples[0]))
        empty = table_data(_empty_record(model))
    except Exception:  # noqa: BLE001 - only an aid: without it every fact is left blank
        return {}
    return dict(set(example.facts) & set(empty.facts))


def blank_table_data(model: type[FormModel]) -> TableData:
    """What the empty paper form prints: the form's own headers and labels, no values, blank
    rows to the end of the page, totals and signature dates left to fill in by hand."""
    record = _empty_record(model)
    try:
        data = table_data(record)
    except Exception:  # noqa: BLE001 - a form's own layout may need data; the standard one does not
        data = standard_table(record)
    # Rows of a record without items are the form's own lines (期初余额): kept, unfilled.
    data.rows = [[v if isinstance(v, str) else "" for v in row] for row in data.rows]
    constant = _constant_facts(model)
    data.facts = [(label, constant.get(label, "")) for label, _ in data.facts]
    data.notes = [(label, "") for label, _ in data.notes]
    data.signatures = [(who, "") for who, _ in data.signatures]
    if data.totals is not None:
        data.totals = [v if isinstance(v, str) else "" for v in data.totals]
    data.fill_page = True
    return data
