"""Rendering and writing documents, in this process or across the machine's cores.

The run (`batch.RenderRun`) decides everything a person sees — which rows are valid, each
document's file name (two rows never share one), the problems and their order — and hands
each document to a writer. `Writer` gathers documents in chunks and renders and writes
each chunk here or in a worker process that only renders and writes, then hands the outcomes
back in the order they were given, together with every other step the run queued in
between (`later`). A chunk's files are made durable together (`output.write_many`). So the report, the messages and the files are the same whatever the
number of processes; only the wall time changes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import i18n, registry
from ..model import FormModel
from .document import engine_fallback, render_record
from .output import WriteStatus, write_many

CHUNK_ROWS = 32  # documents per task sent to a worker: enough to make the sending cheap
IN_FLIGHT = 3  # chunks per worker sent ahead: keeps workers busy, memory bounded


@dataclass(frozen=True)
class Job:
    record: FormModel
    agency: str
    target: Path


@dataclass(frozen=True)
class Written:
    """What became of one document: its status, or why it could not be written."""

    status: WriteStatus | None
    reason: str = ""


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _render(job: Job) -> bytes | Written:
    try:
        return render_record(job.record, job.agency)
    except OSError as exc:  # the template could not be read
        return Written(None, _reason(exc))


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _write_chunk(
    jobs: list[Job], overwrite: bool, language: str, templates: Path | None = None
) -> tuple[list[Written], dict[str, str]]:
    """Render and write `jobs` (in a worker, or here); why docxtpl had to render any.

    `language` and `templates` (the agency's template folder) are the run's: a worker
    started by spawning rather than forking (Windows, macOS) would not know them otherwise.
    """
    if registry.agency_templates() != templates:
        registry.use_templates(templates)
    with i18n.use_language(language):
        made = [_render(job) for job in jobs]
        items = [(job.target, data) for job, data in zip(jobs, made, strict=True)]
        outcomes = iter(
            write_many([(t, d) for t, d in items if isinstance(d, bytes)], overwrite=overwrite)
        )
        written: list[Written] = []
        for data in made:
            if isinstance(data, Written):
                written.append(data)
                continue
            outcome = next(outcomes)
            written.append(
                Written(outcome) if isinstance(outcome, WriteStatus) else Written(None, _reason(outcome))
            )
    forms = {type(job.record).form_id for job in jobs}
    reasons = {form: engine_fallback(form) for form in forms}
    return written, {form: reason for form, reason in reasons.items() if reason}


Then = Callable[[Written], None]
Step = Callable[[], None]


class Writer:
    """Renders and writes documents in chunks, here (`jobs` 1) or in worker processes, and
    hands the outcomes back in the order the documents were given.

    A chunk holds documents and the steps queued between them; its steps run, in order, once
    it is written. The pool starts with the first full chunk: a batch smaller than one chunk
    is rendered here, which is quicker than starting workers.
    """

    def __init__(self, *, overwrite: bool, jobs: int = 1) -> None:
        self.overwrite = overwrite
        self.jobs = jobs
        self.fallbacks: dict[str, str] = {}  # form id → why docxtpl rendered its documents
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: list[Job] = []
        self._steps: list[Then | Step] = []  # a Then per job, in order with the plain steps
        self._kinds: list[bool] = []  # True where the step is a document's
        self._queue: deque[tuple[Future[Any], list[Job], list[Then | Step], list[bool]]] = (
            deque()
        )

    def write(self, job: Job, then: Then) -> None:
        """Render and write `job`; `then` gets the outcome, after every earlier step."""
        self._jobs.append(job)
        self._steps.append(then)
        self._kinds.append(True)
        if len(self._jobs) >= CHUNK_ROWS:
            self._send(final=False)

    def later(self, step: Step) -> None:
        """Run `step` after every document and step given before it."""
        if not self._queue and not self._steps:
            step()
            return
        self._steps.append(step)
        self._kinds.append(False)

    def drain(self) -> None:
        """Every document and step given so far is done."""
        self._send(final=True)
        while self._queue:
            self._take()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def start_early(self) -> None:
        """Start the workers now, while this process is still small: a worker forked after a
        large input was read would inherit it (and copy it page by page as Python's garbage
        collector walks it)."""
        if self.jobs > 1 and self._pool is None:
            pool = self._executor()
            for future in [pool.submit(_started) for _ in range(self.jobs)]:
                future.result()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork where there is one: workers start at once, with the templates' modules
            # already imported; elsewhere each worker imports them (about half a second).
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            context = multiprocessing.get_context(method)
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context)
        return self._pool

    def _send(self, *, final: bool) -> None:
        if not self._steps:
            return
        arguments = (self._jobs, self.overwrite, i18n.current(), registry.agency_templates())
        here = self.jobs == 1 or not self._jobs or (final and self._pool is None)
        future: Future[Any]
        if here:
            future = Future()
            future.set_result(_write_chunk(*arguments) if self._jobs else ([], {}))
        else:
            try:
                future = self._executor().submit(_write_chunk, *arguments)
            except BrokenProcessPool:  # a worker died: see _take
                self.jobs = 1
                future = Future()
                future.set_result(_write_chunk(*arguments))
        self._queue.append((future, self._jobs, self._steps, self._kinds))
        self._jobs, self._steps, self._kinds = [], [], []
        while len(self._queue) > IN_FLIGHT * self.jobs:
            self._take()

    def _take(self) -> None:
        """Finish the oldest chunk (waiting for its worker if need be)."""
        future, jobs, steps, kinds = self._queue.popleft()
        try:
            written, fallbacks = future.result()
        except BrokenProcessPool:
            # A worker died (killed for memory, say): this process renders from here on. The
            # chunk's files are written atomically, so doing it again is safe (a file the
            # worker had finished is then found unchanged).
            self.jobs = 1
            templates = registry.agency_templates()
            written, fallbacks = _write_chunk(jobs, self.overwrite, i18n.current(), templates)
        for form, reason in fallbacks.items():
            self.fallbacks.setdefault(form, reason)
        outcomes = iter(written)
        for step, is_document in zip(steps, kinds, strict=True):
            if is_document:
                step(next(outcomes))  # type: ignore[call-arg]
            else:
                step()  # type: ignore[call-arg]


def _started() -> None:
    """A task that only makes a worker start."""


def make_writer(*, overwrite: bool, jobs: int | None) -> Writer:
    """A writer for `jobs` processes (None: every core; 1: this process only)."""
    return Writer(overwrite=overwrite, jobs=default_jobs() if jobs is None else max(1, jobs))
