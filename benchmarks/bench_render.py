"""`lvye-forms render` end to end against a plain docxtpl loop, as ratios measured in one run.

    python benchmarks/bench_render.py [ROWS]        (default 2000 rows)

Baseline: what a hand-written script does for the same rows — for each row
`DocxTemplate(path).render(context, autoescape=True); save(file)` on the same template with
the same context (no reading, no validation, no embedded data, no safe writing).
Measured: `lvye-forms render case_consent in.xlsx -o out` run as a user runs it (a new
process, start-up, reading and validating the workbook, rendering, embedding the data and
writing every file atomically), once with `--jobs 1` and once with every core.
Both sides run in the same invocation, so on a busy machine the ratios still compare like
with like. Not part of the tests; the last line is the figure.
"""

from __future__ import annotations

import io
import os
import subprocess
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
from lvye_forms.render.writer import default_jobs

FORM = "case_consent"


def make_workbook(path: Path, rows: int) -> None:
    """The form's input workbook with `rows` copies of its example, each with its own key."""
    model = get_form(FORM)
    buffer = io.BytesIO()
    input_workbook(model, example=True).save(buffer)
    workbook = load_workbook(buffer)
    sheet = workbook[spec(FORM).sheet_name]
    header = [c.value for c in sheet[1]]
    template_row = [c.value for c in sheet[2]]
    key_column = header.index(spec(FORM).key.label)
    sheet.delete_rows(2, sheet.max_row)
    for n in range(rows):
        row = list(template_row)
        row[key_column] = f"GA-BENCH-{n:06d}"
        sheet.append(row)
    workbook.save(path)


def baseline(rows: int, outdir: Path) -> float:
    model = get_form(FORM)
    record = model.model_validate(model.examples[0])
    context = template_context(record, api.DEFAULT_AGENCY)
    outdir.mkdir()
    start = time.perf_counter()
    for n in range(rows):
        template = DocxTemplate(template_path(FORM))
        template.render(context, autoescape=True)
        template.save(outdir / f"{n}.docx")
    return time.perf_counter() - start


def cli(data: Path, outdir: Path, rows: int, *extra: str) -> float:
    command = [sys.executable, "-m", "lvye_forms", "render", FORM, str(data), "-o", str(outdir)]
    start = time.perf_counter()
    subprocess.run([*command, "--json", *extra], check=False, capture_output=True)
    elapsed = time.perf_counter() - start
    made = len(list(outdir.glob("*.docx")))
    if made != rows:
        raise SystemExit(f"expected {rows} documents, found {made}")
    return elapsed


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    cores = default_jobs()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "in.xlsx"
        make_workbook(data, rows)
        # One small run first, as the baseline runs in a process that has already imported
        # docxtpl: Python's bytecode caches and the libraries' files are then warm for both.
        warm = root / "warm.xlsx"
        make_workbook(warm, 1)
        cli(warm, root / "warm", 1)
        one = cli(data, root / "one", rows, "--jobs", "1")
        every = cli(data, root / "all", rows)
        base = baseline(rows, root / "docxtpl")
    print(
        f"rows={rows} cores={cores} load={os.getloadavg()[0]:.1f}  "
        f"docxtpl loop {base:.2f}s ({rows / base:.0f}/s)  "
        f"render --jobs 1 {one:.2f}s ({rows / one:.0f}/s)  "
        f"render all cores {every:.2f}s ({rows / every:.0f}/s)"
    )
    print(f"speed-up over the docxtpl loop: --jobs 1 {base / one:.1f}x, all cores {base / every:.1f}x")


if __name__ == "__main__":
    main()
