"""Dagster resources: thin wrappers over the Dagster-free domain objects."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

import dagster as dg
import polars as pl

from paperlake import gx
from paperlake.delta import DeltaStore
from paperlake.quality import CheckOutcome
from paperlake.settings import landing_dir, warehouse_dir
from pipelines.landing import landed_files


class WarehouseResource(dg.ConfigurableResource):
    """The Delta Lake warehouse root (local folder)."""

    # Empty: $PAPERLAKE_WAREHOUSE or ./warehouse, resolved when used (not when this module is imported).
    root: str = ""

    def folder(self) -> str:
        return self.root or warehouse_dir()

    def store(self) -> DeltaStore:
        return DeltaStore(self.folder())


class LandingZoneResource(dg.ConfigurableResource):
    """Folder where raw dumps are dropped."""

    # Empty: $PAPERLAKE_LANDING or the bundled samples, resolved when used.
    root: str = ""
    # The landing sensor ignores files modified within this many seconds (still being copied).
    settle_seconds: float = float(os.environ.get("PAPERLAKE_SETTLE_SECONDS", "15"))
    # At most this many new dumps are registered (and runs requested) per sensor tick.
    max_new_per_tick: int = 50

    def files(self) -> list[Path]:
        """Landable files: hidden files and temporary names of copy tools are left out."""
        return landed_files(self.folder())

    def folder(self) -> str:
        return self.root or landing_dir()


class GreatExpectationsResource(dg.ConfigurableResource):
    """Runs GX 1.x suites. ``auto``: in this process when GX is already imported here (the
    multiprocess executor's fork server preloads it), else in one GX worker process per run
    process, started early so GX imports on the other core (see paperlake.gx.Worker)."""

    max_rows: int = gx.MAX_ROWS
    mode: Literal["auto", "worker", "inprocess"] = "auto"

    def _worker(self) -> gx.Worker | None:
        if self.mode == "inprocess" or (self.mode == "auto" and "great_expectations" in sys.modules):
            return None
        return gx.start_worker()

    def warm_up(self) -> None:
        """Start the GX import (in the worker: returns at once)."""
        if self._worker() is None:
            gx.warm_up()

    def submit(self, df: pl.DataFrame, suite_name: str, expectations: list[gx.Expectation]) -> gx.Pending:
        """Start the suite; with a worker it runs on the other core while the caller goes on."""
        worker = self._worker()
        if worker is None:
            return gx.Pending(gx.validate(df, suite_name, expectations, max_rows=self.max_rows))
        return worker.submit(df, suite_name, expectations, max_rows=self.max_rows)

    def validate(self, df: pl.DataFrame, suite_name: str, expectations: list[gx.Expectation]) -> CheckOutcome:
        return self.submit(df, suite_name, expectations).result()


class TaxonomyResource(dg.ConfigurableResource):
    """The topic taxonomy config; empty path -> the packaged, versioned taxonomy.toml."""

    path: str = ""

    def load(self):
        from paperlake.tagging import load_taxonomy

        return load_taxonomy(self.path or None)
