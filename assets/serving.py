"""Serving: the gold tables as one DuckDB file for BI tools, and the HTML report."""


import datetime as dt

import dagster as dg

from assets._publish import DAILY_FRESHNESS, CheckResult
from paperlake import report, serving
from pipelines.resources import WarehouseResource

SERVING_DUCKDB = dg.AssetKey(["serving", "duckdb"])
REPORT = dg.AssetKey(["serving", "report"])


def _key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("/"))


class CheckNames:
    DUCKDB_COUNTS = "duckdb_row_counts_match_delta"
    DUCKDB_TABLES = "duckdb_has_every_gold_table"
    REPORT_CHARTS = "report_charts_not_empty"


@dg.asset(
    key=SERVING_DUCKDB,
    deps=[_key(t) for t in serving.gold_tables()],
    group_name="serving",
    kinds={"duckdb"},
    pool="serving/duckdb",
    freshness_policy=DAILY_FRESHNESS,
    description=(
        "<warehouse>/serving.duckdb: every gold table in schema `gold` (plus the data dictionary in schema "
        "`meta`) for Superset, Metabase, notebooks and `paperlake sql`. Written as a temp file and moved "
        "into place atomically (os.replace): a copy of the previous file with only the changed gold rows "
        "replaced, or rebuilt in full."
    ),
    check_specs=[
        dg.AssetCheckSpec(CheckNames.DUCKDB_COUNTS, asset=SERVING_DUCKDB, blocking=True,
                          description="Every gold.* table in DuckDB has the row count of its Delta table."),
        dg.AssetCheckSpec(CheckNames.DUCKDB_TABLES, asset=SERVING_DUCKDB, blocking=True,
                          description="Every gold table of the data dictionary is published."),
    ],
)
def serving_duckdb(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    store = warehouse.store()
    out = serving.publish_duckdb(store)
    delta = serving.delta_row_counts(store, list(out.rows))
    duck = serving.duckdb_row_counts(out.path)
    diffs = serving.compare_counts(delta, duck)
    context.log.info(f"{out.path}: {out.mode} build, {len(out.rows)} tables, {sum(out.rows.values())} rows, "
                     f"{out.bytes} bytes")
    table_md = "\n".join(
        ["| table | rows (DuckDB) | rows (Delta) | Delta version | this build |", "|---|---|---|---|---|"]
        + [f"| {serving.sql_name(t)} | {duck.get(t, '-')} | {delta.get(t, '-')} | {out.delta_versions.get(t)} "
           f"| {out.actions.get(t, '')} |" for t in sorted(out.rows)]
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(out.path)),
            "connect": dg.MetadataValue.md(
                f"SQLAlchemy URL: `duckdb:///{out.path}` (read-only: add `?access_mode=read_only` or "
                f"`connect_args={{'read_only': True}}`)\n\nCLI: `paperlake sql \"SELECT * FROM gold.topic_trends\"`"),
            "tables": dg.MetadataValue.md(table_md),
            "table_count": len(out.rows),
            "dagster/row_count": sum(out.rows.values()),
            "bytes": out.bytes,
            "build": out.mode,
            "published_at": out.published_at.isoformat(),
        },
        check_results=[
            CheckResult(check_name=CheckNames.DUCKDB_COUNTS, passed=not diffs,
                        metadata={"tables": len(duck), "differences": ", ".join(diffs) or "none"}),
            CheckResult(check_name=CheckNames.DUCKDB_TABLES, passed=not out.skipped,
                        metadata={"published": len(out.rows),
                                  "missing_delta_tables": ", ".join(out.skipped) or "none"}),
        ],
    )


@dg.asset(
    key=REPORT,
    deps=[_key(t) for t in report.REPORT_TABLES],
    group_name="serving",
    kinds={"html"},
    pool="serving/report",
    freshness_policy=DAILY_FRESHNESS,
    description=("<warehouse>/report/index.html: self-contained HTML report (inline SVG charts, works offline): "
                 "topic trends, benchmark leaderboards, speedup/compression/model-size distributions, "
                 "co-occurrence, arrivals, dedup and data quality."),
    check_specs=[dg.AssetCheckSpec(CheckNames.REPORT_CHARTS, asset=REPORT, blocking=False,
                                   description="Every chart of the report draws at least one mark.")],
)
def report_html(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    store = warehouse.store()
    tables = report.load_tables(store)
    path, marks = report.write_report(tables, report.report_path(store.root), warehouse=str(store.root),
                                      generated_at=dt.datetime.now(dt.UTC))
    empty = sorted(k for k, n in marks.items() if n == 0)
    return dg.MaterializeResult(
        metadata={
            "report": dg.MetadataValue.url(path.resolve().as_uri()),
            "path": dg.MetadataValue.path(str(path)),
            "charts": len(marks),
            "empty_charts": ", ".join(empty) or "none",
            "bytes": path.stat().st_size,
            "marks_per_chart": dg.MetadataValue.json(marks),
        },
        check_results=[CheckResult(check_name=CheckNames.REPORT_CHARTS, passed=not empty,
                                   severity=dg.AssetCheckSeverity.WARN,
                                   metadata={"charts": len(marks), "empty": ", ".join(empty) or "none"})],
    )
