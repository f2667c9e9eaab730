"""Sharing the work of a large check among the machine's cores, answers in the order given.

Identifying a file (reading and validating its data) and evaluating a subject's rules are
most of a check's time, and each file, and each subject, is independent of the others:
worker processes take chunks of them and the answers are taken back chunk by chunk in order,
so the scan, the findings and every report made from them are the same as when this process
does everything itself. Workers are forked on Linux (they start at once and already hold
every registered form and the scanned documents); elsewhere, when another thread is running
(a fork could inherit a lock held by it) and for small archives, this process does the
work. Any failure of the pool (a worker killed, an answer that cannot be sent back, an
error raised) leaves the rest to this process, which then raises what the work raises.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from .. import i18n

PARALLEL_MIN_FILES = 2000  # below this, starting workers costs more than it saves
CHUNK_FILES = 200  # files per task: enough to make sending the answers back cheap

Answer = TypeVar("Answer")
Item = TypeVar("Item")


def available_cores() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _can_fork() -> bool:
    # A process with other threads may hold a lock (logging, imports) that a forked child
    # would wait on for ever; macOS's system libraries are not safe to fork at all.
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def will_fork(items: int, at_least: int = PARALLEL_MIN_FILES, jobs: int | None = None) -> bool:
    """Whether `map_in_order` would share `items` items among worker processes."""
    jobs = available_cores() if jobs is None else jobs
    return jobs >= 2 and items >= at_least and _can_fork()


def _chunk(
    function: Callable[[Item], Answer], items: Sequence[Item], language: str
) -> list[Answer]:
    with i18n.use_language(language):
        return [function(item) for item in items]


def map_in_order(
    function: Callable[[Item], Answer],
    items: Sequence[Item],
    *,
    jobs: int | None = None,
    at_least: int = PARALLEL_MIN_FILES,
    chunk: int = CHUNK_FILES,
) -> list[Answer]:
    """`[function(item) for item in items]`, on `jobs` cores (default: all this process may
    use) when there are at least `at_least` items (see `will_fork`). `function` must be a
    module-level function (it is sent to the workers by name) whose answers can be pickled.

    This process takes its share of the chunks (every `jobs`-th) and `jobs - 1` workers the
    rest: sending an answer back costs a tenth of making it, so on a busy machine a worker
    less is a loss less.
    """
    jobs = available_cores() if jobs is None else jobs
    if not will_fork(len(items), at_least, jobs):
        return [function(item) for item in items]
    language = i18n.current()
    chunks = [items[at : at + chunk] for at in range(0, len(items), chunk)]
    try:
        pool = ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("fork"))
    except (OSError, ValueError):
        return [function(item) for item in items]
    answers: list[Answer] = []
    with pool:
        futures: dict[int, Future[list[Answer]]] = {
            index: pool.submit(_chunk, function, part, language)
            for index, part in enumerate(chunks)
            if index % jobs
        }
        broken = False
        for index, part in enumerate(chunks):
            future = futures.get(index)
            if future is not None and not broken:
                try:
                    answers.extend(future.result())
                    continue
                except Exception:  # noqa: BLE001 - this process does the rest, and raises
                    # what a chunk raises itself, exactly as without workers
                    broken = True
                    pool.shutdown(wait=False, cancel_futures=True)
            answers.extend(function(item) for item in part)
    return answers


def map_files(
    function: Callable[[Path], Answer], paths: Sequence[Path], jobs: int | None = None
) -> list[Answer]:
    """`map_in_order` for the files of an archive (at least PARALLEL_MIN_FILES of them)."""
    return map_in_order(function, paths, jobs=jobs)
