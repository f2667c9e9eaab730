"""Output files: names every file system takes, atomic writes, clear failures, no leftovers."""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lvye_forms import api, i18n
from lvye_forms.errors import Code
from lvye_forms.render import output
from lvye_forms.render.output import (
    MAX_NAME_BYTES,
    WriteFailed,
    WriteStatus,
    remove_leftovers,
    safe_name,
    write_atomic,
)

from .conftest import TODAY, example_sheets, write_workbook

# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (
            ("接受个案服务同意书", "GA-2024-017", "李小明"),
            "接受个案服务同意书_GA-2024-017_李小明.docx",
        ),
        (("活动报告", "HD/2024:05", " 王 芳 "), "活动报告_HD_2024_05_王 芳.docx"),
        (("a", "", "b"), "a_b.docx"),
        (("表", "x..."), "表_x.docx"),
    ],
)
def test_short_names_are_as_they_always_were(parts, expected):
    assert safe_name(*parts, suffix=".docx") == expected


def check_fits(name: str, tmp_path: Path) -> None:
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    (tmp_path / name).write_bytes(b"x")  # the file system takes it
    (tmp_path / name).unlink()


@pytest.mark.parametrize("char", ["a", "李", "😀", "é"])
def test_long_names_are_cut_to_fit_with_a_hash(tmp_path, char):
    name = safe_name("接受个案服务同意书", "GA-1", char * 400, suffix=".docx")
    check_fits(name, tmp_path)
    assert name.startswith("接受个案服务同意书_GA-1_" + char) and name.endswith(".docx")
    assert re.search(r"~[0-9a-f]{8}\.docx$", name)
    assert name == safe_name("接受个案服务同意书", "GA-1", char * 400, suffix=".docx")  # stable


def test_long_names_that_differ_only_at_the_end_stay_apart(tmp_path):
    first = safe_name("长" * 300 + "甲", suffix=".xlsx")
    second = safe_name("长" * 300 + "乙", suffix=".xlsx")
    assert first != second
    check_fits(first, tmp_path)


def test_a_cut_never_splits_a_character_or_leaves_a_lone_accent(tmp_path):
    for n in range(60, 70):
        name = safe_name("e\u0301" * n, "ж" * n, suffix=".docx")  # é as e + combining accent
        name.encode("utf-8").decode("utf-8")
        stem = name.split("~")[0]
        assert not stem.endswith("\u0301_") and not stem.startswith("\u0301")
        check_fits(name, tmp_path)


def test_a_name_of_nothing_but_bad_characters(tmp_path):
    assert safe_name('<>:"/\\|?*', "...", "   ", suffix=".docx") == "document.docx"
    assert safe_name("\x00\x01\x1f", suffix=".docx") == "document.docx"
    assert safe_name("", suffix=".xlsx") == "document.xlsx"


@pytest.mark.parametrize("reserved", ["CON", "nul", "Com1", "LPT9", "aux", "PRN", "CON.tar"])
def test_windows_device_names_are_not_used(reserved):
    stem = safe_name(reserved, suffix=".docx").removesuffix(".docx")
    assert stem.split(".")[0].upper() not in {"CON", "NUL", "COM1", "LPT9", "AUX", "PRN"}


def test_trailing_dots_and_spaces_and_direction_marks_go():
    assert safe_name("报告. . ", suffix=".docx") == "报告.docx"
    assert safe_name("gpj\u202e.exe", suffix=".docx") == "gpj_.exe.docx"


def test_a_long_client_name_still_renders(tmp_path):
    sheets = example_sheets("case_consent", overrides={"个案编号": "GA-" + "号" * 90})
    path = write_workbook(tmp_path / "in.xlsx", sheets)
    [report] = api.render_path(path, tmp_path / "out", today=TODAY)
    assert report.problems == []
    [document] = report.documents
    assert document.status is WriteStatus.WRITTEN and document.path.exists()
    assert len(document.path.name.encode()) <= MAX_NAME_BYTES and "~" in document.path.name


# --- writing ----------------------------------------------------------------------------------


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_the_temporary_file_does_not_carry_the_documents_name(tmp_path, monkeypatch):
    seen: list[str] = []
    replace = os.replace

    def spy(source, target):
        seen.append(Path(source).name)
        replace(source, target)

    monkeypatch.setattr(output.os, "replace", spy)
    target = tmp_path / ("同意书_李小明" + "长" * 60 + ".docx")
    assert write_atomic(target, b"data", overwrite=False) is WriteStatus.WRITTEN
    [name] = seen
    assert re.fullmatch(rf"\.lvye-forms-{os.getpid()}-[A-Za-z0-9_]+\.tmp", name)
    assert "李小明" not in name and target.read_bytes() == b"data"
    assert temporaries(tmp_path) == []


