"""Runs of `paperlake run` whose process died (kill -9, power cut, OOM) without ending them.

`paperlake run` executes in its own process, with no run worker for Dagster's run monitoring to
watch. A run killed inside a step stays STARTED and keeps its Delta table's pool slot (and the
steps it queued for other slots), so every later run waits for that slot forever. Each run is
tagged with the process that executes it; before a new run, runs of dead processes on this host
are marked failed and their slots and queued claims released.
"""

from __future__ import annotations

import os
import socket

import dagster as dg

PID_TAG = "paperlake/pid"
HOST_TAG = "paperlake/host"
_UNFINISHED = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]


def process_tags() -> dict[str, str]:
    """Tags naming the process that executes a run in-process."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    try:  # a reused pid: a live process that is not a Python one is not ours
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
        return b"python" in cmdline or b"paperlake" in cmdline
    except OSError:
        return True


def fail_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed the unfinished runs executed by a process of this host that is gone, and free
    their pool slots; returns their run ids."""
    host = socket.gethostname()
    dead = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=_UNFINISHED, tags={HOST_TAG: host})):
        pid = run.tags.get(PID_TAG, "")
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        instance.report_run_failed(run, f"the process that executed this run ({pid} on {host}) is gone")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        dead.append(run.run_id)
    return dead


def held_pools(instance: dg.DagsterInstance) -> dict[str, list[str]]:
    """Pool -> ids of the runs holding its slots now (a new run's steps wait for them)."""
    storage = instance.event_log_storage
    held = {key: [slot.run_id for slot in storage.get_concurrency_info(key).claimed_slots]
            for key in sorted(storage.get_concurrency_keys())}
    return {key: runs for key, runs in held.items() if runs}
