"""Parallel maps: worker processes for the pure-Python hot paths (parsing, metric extraction),
threads for Polars-expression work (topic tagging).

Workers are *spawned* (never forked: no Delta/tokio state crosses into them) and take
contiguous slices, so results come back in input order and equal a single-process run.
If workers cannot start (e.g. a script without a ``__main__`` guard), the work runs in-process.
"""

from __future__ import annotations

import multiprocessing
import os
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
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(n_workers, len(items)), mp_context=ctx) as pool:
            futures = [pool.submit(fn, x) for x in items]
            if while_waiting is not None:
                while_waiting()
            return [f.result() for f in futures]
    except BrokenProcessPool:
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
