"""Bronze ingestion: landed files -> raw_dumps / listings / quarantine frames (Dagster-free)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polars as pl

from paperlake import catalog
from paperlake.parallel import parallel_map, workers as default_workers
from paperlake.parsing import parse_dump
from paperlake.versions import PARSER_VERSION

RAW_TEXT_LIMIT = 8192
# Below this many bytes, parsing in one process beats starting worker processes.
PARALLEL_MIN_BYTES = 8 << 20


@dataclass(frozen=True)
class Dump:
    name: str
    data: bytes

    @functools.cached_property
    def dump_id(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class BronzeBatch:
    raw_dumps: pl.DataFrame
    listings: pl.DataFrame
    quarantine: pl.DataFrame


def group_identical(dumps: Iterable[Dump]) -> dict[str, list[Dump]]:
    """dump_id -> the files carrying those bytes, first name first (sorted)."""
    groups: dict[str, list[Dump]] = {}
    for d in sorted(dumps, key=lambda d: d.name):
        groups.setdefault(d.dump_id, []).append(d)
    return groups


def ingest(
    dumps: Iterable[Dump],
    *,
    ingested_at: dt.datetime,
    reference_date: dt.date | None = None,
    workers: int | None = None,
    parallel_min_bytes: int = PARALLEL_MIN_BYTES,
    while_waiting: Callable[[], object] | None = None,
) -> BronzeBatch:
    """Parse every distinct dump once; identical bytes under other names become aliases.

    Large batches are parsed by ``workers`` processes (paperlake.parallel), each taking
    contiguous runs of dumps, so the output is the same, in the same order, as a
    single-process parse. ``while_waiting`` runs in this process while the workers parse.
    """
    groups = list(group_identical(dumps).items())
    workers = default_workers() if workers is None else workers
    total = sum(len(g[0].data) for _, g in groups)
    if workers < 2 or len(groups) < 2 or total < parallel_min_bytes:
        return _ingest_groups(groups, ingested_at, reference_date)
    parse = functools.partial(_ingest_groups, ingested_at=ingested_at, reference_date=reference_date)
    parts = parallel_map(parse, _split_by_bytes(groups, workers * 4), workers, while_waiting)
    return BronzeBatch(
        raw_dumps=pl.concat([p.raw_dumps for p in parts]),
        listings=pl.concat([p.listings for p in parts]),
        quarantine=pl.concat([p.quarantine for p in parts]),
    )


def _split_by_bytes(groups: list, n: int) -> list[list]:
    """Contiguous runs of roughly equal byte size (order kept)."""
    total = sum(len(g[0].data) for _, g in groups)
    chunks, current, size = [], [], 0
    for item in groups:
        current.append(item)
        size += len(item[1][0].data)
        if size >= total * (len(chunks) + 1) / n:
            chunks.append(current)
            current = []
    return chunks + ([current] if current else [])


def _ingest_groups(groups: list, ingested_at: dt.datetime, reference_date: dt.date | None) -> BronzeBatch:
    raw_rows, listing_frames, quarantine_frames = [], [], []
    for dump_id, group in groups:
        first = group[0]
        parsed = parse_dump(first.data, first.name, reference_date=reference_date or ingested_at.date())
        acc = parsed.accounting
        raw_rows.append(
            {
                "dump_id": dump_id,
                "file_name": first.name,
                "file_names": [d.name for d in group],
                "byte_size": len(first.data),
                "format": parsed.format,
                "encoding": parsed.encoding,
                "compression": parsed.compression,
                "listing_date": parsed.listing_date,
                "listing_date_inferred": parsed.listing_date_inferred,
                "n_listings": parsed.listings.height,
                "n_quarantined": parsed.quarantine.height,
                "accounting_unit": acc["unit"],
                "units_total": acc["total"],
                "units_listing": acc["listing"],
                "units_quarantine": acc["quarantine"],
                "units_furniture": acc["furniture"],
                "parser_version": PARSER_VERSION,
                "ingested_at": ingested_at,
            }
        )
        prefix = dump_id[:16]
        common = [
            pl.lit(dump_id).alias("dump_id"),
            pl.lit(first.name).alias("file_name"),
            pl.lit(ingested_at, catalog.UTC_TS).alias("ingested_at"),
        ]
        listing_frames.append(
            parsed.listings.with_columns(
                *common,
                pl.format("{}-{}", pl.lit(prefix), pl.col("position").cast(pl.String).str.zfill(6)).alias("listing_id"),
                pl.lit(parsed.listing_date, pl.Date).alias("listing_date"),
            )
        )
        quarantine_frames.append(
            parsed.quarantine.with_row_index("q").with_columns(
                *common,
                pl.format("{}-q{}", pl.lit(prefix), pl.col("q").cast(pl.String).str.zfill(6)).alias("quarantine_id"),
                pl.col("raw_text").str.len_chars().alias("raw_length"),
                pl.col("raw_text").str.slice(0, RAW_TEXT_LIMIT),
                pl.lit("parse").alias("stage"),
            )
        )
    listings = _concat(listing_frames, catalog.LISTINGS)
    raw = pl.DataFrame(raw_rows, schema_overrides=catalog.RAW_DUMPS.schema) if raw_rows else None
    return BronzeBatch(
        raw_dumps=catalog.RAW_DUMPS.conform(with_content_counts(raw, listings))
        if raw is not None
        else pl.DataFrame(schema=catalog.RAW_DUMPS.schema),
        listings=listings,
        quarantine=_concat(quarantine_frames, catalog.QUARANTINE),
    )


CONTENT_COUNTS = ("n_missing_abstracts", "n_flagged_abstracts", "n_with_arxiv_id")


def dump_content_counts(listings: pl.DataFrame) -> pl.DataFrame:
    """Per dump_id: listings without an abstract, with a flagged abstract, with an arXiv id."""
    return listings.group_by("dump_id").agg(
        (pl.col("abstract").is_null() | (pl.col("abstract").str.strip_chars() == "")).sum().cast(pl.Int64)
        .alias("n_missing_abstracts"),
        pl.col("abstract_flag").is_not_null().sum().cast(pl.Int64).alias("n_flagged_abstracts"),
        pl.col("arxiv_id").is_not_null().sum().cast(pl.Int64).alias("n_with_arxiv_id"),
    )


def with_content_counts(raw_dumps: pl.DataFrame, listings: pl.DataFrame) -> pl.DataFrame:
    """``raw_dumps`` with :data:`CONTENT_COUNTS` counted from its ``listings`` (0 without any)."""
    return raw_dumps.drop(CONTENT_COUNTS, strict=False).join(
        dump_content_counts(listings), on="dump_id", how="left"
    ).with_columns(pl.col(CONTENT_COUNTS).fill_null(0))


def _concat(frames: list[pl.DataFrame], table: catalog.Table) -> pl.DataFrame:
    if not frames:
        return pl.DataFrame(schema=table.schema)
    return pl.concat([table.conform(f) for f in frames], how="vertical")
