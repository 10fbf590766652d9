"""Jobs: the full materialization, the per-dump ingest, the daily refresh, table maintenance.

Executors:
- UI runs (ad-hoc materializations, `paperlake_job`, the daily `gold_refresh_job`) run steps in
  parallel processes: silver topics and metrics proceed side by side (the gold tables are one
  step that builds two at a time in threads). The fork
  server imports the code location and Great Expectations once, so a step does not pay the ~5 s
  GX import again.
- `ingest_dump_job` (one run per landed dump, launched by the sensor) runs in-process: its steps
  take 0.3-2 s each on one dump, so a process per step costs more than it saves (measured on the
  sample dumps: 13 s in-process vs 34 s multiprocess per dump).
- `paperlake run` and tests use `execute_in_process` / `dg.materialize`: always in-process.
- maintenance jobs: a single op, in-process.
"""


import dagster as dg

import assets as assets_package
from paperlake import ops
from pipelines.resources import WarehouseResource

MAIN_JOB = "paperlake_job"
INGEST_JOB = "ingest_dump_job"
REFRESH_JOB = "gold_refresh_job"

ALL_ASSETS = dg.load_assets_from_package_module(assets_package)
ALL_ASSET_CHECKS = dg.load_asset_checks_from_package_module(assets_package)


def _delta_writers() -> dict[str, str | None]:
    """Delta table (asset key path) -> pool of the op that writes it (None: writer has no pool)."""
    out = {}
    for a in ALL_ASSETS:
        for spec in a.specs:
            if "delta" in spec.kinds:
                out["/".join(spec.key.path)] = a.node_def.pool if a.is_executable else None
    return dict(sorted(out.items()))


WRITER_POOLS = _delta_writers()
# Every Delta table gets a maintenance job (and a schedule), in the pool of the table's writer.
MAINTAINED_TABLES = list(WRITER_POOLS)

multiprocess = dg.multiprocess_executor.configured(
    {
        "max_concurrent": 4,
        "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions", "great_expectations"]}},
    },
    name="paperlake_multiprocess",
)

BRONZE = dg.AssetSelection.groups("bronze")
DOWNSTREAM_OF_BRONZE = BRONZE.downstream() - BRONZE

# Every asset and every check, bronze -> silver -> gold. `paperlake run` executes it in-process over
# the range of all landed dumps; from the UI it takes a partition (range) like any partitioned job.
paperlake_job = dg.define_asset_job(
    MAIN_JOB,
    selection=dg.AssetSelection.all(),
    executor_def=multiprocess,
    description="Parse landed dumps, resolve papers, tag topics, extract metrics, publish gold tables.",
)

# What the landing sensor launches: one run per new dump = bronze for that dump's partition, then
# silver and gold refreshed from it in the same run (blocking checks stop it before publishing).
ingest_dump_job = dg.define_asset_job(
    INGEST_JOB,
    selection=BRONZE.downstream(),
    executor_def=dg.in_process_executor,
    description="One landed dump: parse it into bronze, then bring silver and gold up to date.",
)

# Daily: rebuild silver and gold from bronze (picks up taxonomy / extractor / identity changes).
gold_refresh_job = dg.define_asset_job(
    REFRESH_JOB,
    selection=DOWNSTREAM_OF_BRONZE,
    executor_def=multiprocess,
    description="Refresh silver and gold from the current bronze tables.",
)


class MaintenanceConfig(dg.Config):
    retention_hours: int = ops.DEFAULT_RETENTION_HOURS
    dry_run: bool = False


def job_suffix(table: str) -> str:
    return table.replace("/", "__")


def maintenance_job(table: str) -> dg.JobDefinition:
    """Compact, checkpoint and vacuum one table, in the same pool as the table's writer."""
    key = dg.AssetKey(table.split("/"))

    @dg.op(name=f"maintain_{job_suffix(table)}_op", pool=WRITER_POOLS.get(table) or ops.writer_pool(table),
           description=f"OPTIMIZE (compact), checkpoint and VACUUM {table}.")
    def maintain(context: dg.OpExecutionContext, config: MaintenanceConfig, warehouse: WarehouseResource):
        store = warehouse.store()
        if not store.exists(table):
            context.log.info(f"{table} does not exist yet; nothing to maintain")
            return
        out = ops.maintain(store, table, retention_hours=config.retention_hours, run_id=context.run_id,
                           dry_run=config.dry_run)
        context.log.info(f"{table}: {out}")
        context.log_event(dg.AssetObservation(
            asset_key=key,
            metadata={"delta_version": out.version_after, "maintenance": "compact+checkpoint+vacuum",
                      **{k: v for k, v in out.as_metadata().items() if k != "table"}},
        ))

    @dg.job(
        name=f"maintain__{job_suffix(table)}",
        executor_def=dg.in_process_executor,
        tags={"paperlake/maintenance": table},
        description=f"Delta maintenance of {table}: compaction, checkpoint, vacuum (retention >= "
                    f"{ops.MIN_RETENTION_HOURS} h, default {ops.DEFAULT_RETENTION_HOURS} h).",
    )
    def _maintenance_job():
        maintain()

    return _maintenance_job


maintenance_jobs = {t: maintenance_job(t) for t in MAINTAINED_TABLES}
