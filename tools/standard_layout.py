"""The standard layout of a narrative form, made from its model alone.

Short fields two to a row in bordered label/value tables (the label column as wide as the
longest label needs), long text in full-width rows with room to write, yes/no and short
choices as tick boxes, each list part as its own table whose date and number columns never
wrap, numbered section headings, and the model's signature lines kept on the page of the
form's last rows. A model may add `statement`, `legend`, `sign_in` and `receipt` (see
docs/adding-a-form.md).
"""

from __future__ import annotations

import re

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx_layout import (
    CELL_PADDING_CM,
    TEXT_WIDTH_CM,
    add_row,
    balanced,
    fit_cm,
    header_row,
    heading,
    keep_row,
    keep_with_signatures,
    label_row,
    loop_table,
    new_document,
    optional_date,
    paragraph,
    signature_line,
    table,
    title_block,
    top,
    wide_row,
    write,
)

CENTER = WD_ALIGN_PARAGRAPH.CENTER
GRID_COLUMNS = 4  # as lvye_forms.render.context.GRID_COLUMNS lays out `_grid`

SHORT_KINDS = {"text", "date", "choice", "yesno", "id", "phone", "mobile", "count", "money"}
LABEL_CHARS = 7  # a label longer than this is broken into balanced lines
LONG_TEXT_CM = 1.6  # a long-text row leaves room for two handwritten lines
PART_SIZE = Pt(9.5)  # list tables with six or more columns
NUMERALS = "一二三四五六七八九十"
_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")
_INNER_NUMBER = re.compile(r"（[一二三四五六七八九十]+、")


MAX_BOXES = 12  # more options than this print as the value written out


def _value_tag(column) -> str:  # type: ignore[no-untyped-def]
    """How a field is printed: tick boxes for yes/no and short choice lists, its value
    otherwise."""
    if column.kind == "yesno" or (
        column.kind in ("choice", "choices") and len(column.choices) <= MAX_BOXES
    ):
        return f"{{{{ {column.name}_boxes }}}}"
    return f"{{{{ {column.name} }}}}"


def _bare(text: str) -> str:
    """A section name without the number the model wrote into it (四、…（五、…）)."""
    return _INNER_NUMBER.sub("（", _NUMBER.sub("", text))


def _numbered(headings: list[str]) -> list[str]:
    """一、二、三… in the order the headings print, whatever the model numbered; a form with
    a single heading prints it bare."""
    if len(headings) < 2:
        return headings
    return [f"{chinese_number(i + 1)}、{h}" for i, h in enumerate(headings)]


