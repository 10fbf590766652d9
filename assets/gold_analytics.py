"""Gold (BI extras): leaderboards, claims by topic, model sizes, co-occurrence, arrivals, dump quality.

Each table is built by a pure function in :mod:`paperlake.analytics` and published through the
shared write-audit-publish helper (GX suite + Polars checks, MERGE into Delta). Its grain and
column meanings live in the data dictionary (registered by :mod:`paperlake.analytics`).
"""


from collections.abc import Callable, Sequence
from dataclasses import dataclass

import dagster as dg
import polars as pl

from assets._publish import Check, check_specs, publish, table_kwargs
from assets.gold import BENCHMARK_RESULTS
from assets.silver import LISTING_HEADER, PAPER_HEADER, PAPER_LISTINGS, PAPER_METRICS, PAPER_TOPICS, PAPERS
from paperlake import analytics, catalog, gx, quality
from paperlake.analytics import (
    BENCHMARK_LEADERBOARD,
    CLAIMS_BY_TOPIC,
    DAILY_ARRIVALS,
    DUMP_QUALITY,
    MERGE_DECISIONS,
    MODEL_SIZE_DISTRIBUTION,
    PAPER_CLAIMS,
    TOPIC_COOCCURRENCE,
)
from paperlake.delta import DeltaStore
from paperlake.serving import compact_if_fragmented
from pipelines.resources import GreatExpectationsResource, WarehouseResource

RAW_DUMPS, LISTINGS = catalog.RAW_DUMPS.name, catalog.LISTINGS.name


@dataclass(frozen=True)
class GoldTable:
    """One extra gold table: its data-dictionary entry, upstream tables, GX expectations, Polars checks."""

    table: "catalog.Table"
    deps: Sequence[str]
    expectations: Sequence[gx.Expectation]
    expectations_text: str
    polars_checks: Sequence[tuple[Check, Callable[[pl.DataFrame, DeltaStore], quality.CheckOutcome]]] = ()

    @property
    def short(self) -> str:
        return self.table.name.split("/")[1]

    def checks(self) -> list[Check]:
        return [
            Check(f"{self.short}_gx_suite", f"GX: {self.expectations_text}"),
            Check(f"{self.short}_plain_bi_types",
                  "Only plain BI types (string, int64, float64, bool, date, UTC timestamp); no list/struct columns."),
            *[c for c, _ in self.polars_checks],
        ]


def _key_expectations(t: catalog.Table) -> list[gx.Expectation]:
    exps: list[gx.Expectation] = [("ExpectColumnValuesToNotBeNull", {"column": k}) for k in t.keys]
    if len(t.keys) == 1:
        exps.append(("ExpectColumnValuesToBeUnique", {"column": t.keys[0]}))
    else:
        exps.append(("ExpectCompoundColumnsToBeUnique", {"column_list": list(t.keys)}))
    return exps


def _plain_types(df: pl.DataFrame) -> quality.CheckOutcome:
    bad = analytics.plain_types_violations(df)
    return quality.CheckOutcome(not bad, {"columns": df.width, "non_plain_columns": ", ".join(bad) or "none"})


def _sum_matches(label: str, column: str, expected: Callable[[DeltaStore], int]):
    def run(df: pl.DataFrame, store: DeltaStore) -> quality.CheckOutcome:
        return quality.reconcile(label, expected(store), int(df[column].sum() or 0))
    return run


def _no_rows_where(label: str, predicate: pl.Expr):
    def run(df: pl.DataFrame, store: DeltaStore) -> quality.CheckOutcome:
        bad = df.filter(predicate)
        return quality.CheckOutcome(bad.height == 0, {"violations": bad.height,
                                                      "examples": str(bad.head(3).to_dicts())}, label)
    return run


def _referential_papers(df: pl.DataFrame, store: DeltaStore) -> quality.CheckOutcome:
    return quality.referential(df, store.read(PAPERS, ["paper_id"]), "paper_id", PAPERS)


