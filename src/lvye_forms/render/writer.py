"""Rendering and writing documents, in this process or across the machine's cores.

The run (`batch.RenderRun`) decides everything a person sees — which rows are valid, each
document's file name (two rows never share one), the problems and their order — and hands
each document to a writer. `InlineWriter` renders and writes it at once; `PoolWriter` sends
documents in chunks to worker processes that only render and write, and hands the outcomes
back in the order they were given, together with every other step the run queued in
between (`later`). So the report, the messages and the files are the same whatever the
number of processes; only the wall time changes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import i18n
from ..model import FormModel
from .document import engine_fallback, render_record
from .output import WriteStatus, write_atomic

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


def write_one(job: Job, overwrite: bool) -> Written:
    try:
        data = render_record(job.record, job.agency)
        return Written(write_atomic(job.target, data, overwrite=overwrite))
    except OSError as exc:
        return Written(None, exc.strerror or str(exc) or type(exc).__name__)


def _write_chunk(
    jobs: list[Job], overwrite: bool, language: str
) -> tuple[list[Written], dict[str, str]]:
    """In a worker: the outcomes of `jobs`, and why docxtpl had to render any of them."""
    with i18n.use_language(language):
        written = [write_one(job, overwrite) for job in jobs]
    forms = {type(job.record).form_id for job in jobs}
    reasons = {form: engine_fallback(form) for form in forms}
    return written, {form: reason for form, reason in reasons.items() if reason}


Then = Callable[[Written], None]


class InlineWriter:
    """Renders and writes each document as it is given (`--jobs 1`)."""

    def __init__(self, *, overwrite: bool) -> None:
        self.overwrite = overwrite
        self.fallbacks: dict[str, str] = {}  # form id → why docxtpl rendered its documents

    def write(self, job: Job, then: Then) -> None:
        then(write_one(job, self.overwrite))
        reason = engine_fallback(type(job.record).form_id)
        if reason:
            self.fallbacks.setdefault(type(job.record).form_id, reason)

    def later(self, step: Callable[[], None]) -> None:
        step()

    def drain(self) -> None:
        """Every step given so far is done."""

    def close(self) -> None:
        self.drain()


Step = Callable[[], None]


class PoolWriter(InlineWriter):
    """Renders and writes in `jobs` worker processes; outcomes are taken in order.

    A chunk holds documents and the steps queued between them; its steps run, in order, once
    its worker is done. The pool starts with the first full chunk: a batch smaller than one
    chunk is rendered here, which is quicker than starting workers.
    """

    def __init__(self, *, overwrite: bool, jobs: int) -> None:
        super().__init__(overwrite=overwrite)
        self.jobs = jobs
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: list[Job] = []
        self._steps: list[Then | Step] = []  # a Then per job, in order with the plain steps
        self._kinds: list[bool] = []  # True where the step is a document's
        self._queue: deque[tuple[Future[Any], list[Then | Step], list[bool]]] = deque()

    def write(self, job: Job, then: Then) -> None:
        self._jobs.append(job)
        self._steps.append(then)
        self._kinds.append(True)
        if len(self._jobs) >= CHUNK_ROWS:
            self._send()

    def later(self, step: Step) -> None:
        if not self._queue and not self._steps:
            step()
            return
        self._steps.append(step)
        self._kinds.append(False)

    def drain(self) -> None:
        if self._pool is None and self._jobs:
            self._inline()
        self._send()
        while self._queue:
            self._take()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork where there is one: workers start at once, with the templates' modules
            # already imported; elsewhere each worker imports them (about half a second).
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            context = multiprocessing.get_context(method)
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context)
        return self._pool

    def _inline(self) -> None:
        """Render what is pending here (a batch too small to be worth the workers)."""
        jobs, steps, kinds = self._jobs, self._steps, self._kinds
        self._jobs, self._steps, self._kinds = [], [], []
        outcomes = iter([write_one(job, self.overwrite) for job in jobs])
        for job in jobs:
            reason = engine_fallback(type(job.record).form_id)
            if reason:
                self.fallbacks.setdefault(type(job.record).form_id, reason)
        self._run(steps, kinds, outcomes)

    def _send(self) -> None:
        if not self._steps:
            return
        future: Future[Any] = (
            self._executor().submit(_write_chunk, self._jobs, self.overwrite, i18n.current())
            if self._jobs
            else _done(([], {}))
        )
        self._queue.append((future, self._steps, self._kinds))
        self._jobs, self._steps, self._kinds = [], [], []
        while len(self._queue) > IN_FLIGHT * self.jobs:
            self._take()

    def _take(self) -> None:
        """Finish the oldest chunk (waiting for its worker if need be)."""
        future, steps, kinds = self._queue.popleft()
        written, fallbacks = future.result()
        for form, reason in fallbacks.items():
            self.fallbacks.setdefault(form, reason)
        self._run(steps, kinds, iter(written))

    @staticmethod
    def _run(steps: list[Then | Step], kinds: list[bool], outcomes: Iterator[Written]) -> None:
        for step, is_document in zip(steps, kinds, strict=True):
            if is_document:
                step(next(outcomes))  # type: ignore[call-arg]
            else:
                step()  # type: ignore[call-arg]


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


def make_writer(*, overwrite: bool, jobs: int | None) -> InlineWriter:
    """A writer for `jobs` processes (None: every core; 1: this process only)."""
    count = default_jobs() if jobs is None else max(1, jobs)
    if count == 1:
        return InlineWriter(overwrite=overwrite)
    return PoolWriter(overwrite=overwrite, jobs=count)
