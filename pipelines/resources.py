"""Dagster resources: thin wrappers over the Dagster-free domain objects."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl

from paperlake import gx
from paperlake.delta import DeltaStore
from paperlake.quality import CheckOutcome
from paperlake.settings import landing_dir, warehouse_dir


class WarehouseResource(dg.ConfigurableResource):
    """The Delta Lake warehouse root (local folder)."""

    root: str = warehouse_dir()

    def store(self) -> DeltaStore:
        return DeltaStore(self.root)


@dataclass(frozen=True)
class LandedFile:
    path: Path
    name: str
    dump_id: str  # sha256 of the bytes
    size: int


class LandingZoneResource(dg.ConfigurableResource):
    """Folder where raw dumps are dropped."""

    root: str = landing_dir()
    # Files modified within this many seconds are treated as still being copied.
    settle_seconds: float = 0.0

    def files(self) -> list[Path]:
        root = Path(self.root)
        if not root.is_dir():
            return []
        return sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith("."))

    def landed(self) -> list[LandedFile]:
        out = []
        for p in self.files():
            data = p.read_bytes()
            out.append(LandedFile(p, p.name, hashlib.sha256(data).hexdigest(), len(data)))
        return out


class GreatExpectationsResource(dg.ConfigurableResource):
    """Runs GX 1.x suites in-process (GX is imported once per process)."""

    max_rows: int = 250_000

    def validate(self, df: pl.DataFrame, suite_name: str, expectations: list[gx.Expectation]) -> CheckOutcome:
        return gx.validate(df, suite_name, expectations, max_rows=self.max_rows)


class TaxonomyResource(dg.ConfigurableResource):
    """The topic taxonomy config; empty path -> the packaged, versioned taxonomy.toml."""

    path: str = ""

    def load(self):
        from paperlake.tagging import load_taxonomy

        return load_taxonomy(self.path or None)