GOLD_TABLES: list[GoldTable] = [
    GoldTable(
        BENCHMARK_LEADERBOARD, [BENCHMARK_RESULTS],
        [*_key_expectations(BENCHMARK_LEADERBOARD),
         ("ExpectColumnValuesToNotBeNull", {"column": "best_value"}),
         ("ExpectColumnValuesToBeBetween", {"column": "papers", "min_value": 1})],
        "(benchmark, metric, unit) unique and non-null, best_value non-null, papers >= 1.",
        [(Check("leaderboard_accounts_for_every_result", "Sum of results equals gold/benchmark_results rows."),
          _sum_matches("sum(results) == gold/benchmark_results rows", "results", lambda s: s.count(BENCHMARK_RESULTS))),
         (Check("leaderboard_best_within_range", "best_value and median_value lie between the extremes."),
          _no_rows_where("best/median within [min, max]",
                         (pl.col("median_value") > pl.max_horizontal("best_value", "worst_value"))
                         | (pl.col("median_value") < pl.min_horizontal("best_value", "worst_value"))))],
    ),
    GoldTable(
        PAPER_CLAIMS, [PAPER_METRICS, PAPERS, PAPER_TOPICS],
        [*_key_expectations(PAPER_CLAIMS),
         ("ExpectColumnValuesToBeInSet", {"column": "claim_type", "value_set": ["speedup", "reduction", "model_size"]}),
         ("ExpectColumnValuesToBeInSet", {"column": "unit", "value_set": ["x", "%", "params"]}),
         ("ExpectColumnValuesToNotBeNull", {"column": "value"})],
        "(paper_id, span_start) unique, claim_type and unit from the spec, value non-null.",
        [(Check("claim_paper_ids_exist_in_papers", "Every paper_id exists in silver/papers."), _referential_papers),
         (Check("model_size_claims_are_bucketed", "Every model_size claim has a size bucket."),
          _no_rows_where("model_size rows have size_bucket",
                         (pl.col("claim_type") == "model_size") & pl.col("size_bucket").is_null()))],
    ),
    GoldTable(
        CLAIMS_BY_TOPIC, [PAPER_CLAIMS.name, PAPER_TOPICS],
        [*_key_expectations(CLAIMS_BY_TOPIC),
         ("ExpectColumnValuesToBeBetween", {"column": "claims", "min_value": 1}),
         ("ExpectColumnValuesToNotBeNull", {"column": "median_value"})],
        "(topic, claim_type, unit) unique and non-null, claims >= 1, median non-null.",
        [(Check("claims_by_topic_order_statistics", "min <= median <= p90 <= max and papers <= claims."),
          _no_rows_where("order statistics are monotone",
                         (pl.col("min_value") > pl.col("median_value")) | (pl.col("median_value") > pl.col("max_value"))
                         | (pl.col("p90_value") > pl.col("max_value")) | (pl.col("papers") > pl.col("claims"))))],
    ),
    GoldTable(
        MODEL_SIZE_DISTRIBUTION, [PAPER_CLAIMS.name],
        [*_key_expectations(MODEL_SIZE_DISTRIBUTION),
         ("ExpectColumnValuesToBeBetween", {"column": "share_by_largest", "min_value": 0, "max_value": 1}),
         ("ExpectTableRowCountToEqual", {"value": len(analytics.SIZE_BUCKETS)})],
        f"size_bucket unique, share in [0, 1], exactly {len(analytics.SIZE_BUCKETS)} buckets.",
        [(Check("model_size_mentions_reconcile", "Sum of mentions equals model_size rows of gold/paper_claims."),
          _sum_matches("sum(mentions) == model_size claims", "mentions",
                       lambda s: s.read(PAPER_CLAIMS.name, ["claim_type"]).filter(
                           pl.col("claim_type") == "model_size").height))],
    ),
    GoldTable(
        TOPIC_COOCCURRENCE, [PAPER_TOPICS],
        [*_key_expectations(TOPIC_COOCCURRENCE),
         ("ExpectColumnValuesToBeBetween", {"column": "jaccard", "min_value": 0, "max_value": 1}),
         ("ExpectColumnValuesToBeBetween", {"column": "papers_both", "min_value": 1})],
        "(topic_a, topic_b) unique and non-null, jaccard in [0, 1], papers_both >= 1.",
        [(Check("cooccurrence_is_symmetric", "Every (a, b) row has a (b, a) row with the same papers_both."),
          lambda df, store: quality.CheckOutcome(
              (n := df.join(df.select(pl.col("topic_b").alias("topic_a"), pl.col("topic_a").alias("topic_b"),
                                      "papers_both"), on=["topic_a", "topic_b", "papers_both"], how="anti").height) == 0,
              {"asymmetric_rows": n})),
         (Check("cooccurrence_within_topic_counts", "papers_both <= min(papers_a, papers_b)."),
          _no_rows_where("papers_both bounded",
                         pl.col("papers_both") > pl.min_horizontal("papers_a", "papers_b")))],
    ),
    GoldTable(
        DAILY_ARRIVALS, [LISTINGS, PAPER_LISTINGS],
        [*_key_expectations(DAILY_ARRIVALS),
         ("ExpectColumnValuesToBeInSet", {"column": "date_source", "value_set": ["page", "ingest", "mixed"]}),
         ("ExpectColumnValuesToBeBetween", {"column": "new_papers", "min_value": 0})],
        "listing_date unique and non-null, date_source in {page, ingest, mixed}, counts non-negative.",
        [(Check("arrivals_account_for_every_listing", "Sum of listings equals bronze/listings rows."),
          _sum_matches("sum(listings) == bronze/listings rows", "listings", lambda s: s.count(LISTINGS))),
         (Check("arrivals_new_papers_reconcile", "Sum of new_papers equals silver/papers rows."),
          _sum_matches("sum(new_papers) == silver/papers rows", "new_papers", lambda s: s.count(PAPERS)))],
    ),
    GoldTable(
        DUMP_QUALITY, [RAW_DUMPS, PAPER_LISTINGS],
        [*_key_expectations(DUMP_QUALITY),
         ("ExpectColumnValuesToBeBetween", {"column": "quarantine_rate", "min_value": 0, "max_value": 1}),
         ("ExpectColumnValuesToBeBetween", {"column": "duplicate_rate", "min_value": 0, "max_value": 1})],
        "dump_id unique and non-null, quarantine and duplicate rates in [0, 1].",
        [(Check("dump_quality_one_row_per_dump", "Exactly one row per bronze/raw_dumps row."),
          lambda df, store: quality.reconcile("rows == bronze/raw_dumps rows", store.count(RAW_DUMPS), df.height)),
         (Check("dump_new_papers_reconcile", "Sum of new_papers equals silver/papers rows."),
          _sum_matches("sum(new_papers) == silver/papers rows", "new_papers", lambda s: s.count(PAPERS))),
         (Check("dump_units_accounted_for", "Every dump accounts for all its lines/records (unit_coverage == 1).",
                blocking=False),
          _no_rows_where("unit_coverage == 1", pl.col("unit_coverage").is_not_null() & (pl.col("unit_coverage") != 1.0)))],
    ),
    GoldTable(
        MERGE_DECISIONS, [PAPER_LISTINGS, LISTINGS, PAPERS],
        [*_key_expectations(MERGE_DECISIONS),
         ("ExpectColumnValuesToBeInSet", {"column": "match_rule", "value_set": ["arxiv_id", "title", "near_duplicate"]}),
         ("ExpectColumnValuesToBeBetween", {"column": "similarity", "min_value": 0, "max_value": 1})],
        "listing_id unique and non-null, merge rules only, similarity in [0, 1].",
        [(Check("merges_reconcile_with_paper_listings", "One row per non-new row of silver/paper_listings."),
          lambda df, store: quality.reconcile(
              "rows == merged listings", store.read(PAPER_LISTINGS, ["match_rule"]).filter(
                  pl.col("match_rule") != "new").height, df.height))],
    ),
]


