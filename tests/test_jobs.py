"""`render --jobs N`: the same files, report, messages and progress as one process.

Names are decided by the run, in row order (two rows never share a file, whatever renders
them); workers only render and write. The batch below mixes valid rows, invalid rows, keys
that differ only in letter case (so their file names collide), a different file already in
the way, and more rows than one chunk, so the pool is really used.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from lvye_forms import api
from lvye_forms import batch as batch_module
from lvye_forms.cli import main
from lvye_forms.render import writer
from lvye_forms.report import DocumentResult, FileReport, RenderEvents

from .conftest import TODAY, example_sheets, write_workbook

ROWS = 90


class Recorder(RenderEvents):
    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []

    def rows_found(self, count: int) -> None:
        self.seen.append(("rows", count))

    def document_done(self, report: FileReport, document: DocumentResult) -> None:
        self.seen.append(("done", document.path.name, document.status.value))

    def row_failed(self, report: FileReport) -> None:
        self.seen.append(("failed", report.failed_rows, len(report.problems)))

    def file_finished(self, report: FileReport) -> None:
        self.seen.append(("finished", report.form_id, len(report.documents)))


def batch(tmp_path: Path) -> Path:
    sheets = example_sheets("case_consent")
    name = next(iter(sheets))
    header, first = sheets[name][0], sheets[name][1]
    key = header.index("个案编号")
    date = header.index("接案日期")
    rows = []
    for n in range(ROWS):
        row = list(first)
        row[key] = f"GA-JOBS-{n:03d}" if n % 10 else f"ga-jobs-{n - 1:03d}"
        if n % 7 == 3:
            row[date] = "2024-13-45"  # invalid: reported, not rendered
        rows.append(row)
    sheets[name] = [header, *rows]
    return write_workbook(tmp_path / "批量.xlsx", sheets)


def render(tmp_path: Path, data: Path, jobs: int, folder: str) -> tuple[dict[str, Any], Recorder]:
    outdir = tmp_path / folder
    outdir.mkdir()
    (outdir / "挡路.docx").write_bytes(b"someone's file")
    events = Recorder()
    report = api.render([data], outdir, today=TODAY, jobs=jobs, events=events)
    shown = json.dumps(report.to_dict(), ensure_ascii=False).replace(str(outdir), "OUT")
    return json.loads(shown), events


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".docx"}


def test_two_processes_give_what_one_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "CHUNK_ROWS", 8)  # many chunks, several in flight
    monkeypatch.setattr(batch_module, "EARLY_POOL_BYTES", 0)  # workers start before reading
    data = batch(tmp_path)
    one, events_one = render(tmp_path, data, 1, "one")
    two, events_two = render(tmp_path, data, 2, "two")
    assert one == two
    assert events_one.seen == events_two.seen
    assert files(tmp_path / "one") == files(tmp_path / "two")
    assert one["failed_rows"] > 0 and one["written"] > 60
    names = [d["path"] for f in one["files"] for d in f["documents"]]
    assert len(names) == len(set(names))
    assert any("(2)" in n for n in names)  # keys equal but for case share a name: one is (2)


def test_jobs_on_the_command_line(tmp_path):
    data = batch(tmp_path)
    outputs = []
    for jobs in ("1", "2"):
        outdir = tmp_path / f"cli{jobs}"
        result = CliRunner().invoke(
            main,
            ["render", "case_consent", str(data), "-o", str(outdir), "--jobs", jobs, "--json",
             "--today", TODAY.isoformat()],
        )
        assert result.exit_code == 1, result.output  # the invalid rows
        outputs.append(result.output.replace(str(outdir), "OUT"))
    assert outputs[0] == outputs[1]
    assert files(tmp_path / "cli1") == files(tmp_path / "cli2")
    shutil.rmtree(tmp_path / "cli1")
    bad = CliRunner().invoke(main, ["render", str(data), "-o", str(tmp_path / "x"), "--jobs", "0"])
    assert bad.exit_code == 2


def test_a_group_of_writes_keeps_the_promises_of_one(tmp_path):
    from lvye_forms.render.output import WriteFailed, WriteStatus, write_many

    (tmp_path / "same.docx").write_bytes(b"same")
    (tmp_path / "other.docx").write_bytes(b"someone's")
    (tmp_path / "folder.docx").mkdir()
    outcomes = write_many(
        [
            (tmp_path / "new.docx", b"new"),
            (tmp_path / "same.docx", b"same"),
            (tmp_path / "other.docx", b"ours"),
            (tmp_path / "sub" / "deep.docx", b"deep"),
        ],
        overwrite=False,
    )
    assert outcomes[:3] == [WriteStatus.WRITTEN, WriteStatus.UNCHANGED, WriteStatus.KEPT]
    assert outcomes[3] is WriteStatus.WRITTEN
    assert (tmp_path / "new.docx").read_bytes() == b"new"
    assert (tmp_path / "other.docx").read_bytes() == b"someone's"
    assert (tmp_path / "sub" / "deep.docx").read_bytes() == b"deep"
    replaced = write_many(
        [(tmp_path / "other.docx", b"ours"), (tmp_path / "folder.docx", b"x")], overwrite=True
    )
    assert replaced[0] is WriteStatus.REPLACED and isinstance(replaced[1], WriteFailed)
    assert (tmp_path / "other.docx").read_bytes() == b"ours"
    assert not [p for p in tmp_path.rglob("*.tmp")]


PARENT = os.getpid()
_real_write_chunk = writer._write_chunk


def _dying_worker(*args: Any) -> Any:
    if os.getpid() != PARENT:
        os._exit(1)  # a worker killed (for memory, say) while it renders
    return _real_write_chunk(*args)


def test_a_worker_that_dies_does_not_lose_the_run(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "CHUNK_ROWS", 8)
    monkeypatch.setattr(writer, "_write_chunk", _dying_worker)
    data = batch(tmp_path)
    report = api.render([data], tmp_path / "out", today=TODAY, jobs=2)
    documents = [d for f in report.files for d in f.documents]
    assert len(documents) > 60
    assert all(d.path.is_file() for d in documents)
    assert not [p for p in (tmp_path / "out").glob("*.tmp")]


def test_a_worker_renders_with_the_runs_agency_templates(tmp_path):
    """What a spawned worker (Windows, macOS) is told: the agency's template folder."""
    from docx import Document

    from lvye_forms import registry
    from lvye_forms.registry import get_form, shipped_template

    folder = tmp_path / "模板"
    folder.mkdir()
    own = Document(str(shipped_template("case_consent")))
    own.add_paragraph("本机构自定义的一行")
    own.save(str(folder / shipped_template("case_consent").name))
    model = get_form("case_consent")
    record = model.model_validate(model.examples[0], context={"today": TODAY})
    job = writer.Job(record, "机构", tmp_path / "out" / "a.docx")
    try:
        (written,), _ = writer._write_chunk([job], False, "zh", folder)
        assert written.status is not None
        text = "\n".join(p.text for p in Document(str(job.target)).paragraphs)
        assert "本机构自定义的一行" in text
    finally:
        registry.use_templates(None)
