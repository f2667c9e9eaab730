"""The checker's cost over merely reading an archive, as a ratio measured in one run.

    python benchmarks/bench_check.py [CASES]

Builds an archive of CASES cases (consent, intake, plan and three process records each) from
generated documents, then times (a) scanning the archive — opening every document and reading
its embedded data — and (b) `api.check_archive` on it under the lvye profile. The ratio b/a says
how much the rule evaluation adds on top of the unavoidable reading. Not part of the tests.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from lvye_forms import api
from lvye_forms.archive import scan
from lvye_forms.registry import get_form


def build(root: Path, cases: int) -> None:
    for n in range(cases):
        case_id = f"GA-BENCH-{n:05d}"
        folder = root / f"case-{n:05d}"
        folder.mkdir(parents=True)
        for form_id, changes in (
            ("case_consent", {}),
            ("case_intake", {}),
            ("case_plan", {}),
            ("case_note_process", {"record_id": f"{case_id}-1", "next_date": ""}),
            ("case_note_process", {"record_id": f"{case_id}-2", "contact_date": "2024-03-29", "next_date": ""}),
            ("case_note_process", {"record_id": f"{case_id}-3", "contact_date": "2024-04-05", "next_date": ""}),
        ):
            model = get_form(form_id)
            record = model.model_validate({**model.examples[0], "case_id": case_id, **changes})
            (folder / api.document_name(record)).write_bytes(api.render_record(record))


def main() -> None:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, cases)
        start = time.perf_counter()
        documents, _ = scan(root)
        read = time.perf_counter() - start
        start = time.perf_counter()
        report = api.check_archive(root, as_of=dt.date(2024, 7, 1))
        checked = time.perf_counter() - start
    print(f"cases={cases} documents={len(documents)} findings={len(report.result.findings)}  "
          f"scan={read:.2f}s  check={checked:.2f}s  ratio={checked / read:.2f}")


if __name__ == "__main__":
    main()
