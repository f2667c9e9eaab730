"""PDFs per second: `render --pdf`'s conversion with one LibreOffice process per core.

    python benchmarks/bench_pdf.py [DOCUMENTS] [FORM]     (default 80 one-page case notes)

Renders DOCUMENTS copies of a one-page form (each its own record id), then converts them with
`render.pdf.convert_to_pdf` once with a single LibreOffice process and once with one per
core, start-up included, in the same run. Needs LibreOffice. Not part of the tests; the last
line is the figure.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from lvye_forms import api
from lvye_forms.registry import get_form
from lvye_forms.render.pdf import PdfStatus, convert_to_pdf
from lvye_forms.render.writer import default_jobs
from lvye_forms.schema import form_spec


def make(folder: Path, form_id: str, count: int) -> list[Path]:
    model = get_form(form_id)
    key = form_spec(model).key.name
    folder.mkdir()
    paths = []
    for n in range(count):
        data = dict(model.examples[0])
        data[key] = f"{data[key]}-{n:04d}"
        record = model.model_validate(data)
        path = folder / f"{n:04d}.{model.kind}"
        path.write_bytes(api.render_record(record))
        paths.append(path)
    return paths


def timed(paths: list[Path], jobs: int) -> float:
    start = time.perf_counter()
    results = convert_to_pdf(paths, jobs=jobs)
    elapsed = time.perf_counter() - start
    failed = [r for r in results if r.status is PdfStatus.FAILED]
    if failed:
        raise SystemExit(f"{len(failed)} failed: {failed[0].reason}")
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    form_id = sys.argv[2] if len(sys.argv) > 2 else "gz_case_process"
    cores = default_jobs()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = make(root / "one", form_id, count)
        one = timed(paths, 1)
        shutil.copytree(root / "one", root / "all", ignore=shutil.ignore_patterns("*.pdf"))
        every = timed(sorted((root / "all").glob("*.docx")), cores)
    print(f"documents={count} form={form_id} cores={cores}")
    print(
        f"one LibreOffice process {count / one:.1f} PDFs/s ({one:.1f}s)  "
        f"one per core {count / every:.1f} PDFs/s ({every:.1f}s)"
    )


if __name__ == "__main__":
    main()
