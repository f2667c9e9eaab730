"""A very large batch end to end: wall time and peak memory of `lvye-forms render`.

    python benchmarks/bench_scale.py [ROWS] [JOBS]      (default 100000 rows, every core)

Writes a workbook of ROWS generated case-consent rows (each its own case id and name), runs
`lvye-forms render case_consent` on it as a user would (a new process), and reports the wall
time and the peak resident memory of the largest process of the run (the command itself or
one of its workers, from the operating system's accounting of finished child processes).
The command prints its terminal summary, as staff run it (with --json it would also
build the whole report as one JSON text). Run it with two sizes to see whether memory grows
with the number of rows. Not part of the
tests; the last line is the figure. Needs about 3 GB of free disk for 100,000 documents.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from lvye_forms.registry import get_form, spec

FORM = "case_consent"


def make_workbook(path: Path, rows: int) -> None:
    """A write-only workbook (constant memory to make) of `rows` variations of the example."""
    model = get_form(FORM)
    form = spec(FORM)
    example = dict(model.examples[0])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(form.sheet_name)
    sheet.append([c.label for c in form.columns])
    for n in range(rows):
        values = dict(example, case_id=f"GA-SCALE-{n:06d}", client_name=f"测试{n:06d}")
        sheet.append([_cell(values.get(c.name, "")) for c in form.columns])
    workbook.save(path)


def _cell(value: object) -> object:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return value


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    jobs = sys.argv[2:3]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "in.xlsx"
        start = time.perf_counter()
        make_workbook(data, rows)
        made = time.perf_counter() - start
        size_kb = data.stat().st_size // 1024
        command = [sys.executable, "-m", "lvye_forms", "render", FORM, str(data)]
        command += ["-o", str(root / "out"), *(["--jobs", jobs[0]] if jobs else [])]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        documents = sum(1 for _ in (root / "out").glob("*.docx"))
    if documents != rows:
        tail = done.stderr.decode("utf-8", "replace")[-2000:]
        raise SystemExit(f"expected {rows} documents, found {documents} (exit {done.returncode})\n{tail}")
    print(f"(workbook of {rows} rows written in {made:.1f}s, {size_kb} KB)")
    print(
        f"rows={rows} jobs={jobs[0] if jobs else 'all'}  wall {elapsed:.1f}s "
        f"({rows / elapsed:.0f} documents/s)  peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