def test_files_get_the_permissions_of_the_users_umask(tmp_path):
    target = tmp_path / "a.docx"
    write_atomic(target, b"x", overwrite=False)
    assert stat.S_IMODE(target.stat().st_mode) == output.FILE_MODE
    mask = os.umask(0o022)
    os.umask(mask)
    assert 0o666 & ~mask == output.FILE_MODE


def test_unchanged_kept_and_replaced(tmp_path):
    target = tmp_path / "a.docx"
    assert write_atomic(target, b"one", overwrite=False) is WriteStatus.WRITTEN
    assert write_atomic(target, b"one", overwrite=False) is WriteStatus.UNCHANGED
    assert write_atomic(target, b"two", overwrite=False) is WriteStatus.KEPT
    assert write_atomic(target, b"two", overwrite=True) is WriteStatus.REPLACED
    assert target.read_bytes() == b"two"


def test_disk_full_is_a_write_failure_and_leaves_nothing_behind(tmp_path, monkeypatch):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(WriteFailed) as caught:
        write_atomic(target, b"new", overwrite=True)
    error = caught.value
    assert isinstance(error, OSError) and error.errno == errno.ENOSPC
    assert "磁盘空间不足" in str(error) and "a.docx" in str(error)
    assert error.strerror == "磁盘空间不足" and error.filename == str(target)
    assert target.read_bytes() == b"old" and temporaries(tmp_path) == []
    with i18n.use_language("en"):
        assert "disk is full" in str(WriteFailed(target, OSError(errno.ENOSPC, "x")))


def test_an_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "a.docx", b"x", overwrite=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda folder: folder / ("名" * 100 + ".docx"),  # 300 bytes: too long for the system
        lambda folder: (folder / "file").write_bytes(b"") or folder / "file" / "a.docx",
        lambda folder: (folder / "dir.docx").mkdir() or folder / "dir.docx",
    ],
    ids=["name-too-long", "parent-is-a-file", "target-is-a-folder"],
)
def test_impossible_targets_are_write_failures(tmp_path, make):
    target = make(tmp_path)
    with pytest.raises(WriteFailed) as caught:
        write_atomic(target, b"x", overwrite=True)
    assert caught.value.reason and temporaries(tmp_path) == []


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_a_write_failure(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(WriteFailed, match="权限"):
            write_atomic(folder / "a.docx", b"x", overwrite=False)
    finally:
        folder.chmod(0o700)


def test_a_run_survives_a_document_it_cannot_write(tmp_path):
    path = write_workbook(tmp_path / "in.xlsx", example_sheets("case_consent"))
    out = tmp_path / "out"
    out.mkdir()
    [report] = api.render_path(path, out, today=TODAY)
    name = report.documents[0].path.name
    for child in out.iterdir():
        child.unlink()
    (out / name).mkdir()  # a folder where the document should go
    [report] = api.render_path(path, out, today=TODAY, overwrite=True)
    assert [p.code for p in report.problems] == [Code.WRITE_FAILED.value]
    assert temporaries(out) == []


# --- leftovers ----------------------------------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.skipif(os.name == "nt", reason="POSIX process ids")
def test_leftovers_of_a_killed_run_are_removed_and_nothing_else(tmp_path):
    dead, alive = dead_pid(), os.getpid()
    removable = [f".lvye-forms-{dead}-k3j_x9.tmp", f".lvye-forms-{alive}-old.tmp"]
    kept = [
        f".lvye-forms-{alive}-fresh.tmp",  # a write in progress
        ".lvye-forms-notes.txt",
        f".lvye-forms-{dead}-x.tmp.bak",
        f"lvye-forms-{dead}-x.tmp",
        "report.tmp",
        f".同意书_李小明.docx.{dead}.tmp",  # the old naming: not ours to judge
    ]
    for name in removable + kept:
        (tmp_path / name).write_bytes(b"")
    two_hours_ago = time.time() - 7200
    os.utime(tmp_path / removable[1], (two_hours_ago, two_hours_ago))
    (tmp_path / f".lvye-forms-{dead}-dir.tmp").mkdir()
    (tmp_path / f".lvye-forms-{dead}-link.tmp").symlink_to(tmp_path / "report.tmp")
    kept += [f".lvye-forms-{dead}-dir.tmp", f".lvye-forms-{dead}-link.tmp"]
    removed = remove_leftovers(tmp_path)
    assert sorted(p.name for p in removed) == sorted(removable)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


def test_leftovers_in_a_missing_folder_are_nothing(tmp_path):
    assert remove_leftovers(tmp_path / "missing") == []
