"""Shared fixtures: materialize the whole graph the way `paperlake run` does."""

import dagster as dg
import polars as pl
import pytest

from paperlake.settings import SAMPLE_DUMPS
from pipelines.definitions import defs
from pipelines.landing import range_tags, register_landing
from pipelines.resources import (
    GreatExpectationsResource,
    LandingZoneResource,
    TaxonomyResource,
    WarehouseResource,
)


def resources_for(landing, warehouse) -> dict:
    return {
        "landing": LandingZoneResource(root=str(landing)),
        "warehouse": WarehouseResource(root=str(warehouse)),
        "great_expectations": GreatExpectationsResource(),
        "taxonomy": TaxonomyResource(),
    }


def materialize_all(landing, warehouse, selection=None, instance=None) -> dg.ExecuteInProcessResult:
    """One in-process run; bronze (partitioned by dump) covers every landed dump."""
    instance = instance or dg.DagsterInstance.ephemeral()
    tags = range_tags(instance, register_landing(instance, landing)) if selection is None else {}
    return dg.materialize(
        list(defs.assets),
        selection=selection,
        resources=resources_for(landing, warehouse),
        instance=instance,
        tags=tags,
        raise_on_error=False,
    )


@pytest.fixture(scope="session")
def sample_materialization(tmp_path_factory):
    """(warehouse, result) of the first run on the bundled sample dumps. Treat as read-only:
    tests that change the warehouse copy it first."""
    warehouse = tmp_path_factory.mktemp("sample_warehouse")
    return warehouse, materialize_all(SAMPLE_DUMPS, warehouse)


def papers(*rows: tuple[str, str | None, str | None]) -> pl.DataFrame:
    """A papers frame (paper_id, title, abstract) from (id, title, abstract) rows."""
    return pl.DataFrame(
        {"paper_id": [r[0] for r in rows], "title": [r[1] for r in rows],
         "abstract": [r[2] for r in rows]},
        schema={"paper_id": pl.String, "title": pl.String, "abstract": pl.String},
    )
