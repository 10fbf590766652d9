"""Gold (BI extras): leaderboards, claims by topic, model sizes, co-occurrence, arrivals, dump quality.

Each table is built by a pure function in :mod:`paperlake.analytics` and published by the gold
asset (:mod:`assets.gold`). Its grain and column meanings live in the data dictionary
(registered by :mod:`paperlake.analytics`).
"""


import polars as pl

from assets._gold_table import GoldTable, key_expectations, no_rows_where, referential_papers, sum_matches
from assets._publish import Check
from assets.silver import LISTING_HEADER, PAPER_HEADER, PAPER_LISTINGS, PAPER_METRICS, PAPER_TOPICS, PAPERS
from paperlake import analytics, catalog, quality
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

RAW_DUMPS, LISTINGS, BENCHMARK_RESULTS = catalog.RAW_DUMPS.name, catalog.LISTINGS.name, catalog.BENCHMARK_RESULTS.name


ANALYTICS_TABLES: list[GoldTable] = [
    GoldTable(
        BENCHMARK_LEADERBOARD, [BENCHMARK_RESULTS],
        lambda s: analytics.benchmark_leaderboard(s.read(BENCHMARK_RESULTS)),
        [*key_expectations(BENCHMARK_LEADERBOARD),
         ("ExpectColumnValuesToNotBeNull", {"column": "best_value"}),
         ("ExpectColumnValuesToBeBetween", {"column": "papers", "min_value": 1})],
        "(benchmark, metric, unit) unique and non-null, best_value non-null, papers >= 1.",
        [(Check("leaderboard_accounts_for_every_result", "Sum of results equals gold/benchmark_results rows."),
          sum_matches("sum(results) == gold/benchmark_results rows", "results", lambda s: s.count(BENCHMARK_RESULTS))),
         (Check("leaderboard_best_within_range", "best_value and median_value lie between the extremes."),
          no_rows_where("best/median within [min, max]",
                         (pl.col("median_value") > pl.max_horizontal("best_value", "worst_value"))
                         | (pl.col("median_value") < pl.min_horizontal("best_value", "worst_value"))))],
    ),
    GoldTable(
        PAPER_CLAIMS, [PAPER_METRICS, PAPERS, PAPER_TOPICS],
        lambda s: analytics.paper_claims(s.read(PAPER_METRICS), s.read(PAPERS, PAPER_HEADER), s.read(PAPER_TOPICS)),
        [*key_expectations(PAPER_CLAIMS),
         ("ExpectColumnValuesToBeInSet", {"column": "claim_type", "value_set": ["speedup", "reduction", "model_size"]}),
         ("ExpectColumnValuesToBeInSet", {"column": "unit", "value_set": ["x", "%", "params"]}),
         ("ExpectColumnValuesToNotBeNull", {"column": "value"})],
        "(paper_id, span_start) unique, claim_type and unit from the spec, value non-null.",
        [(Check("claim_paper_ids_exist_in_papers", "Every paper_id exists in silver/papers."), referential_papers),
         (Check("model_size_claims_are_bucketed", "Every model_size claim has a size bucket."),
          no_rows_where("model_size rows have size_bucket",
                         (pl.col("claim_type") == "model_size") & pl.col("size_bucket").is_null()))],
    ),
    GoldTable(
        CLAIMS_BY_TOPIC, [PAPER_CLAIMS.name, PAPER_TOPICS],
        lambda s: analytics.claims_by_topic(s.read(PAPER_CLAIMS.name), s.read(PAPER_TOPICS)),
        [*key_expectations(CLAIMS_BY_TOPIC),
         ("ExpectColumnValuesToBeBetween", {"column": "claims", "min_value": 1}),
         ("ExpectColumnValuesToNotBeNull", {"column": "median_value"})],
        "(topic, claim_type, unit) unique and non-null, claims >= 1, median non-null.",
        [(Check("claims_by_topic_order_statistics", "min <= median <= p90 <= max and papers <= claims."),
          no_rows_where("order statistics are monotone",
                         (pl.col("min_value") > pl.col("median_value")) | (pl.col("median_value") > pl.col("max_value"))
                         | (pl.col("p90_value") > pl.col("max_value")) | (pl.col("papers") > pl.col("claims"))))],
    ),
    GoldTable(
        MODEL_SIZE_DISTRIBUTION, [PAPER_CLAIMS.name],
        lambda s: analytics.model_size_distribution(s.read(PAPER_CLAIMS.name)),
        [*key_expectations(MODEL_SIZE_DISTRIBUTION),
         ("ExpectColumnValuesToBeBetween", {"column": "share_by_largest", "min_value": 0, "max_value": 1}),
         ("ExpectTableRowCountToEqual", {"value": len(analytics.SIZE_BUCKETS)})],
        f"size_bucket unique, share in [0, 1], exactly {len(analytics.SIZE_BUCKETS)} buckets.",
        [(Check("model_size_mentions_reconcile", "Sum of mentions equals model_size rows of gold/paper_claims."),
          sum_matches("sum(mentions) == model_size claims", "mentions",
                       lambda s: s.read(PAPER_CLAIMS.name, ["claim_type"]).filter(
                           pl.col("claim_type") == "model_size").height))],
    ),
    GoldTable(
        TOPIC_COOCCURRENCE, [PAPER_TOPICS],
        lambda s: analytics.topic_cooccurrence(s.read(PAPER_TOPICS)),
        [*key_expectations(TOPIC_COOCCURRENCE),
         ("ExpectColumnValuesToBeBetween", {"column": "jaccard", "min_value": 0, "max_value": 1}),
         ("ExpectColumnValuesToBeBetween", {"column": "papers_both", "min_value": 1})],
        "(topic_a, topic_b) unique and non-null, jaccard in [0, 1], papers_both >= 1.",
        [(Check("cooccurrence_is_symmetric", "Every (a, b) row has a (b, a) row with the same papers_both."),
          lambda df, store: quality.CheckOutcome(
              (n := df.join(df.select(pl.col("topic_b").alias("topic_a"), pl.col("topic_a").alias("topic_b"),
                                      "papers_both"), on=["topic_a", "topic_b", "papers_both"], how="anti").height) == 0,
              {"asymmetric_rows": n})),
         (Check("cooccurrence_within_topic_counts", "papers_both <= min(papers_a, papers_b)."),
          no_rows_where("papers_both bounded",
                         pl.col("papers_both") > pl.min_horizontal("papers_a", "papers_b")))],
    ),
    GoldTable(
        DAILY_ARRIVALS, [LISTINGS, PAPER_LISTINGS],
        lambda s: analytics.daily_arrivals(s.read(LISTINGS, LISTING_HEADER), s.read(PAPER_LISTINGS)),
        [*key_expectations(DAILY_ARRIVALS),
         ("ExpectColumnValuesToBeInSet", {"column": "date_source", "value_set": ["page", "ingest", "mixed"]}),
         ("ExpectColumnValuesToBeBetween", {"column": "new_papers", "min_value": 0})],
        "listing_date unique and non-null, date_source in {page, ingest, mixed}, counts non-negative.",
        [(Check("arrivals_account_for_every_listing", "Sum of listings equals bronze/listings rows."),
          sum_matches("sum(listings) == bronze/listings rows", "listings", lambda s: s.count(LISTINGS))),
         (Check("arrivals_new_papers_reconcile", "Sum of new_papers equals silver/papers rows."),
          sum_matches("sum(new_papers) == silver/papers rows", "new_papers", lambda s: s.count(PAPERS)))],
    ),
    GoldTable(
        DUMP_QUALITY, [RAW_DUMPS, PAPER_LISTINGS],
        lambda s: analytics.dump_quality(s.read(RAW_DUMPS), s.read(PAPER_LISTINGS, ["dump_id", "match_rule"])),
        [*key_expectations(DUMP_QUALITY),
         ("ExpectColumnValuesToBeBetween", {"column": "quarantine_rate", "min_value": 0, "max_value": 1}),
         ("ExpectColumnValuesToBeBetween", {"column": "duplicate_rate", "min_value": 0, "max_value": 1})],
        "dump_id unique and non-null, quarantine and duplicate rates in [0, 1].",
        [(Check("dump_quality_one_row_per_dump", "Exactly one row per bronze/raw_dumps row."),
          lambda df, store: quality.reconcile("rows == bronze/raw_dumps rows", store.count(RAW_DUMPS), df.height)),
         (Check("dump_new_papers_reconcile", "Sum of new_papers equals silver/papers rows."),
          sum_matches("sum(new_papers) == silver/papers rows", "new_papers", lambda s: s.count(PAPERS))),
         (Check("dump_units_accounted_for", "Every dump accounts for all its lines/records (unit_coverage == 1).",
                blocking=False),
          no_rows_where("unit_coverage == 1", pl.col("unit_coverage").is_not_null() & (pl.col("unit_coverage") != 1.0)))],
    ),
    GoldTable(
        MERGE_DECISIONS, [PAPER_LISTINGS, LISTINGS, PAPERS],
        lambda s: analytics.merge_decisions(s.read(PAPER_LISTINGS), s.read(LISTINGS, LISTING_HEADER),
                                            s.read(PAPERS, PAPER_HEADER)),
        [*key_expectations(MERGE_DECISIONS),
         ("ExpectColumnValuesToBeInSet", {"column": "match_rule", "value_set": ["arxiv_id", "title", "near_duplicate"]}),
         ("ExpectColumnValuesToBeBetween", {"column": "similarity", "min_value": 0, "max_value": 1})],
        "listing_id unique and non-null, merge rules only, similarity in [0, 1].",
        [(Check("merges_reconcile_with_paper_listings", "One row per non-new row of silver/paper_listings."),
          lambda df, store: quality.reconcile(
              "rows == merged listings", store.read(PAPER_LISTINGS, ["match_rule"]).filter(
                  pl.col("match_rule") != "new").height, df.height))],
    ),
]
