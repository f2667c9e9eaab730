"""How much lvye-forms adds on top of docxtpl, measured as a ratio in one run.

    python benchmarks/bench_render.py [ROWS]

Baseline: docxtpl rendering the same template with the same context, re-reading the template
file for every document (what a hand-written script would do). Measured: `api.render_path` on
a workbook of ROWS rows — reading, validating, rendering, embedding data and writing files.
A ratio near or below 1 means the validation, embedding and safe writing cost less than the
template re-reads we avoid. Not part of the test suite; timings depend on the machine.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from docxtpl import DocxTemplate
from openpyxl import load_workbook

from lvye_forms import api
from lvye_forms.ingest.workbook import input_workbook
from lvye_forms.registry import get_form, spec, template_path
from lvye_forms.render.context import template_context

FORM = "case_consent"


def make_workbook(path: Path, rows: int) -> None:
    model = get_form(FORM)
    buffer = io.BytesIO()
    input_workbook(model, example=True).save(buffer)
    workbook = load_workbook(buffer)
    sheet = workbook[spec(FORM).sheet_name]
    template_row = [c.value for c in sheet[2]]
    key_column = [c.value for c in sheet[1]].index(spec(FORM).key.label)
    for n in range(rows):
        row = list(template_row)
        row[key_column] = f"GA-BENCH-{n:05d}"
        sheet.append(row)
    sheet.delete_rows(2, 2)  # drop the two example rows; keep only the numbered copies
    workbook.save(path)


def baseline(rows: int, outdir: Path) -> float:
    model = get_form(FORM)
    record = model.model_validate(model.examples[0])
    context = template_context(record, api.DEFAULT_AGENCY)
    start = time.perf_counter()
    for n in range(rows):
        template = DocxTemplate(template_path(FORM))
        template.render(context, autoescape=True)
        template.save(outdir / f"{n}.docx")
    return time.perf_counter() - start


def measured(rows: int, outdir: Path) -> float:
    data = outdir / "in.xlsx"
    make_workbook(data, rows)
    start = time.perf_counter()
    (report,) = api.render_path(data, outdir / "out", form_id=FORM)
    elapsed = time.perf_counter() - start
    assert report.ok and len(report.documents) == rows, report.problems[:3]
    return elapsed


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        base = baseline(rows, Path(tmp))
        ours = measured(rows, Path(tmp))
    print(f"rows={rows}  docxtpl baseline={base:.2f}s  lvye-forms render={ours:.2f}s  ratio={ours / base:.2f}")


if __name__ == "__main__":
    main()
