"""--pdf on a large batch: one LibreOffice process per core, each with its own profile.

A stand-in soffice (a shell script) records how it was started and writes a tiny PDF for each
document, so the sharing of the batch is tested without LibreOffice.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from lvye_forms.render import pdf
from lvye_forms.render.pdf import PdfStatus, convert_to_pdf

posix_only = pytest.mark.skipif(os.name == "nt", reason="shell-script stand-in for soffice")

FAKE = """#!/bin/sh
echo "$@" >> "{log}"
out=""
prev=""
for a in "$@"; do
  if [ "$prev" = "--outdir" ]; then out="$a"; fi
  prev="$a"
done
for a in "$@"; do
  case "$a" in
    *.docx) n=$(basename "$a" .docx); printf '%%PDF-1.4\\n%%%%EOF\\n' > "$out/$n.pdf";;
  esac
done
"""


def fake_soffice(tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "soffice.log"
    program = tmp_path / "soffice"
    program.write_text(FAKE.format(log=log))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program, log


def documents(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = [folder / f"文档{n:03d}.docx" for n in range(count)]
    for path in paths:
        path.write_bytes(b"PK not converted by the stand-in")
    return paths


@posix_only
def test_a_large_batch_is_shared_among_processes_with_their_own_profiles(tmp_path):
    program, log = fake_soffice(tmp_path)
    paths = documents(tmp_path / "out", 45)
    results = convert_to_pdf(paths, soffice=str(program), jobs=2)
    assert [r.document for r in results] == paths
    assert all(r.status is PdfStatus.WRITTEN for r in results)
    assert all(r.pdf.read_bytes().startswith(b"%PDF") for r in results)
    starts = log.read_text().splitlines()
    assert len(starts) == 2
    profiles = {re.search(r"UserInstallation=(\S+)", s).group(1) for s in starts}
    assert len(profiles) == 2  # two processes never share a profile
    converted = sorted(a for s in starts for a in s.split() if a.endswith(".docx"))
    assert converted == sorted(str(p) for p in paths)  # each document once


@posix_only
def test_a_small_batch_or_one_job_takes_one_process(tmp_path):
    program, log = fake_soffice(tmp_path)
    paths = documents(tmp_path / "out", 8)
    convert_to_pdf(paths, soffice=str(program), jobs=4)
    assert len(log.read_text().splitlines()) == 1
    more = documents(tmp_path / "more", 30)
    convert_to_pdf(more, soffice=str(program), jobs=1)
    assert len(log.read_text().splitlines()) == 2


@posix_only
def test_missing_libreoffice_in_a_pool_is_the_same_error(tmp_path):
    paths = documents(tmp_path / "out", 30)
    with pytest.raises(pdf.LibreOfficeMissing):
        convert_to_pdf(paths, soffice=str(tmp_path / "no-such-soffice"), jobs=2)
