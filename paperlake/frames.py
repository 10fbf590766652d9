"""Row subsets of big frames by key membership (Dagster-free).

A semi or anti join gathers its output row by row: for the warehouse-sized frames of an
incremental run (every listing with its text, every identity feature with its band list) that
costs seconds at a million listings. These filter instead (a filter copies runs of rows) and
give the same rows in the same order, nulls included (a null key matches nothing).
"""

from __future__ import annotations

import polars as pl


def _member(df: pl.DataFrame, other: pl.DataFrame | pl.Series, key: str) -> pl.Series:
    keys = other[key] if isinstance(other, pl.DataFrame) else other
    return df[key].is_in(keys.unique().implode()).fill_null(False)


def _keep(df: pl.DataFrame, mask: pl.Series) -> pl.DataFrame:
    return df if mask.all() else df.filter(mask)


def semi(df: pl.DataFrame, other: pl.DataFrame | pl.Series, key: str) -> pl.DataFrame:
    """``df.join(other, on=key, how="semi")``, by a filter."""
    return _keep(df, _member(df, other, key))


def anti(df: pl.DataFrame, other: pl.DataFrame | pl.Series, key: str) -> pl.DataFrame:
    """``df.join(other, on=key, how="anti")``, by a filter."""
    return _keep(df, ~_member(df, other, key))
