"""Jobs: one upload's render or one archive check, each in a private temporary folder.

A job's folder (mode 0700, from `tempfile.mkdtemp`) holds the upload and what the library
wrote for it. It is removed when everything in it has been downloaded, when the job has been
left alone for `IDLE_SECONDS`, and when the server stops, so nothing a user uploaded stays on
the computer unless they chose an output folder in 设置.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from ..report import CheckReport, DocumentResult, FileReport, RenderEvents, RenderReport

IDLE_SECONDS = 3600
TEMP_PREFIX = "lvye-forms-web-"
STALE_SECONDS = 24 * 3600  # far past any live job's idle time: left by a server that was killed


class State(str, Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # the library raised: `error` says why


@dataclass
class Job:
    session: str  # only the browser session that made a job sees it
    folder: Path
    id: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    state: State = State.RUNNING
    error: str = ""
    touched: float = field(default_factory=time.monotonic)

    def remove_files(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class RenderJob(Job):
    upload_name: str = ""  # the browser's file name: shown and used for download names only
    pdf: bool = False
    kept_in: Path | None = None  # the output folder from 设置, when one was chosen
    report: RenderReport | None = None
    total: int = 0
    done: int = 0
    downloaded: set[str] = field(default_factory=set)  # "documents", "errors"

    def progress(self) -> dict[str, Any]:
        return {"state": self.state.value, "done": self.done, "total": self.total}


class Progress(RenderEvents):
    """Counts rows as the library reports them, for the page's progress bar."""

    def __init__(self, job: RenderJob) -> None:
        self.job = job
        self._lock = threading.Lock()

    def rows_found(self, count: int) -> None:
        with self._lock:
            self.job.total += count

    def document_done(self, report: FileReport, document: DocumentResult) -> None:
        with self._lock:
            self.job.done += 1

    def row_failed(self, report: FileReport) -> None:
        with self._lock:
            self.job.done += 1


@dataclass
class CheckJob(Job):
    archive_label: str = ""  # the folder path or the zip's name, as shown on the page
    report: CheckReport | None = None


class Jobs:
    """The jobs of this server run. Jobs are looked up by id *and* session."""

    def __init__(self, root: Path | None = None) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._root = root  # tests put job folders somewhere they can look

    def folder(self) -> Path:
        return Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=self._root))

    def add(self, job: Job) -> None:
        self.sweep()
        with self._lock:
            self._jobs[job.id] = job

    def get(self, job_id: str, session: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.session, session):
            return None
        job.touched = time.monotonic()
        return job

    def finish(self, job: Job) -> None:
        """Forget `job` and remove its folder."""
        with self._lock:
            self._jobs.pop(job.id, None)
        job.remove_files()

    def sweep(self) -> None:
        now = time.monotonic()
        with self._lock:
            idle = [
                j
                for j in self._jobs.values()
                if j.state is not State.RUNNING and now - j.touched > IDLE_SECONDS
            ]
        for job in idle:
            self.finish(job)

    def close(self) -> None:
        """The server stops: remove every job's folder."""
        with self._lock:
            jobs = list(self._jobs.values())
            self._jobs.clear()
        for job in jobs:
            with contextlib.suppress(OSError):
                job.remove_files()


def remove_stale(root: Path | None = None) -> int:
    """Remove job folders a killed server left behind (untouched for a day); how many."""
    folder = root or Path(tempfile.gettempdir())
    removed = 0
    now = time.time()
    for path in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if path.is_dir() and now - path.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
    return removed
