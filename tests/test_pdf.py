"""PDF copies by LibreOffice: one process per batch, safe placement, clear failures."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from lvye_forms import api
from lvye_forms.i18n import use_language
from lvye_forms.registry import get_form
from lvye_forms.render import pdf
from lvye_forms.render.pdf import LibreOfficeMissing, PdfStatus, convert_to_pdf

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is installed by .ci/run"
)
posix_only = pytest.mark.skipif(os.name == "nt", reason="shell-script stand-ins for soffice")


def write_document(folder: Path, form_id: str, name: str | None = None) -> Path:
    model = get_form(form_id)
    record = model.model_validate(model.examples[0], context={"today": dt.date.max})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name or model.title}.{model.kind}"
    path.write_bytes(api.render_record(record))
    return path


def pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return "".join(text.split())


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@needs_libreoffice
@posix_only
def test_one_process_converts_a_batch_places_pdfs_and_reports_a_damaged_file(tmp_path, monkeypatch):
    # A stand-in first on PATH records each start of LibreOffice, then runs the real one.
    log = tmp_path / "soffice.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script(bin_dir / "soffice", f'echo "$@" >> "{log}"\nexec "{SOFFICE}" "$@"')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    out = tmp_path / "输出"
    documents = [
        write_document(out, "case_consent"),
        write_document(out, "group_plan"),
        write_document(out / "表格", "group_attendance"),  # an XLSX, in another folder
    ]
    damaged = out / "坏文件.docx"
    damaged.write_bytes(b"PK\x03\x04 not really a Word document")

    results = convert_to_pdf([documents[0], damaged, *documents[1:]])

    assert len(log.read_text().splitlines()) == 1, "one LibreOffice process for the batch"
    assert "-env:UserInstallation=file://" in log.read_text()  # its own profile
    assert [r.document for r in results] == [documents[0], damaged, *documents[1:]]
    bad = results[1]
    assert bad.status is PdfStatus.FAILED and bad.reason and not bad.pdf.exists()
    good = [r for r in results if r is not bad]
    for result, form_id in zip(
        good, ["case_consent", "group_plan", "group_attendance"], strict=True
    ):
        assert result.status is PdfStatus.WRITTEN, result
        assert result.pdf == result.document.with_suffix(".pdf")
        assert result.pdf.read_bytes().startswith(b"%PDF")
        text = pdf_text(result.pdf)
        assert get_form(form_id).title in text
        assert api.DEFAULT_AGENCY in text
    assert not list(out.rglob("*.tmp")) and not list(out.rglob(".*"))

    # Converting again gives the same PDFs (only the creation time differs): unchanged.
    # A different PDF that is already there is kept, unless overwrite. A document with the
    # same name in another folder needs a process of its own (the PDF names would clash).
    mine = documents[1].with_suffix(".pdf")
    mine.write_bytes(b"%PDF-1.4 a PDF someone made by hand\n%%EOF\n")
    namesake = write_document(out / "表格", "activity_report", name=documents[0].stem)
    again = convert_to_pdf([*documents, namesake])
    assert [r.status for r in again] == [PdfStatus.UNCHANGED, PdfStatus.KEPT] + [
        PdfStatus.UNCHANGED,
        PdfStatus.WRITTEN,
    ]
    assert len(log.read_text().splitlines()) == 1 + 2
    assert mine.read_bytes().startswith(b"%PDF-1.4 a PDF someone made by hand")
    assert get_form("case_consent").title in pdf_text(again[0].pdf)
    assert get_form("activity_report").title in pdf_text(again[3].pdf)

    replaced = convert_to_pdf([documents[1]], overwrite=True)
    assert replaced[0].status is PdfStatus.WRITTEN
    assert get_form("group_plan").title in pdf_text(mine)


def test_batches_split_only_for_clashing_names_and_size(tmp_path, monkeypatch):
    paths = [tmp_path / "a" / "x.docx", tmp_path / "b" / "X.docx", tmp_path / "a" / "y.xlsx"]
    assert pdf._chunks(paths) == [[paths[0], paths[2]], [paths[1]]]
    monkeypatch.setattr(pdf, "CHUNK_SIZE", 2)
    many = [tmp_path / f"{n}.docx" for n in range(5)]
    assert [len(c) for c in pdf._chunks(many)] == [2, 2, 1]


def test_missing_libreoffice_says_how_to_install_it(tmp_path, monkeypatch):
    document = tmp_path / "文档.docx"
    document.write_bytes(b"")
    with pytest.raises(LibreOfficeMissing) as raised:
        convert_to_pdf([document], soffice=str(tmp_path / "no-such-soffice"))
    message = str(raised.value)
    assert "LibreOffice" in message and "安装" in message
    assert (
        "sudo apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk"
        in message
    )
    assert "libreoffice.org" in message

    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(pdf, "_install_locations", lambda: [tmp_path / "nowhere" / "soffice.exe"])
    with use_language("en"), pytest.raises(LibreOfficeMissing) as raised:
        convert_to_pdf([document])
    assert "Install LibreOffice" in str(raised.value) and "libreoffice.org" in str(raised.value)
    assert not document.with_suffix(".pdf").exists()


@posix_only
def test_a_hanging_libreoffice_is_stopped_with_everything_it_started(tmp_path):
    child_pid = tmp_path / "child.pid"
    hanging = script(tmp_path / "soffice", f'sleep 60 &\necho $! > "{child_pid}"\nwait')
    document = write_document(tmp_path, "case_consent")
    started = time.monotonic()
    results = convert_to_pdf([document, tmp_path / "missing.docx"], soffice=str(hanging), timeout=1)
    assert time.monotonic() - started < 10
    assert [r.status for r in results] == [PdfStatus.FAILED, PdfStatus.FAILED]
    assert "LibreOffice" in results[0].reason
    assert results[1].reason  # not there at all
    pid = int(child_pid.read_text())
    for _ in range(50):  # the killed child may take a moment to die
        if not running(pid):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the process LibreOffice started is still running")


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a killed orphan may stay a zombie where nothing reaps it (containers)
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def test_same_pdf_ignores_only_creation_time_and_ids():
    head = b"%PDF-1.4\n1 0 obj<</Length 5>>stream\nhello\nendstream\n"
    one = (
        head + b"/CreationDate(D:20261123191425Z')>>\n/ID [ <AB> <AB> ]\n/DocChecksum /01\n%%EOF\n"
    )
    two = (
        head + b"/CreationDate(D:20261124080000Z')>>\n/ID [ <CD> <CD> ]\n/DocChecksum /02\n%%EOF\n"
    )
    assert pdf.same_pdf(one, two)
    assert not pdf.same_pdf(one, two.replace(b"hello", b"world"))
