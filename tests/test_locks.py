"""One writer per Delta table across processes and Dagster instances (paperlake.locks)."""

import os
import shutil
import subprocess
import sys
import time

import polars as pl

from paperlake.delta import DeltaStore
from paperlake.locks import lock_path, writer_lock
from paperlake.settings import PROJECT_ROOT, SAMPLE_DUMPS

HOLD = """
import sys, time
from paperlake.locks import writer_lock
with writer_lock(sys.argv[1], "delta/x"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_the_lock_is_exclusive_across_processes_reentrant_within_one_and_freed_by_death(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "1.5"], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    waited: list[str] = []
    t0 = time.monotonic()
    with writer_lock(tmp_path, "delta/x", on_wait=waited.append):
        assert time.monotonic() - t0 > 0.5 and len(waited) == 1 and f"pid {child.pid}" in waited[0]
        with writer_lock(tmp_path, "delta/x", on_wait=waited.append):  # re-entrant: no wait, no deadlock
            pass
    assert len(waited) == 1 and child.wait() == 0
    # a holder killed with SIGKILL leaves no stale lock
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "60"], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "held"
    child.kill()
    child.wait()
    with writer_lock(tmp_path, "delta/x", on_wait=waited.append):
        assert len(waited) == 1
    assert lock_path(tmp_path, "delta/x").name == "delta__x.lock"


RUN = "import sys; from paperlake.cli import main; sys.exit(main(['run', '--landing', sys.argv[1], '--warehouse', sys.argv[2]]))"


def test_two_instances_running_on_one_warehouse_do_not_duplicate_bronze(tmp_path):
    """Two `paperlake run`s with their own DAGSTER_HOME (their pools do not see each other) on one
    warehouse at once: bronze holds every listing once, and a third run changes nothing."""
    landing, wh = tmp_path / "landing", tmp_path / "wh"
    landing.mkdir()
    for p in sorted(SAMPLE_DUMPS.iterdir())[:2]:
        shutil.copy(p, landing)
    procs = [subprocess.Popen([sys.executable, "-c", RUN, str(landing), str(wh)], cwd=PROJECT_ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={**os.environ, "DAGSTER_HOME": str(tmp_path / f"home{i}")}) for i in range(2)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    listings = pl.read_delta(str(wh / "bronze" / "listings"), columns=["listing_id"])
    assert listings.height == listings["listing_id"].n_unique() > 0
    assert DeltaStore(wh).count("bronze/raw_dumps") == 2
    third = subprocess.run([sys.executable, "-c", RUN, str(landing), str(wh)], cwd=PROJECT_ROOT, text=True,
                           capture_output=True, env={**os.environ, "DAGSTER_HOME": str(tmp_path / "home0")})
    assert third.returncode == 0 and "checks: 62 passed, 0 failed" in third.stdout, third.stdout[-2000:]
