"""Embedded defaults: where dumps land and where the warehouse lives."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DUMPS = PROJECT_ROOT / "data" / "samples"

ENV_LANDING = "PAPERLAKE_LANDING"
ENV_WAREHOUSE = "PAPERLAKE_WAREHOUSE"


def landing_dir() -> str:
    return os.environ.get(ENV_LANDING) or str(SAMPLE_DUMPS)


def warehouse_dir() -> str:
    return os.environ.get(ENV_WAREHOUSE) or str(PROJECT_ROOT / "warehouse")
