"""The paperlake code location: `defs` is what `dg dev` / `paperlake ui` load."""

from __future__ import annotations

import dagster as dg

import assets
from pipelines.jobs import paperlake_job
from pipelines.resources import (
    GreatExpectationsResource,
    LandingZoneResource,
    TaxonomyResource,
    WarehouseResource,
)

defs = dg.Definitions(
    assets=dg.load_assets_from_package_module(assets),
    asset_checks=dg.load_asset_checks_from_package_module(assets),
    jobs=[paperlake_job],
    resources={
        "warehouse": WarehouseResource(),
        "landing": LandingZoneResource(),
        "great_expectations": GreatExpectationsResource(),
        "taxonomy": TaxonomyResource(),
    },
)
