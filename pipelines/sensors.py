"""The landing sensor: each new dump becomes a partition and one ingest run, atomically."""

from __future__ import annotations

import functools
import os
import time

import dagster as dg

from pipelines.jobs import ingest_dump_job
from pipelines.landing import (
    FILE_TAG,
    Cursor,
    batched_dump_keys,
    dump_partitions,
    scan_landing,
)
from pipelines.resources import LandingZoneResource, WarehouseResource

SENSOR_NAME = "landing_sensor"
INTERVAL_SECONDS = int(os.environ.get("PAPERLAKE_SENSOR_INTERVAL", "30"))


@dg.sensor(
    name=SENSOR_NAME,
    job=ingest_dump_job,
    minimum_interval_seconds=INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Registers each new dump in the landing folder as a partition and launches one ingest run "
                "for it. Identical bytes (re-drops, renamed copies) add nothing; files still being "
                "written are picked up once quiet.",
)
def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingZoneResource, warehouse: WarehouseResource):
    start = time.perf_counter()
    # Dumps ingested by `paperlake run` batches: read once per tick, and only if needed.
    batched = functools.cache(lambda: batched_dump_keys(warehouse.folder()))

    def is_known(key: str) -> bool:
        return context.instance.has_dynamic_partition(dump_partitions.name, key) or key in batched()

    scan = scan_landing(
        landing.folder(),
        Cursor.from_json(context.cursor),
        is_known=is_known,
        settle_seconds=landing.settle_seconds,
        max_new=landing.max_new_per_tick,
    )
    context.log.info(f"{scan.summary()} ({time.perf_counter() - start:.3f}s, {scan.hashed_bytes} bytes hashed)")
    if not scan.new:
        return dg.SensorResult(skip_reason=dg.SkipReason(scan.summary()), cursor=scan.cursor.to_json())
    return dg.SensorResult(
        # Registering the partitions and requesting their runs is one tick result: both or neither.
        dynamic_partitions_requests=[dump_partitions.build_add_request(list(scan.new))],
        run_requests=[
            # run_key = partition key: even a lost cursor cannot launch a dump twice.
            dg.RunRequest(run_key=key, partition_key=key, tags={FILE_TAG: name, "paperlake/dump_id": dump_id})
            for key, (name, dump_id) in scan.new.items()
        ],
        cursor=scan.cursor.to_json(),
    )
