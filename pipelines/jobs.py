"""Jobs: the main end-to-end materialization of every table."""

from __future__ import annotations

import dagster as dg

MAIN_JOB = "paperlake_job"

# Every asset and every check, bronze -> silver -> gold. In-process: GX is imported once
# per run and small runs avoid per-step process start-up.
paperlake_job = dg.define_asset_job(
    MAIN_JOB,
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Parse landed dumps, resolve papers, tag topics, extract metrics, publish gold tables.",
)