def chinese_number(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def _example_texts(model, part: str, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = [row for example in model.examples for row in example.get(part, [])]
    return [str(row.get(name, "")) for row in rows if row.get(name) not in (None, "")]


NUMBER_SAMPLES = {"phone": "0769-22668899", "mobile": "13800138000", "id": "441900195203150020"}


def _part_widths(model, part, size_pt: float) -> list[float]:  # type: ignore[no-untyped-def]
    """Each column at least as wide as its date, choice or typical short value needs (a date
    or a stage name never wraps); the rest of the width goes to the text columns."""
    minimum, weight = [], []
    for f in part.fields:
        need = fit_cm(balanced(f.label, 4), size_pt, bold=True)
        if f.kind == "date":
            need = max(need, fit_cm("2024年12月31日", size_pt))
        elif f.kind in NUMBER_SAMPLES:  # a number is never broken over two lines
            need = max(need, fit_cm(NUMBER_SAMPLES[f.kind], size_pt))
        elif f.kind in ("choice", "text", "yesno", "count", "money"):
            values = list(f.choices) or _example_texts(model, part.name, f.name)
            values = [v[:6] for v in values if "\n" not in v]
            if values:
                need = max(need, max(fit_cm(v, size_pt) for v in values))
        minimum.append(need)
        weight.append({"longtext": 2.0, "text": 1.0, "choices": 1.0}.get(f.kind, 0.0))
    extra = TEXT_WIDTH_CM - sum(minimum)
    if not sum(weight):
        weight = [1.0] * len(minimum)
    if extra < 0:  # too narrow: shrink the text columns, never a date
        weight = [
            0.0 if f.kind == "date" or f.kind in NUMBER_SAMPLES else m
            for f, m in zip(part.fields, minimum, strict=True)
        ]
    widths = [m + extra * w / sum(weight) for m, w in zip(minimum, weight, strict=True)]
    widths[-1] += TEXT_WIDTH_CM - sum(widths)
    return [round(w, 2) for w in widths]


def _per_line(width_cm: float, size_pt: float) -> int:
    return max(2, int((width_cm - CELL_PADDING_CM) / (size_pt / 72 * 2.54 * 1.04) + 0.05))


def _sections(form, order: list[str], sections: dict[str, str]):  # type: ignore[no-untyped-def]
    """The form as [heading or None, [field or part names]]: a section starts at a field the
    model's `sections` name (one on the key field starts the form) or at a list part."""
    parts = {p.name for p in form.parts}
    result: list[list] = [[sections.get(form.key.name), []]]
    for name in order:
        if name in sections:
            result.append([sections[name], [name]])
        elif name in parts:
            result.append([form.parts[[p.name for p in form.parts].index(name)].label, [name]])
        else:
            if result[-1][1] and result[-1][1][-1] in parts:  # fields after a list part
                result.append([None, []])
            result[-1][1].append(name)
    result = [s for s in result if s[1]]
    titles = _numbered([_bare(h) for h, _ in result if h])
    numbered = iter(titles)
    return [(next(numbered) if h else None, names) for h, names in result]


def generic(form_id: str):  # type: ignore[no-untyped-def]
    """The standard layout, from the model alone: short fields two to a row, long text in
    full-width rows with room to write, yes/no and short choices as tick boxes, each list
    part as its own table, numbered section headings from the model's `sections`, and the
    model's signature lines kept on the page of the form's last rows."""
    from lvye_forms.registry import spec

    form = spec(form_id)
    model = form.model
    script = getattr(model, "script", "hans")
    document = new_document(script)
    title_block(document, model.title, form.key.label, f"{{{{ {form.key.name} }}}}")
    parts = {p.name: p for p in form.parts}
    columns = {c.name: c for c in form.columns}
    order = [name for name in model.model_fields if name != form.key.name]
    labels = [columns[n].label for n in order if n in columns]
    label_cm = max(2.2, *(fit_cm(balanced(x, LABEL_CHARS), bold=True) for x in labels))
    value_cm = (TEXT_WIDTH_CM - 2 * label_cm) / 2
    four = [label_cm, value_cm, label_cm, value_cm]
    last = None
    for title, names in _sections(form, order, dict(getattr(model, "sections", {}))):
        if title:
            heading(document, title)
        if names[0] in parts:
            last = _part_table(document, model, parts[names[0]])
            continue
        if len(names) == 1 and title and columns[names[0]].kind == "longtext":
            # One field under its own heading: the heading is its label.
            last = table(document, [TEXT_WIDTH_CM])
            cell = add_row(last)[0]
            write(cell, _value_tag(columns[names[0]]))
            top(cell)
            last.rows[-1].height = Cm(LONG_TEXT_CM)
            continue
        last = table(document, four)
        _field_rows(last, [columns[n] for n in names], label_cm)
    signers = list(getattr(model, "signatures", ())) or ["负责社工"]
    if last is not None and not (last.rows and "endfor" in last.rows[-1].cells[0].text):
        keep_with_signatures(last, rows=min(2, len(last.rows)))  # never a lone date row
    closing = _closing_text(document, model)
    if closing is not None:
        last = closing
    signature_line(document, *[_signer(s) for s in signers], script=script)
    receipt = getattr(model, "receipt", None)
    if receipt:
        tear_off(document, *receipt)
    return document


def _closing_text(document, model):  # type: ignore[no-untyped-def]
    """What a form prints between its last section and the signatures, all kept with them:
    the scale's legend (`legend`), an attendance table to sign (`sign_in`), the signer's own
    statement (`statement`). Returns the last block added, or None."""
    last = None
    legend = getattr(model, "legend", "")
    if legend:
        last = paragraph(document, *tag_parts(legend))
        last.paragraph_format.space_before = Pt(4)
        for r in last.runs:
            r.font.size = Pt(9.5)
        last.paragraph_format.keep_with_next = True
    sign_in = getattr(model, "sign_in", None)
    if sign_in:
        title, headers, rows = sign_in
        heading(document, title)
        widths = [4.0, 7.0, 6.0]
        t = table(document, widths)
        for cell, header in zip(add_row(t), headers, strict=True):
            write(cell, header, label=True)
        header_row(t.rows[-1])
        for _ in range(rows):
            add_row(t)
            t.rows[-1].height = Cm(0.9)
            keep_row(t.rows[-1])
        keep_with_signatures(t, rows=1)
        last = t
    statement = getattr(model, "statement", "")
    if statement:
        last = paragraph(document, *tag_parts(statement), indent=True)
        last.paragraph_format.space_before = Pt(10)
        last.paragraph_format.keep_with_next = True
    return last


LONG_BLANK = ("explanation", "terms")  # values that fill a line of their own


def tag_parts(text: str) -> list[str]:
    """Text with {{ tags }} as parts, each tag its own run (so Word keeps it whole). Inside a
    sentence an empty value prints a line to write on (因＿＿＿＿＿＿，…), not nothing."""
    parts = [part for part in re.split(r"(\{\{.*?\}\})", text) if part]
    return [_or_line(part) for part in parts]


def _or_line(part: str) -> str:
    match = re.fullmatch(r"\{\{ (\w+) \}\}", part)
    if not match or match.group(1) == "agency":
        return part
    name = match.group(1)
    line = "＿" * (24 if name in LONG_BLANK else 6)
    return f'{{{{ {name} or "{line}" }}}}'


def tear_off(document, title: str, lines: tuple[str, ...], signers: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """A slip below a cut line that the other party fills in and returns (回执); kept on
    one page with its cut line."""
    cut = paragraph(
        document,
        "✂－－－－－－－－－－－－ 沿此线剪下，回执交回 －－－－－－－－－－－－",
        align=CENTER,
    )
    cut.paragraph_format.space_before = Pt(16)
    cut.paragraph_format.space_after = Pt(6)
    cut.paragraph_format.keep_with_next = True
    head = paragraph(document, title, align=CENTER)
    head.runs[0].bold = True
    head.runs[0].font.size = Pt(14)
    head.paragraph_format.keep_with_next = True
    for line in lines:
        p = paragraph(document, *tag_parts(line), indent=True)
        p.paragraph_format.space_before = Pt(3)
        p.paragraph_format.keep_with_next = True
    signature_line(document, *[(who, "") for who in signers])[0].paragraph_format.space_before = Pt(
        14
    )


def _boxes_text(column) -> str:  # type: ignore[no-untyped-def]
    return "　".join(f"☐ {o}" for o in column.choices)


def _field_rows(t, fields, label_cm: float) -> None:  # type: ignore[no-untyped-def]
    """Short fields two to a row (a choice only when its boxes fit on one line there), the
    others one to a row across the table."""
    value_cm = (TEXT_WIDTH_CM - 2 * label_cm) / 2
    pending: list = []

    def label(column) -> str:  # type: ignore[no-untyped-def]
        return balanced(column.label, _per_line(label_cm, 10.5))

    def flush() -> None:
        if len(pending) == 2:
            label_row(t, *[(label(c), _value_tag(c)) for c in pending])
        elif pending:
            wide_row(t, label(pending[0]), _value_tag(pending[0]))
        pending.clear()

    for column in fields:
        short = column.kind in SHORT_KINDS and not (
            column.kind == "choice" and fit_cm(_boxes_text(column)) > value_cm
        )
        if short:
            pending.append(column)
            if len(pending) == 2:
                flush()
            continue
        flush()
        long = column.kind == "longtext"
        width = TEXT_WIDTH_CM - label_cm
        tag, size, columns = _wide_choice(column, width)
        cell = wide_row(t, label(column), tag, min_height_cm=LONG_TEXT_CM if long else 0)
        for r in cell.paragraphs[0].runs if size else ():
            r.font.size = size
        for n in range(1, columns):  # the grid's columns
            cell.paragraphs[0].paragraph_format.tab_stops.add_tab_stop(Cm(width * n / columns))
        if long:
            top(cell)
    flush()


def _wide_choice(column, width_cm: float):  # type: ignore[no-untyped-def]
    """(tag, font size or None, columns) of a field across the row. Tick boxes that do not
    fit on one line would break inside an option (☐ 愿意被 / 转介): short ones go a size
    smaller when that fits them on one line, many short ones four to a line in columns
    (`_grid`, `columns` tab stops), long ones one to a line (`_list`)."""
    tag = _value_tag(column)
    if not tag.endswith("_boxes }}") or column.kind == "yesno":
        return tag, None, 0
    needed = fit_cm(_boxes_text(column))
    if needed <= width_cm:
        return tag, None, 0
    longest = max(len(o) for o in column.choices)
    if longest < 8 and needed * 9 / 10.5 <= width_cm:
        return tag, Pt(9), 0
    if fit_cm("☐ " + "国" * longest) <= width_cm / GRID_COLUMNS:
        return f"{{{{ {column.name}_grid }}}}", None, GRID_COLUMNS
    return f"{{{{ {column.name}_list }}}}", None, 0


def _part_table(document, model, part):  # type: ignore[no-untyped-def]
    size_pt = 9.5 if len(part.fields) >= 6 else 10.5
    widths = _part_widths(model, part, size_pt)
    headers = [
        balanced(f.label, _per_line(w, size_pt)) for f, w in zip(part.fields, widths, strict=True)
    ]
    return loop_table(
        document,
        widths,
        headers,
        "row",
        part.name,
        [f.name for f in part.fields],
        size=PART_SIZE if size_pt < 10.5 else None,
        align=[
            CENTER if f.kind in ("date", "count", "yesno", "choice") else None for f in part.fields
        ],
        paper=True,
    )


def _signer(text: str) -> tuple[str, str]:
    """'负责社工|record_date' → ("负责社工", "{{ record_date }}"); no field → a blank date."""
    who, _, field = text.partition("|")
    return who, optional_date(field) if field else ""
