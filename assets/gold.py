"""Gold: BI-facing tables built from silver."""


import dagster as dg
import polars as pl

from assets._publish import Check, check_specs, publish, table_kwargs
from assets.silver import (
    LISTING_HEADER,
    PAPER_HEADER,
    PAPER_LISTINGS,
    PAPER_METRICS,
    PAPER_TOPICS,
    PAPERS,
    listings_for_identity,
)
from paperlake import catalog, gold, quality
from pipelines.resources import GreatExpectationsResource, WarehouseResource

TOPIC_TRENDS, BENCHMARK_RESULTS, PAPER_CATALOG = "gold/topic_trends", "gold/benchmark_results", "gold/paper_catalog"


class CheckNames:
    TRENDS_SUITE = "topic_trends_gx_suite"
    TRENDS_BOUNDS = "topic_papers_within_period_papers"
    BENCHMARKS_SUITE = "benchmark_results_gx_suite"
    BENCHMARKS_REFERENTIAL = "benchmark_paper_ids_exist_in_papers"
    CATALOG_SUITE = "paper_catalog_gx_suite"
    CATALOG_RECONCILE = "one_catalog_row_per_paper"


TRENDS_CHECKS = [
    Check(CheckNames.TRENDS_SUITE, "GX: share in [0, 1], (topic, period_start) unique, counts non-negative."),
    Check(CheckNames.TRENDS_BOUNDS, "new_papers <= papers <= period_papers for every row."),
]
BENCHMARKS_CHECKS = [
    Check(CheckNames.BENCHMARKS_SUITE, "GX: benchmark and value non-null, rank >= 1."),
    Check(CheckNames.BENCHMARKS_REFERENTIAL, "Every paper_id exists in silver/papers."),
]
CATALOG_CHECKS = [
    Check(CheckNames.CATALOG_SUITE, "GX: paper_id unique, title and primary_topic non-null."),
    Check(CheckNames.CATALOG_RECONCILE, "Exactly one row per silver/papers row."),
]


@dg.asset(**table_kwargs(TOPIC_TRENDS, deps=[PAPER_TOPICS, PAPER_LISTINGS]),
          check_specs=check_specs(TOPIC_TRENDS, TRENDS_CHECKS))
def topic_trends(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                 great_expectations: GreatExpectationsResource):
    """Topic x listing month: papers, new papers, share of the month's papers."""
    store = warehouse.store()
    df = gold.topic_trends(store.read(PAPER_LISTINGS), listings_for_identity(store, LISTING_HEADER),
                           store.read(PAPERS, PAPER_HEADER), store.read(PAPER_TOPICS))
    bad = df.filter((pl.col("new_papers") > pl.col("papers")) | (pl.col("papers") > pl.col("period_papers")))
    outcomes = {
        CheckNames.TRENDS_SUITE: great_expectations.submit(df, "gold_topic_trends", [
            ("ExpectColumnValuesToBeBetween", {"column": "share", "min_value": 0, "max_value": 1}),
            ("ExpectCompoundColumnsToBeUnique", {"column_list": ["topic", "period_start"]}),
            ("ExpectColumnValuesToBeBetween", {"column": "new_papers", "min_value": 0}),
        ]),
        CheckNames.TRENDS_BOUNDS: quality.CheckOutcome(bad.height == 0, {"violations": bad.height}),
    }
    return publish(context, warehouse.store(), TOPIC_TRENDS, df, keys=["topic", "period_start"],
                   checks=TRENDS_CHECKS, outcomes=outcomes, replace=True)


@dg.asset(**table_kwargs(BENCHMARK_RESULTS, deps=[PAPER_METRICS]),
          check_specs=check_specs(BENCHMARK_RESULTS, BENCHMARKS_CHECKS))
def benchmark_results(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                      great_expectations: GreatExpectationsResource):
    """Scores on named benchmarks with their rank within benchmark and metric."""
    store = warehouse.store()
    papers = store.read(PAPERS, PAPER_HEADER)
    df = gold.benchmark_results(store.read(PAPER_METRICS), papers)
    outcomes = {
        CheckNames.BENCHMARKS_SUITE: great_expectations.submit(df, "gold_benchmark_results", [
            ("ExpectColumnValuesToNotBeNull", {"column": "benchmark"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "value"}),
            ("ExpectColumnValuesToBeBetween", {"column": "rank", "min_value": 1}),
        ]),
        CheckNames.BENCHMARKS_REFERENTIAL: quality.referential(df, papers, "paper_id", PAPERS),
    }
    return publish(context, store, BENCHMARK_RESULTS, df, keys=["paper_id", "span_start"],
                   checks=BENCHMARKS_CHECKS, outcomes=outcomes, replace=True,
                   extra_metadata={"benchmarks": df["benchmark"].n_unique()})


@dg.asset(**table_kwargs(PAPER_CATALOG, deps=[PAPER_TOPICS, PAPER_METRICS]),
          check_specs=check_specs(PAPER_CATALOG, CATALOG_CHECKS))
def paper_catalog(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                  great_expectations: GreatExpectationsResource):
    """One BI-friendly row per paper: topics, headline metrics, links, first seen."""
    store = warehouse.store()
    papers = store.read(PAPERS, [c for c in catalog.PAPERS.schema if c != "abstract"])  # not the abstracts
    df = gold.paper_catalog(papers, store.read(PAPER_TOPICS), store.read(PAPER_METRICS))
    outcomes = {
        CheckNames.CATALOG_SUITE: great_expectations.submit(df, "gold_paper_catalog", [
            ("ExpectColumnValuesToBeUnique", {"column": "paper_id"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "title"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "primary_topic"}),
        ]),
        CheckNames.CATALOG_RECONCILE: quality.reconcile("rows == silver/papers rows", papers.height, df.height),
    }
    return publish(context, store, PAPER_CATALOG, df, keys=["paper_id"], checks=CATALOG_CHECKS, outcomes=outcomes,
                   replace=True)
