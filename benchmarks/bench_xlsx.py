"""Tabular (XLSX) documents: the prepared engine against openpyxl, as ratios measured in one run.

    python benchmarks/bench_xlsx.py [ROWS] [FORM]      (default 500 rows of activity_signin)

Both sides make the same documents from the same validated records: the table of each record
(`table_data`), its embedded data and the finished package. openpyxl is the path every
tabular document took before (`render_table(..., prepared=False)`: a styled workbook built
cell by cell, saved, the data part added and the package zipped again with fixed
timestamps); the prepared engine is `render/fast_xlsx.py`. The two run in alternating blocks
of 50 documents so that a busy machine slows both alike.

Then end to end: `lvye-forms render FORM in.xlsx -o out --jobs 1` as a user runs it (a new
process, reading and validating the workbook, writing every file atomically), once as it is
and once with the prepared engine switched off. Not part of the tests; the last line is the
figure.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

from lvye_forms import api
from lvye_forms.ingest.workbook import input_workbook
from lvye_forms.model import FormModel
from lvye_forms.registry import get_form, spec
from lvye_forms.render.document import metadata
from lvye_forms.render.tabular import table_data
from lvye_forms.render.xlsx import render_table

BLOCK = 50
# The command line with the prepared engine switched off: openpyxl makes every document.
_OPENPYXL_ONLY = (
    "import sys; import lvye_forms.render.xlsx as x; x.render_prepared = lambda plan, meta: None;"
    "from lvye_forms.cli import main; sys.argv[0] = 'lvye-forms'; main()"
)


def bench_key(n: int) -> str:
    return f"BENCH-{n:06d}"


def records(form: str, rows: int) -> list[FormModel]:
    """`rows` copies of the form's first example, each with its own key."""
    model = get_form(form)
    example = model.model_validate(model.examples[0])
    return [example.model_copy(update={model.key_field: bench_key(n)}) for n in range(rows)]


def in_process(form: str, rows: int) -> tuple[float, float]:
    """Seconds openpyxl and the prepared engine took for the same `rows` documents."""
    model = get_form(form)
    batch = records(form, rows)
    agency = api.DEFAULT_AGENCY

    def make(record: FormModel, prepared: bool) -> bytes:
        return render_table(
            agency, model.title, table_data(record), metadata(record, agency), prepared=prepared
        )

    make(batch[0], True)  # the engine is prepared once per process, as in a run
    timings = {True: 0.0, False: 0.0}
    for start in range(0, rows, BLOCK):
        for prepared in (False, True):
            began = time.perf_counter()
            for record in batch[start : start + BLOCK]:
                make(record, prepared)
            timings[prepared] += time.perf_counter() - began
    return timings[False], timings[True]


def make_workbook(path: Path, form: str, rows: int) -> None:
    """The form's input workbook with `rows` copies of its first example (its list sheet's
    rows copied with each), each with its own key."""
    model = get_form(form)
    key_label = spec(form).key.label
    first_key = str(model.model_validate(model.examples[0]).key())
    buffer = io.BytesIO()
    input_workbook(model, example=True).save(buffer)
    workbook = load_workbook(buffer)
    for sheet in workbook.worksheets:
        header = [c.value for c in sheet[1]]
        if key_label not in header:
            continue  # the instructions and the lists of options
        column = header.index(key_label)
        mine = [
            list(r)
            for r in sheet.iter_rows(min_row=2, values_only=True)
            if r[column] is not None and str(r[column]) == first_key
        ]
        sheet.delete_rows(2, sheet.max_row)
        for n in range(rows):
            for row in mine:
                row[column] = bench_key(n)
                sheet.append(row)
    workbook.save(path)


def end_to_end(data: Path, outdir: Path, form: str, rows: int, prepared: bool) -> float:
    start = [sys.executable, "-m", "lvye_forms"] if prepared else [sys.executable, "-c"]
    command = start + ([] if prepared else [_OPENPYXL_ONLY])
    command += ["render", form, str(data), "-o", str(outdir), "--jobs", "1", "--json"]
    began = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    elapsed = time.perf_counter() - began
    made = len(list(outdir.glob("*.xlsx")))
    if made != rows:
        raise SystemExit(f"expected {rows} documents in {outdir}, found {made}")
    return elapsed


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    form = sys.argv[2] if len(sys.argv) > 2 else "activity_signin"
    old, new = in_process(form, rows)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "in.xlsx"
        make_workbook(data, form, rows)
        cli_old = end_to_end(data, root / "openpyxl", form, rows, prepared=False)
        cli_new = end_to_end(data, root / "prepared", form, rows, prepared=True)
    print(
        f"form={form} rows={rows} load={os.getloadavg()[0]:.1f}  "
        f"in process: openpyxl {old:.2f}s ({rows / old:.0f}/s, {old / rows * 1000:.1f} ms each)  "
        f"prepared {new:.2f}s ({rows / new:.0f}/s, {new / rows * 1000:.2f} ms each)"
    )
    print(
        f"end to end, render --jobs 1: openpyxl {cli_old:.2f}s ({rows / cli_old:.0f}/s)  "
        f"prepared {cli_new:.2f}s ({rows / cli_new:.0f}/s)  {cli_old / cli_new:.1f}x"
    )
    print(f"prepared XLSX engine vs openpyxl, same documents: {old / new:.1f}x")


if __name__ == "__main__":
    main()
