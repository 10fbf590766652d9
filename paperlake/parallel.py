"""Parallel maps: worker processes for the pure-Python hot paths (parsing, metric extraction),
threads for Polars-expression work (topic tagging).

Workers are *spawned* (never forked: no Delta/tokio state crosses into them) and take
contiguous slices, so results come back in input order and equal a single-process run.
If workers cannot start (e.g. a script without a ``__main__`` guard), the work runs in-process.

One pool of workers serves the whole process (:func:`start_pool`): `paperlake run` starts it
before importing Dagster, so the workers' start-up and imports (~0.3 s each) overlap with it,
and bronze parsing and metric extraction reuse the same warm workers instead of each spawning
their own. A worker ends itself when that process dies without shutting the pool down (e.g.
``kill -9``); multiprocessing's resource tracker then ends too (its pipe's last holders are gone).
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

import polars as pl

ENV_WORKERS = "PAPERLAKE_WORKERS"
T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """Worker processes: $PAPERLAKE_WORKERS, else one per CPU core."""
    return max(1, int(os.environ.get(ENV_WORKERS) or os.cpu_count() or 1))


_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[int, int] = (0, 0)  # (creating process id, workers): a forked child makes its own
_pool_lock = threading.Lock()


def exit_with_parent(parent_pid: int, interval: float = 1.0) -> None:
    """Start a daemon thread that ends this process once ``parent_pid`` is no longer its parent
    (killed with SIGKILL, no exit hooks ran): nothing else would ever end an idle worker."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _warm_worker(parent_pid: int) -> None:
    """Import the hot-path modules in a worker (its first task then starts at full speed).

    SIGTERM is reset to its default: a worker inherits an ignored SIGTERM (Dagster maps SIGTERM to
    SIGINT's handler after a run, i.e. to "ignore" in a process started in the background), and when
    another worker dies the executor ends the others with SIGTERM: ignored, the run would hang."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    exit_with_parent(parent_pid)
    import paperlake.extraction  # noqa: F401
    import paperlake.ingest  # noqa: F401


def _noop() -> None:
    return None


def _trimmed(fn: Callable[[T], R], x: T) -> R:
    """``fn(x)`` in a worker, then hand freed memory back to the OS: the workers outlive the
    task and must not hold on to its peak (parsing a large batch) for the rest of the run."""
    try:
        return fn(x)
    finally:
        gc.collect()
        try:
            ctypes.CDLL(None).malloc_trim(0)  # glibc; elsewhere nothing to do
        except (AttributeError, OSError):
            pass


def start_pool(n_workers: int | None = None) -> ProcessPoolExecutor | None:
    """The process-wide worker pool (``n_workers``, default :func:`workers`), spawned on the
    first call; returns at once while the workers import. None with fewer than 2 workers."""
    global _pool, _pool_key
    n = workers() if n_workers is None else n_workers
    if n < 2:
        return None
    with _pool_lock:
        if _pool is None or _pool_key != (os.getpid(), n):
            if _pool is not None and _pool_key[0] == os.getpid():
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_warm_worker, initargs=(os.getpid(),))
            _pool_key = (os.getpid(), n)
            # Runs at this process's exit (multiprocessing's own atexit hook), and in a
            # multiprocessing child (e.g. a step of Dagster's multiprocess executor) before the
            # child joins its child processes: idle workers would otherwise keep it alive forever.
            multiprocessing.util.Finalize(None, shutdown_pool, exitpriority=100)
            for _ in range(n):  # the executor spawns a worker per pending task: start them all now
                _pool.submit(_noop)
        return _pool


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None and _pool_key[0] == os.getpid():
            _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def parallel_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    n_workers: int | None = None,
    while_waiting: Callable[[], object] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]``, spread over worker processes (``fn`` must be picklable).

    while_waiting: called in this process once the work is handed out (e.g. a slow import
    needed afterwards), so it overlaps with the workers.
    """
    n_workers = workers() if n_workers is None else n_workers
    if n_workers < 2 or len(items) < 2:
        return [fn(x) for x in items]
    try:
        pool = start_pool(n_workers)
        futures = [pool.submit(_trimmed, fn, x) for x in items]
        if while_waiting is not None:
            while_waiting()
        return [f.result() for f in futures]
    except BrokenProcessPool:
        shutdown_pool()  # a worker died: the next call starts a new pool
        return [fn(x) for x in items]


def map_frame(
    fn: Callable[[pl.DataFrame], pl.DataFrame],
    df: pl.DataFrame,
    *,
    min_rows: int,
    n_workers: int | None = None,
    threads: bool = False,
) -> pl.DataFrame:
    """``fn(df)`` computed on contiguous slices in parallel when ``df`` has at least ``min_rows``
    rows (``fn`` must be row-local: its output for a slice depends on that slice alone).

    threads: run the slices in threads of this process instead of worker processes: for ``fn``
    made of Polars expressions, which release the GIL (no start-up or pickling cost).
    """
    n_workers = workers() if n_workers is None else n_workers
    if n_workers < 2 or df.height < max(min_rows, 2):
        return fn(df)
    n_slices = n_workers if threads else n_workers * 2
    size = -(-df.height // n_slices)
    slices = [df.slice(i, size) for i in range(0, df.height, size)]
    if threads:
        with ThreadPoolExecutor(n_workers) as pool:
            return pl.concat(list(pool.map(fn, slices)))
    return pl.concat(parallel_map(fn, slices, n_workers))
