"""Column schemas shared by the domain modules and the Delta tables.

These are the stable, documented contracts of the lakehouse tables. Dagster-free.
"""

from __future__ import annotations

import polars as pl

UTC_TS = pl.Datetime("us", "UTC")

# What a reader yields for one dump (before bronze adds dump_id / file_name / listing_id).
PARSED_LISTING_SCHEMA: dict[str, pl.DataType] = {
    "position": pl.Int64,  # 0-based order of the entry in its dump
    "line_start": pl.Int64,  # 1-based first line of the entry (None for record formats)
    "line_end": pl.Int64,  # 1-based last line, inclusive
    "title": pl.String,
    "abstract": pl.String,  # whitespace-normalised, HTML-decoded
    "ai_summary": pl.String,  # AI-written summary shown by some pages, never mixed into abstract
    "abstract_flag": pl.String,  # why the abstract is not trusted (junk, too short...), else null
    "arxiv_id": pl.String,  # version-less arXiv id when known
    "authors": pl.List(pl.String),
    "published_at": pl.Date,
    "upvotes": pl.Int64,
    "links": pl.List(pl.String),  # code/project/paper links offered by the dump
    "categories": pl.List(pl.String),
}

# One row per input fragment that could not be turned into a listing.
PARSED_QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "line_start": pl.Int64,
    "line_end": pl.Int64,
    "raw_text": pl.String,
    "reason": pl.String,
}


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select/cast `df` to exactly `schema` (missing columns become typed nulls)."""
    return df.select(
        [
            (pl.col(name) if name in df.columns else pl.lit(None)).cast(dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )
