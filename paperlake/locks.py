"""One writer per Delta table across processes and Dagster instances (Dagster-free).

Dagster's pools give each table one writer among the runs of one instance. Two instances
(a cron `paperlake run` with its own DAGSTER_HOME beside the UI's, or two clones sharing a
warehouse) do not see each other's pools: both would decide which dumps are new and append
them, twice. The writer of a table also holds an exclusive ``flock`` on
``<warehouse>/_state/locks/<pool>.lock`` while it works; the kernel releases it when the
process dies, so a killed run never leaves a stale lock. Re-entrant within a process.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_held: dict[str, int] = {}  # lock path -> depth, in this process
_guard = threading.Lock()


def lock_path(warehouse: str | Path, name: str) -> Path:
    return Path(warehouse) / "_state" / "locks" / (name.replace("/", "__") + ".lock")


@contextmanager
def writer_lock(warehouse: str | Path, name: str, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the writer lock ``name`` of ``warehouse``; ``on_wait`` is told once when another
    process holds it (this call then blocks until it is released)."""
    path = lock_path(warehouse, name)
    key = str(path)
    with _guard:
        depth = _held.get(key, 0)
        if depth:
            _held[key] = depth + 1
    if depth:
        try:
            yield
        finally:
            with _guard:
                _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            if on_wait is not None:
                on_wait(f"{name}: waiting for the writer lock held by {holder} ({path})")
            fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        f.truncate()
        f.write(f"pid {os.getpid()}\n")
        f.flush()
        with _guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[key]
            fcntl.flock(f, fcntl.LOCK_UN)
