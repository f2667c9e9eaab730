"""Pausing Python's cyclic garbage collector while a check builds its many small objects.

A check of a large archive makes a record, a document and a few views per file, all alive
until the report is made and none of them in a reference cycle. The cyclic collector would
still walk them again and again as they pile up (a sixth of a check of 20,000 documents was
spent there, and more in a process holding other objects). Memory is freed by reference
counting as before; cycles made meanwhile are collected once the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The block without cyclic garbage collection; the collector as it was afterwards (a
    caller that had turned it off keeps it off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
