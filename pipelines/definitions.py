"""The paperlake code location: `defs` is what `dg dev` / `paperlake ui` load."""

from __future__ import annotations

import dagster as dg

from pipelines.jobs import (
    ALL_ASSET_CHECKS,
    ALL_ASSETS,
    gold_refresh_job,
    ingest_dump_job,
    maintenance_jobs,
    multiprocess,
    paperlake_job,
)
from pipelines.resources import (
    GreatExpectationsResource,
    LandingZoneResource,
    TaxonomyResource,
    WarehouseResource,
)
from pipelines.schedules import schedules
from pipelines.sensors import landing_sensor

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_ASSET_CHECKS,
    jobs=[paperlake_job, ingest_dump_job, gold_refresh_job, *maintenance_jobs.values()],
    sensors=[landing_sensor],
    schedules=schedules,
    # Ad-hoc materializations from the UI's asset graph run in parallel processes too.
    executor=multiprocess,
    resources={
        "warehouse": WarehouseResource(),
        "landing": LandingZoneResource(),
        "great_expectations": GreatExpectationsResource(),
        "taxonomy": TaxonomyResource(),
    },
)
