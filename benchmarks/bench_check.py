"""`check` against the floor of merely reading an archive, as a ratio measured in one run.

    python benchmarks/bench_check.py [DOCUMENTS]        (default 20000 documents)

Builds an archive of generated documents — cases of six documents each (consent, intake,
plan and three process records) — then times, in the same run:
(a) the floor: walking the archive and reading each document's data part (the zip's
    customXml item that carries our namespace), nothing else;
(b) `api.check_archive` on it under the lvye profile, as `lvye-forms check` runs it (an
    archive of 2,000 files or more is identified on every core the process may use).
The figure is a/b: the share of the floor's speed the checker reaches (the issue asks for at
least 0.5). Not part of the tests; the last line is the figure.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lvye_forms import api
from lvye_forms.archive.parallel import available_cores
from lvye_forms.registry import get_form
from lvye_forms.render.embed import NAMESPACE

PER_CASE = (
    ("case_consent", {}),
    ("case_intake", {}),
    ("case_plan", {}),
    ("case_note_process", {"record_id": "{case}-1", "next_date": ""}),
    ("case_note_process", {"record_id": "{case}-2", "contact_date": "2024-03-29", "next_date": ""}),
    ("case_note_process", {"record_id": "{case}-3", "contact_date": "2024-04-05", "next_date": ""}),
)


def build(root: Path, documents: int) -> int:
    made = 0
    for n in range(-(-documents // len(PER_CASE))):
        case_id = f"GA-BENCH-{n:05d}"
        folder = root / f"case-{n:05d}"
        folder.mkdir(parents=True)
        for form_id, changes in PER_CASE:
            model = get_form(form_id)
            values = {k: v.format(case=case_id) for k, v in changes.items()}
            record = model.model_validate({**model.examples[0], "case_id": case_id, **values})
            (folder / api.document_name(record)).write_bytes(api.render_record(record))
            made += 1
    return made


def floor(root: Path) -> int:
    """Walk the archive and read every document's data part: the least any checker must do."""
    marker = NAMESPACE.encode()
    found = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if not name.endswith((".docx", ".xlsx")):
                continue
            with zipfile.ZipFile(os.path.join(folder, name)) as package:
                for member in package.namelist():
                    if member.startswith("customXml/item") and "Props" not in member:
                        data = package.read(member)
                        if marker in data[:4096]:
                            found += 1
                            break
    return found


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        documents = build(root, wanted)
        built = time.perf_counter() - start
        # Building leaves the renderer's garbage behind: collected now, so that neither side
        # pays for it when the collector next runs.
        gc.collect()
        start = time.perf_counter()
        read = floor(root)
        walked = time.perf_counter() - start
        start = time.perf_counter()
        report = api.check_archive(root, as_of=dt.date(2024, 7, 1))
        checked = time.perf_counter() - start
    if read != documents:
        raise SystemExit(f"the floor read {read} data parts of {documents} documents")
    print(
        f"(archive of {documents} documents built in {built:.0f}s; {available_cores()} cores, "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"documents={documents} findings={len(report.result.findings)}  "
        f"walk-and-read floor {walked:.2f}s ({documents / walked:.0f}/s)  "
        f"check {checked:.2f}s ({documents / checked:.0f}/s)  "
        f"check speed / floor speed = {walked / checked:.2f}"
    )


if __name__ == "__main__":
    main()
