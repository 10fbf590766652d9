"""Embedded defaults: where dumps land, where the warehouse lives, how long vacuum keeps files."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DUMPS = PROJECT_ROOT / "data" / "samples"

ENV_LANDING = "PAPERLAKE_LANDING"
ENV_WAREHOUSE = "PAPERLAKE_WAREHOUSE"

# Vacuum never removes files younger than this: a week of time travel, and far longer than any
# reader or writer can hold an old snapshot open.
DEFAULT_RETENTION_HOURS = 168
MIN_RETENTION_HOURS = 24


def landing_dir() -> str:
    return os.environ.get(ENV_LANDING) or str(SAMPLE_DUMPS)


def warehouse_dir() -> str:
    return os.environ.get(ENV_WAREHOUSE) or str(PROJECT_ROOT / "warehouse")