def build(table: str, store: DeltaStore) -> pl.DataFrame:
    """Compute one extra gold table from the published upstream tables."""
    if table == BENCHMARK_LEADERBOARD.name:
        return analytics.benchmark_leaderboard(store.read(BENCHMARK_RESULTS))
    if table == PAPER_CLAIMS.name:
        return analytics.paper_claims(store.read(PAPER_METRICS), store.read(PAPERS, PAPER_HEADER), store.read(PAPER_TOPICS))
    if table == CLAIMS_BY_TOPIC.name:
        return analytics.claims_by_topic(store.read(PAPER_CLAIMS.name), store.read(PAPER_TOPICS))
    if table == MODEL_SIZE_DISTRIBUTION.name:
        return analytics.model_size_distribution(store.read(PAPER_CLAIMS.name))
    if table == TOPIC_COOCCURRENCE.name:
        return analytics.topic_cooccurrence(store.read(PAPER_TOPICS))
    if table == DAILY_ARRIVALS.name:
        return analytics.daily_arrivals(store.read(LISTINGS, LISTING_HEADER), store.read(PAPER_LISTINGS))
    if table == DUMP_QUALITY.name:
        return analytics.dump_quality(store.read(RAW_DUMPS), store.read(PAPER_LISTINGS, ["dump_id", "match_rule"]))
    if table == MERGE_DECISIONS.name:
        return analytics.merge_decisions(store.read(PAPER_LISTINGS), store.read(LISTINGS, LISTING_HEADER),
                                         store.read(PAPERS, PAPER_HEADER))
    raise KeyError(table)


def _make_asset(spec: GoldTable) -> dg.AssetsDefinition:
    checks = spec.checks()

    @dg.asset(**table_kwargs(spec.table.name, deps=spec.deps),
              check_specs=check_specs(spec.table.name, checks))
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
               great_expectations: GreatExpectationsResource) -> dg.MaterializeResult:
        store = warehouse.store()
        df = build(spec.table.name, store)
        outcomes = {
            checks[0].name: great_expectations.submit(df, spec.table.name.replace("/", "_"), list(spec.expectations)),
            checks[1].name: _plain_types(df),
            **{c.name: fn(df, store) for c, fn in spec.polars_checks},
        }
        result = publish(context, store, spec.table.name, df, keys=list(spec.table.keys), checks=checks,
                         outcomes=outcomes, replace=True)
        if result.metadata.get("published"):
            compacted = compact_if_fragmented(store, spec.table.name)
            if compacted is not None:
                result = result._replace(metadata={**result.metadata, "delta_version": compacted,
                                                   "compacted": True})
        return result

    return _asset


benchmark_leaderboard, paper_claims, claims_by_topic, model_size_distribution, topic_cooccurrence, \
    daily_arrivals, dump_quality, merge_decisions = (_make_asset(s) for s in GOLD_TABLES)

