"""PDF copies of generated documents, made by LibreOffice in a few processes per batch.

    from lvye_forms.render.pdf import convert_to_pdf
    for result in convert_to_pdf([Path("out/同意书.docx"), Path("out/点名表.xlsx")]):
        print(result.document, result.status.value, result.reason)

Starting LibreOffice costs a few seconds, converting a one-page form a fraction of one, so all
documents of a call go to the same `soffice --convert-to pdf` process (split only when the
command line would grow too long, or when two documents in different folders share a name and
so would produce the same PDF name). A large batch is shared among one process per core
(`jobs`), each with its own temporary LibreOffice profile, reused by that slot's next
process so it starts warm: it works while the user has LibreOffice open, no two processes
wait for each other, and a small batch still takes a single process (starting one costs more
than converting a few pages).
PDFs are produced in a temporary folder and moved next to their documents atomically; an
existing different PDF is kept unless `overwrite`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..i18n import t
from .output import WriteStatus, write_atomic

CHUNK_SIZE = 200  # documents per LibreOffice process
MIN_PER_PROCESS = 10  # below this many documents each, another process does not pay off
MAX_COMMAND_CHARS = 24_000  # Windows limits a command line to 32 767 characters
# Default time limit of one LibreOffice process: its start (slow on a first start on Windows)
# plus this much per document, about ten times what a one-page form takes on a slow machine.
STARTUP_SECONDS = 60.0
SECONDS_PER_DOCUMENT = 5.0
VERSION_TIMEOUT = 15.0


class PdfStatus(str, Enum):
    WRITTEN = "written"  # new PDF, or a different one replaced because of `overwrite`
    UNCHANGED = "unchanged"  # the same bytes were already there
    KEPT = "kept"  # a different PDF was there and was left alone
    FAILED = "failed"  # no PDF: see `reason`


@dataclass
class PdfResult:
    document: Path
    pdf: Path  # where the PDF is (or would have been)
    status: PdfStatus
    reason: str = ""  # why it failed, in the current language

    @property
    def ok(self) -> bool:
        return self.status is not PdfStatus.FAILED


def install_advice() -> str:
    """One sentence: how to install LibreOffice on this kind of machine (current language)."""
    return t(
        "请安装 LibreOffice：Debian/Ubuntu 运行 `sudo apt-get install libreoffice-writer-nogui "
        "libreoffice-calc-nogui fonts-noto-cjk`，Windows 和 macOS 从 https://www.libreoffice.org/download/ "
        "下载安装。",
        "Install LibreOffice: on Debian/Ubuntu run `sudo apt-get install libreoffice-writer-nogui "
        "libreoffice-calc-nogui fonts-noto-cjk`; on Windows and macOS download it from "
        "https://www.libreoffice.org/download/.",
    )


class LibreOfficeMissing(RuntimeError):
    """LibreOffice (soffice) is not installed or not where we were told to look."""

    def __init__(self, looked_for: str | None = None) -> None:
        where = (
            t(
                f"在 {looked_for} 找不到可运行的 LibreOffice。",
                f"No usable LibreOffice at {looked_for}. ",
            )
            if looked_for
            else t(
                "没有找到 LibreOffice，无法生成 PDF。",
                "LibreOffice was not found, so no PDF can be made. ",
            )
        )
        super().__init__(where + install_advice())
        self.looked_for = looked_for


# --- finding LibreOffice -----------------------------------------------------------------


def _install_locations() -> list[Path]:
    """Where the LibreOffice installers put soffice when it is not on PATH."""
    places: list[Path] = []
    if os.name == "nt":
        bases = [os.environ.get(v) for v in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        bases += [r"C:\Program Files", r"C:\Program Files (x86)"]
        for base in dict.fromkeys(b for b in bases if b):
            places.append(Path(base) / "LibreOffice" / "program" / "soffice.exe")
    if sys.platform == "darwin":
        app = Path("LibreOffice.app") / "Contents" / "MacOS" / "soffice"
        places += [Path("/Applications") / app, Path.home() / "Applications" / app]
    return places


def find_soffice(soffice: str | None = None) -> str:
    """The LibreOffice program to run: `soffice` if given (a path or a name on PATH), else
    soffice/libreoffice on PATH, else the usual Windows and macOS install folders.

    Raises LibreOfficeMissing.
    """
    if soffice:
        if Path(soffice).is_file() and os.access(soffice, os.X_OK):
            return str(soffice)
        found = shutil.which(soffice)
        if found:
            return found
        raise LibreOfficeMissing(soffice)
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for place in _install_locations():
        if place.is_file():
            return str(place)
    raise LibreOfficeMissing()


def soffice_version(soffice: str, timeout: float = VERSION_TIMEOUT) -> str:
    """The version line ("LibreOffice 7.4.7.2 …"), or "" when it cannot be told.

    On Windows soffice.exe writes nothing to a console, so the version file next to it is read
    instead. Raises OSError when LibreOffice cannot be run and subprocess.TimeoutExpired when
    it hangs.
    """
    if os.name == "nt":
        found = _version_from_files(Path(soffice))
        if found:
            return found
    with tempfile.TemporaryDirectory(
        prefix="lvye-forms-lo-", ignore_cleanup_errors=True
    ) as profile:
        completed = subprocess.run(
            [soffice, _profile_option(Path(profile)), "--version"],
            capture_output=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            creationflags=_creationflags(),
        )
    text = completed.stdout.decode("utf-8", "replace").strip()
    if text:
        return text.splitlines()[0].strip()
    return _version_from_files(Path(soffice))


# Fontconfig for LibreOffice on Linux and macOS: the system's configuration, plus the Windows
# Chinese font names the templates ask for (宋体, 黑体…) mapped to Simplified-Chinese faces, so
# 宋体 prints in a Song face rather than whatever CJK sans the system falls back to first.
FONTS_CONF = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"


def soffice_environment() -> dict[str, str] | None:
    """The environment LibreOffice runs in: ours with FONTCONFIG_FILE pointing at the shipped
    fonts.conf, unless the user set their own or this is Windows (None: inherit as is)."""
    if os.name == "nt" or "FONTCONFIG_FILE" in os.environ or not FONTS_CONF.is_file():
        return None
    return {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}


def _version_from_files(soffice: Path) -> str:
    for name in ("version.ini", "versionrc"):
        try:
            lines = (soffice.resolve().parent / name).read_text("utf-8", "replace").splitlines()
        except OSError:
            continue
        values = dict(line.split("=", 1) for line in lines if "=" in line)
        version = values.get("MsiProductVersion") or values.get("ProductVersion")
        if version:
            return f"LibreOffice {version.strip()}"
    return ""


# --- converting --------------------------------------------------------------------------


def default_timeout(count: int) -> float:
    return STARTUP_SECONDS + SECONDS_PER_DOCUMENT * count


def convert_to_pdf(
    documents: list[Path],
    *,
    overwrite: bool = False,
    soffice: str | None = None,
    timeout: float | None = None,
    jobs: int | None = None,
) -> list[PdfResult]:
    """Write `<stem>.pdf` next to each document; one result per document, in order.

    One LibreOffice process converts the whole batch (more only for very large batches or
    documents in different folders with the same name). A document LibreOffice cannot open is
    reported FAILED and the others go on. `timeout` (seconds for the whole call; default: each
    process gets 60 s + 5 s per document) stops LibreOffice and reports what it had not
    converted as FAILED. `jobs` LibreOffice processes run at once (None: one per core).
    An existing PDF with different content is KEPT unless `overwrite`; the same content is
    UNCHANGED. Raises LibreOfficeMissing when LibreOffice cannot be found or started.
    """
    if not documents:
        return []
    program = find_soffice(soffice)
    paths = [Path(os.path.abspath(d)) for d in documents]
    results: dict[Path, PdfResult] = {}
    pending: list[Path] = []
    for path in dict.fromkeys(paths):
        target = path.with_suffix(".pdf")
        if path.suffix.lower() == ".pdf":
            reason = t("这已经是 PDF 文件", "this is already a PDF file")
            results[path] = PdfResult(path, target, PdfStatus.FAILED, reason)
        elif not path.is_file():
            reason = t("找不到这个文件", "file not found")
            results[path] = PdfResult(path, target, PdfStatus.FAILED, reason)
        else:
            pending.append(path)
    deadline = None if timeout is None else time.monotonic() + timeout
    slots = max(1, min(jobs or _cores(), -(-len(pending) // MIN_PER_PROCESS)))
    size = max(1, min(CHUNK_SIZE, -(-len(pending) // slots)))
    chunks = _chunks(pending, size)
    with tempfile.TemporaryDirectory(
        prefix="lvye-forms-pdf-", ignore_cleanup_errors=True
    ) as temporary:
        work = Path(temporary)
        free = list(range(slots))  # profile directories not in use
        lock = threading.Lock()

        def convert(number: int) -> None:
            chunk = chunks[number]
            with lock:
                slot = free.pop()
            try:
                outdir = work / f"out{number}"
                outdir.mkdir()
                seconds = (
                    default_timeout(len(chunk))
                    if deadline is None
                    else deadline - time.monotonic()
                )
                failure = _run(program, work / f"profile{slot}", outdir, chunk, seconds)
                for path in chunk:
                    produced = outdir / path.with_suffix(".pdf").name
                    results[path] = _place(path, produced, failure, overwrite)
            finally:
                with lock:
                    free.append(slot)

        if slots == 1:
            for number in range(len(chunks)):
                convert(number)
        else:
            with ThreadPoolExecutor(slots) as pool:
                list(pool.map(convert, range(len(chunks))))  # re-raises LibreOfficeMissing
    return [results[path] for path in paths]


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _stem_key(path: Path) -> str:
    """Two documents whose PDFs would get the same name in one folder (Windows and macOS
    ignore case; macOS stores decomposed Unicode)."""
    return unicodedata.normalize("NFC", path.with_suffix(".pdf").name).casefold()


def _chunks(paths: list[Path], limit: int = CHUNK_SIZE) -> list[list[Path]]:
    """Batches of at most `limit` for one process each: first fit, so that no two documents of
    a batch would make the same PDF name and no command line grows too long."""
    chunks: list[tuple[list[Path], set[str], list[int]]] = []
    for path in paths:
        key, length = _stem_key(path), len(str(path)) + 3
        for members, keys, size in chunks:
            if (
                key not in keys
                and len(members) < min(limit, CHUNK_SIZE)
                and size[0] + length <= MAX_COMMAND_CHARS
            ):
                break
        else:
            members, keys, size = [], set(), [0]
            chunks.append((members, keys, size))
        members.append(path)
        keys.add(key)
        size[0] += length
    return [members for members, _, _ in chunks]


def _profile_option(profile: Path) -> str:
    return f"-env:UserInstallation={profile.resolve().as_uri()}"


def _creationflags() -> int:
    """On Windows: no console window popping up, and a group we can stop as a whole."""
    if os.name == "nt":
        return subprocess.CREATE_NO_WINDOW | subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined,unused-ignore]
    return 0


def _run(program: str, profile: Path, outdir: Path, chunk: list[Path], seconds: float) -> str:
    """Run one LibreOffice process over `chunk`; "" or why nothing more can be expected."""
    if seconds <= 0:
        return _timeout_reason()
    command = [
        program,
        _profile_option(profile),
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *(str(p) for p in chunk),
    ]
    log = outdir.parent / f"{outdir.name}.log"
    # Output goes to a file, not a pipe: a pipe left open by a stray child could block us.
    with open(log, "wb") as stream:
        try:
            process = subprocess.Popen(
                command,
                env=soffice_environment(),
                stdin=subprocess.DEVNULL,
                stdout=stream,
                stderr=subprocess.STDOUT,
                start_new_session=os.name != "nt",
                creationflags=_creationflags(),
            )
        except OSError as exc:
            raise LibreOfficeMissing(program) from exc
        try:
            code = process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            _stop(process)
            return _timeout_reason()
    if code != 0:
        lines = [line for line in log.read_text("utf-8", "replace").splitlines() if line.strip()]
        detail = lines[-1].strip() if lines else ""
        return t(
            f"LibreOffice 异常退出（代码 {code}）：{detail}",
            f"LibreOffice stopped with code {code}: {detail}",
        )
    return ""


def _timeout_reason() -> str:
    return t(
        "LibreOffice 在限定时间内没有转换这个文件，已被停止",
        "LibreOffice did not convert this file in time and was stopped",
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop LibreOffice and everything it started (soffice → oosplash → soffice.bin)."""
    try:
        if os.name == "nt":
            subprocess.run(
                ["taskkill", "/F", "/T", "/PID", str(process.pid)],
                capture_output=True,
                timeout=30,
                creationflags=_creationflags(),
            )
        else:
            os.killpg(process.pid, signal.SIGKILL)
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        process.kill()
        process.wait(timeout=30)
    except (OSError, subprocess.SubprocessError):
        pass


