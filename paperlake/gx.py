"""Great Expectations 1.x validation of Polars frames (Dagster-free).

GX has no Polars backend, so the columns a suite needs are converted to pandas. Above
``max_rows`` a deterministic sample is validated and the metadata says so; the key
expectations (non-null, unique) are then also evaluated on every row with Polars, so a
duplicate or missing key outside the sample still fails the suite. Importing
``great_expectations`` costs seconds: it happens once per process, while the parse
workers run when there are any (:func:`warm_up`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence

import polars as pl

from paperlake.quality import CheckOutcome

# An expectation is (GX class name, kwargs), e.g. ("ExpectColumnValuesToNotBeNull", {"column": "paper_id"}).
Expectation = tuple[str, dict]


@functools.cache
def _context():
    """Import GX and set up its context (seconds; once per process, in the calling thread:
    importing in a background thread races with other imports)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_def = ctx.data_sources.add_pandas("paperlake").add_dataframe_asset("frames").add_batch_definition_whole_dataframe("whole")
    return gx, batch_def


def warm_up() -> None:
    """Import GX now (e.g. while worker processes parse, so the import is off the critical path)."""
    _context()


def validate(
    df: pl.DataFrame, suite_name: str, expectations: Sequence[Expectation], *, max_rows: int = 250_000
) -> CheckOutcome:
    gx, batch_def = _context()
    columns = sorted({e[1][k] for e in expectations for k in ("column", "column_A", "column_B") if k in e[1]}
                     | {c for e in expectations for c in e[1].get("column_list", [])})
    frame = df.select(columns) if columns else df.select(pl.first()) if df.width else df
    sampled = frame.height > max_rows
    if sampled:
        frame = frame.sample(n=max_rows, seed=0)
    suite = gx.ExpectationSuite(name=suite_name)
    for name, kwargs in expectations:
        suite.add_expectation(getattr(gx.expectations, name)(**kwargs))
    result = batch_def.get_batch(batch_parameters={"dataframe": frame.to_pandas()}).validate(suite)
    rows = []
    for r in result.results:
        cfg = r.expectation_config
        rows.append(
            {
                "expectation": cfg.type,
                "column": cfg.kwargs.get("column") or cfg.kwargs.get("column_list"),
                "success": bool(r.success),
                "unexpected": r.result.get("unexpected_count"),
                "observed": r.result.get("observed_value"),
                "examples": (r.result.get("partial_unexpected_list") or [])[:3],
            }
        )
    if sampled:
        rows += _full_table_key_checks(df, expectations)
    failed = [r for r in rows if not r["success"]]
    return CheckOutcome(
        passed=bool(result.success) and not failed,
        metadata={
            "suite": suite_name,
            "expectations": len(rows),
            "failed": len(failed),
            "rows_validated": frame.height,
            "sampled": sampled,
            "results": _markdown(rows),
        },
        description=f"Great Expectations suite {suite_name}",
    )


_FULL_TABLE = {
    "ExpectColumnValuesToNotBeNull": lambda c: pl.col(c).is_null().sum(),
    "ExpectColumnValuesToBeUnique": lambda c: pl.col(c).drop_nulls().is_duplicated().sum(),
}


def _full_table_key_checks(df: pl.DataFrame, expectations: Sequence[Expectation]) -> list[dict]:
    """Non-null and unique expectations over every row (vectorised), beside a sampled GX run."""
    todo = [(name, kw["column"]) for name, kw in expectations if name in _FULL_TABLE and "column" in kw]
    if not todo:
        return []
    counts = df.select(_FULL_TABLE[n](c).alias(str(i)) for i, (n, c) in enumerate(todo)).row(0)
    return [{"expectation": f"{n} (polars, all {df.height} rows)", "column": c, "success": k == 0,
             "unexpected": int(k), "observed": None, "examples": []} for (n, c), k in zip(todo, counts)]


def _markdown(rows: list[dict]) -> str:
    lines = ["| expectation | column | ok | unexpected | observed / examples |", "|---|---|---|---|---|"]
    for r in rows:
        extra = r["observed"] if r["observed"] is not None else r["examples"]
        lines.append(f"| {r['expectation']} | {r['column']} | {'✅' if r['success'] else '❌'} | {r['unexpected']} | {extra} |")
    return "\n".join(lines)
