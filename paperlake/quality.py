"""Data-quality checks as plain functions over Polars frames (Dagster-free).

Each check returns a :class:`CheckOutcome`; the Dagster layer turns it into an
``AssetCheckResult``. Great Expectations suites run through :mod:`paperlake.gx`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    metadata: dict = field(default_factory=dict)
    description: str = ""


def _sample(df: pl.DataFrame, n: int = 5) -> str:
    return str(df.head(n).to_dicts()) if df.height else "[]"


def reconcile(label: str, expected: int, actual: int) -> CheckOutcome:
    return CheckOutcome(
        passed=expected == actual,
        metadata={"expected": expected, "actual": actual, "difference": actual - expected},
        description=label,
    )


def referential(child: pl.DataFrame, parent: pl.DataFrame, key: str, parent_name: str) -> CheckOutcome:
    orphans = child.select(key).unique().join(parent.select(key).unique(), on=key, how="anti")
    return CheckOutcome(
        passed=orphans.height == 0,
        metadata={"orphan_keys": orphans.height, "examples": _sample(orphans)},
        description=f"every {key} exists in {parent_name}",
    )


def spans_verbatim(metrics: pl.DataFrame, papers: pl.DataFrame, scope: str = "all rows") -> CheckOutcome:
    """``abstract[span_start:span_end] == mention`` for every metric row (``scope`` says which
    rows ``metrics`` holds: metadata)."""
    joined = metrics.select("paper_id", "mention", "span_start", "span_end").join(
        papers.select("paper_id", "abstract"), on="paper_id", how="left"
    )
    bad = joined.filter(
        pl.col("abstract").is_null()
        | (pl.col("span_end") <= pl.col("span_start"))
        | (
            pl.col("abstract").str.slice(pl.col("span_start"), pl.col("span_end") - pl.col("span_start"))
            != pl.col("mention")
        )
    )
    return CheckOutcome(
        passed=bad.height == 0,
        metadata={"mentions": metrics.height, "scope": scope, "bad_spans": bad.height,
                  "examples": _sample(bad.drop("abstract"))},
        description="abstract[span_start:span_end] == mention",
    )


def share_below(label: str, numerator: int, denominator: int, limit: float) -> CheckOutcome:
    share = numerator / denominator if denominator else 0.0
    return CheckOutcome(
        passed=share <= limit,
        metadata={"count": numerator, "of": denominator, "share": round(share, 4), "limit": limit},
        description=label,
    )
