"""Process-parallel helpers: same result, same order as in-process."""

import polars as pl

from paperlake.extraction import extract_metrics
from paperlake.parallel import map_frame, parallel_map
from paperlake.synthetic import generate_corpus


def test_map_frame_extraction_equals_in_process():
    listings = generate_corpus(800, seed=12).listings
    papers = listings.select(pl.col("listing_id").alias("paper_id"), "abstract").drop_nulls("abstract")
    serial = extract_metrics(papers)
    parallel = map_frame(extract_metrics, papers, min_rows=0, n_workers=2)
    assert serial.height > 100 and parallel.equals(serial)
    assert map_frame(extract_metrics, papers, min_rows=10**9, n_workers=2).equals(serial)  # small: in-process


def test_parallel_map_keeps_order():
    assert parallel_map(abs, [-3, 2, -1, 0], n_workers=2) == [3, 2, 1, 0]


def test_map_frame_threads_tagging_equals_in_process():
    from paperlake.tagging import load_taxonomy, tag_papers

    tax = load_taxonomy()
    listings = generate_corpus(800, seed=13).listings
    papers = listings.select(pl.col("listing_id").alias("paper_id"), "title", "abstract")
    serial = tag_papers(papers, tax)
    threaded = map_frame(lambda df: tag_papers(df, tax), papers, min_rows=0, n_workers=2, threads=True)
    assert serial.height >= papers.height and threaded.equals(serial)


def _worker_pid(_: int) -> int:
    import os

    return os.getpid()


def test_one_warm_pool_serves_every_call():
    from paperlake import parallel

    pool = parallel.start_pool(2)
    assert pool is not None and parallel.start_pool(2) is pool  # started once, then reused
    first = set(parallel_map(_worker_pid, list(range(8)), n_workers=2))
    second = set(parallel_map(_worker_pid, list(range(8)), n_workers=2))
    assert len(first | second) <= 2  # the same two worker processes, no new spawn per call
    assert parallel.start_pool(1) is None  # one worker: work runs in-process


def test_a_dead_worker_falls_back_in_process_then_a_new_pool_starts():
    import os
    import signal
    import time

    from paperlake import parallel

    pool = parallel.start_pool(2)
    victim = next(iter(parallel_map(_worker_pid, [0, 1], n_workers=2)))
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while not pool._broken and time.monotonic() < deadline:  # the executor notices the death
        time.sleep(0.05)
    assert parallel_map(abs, [-3, 2, -1, 0], n_workers=2) == [3, 2, 1, 0]  # broken pool: in-process
    assert parallel.start_pool(2) is not pool
    assert parallel_map(abs, [-5, 4], n_workers=2) == [5, 4]


def _sigterm_ignored(_: int) -> bool:
    import re

    with open("/proc/self/status") as f:
        return bool(int(re.search(r"SigIgn:\s*(\w+)", f.read()).group(1), 16) & (1 << 14))  # bit 14: SIGTERM


def test_workers_end_on_sigterm_even_when_this_process_ignores_it():
    # after a Dagster run in a process whose SIGINT is ignored (started in the background, as CI and cron
    # do), SIGTERM is ignored too and children inherit that; a broken pool ends its other workers with
    # SIGTERM, so a worker ignoring it would hang the run (seen: a test stuck in ProcessPoolExecutor.shutdown)
    import signal

    from paperlake import parallel

    before = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        parallel.shutdown_pool()
        parallel.start_pool(2)
        assert parallel_map(_sigterm_ignored, [0, 1], n_workers=2) == [False, False]
    finally:
        signal.signal(signal.SIGTERM, before)
        parallel.shutdown_pool()


def _uses_the_pool() -> None:
    assert parallel_map(abs, [-1, -2, -3], n_workers=2) == [1, 2, 3]


def test_a_multiprocessing_child_that_used_the_pool_exits():
    # e.g. a step of Dagster's multiprocess executor: the child joins its children before the
    # executor's exit hook runs, so the pool must be shut down by then, or the step never ends
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=_uses_the_pool)
    child.start()
    child.join(timeout=60)
    alive = child.is_alive()
    if alive:
        child.kill()
    assert not alive and child.exitcode == 0


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_pool_workers_exit_when_the_main_process_is_killed():
    # `kill -9` of `paperlake run`: no exit hook runs, the idle workers must notice on their own
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    code = ("import multiprocessing.resource_tracker as rt, time\n"
            "from paperlake import parallel\n"
            "assert parallel.parallel_map(abs, [-1, -2], n_workers=2) == [1, 2]\n"
            "print(*parallel.start_pool(2)._processes, rt._resource_tracker._pid, flush=True)\n"
            "time.sleep(120)\n")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    main = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=root, env=env)
    try:
        helpers = [int(p) for p in main.stdout.readline().split()]
    finally:
        main.kill()
        main.wait()
    assert len(helpers) == 3 and all(map(_alive, helpers))  # two workers and the resource tracker
    deadline = time.monotonic() + 10
    while any(map(_alive, helpers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in helpers if _alive(p)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left