# What LibreOffice writes differently each time it converts the same document: the creation
# date in the document information, and the file identifier and checksum in the trailer.
_VOLATILE = re.compile(
    rb"/(?:CreationDate|ModDate)\s*\([^)]*\)|/ID\s*\[[^\]]*\]|/DocChecksum\s*/[0-9A-Fa-f]+"
)
_TAIL = 4096  # LibreOffice puts the information dictionary and the trailer at the very end


def same_pdf(old: bytes, new: bytes) -> bool:
    """Whether two PDFs differ at most in their creation time and identifiers (LibreOffice
    converting the same document twice)."""
    if old == new:
        return True
    cut_old, cut_new = max(len(old) - _TAIL, 0), max(len(new) - _TAIL, 0)
    if old[:cut_old] != new[:cut_new]:
        return False
    return _VOLATILE.sub(b"", old[cut_old:]) == _VOLATILE.sub(b"", new[cut_new:])


def _place(document: Path, produced: Path, failure: str, overwrite: bool) -> PdfResult:
    """Move what LibreOffice produced next to `document`."""
    target = document.with_suffix(".pdf")
    try:
        data = produced.read_bytes()
    except OSError:
        reason = failure or t(
            "LibreOffice 无法打开或转换这个文件（文件可能已损坏，或不是 Word/Excel 文档）",
            "LibreOffice could not open or convert this file (it may be damaged or not a Word/Excel document)",
        )
        return PdfResult(document, target, PdfStatus.FAILED, reason)
    if not data.startswith(b"%PDF") or b"%%EOF" not in data[-1024:]:
        # e.g. the file LibreOffice was writing when it was stopped
        reason = failure or t(
            "LibreOffice 生成的 PDF 不完整", "LibreOffice produced an incomplete PDF"
        )
        return PdfResult(document, target, PdfStatus.FAILED, reason)
    try:
        if target.is_file() and same_pdf(target.read_bytes(), data):
            return PdfResult(document, target, PdfStatus.UNCHANGED)
        status = write_atomic(target, data, overwrite=overwrite)
    except OSError as exc:
        # output.WriteFailed carries a reason a person can act on (disk full, file open…)
        why = getattr(exc, "reason", None) or exc.strerror or str(exc)
        reason = t(f"无法写入 PDF：{why}", f"could not write the PDF: {why}")
        return PdfResult(document, target, PdfStatus.FAILED, reason)
    return PdfResult(document, target, _STATUS[status])


_STATUS = {
    WriteStatus.WRITTEN: PdfStatus.WRITTEN,
    WriteStatus.REPLACED: PdfStatus.WRITTEN,
    WriteStatus.UNCHANGED: PdfStatus.UNCHANGED,
    WriteStatus.KEPT: PdfStatus.KEPT,
}
