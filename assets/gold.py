"""Gold: the BI-facing tables, rebuilt from silver by one multi-asset step.

Each gold table is still its own asset (one Delta table per asset key, its own checks and
materializations); one step builds them all because each takes a fraction of a second, where a
step of its own cost Dagster about as much again. Tables are built two at a time in threads
(Polars and delta-rs release the GIL) and published one by one, each only when its blocking
checks pass; a table that reads another gold table is built once that one is published. Any
subset can be materialized (``can_subset``).
"""

from concurrent.futures import Future, ThreadPoolExecutor

import dagster as dg
import polars as pl

from assets._gold_table import Built, GoldTable, build_and_write, key_expectations, no_rows_where, referential_papers
from assets._publish import Check, check_specs, holds_writer_lock, report_group, table_spec
from assets.bronze import LISTINGS
from assets.gold_analytics import ANALYTICS_TABLES
from assets.silver import (
    LISTING_HEADER,
    PAPER_COLUMNS_BUT_ABSTRACT,
    PAPER_HEADER,
    PAPER_LISTINGS,
    PAPER_METRICS,
    PAPER_TOPICS,
    PAPERS,
    listings_for_identity,
)
from paperlake import catalog, gold, quality
from paperlake.delta import READ_CACHE
from paperlake.ops import GOLD_POOL
from pipelines.resources import GreatExpectationsResource, WarehouseResource

TOPIC_TRENDS, BENCHMARK_RESULTS, PAPER_CATALOG = catalog.TOPIC_TRENDS, catalog.BENCHMARK_RESULTS, catalog.PAPER_CATALOG
THREADS = 2  # the machine's cores: Polars parallelises inside each table too

CORE_TABLES: list[GoldTable] = [
    GoldTable(
        TOPIC_TRENDS, [PAPER_TOPICS, PAPER_LISTINGS, PAPERS, LISTINGS],
        lambda s: gold.topic_trends(s.read(PAPER_LISTINGS), listings_for_identity(s, LISTING_HEADER),
                                    s.read(PAPERS, PAPER_HEADER), s.read(PAPER_TOPICS)),
        [("ExpectColumnValuesToBeBetween", {"column": "share", "min_value": 0, "max_value": 1}),
         *key_expectations(TOPIC_TRENDS),
         ("ExpectColumnValuesToBeBetween", {"column": "new_papers", "min_value": 0})],
        "share in [0, 1], (topic, period_start) unique and non-null, counts non-negative.",
        [(Check("topic_papers_within_period_papers", "new_papers <= papers <= period_papers for every row."),
          no_rows_where("new_papers <= papers <= period_papers",
                        (pl.col("new_papers") > pl.col("papers")) | (pl.col("papers") > pl.col("period_papers"))))],
    ),
    GoldTable(
        BENCHMARK_RESULTS, [PAPER_METRICS, PAPERS],
        lambda s: gold.benchmark_results(s.read(PAPER_METRICS), s.read(PAPERS, PAPER_HEADER)),
        [("ExpectColumnValuesToNotBeNull", {"column": "benchmark"}),
         ("ExpectColumnValuesToNotBeNull", {"column": "value"}),
         ("ExpectColumnValuesToBeBetween", {"column": "rank", "min_value": 1})],
        "benchmark and value non-null, rank >= 1.",
        [(Check("benchmark_paper_ids_exist_in_papers", "Every paper_id exists in silver/papers."), referential_papers)],
        extra_metadata=lambda df: {"benchmarks": df["benchmark"].n_unique()},
    ),
    GoldTable(
        PAPER_CATALOG, [PAPERS, PAPER_TOPICS, PAPER_METRICS],
        lambda s: gold.paper_catalog(s.read(PAPERS, PAPER_COLUMNS_BUT_ABSTRACT), s.read(PAPER_TOPICS),
                                     s.read(PAPER_METRICS)),
        [("ExpectColumnValuesToBeUnique", {"column": "paper_id"}),
         ("ExpectColumnValuesToNotBeNull", {"column": "title"}),
         ("ExpectColumnValuesToNotBeNull", {"column": "primary_topic"})],
        "paper_id unique, title and primary_topic non-null.",
        [(Check("one_catalog_row_per_paper", "Exactly one row per silver/papers row."),
          lambda df, store: quality.reconcile("rows == silver/papers rows", store.count(PAPERS), df.height))],
    ),
]

# Build order: the largest first (two threads finish together), a table after the gold tables it reads.
_ORDER = ["paper_catalog", "merge_decisions", "paper_claims", "topic_trends", "daily_arrivals", "benchmark_results",
          "topic_cooccurrence", "dump_quality", "claims_by_topic", "model_size_distribution", "benchmark_leaderboard"]
GOLD_TABLES: list[GoldTable] = sorted([*CORE_TABLES, *ANALYTICS_TABLES],
                                     key=lambda t: _ORDER.index(t.short) if t.short in _ORDER else len(_ORDER))


def _selected_checks(context: dg.AssetExecutionContext, t: GoldTable) -> list[Check]:
    return [c for c in t.checks() if dg.AssetCheckKey(t.key, c.name) in context.selected_asset_check_keys]


@dg.multi_asset(
    specs=[table_spec(t.name, deps=t.deps) for t in GOLD_TABLES],
    check_specs=[spec for t in GOLD_TABLES for spec in check_specs(t.name, t.checks())],
    can_subset=True,
    name="gold_tables",
    pool=GOLD_POOL,
)
@holds_writer_lock(GOLD_POOL)
def gold_tables(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                great_expectations: GreatExpectationsResource):
    """Build, audit and publish the selected gold tables."""
    store = warehouse.store()
    wanted = [t for t in GOLD_TABLES if t.key in context.selected_asset_keys]
    waiting_for = {t.name: {d for d in t.deps if d in {w.name for w in wanted}} for t in wanted}
    futures: dict[str, Future[Built]] = {}
    # The tables read the same silver and bronze versions: each is read once for the step.
    with READ_CACHE.holding(), ThreadPoolExecutor(THREADS, thread_name_prefix="gold") as pool:

        def start_ready() -> None:
            for t in wanted:
                if t.name not in futures and not waiting_for[t.name]:
                    futures[t.name] = pool.submit(build_and_write, t, store, great_expectations, context.run.run_id,
                                                  _selected_checks(context, t))

        start_ready()
        for t in wanted:  # in list order: a table's gold upstream is published before it is built
            built = futures[t.name].result()
            [result] = report_group(context, store, [built.written])
            if built.compacted is not None:
                result = result._replace(metadata={**result.metadata, "delta_version": built.compacted,
                                                   "compacted": True})
            yield result
            for deps in waiting_for.values():
                deps.discard(t.name)
            start_ready()
