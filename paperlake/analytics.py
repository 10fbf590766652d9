"""Extra BI gold tables as pure Polars builders (Dagster-free).

Every table here is registered in :data:`paperlake.catalog.TABLES` (grain, key, column
meanings) by calling ``catalog._table`` from this module, so the Dagster catalog and
``docs/data-dictionary.md`` describe them like the foundation tables. Gold tables hold
plain types only: strings, integers, floats, booleans, dates and UTC timestamps (lists
are flattened to comma-joined strings). Key columns are never null (MERGE keys).
"""

from __future__ import annotations

import polars as pl

from paperlake import catalog
from paperlake.catalog import B, D, F, I, S
from paperlake.gold import LOWER_IS_BETTER, UNSPECIFIED, paper_tags
from paperlake.schemas import UTC_TS


# Claim types of gold/paper_claims, from silver/paper_metrics.kind.
CLAIM_KINDS = {"speedup": "speedup", "reduction": "reduction", "model_size": "model_size"}

# Model-size buckets: (label, lower bound inclusive, upper bound exclusive or None), in parameters.
SIZE_BUCKETS: list[tuple[str, float, float | None]] = [
    ("<100M", 0.0, 1e8),
    ("100M-1B", 1e8, 1e9),
    ("1B-3B", 1e9, 3e9),
    ("3B-10B", 3e9, 1e10),
    ("10B-30B", 1e10, 3e10),
    ("30B-100B", 3e10, 1e11),
    ("100B-300B", 1e11, 3e11),
    (">=300B", 3e11, None),
]

# ---------------------------------------------------------------------------------------------
# Data dictionary of the extra gold tables
# ---------------------------------------------------------------------------------------------

BENCHMARK_LEADERBOARD = catalog._table(
    "gold/benchmark_leaderboard",
    "one row per (benchmark, metric, unit): the leaderboard summary of gold/benchmark_results",
    ("benchmark", "metric", "unit"),
    {
        "benchmark": (S, "benchmark/dataset name"),
        "metric": (S, f"metric name; '{UNSPECIFIED}' when the abstract names none"),
        "unit": (S, "unit of the values (%, score, ...)"),
        "lower_is_better": (B, "true for error-like metrics (perplexity, WER, latency, ...)"),
        "results": (I, "reported scores (rows of gold/benchmark_results)"),
        "papers": (I, "distinct papers reporting a score"),
        "best_value": (F, "best reported value (max, or min when lower_is_better)"),
        "best_paper_id": (S, "paper holding the best value (ties: smallest paper_id)"),
        "best_title": (S, "title of that paper"),
        "best_mention": (S, "verbatim mention of the best value"),
        "median_value": (F, "median of the reported values"),
        "worst_value": (F, "worst reported value"),
        "first_reported": (UTC_TS, "first_seen of the earliest paper reporting a score (UTC)"),
        "last_reported": (UTC_TS, "first_seen of the latest paper reporting a score (UTC)"),
    },
)

PAPER_CLAIMS = catalog._table(
    "gold/paper_claims",
    "one row per speedup, reduction (compression, memory, cost) or model-size mention in an abstract",
    ("paper_id", "span_start"),
    {
        "paper_id": (S, "silver/papers.paper_id"),
        "span_start": (I, "offset of the mention in the abstract"),
        "claim_type": (S, "speedup, reduction or model_size"),
        "value": (F, "claimed value in unit (2.5 for '2.5x', 40 for '40%', 7e9 for '7B')"),
        "unit": (S, "x (times), % or params"),
        "value_log10": (F, "log10(value) when value > 0 (handy for size histograms)"),
        "size_bucket": (S, "model-size bucket (<100M ... >=300B) for model_size claims, else null"),
        "metric": (S, "what is sped up / reduced (latency, memory, compression ratio...) when stated"),
        "qualifier": (S, "up to, over, less than, about, average"),
        "mention": (S, "verbatim mention"),
        "primary_topic": (S, "the paper's highest-scoring topic"),
        "topics": (S, "the paper's topics, comma-separated, best first"),
        "title": (S, "paper title"),
        "first_seen": (UTC_TS, "when the paper was first seen (UTC)"),
    },
)

CLAIMS_BY_TOPIC = catalog._table(
    "gold/claims_by_topic",
    "one row per (topic, claim_type, unit); a paper counts under each of its topics",
    ("topic", "claim_type", "unit"),
    {
        "topic": (S, "topic id"),
        "claim_type": (S, "speedup, reduction or model_size"),
        "unit": (S, "x, % or params"),
        "claims": (I, "claims (rows of gold/paper_claims) of papers with this topic"),
        "papers": (I, "distinct papers with at least one such claim"),
        "min_value": (F, "smallest claimed value"),
        "median_value": (F, "median claimed value"),
        "p90_value": (F, "90th percentile of claimed values (nearest rank)"),
        "max_value": (F, "largest claimed value"),
    },
)

MODEL_SIZE_DISTRIBUTION = catalog._table(
    "gold/model_size_distribution",
    "one row per model-size bucket (all buckets always present, zero when empty)",
    ("size_bucket",),
    {
        "size_bucket": (S, "bucket label: <100M, 100M-1B, 1B-3B, 3B-10B, 10B-30B, 30B-100B, 100B-300B, >=300B"),
        "bucket_order": (I, "1-based sort order of the bucket (small to large)"),
        "min_params": (F, "lower bound in parameters (inclusive)"),
        "max_params": (F, "upper bound in parameters (exclusive); null for the last bucket"),
        "mentions": (I, "model-size mentions in the bucket"),
        "papers": (I, "distinct papers mentioning a size in the bucket"),
        "papers_by_largest": (I, "papers whose largest mentioned model is in the bucket (sums to papers with a size)"),
        "share_by_largest": (F, "papers_by_largest / papers mentioning any model size"),
    },
)

TOPIC_COOCCURRENCE = catalog._table(
    "gold/topic_cooccurrence",
    "one row per ordered pair of distinct topics tagged on a common paper; (a, b) and (b, a) are both present",
    ("topic_a", "topic_b"),
    {
        "topic_a": (S, "topic id"),
        "topic_b": (S, "another topic id"),
        "papers_both": (I, "papers tagged with both topics"),
        "papers_a": (I, "papers tagged with topic_a"),
        "papers_b": (I, "papers tagged with topic_b"),
        "jaccard": (F, "papers_both / papers with either topic"),
        "lift": (F, "papers_both * all papers / (papers_a * papers_b); > 1 means more often together than by chance"),
    },
)

DAILY_ARRIVALS = catalog._table(
    "gold/daily_arrivals",
    "one row per listing date (the page date of the dump, else the UTC ingest date)",
    ("listing_date",),
    {
        "listing_date": (D, "page date of the listings, or UTC ingest date when the dump shows none"),
        "date_source": (S, "page, ingest, or mixed (both kinds of listings on this date)"),
        "dumps": (I, "dumps with listings on this date"),
        "listings": (I, "bronze listings on this date (duplicates included)"),
        "papers": (I, "distinct papers listed on this date"),
        "new_papers": (I, "papers first seen on this date"),
        "relisted_papers": (I, "papers listed on this date that were first seen earlier"),
        "duplicate_listings": (I, "listings - papers: extra listings of a paper on the same date"),
    },
)

DUMP_QUALITY = catalog._table(
    "gold/dump_quality",
    "one row per ingested dump: parsing, deduplication and content quality, in ingest order (quality history)",
    ("dump_id",),
    {
        "dump_id": (S, "bronze/raw_dumps.dump_id"),
        "file_name": (S, "file name when first landed"),
        "format": (S, "detected format"),
        "listing_date": (D, "page date shown by the dump, if any"),
        "ingested_at": (UTC_TS, "when the dump was first ingested (UTC)"),
        "byte_size": (I, "size of the file in bytes"),
        "units_total": (I, "lines or records in the dump"),
        "unit_coverage": (F, "(listing + quarantine + furniture units) / units_total; 1.0 = every unit accounted for"),
        "listings": (I, "entries parsed into bronze/listings"),
        "quarantined": (I, "fragments sent to bronze/quarantine"),
        "quarantine_rate": (F, "quarantined / (listings + quarantined)"),
        "missing_abstracts": (I, "listings without an abstract"),
        "flagged_abstracts": (I, "listings whose abstract is flagged (junk, too short)"),
        "with_arxiv_id": (I, "listings carrying an arXiv id"),
        "new_papers": (I, "listings that introduced a new paper (match_rule = new)"),
        "duplicate_listings": (I, "listings resolved to an already-known paper (any other match rule)"),
        "dup_by_arxiv_id": (I, "duplicates matched on arXiv id"),
        "dup_by_title": (I, "duplicates matched on normalised title"),
        "dup_by_near_duplicate": (I, "duplicates matched as near-duplicates (MinHash + verification)"),
        "duplicate_rate": (F, "duplicate_listings / listings"),
        "parser_version": (S, "parser version that produced the bronze rows"),
    },
)
MERGE_DECISIONS = catalog._table(
    "gold/merge_decisions",
    "one row per listing that identity merged into an already-listed paper (audit of dedup decisions)",
    ("listing_id",),
    {
        "listing_id": (S, "the merged listing"),
        "paper_id": (S, "silver/papers.paper_id it was merged into"),
        "match_rule": (S, "arxiv_id, title or near_duplicate"),
        "similarity": (F, "verified similarity (1.0 for exact rules); audit the lowest first"),
        "listing_title": (S, "title as this listing shows it"),
        "matched_listing_id": (S, "listing it was matched to"),
        "matched_title": (S, "title as the matched listing shows it"),
        "paper_title": (S, "canonical title of the paper"),
        "file_name": (S, "dump of the merged listing"),
        "matched_file_name": (S, "dump of the matched listing"),
        "same_title": (B, "both listings show exactly the same title"),
    },
)

EXTRA_TABLES = [BENCHMARK_LEADERBOARD, PAPER_CLAIMS, CLAIMS_BY_TOPIC, MODEL_SIZE_DISTRIBUTION,
                TOPIC_COOCCURRENCE, DAILY_ARRIVALS, DUMP_QUALITY, MERGE_DECISIONS]


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------


def _lower_is_better(metric: pl.Expr) -> pl.Expr:
    return metric.fill_null("").str.to_lowercase().str.contains("|".join(LOWER_IS_BETTER))


def benchmark_leaderboard(results: pl.DataFrame) -> pl.DataFrame:
    """Summarise gold/benchmark_results per (benchmark, metric, unit)."""
    df = results.with_columns(
        pl.col("metric").fill_null(UNSPECIFIED).alias("metric"),
        pl.col("unit").fill_null(UNSPECIFIED).alias("unit"),
    ).with_columns(_lower_is_better(pl.col("metric")).alias("lower_is_better"))
    # Best first: ascending for lower-is-better metrics, descending otherwise; ties by paper_id.
    df = df.with_columns(
        pl.when(pl.col("lower_is_better")).then(pl.col("value")).otherwise(-pl.col("value")).alias("_order")
    ).sort("benchmark", "metric", "unit", "_order", "paper_id", "span_start")
    out = df.group_by("benchmark", "metric", "unit", maintain_order=True).agg(
        pl.col("lower_is_better").first(),
        pl.len().alias("results"),
        pl.col("paper_id").n_unique().alias("papers"),
        pl.col("value").first().alias("best_value"),
        pl.col("paper_id").first().alias("best_paper_id"),
        pl.col("title").first().alias("best_title"),
        pl.col("mention").first().alias("best_mention"),
        pl.col("value").median().alias("median_value"),
        pl.col("value").last().alias("worst_value"),
        pl.col("first_seen").min().alias("first_reported"),
        pl.col("first_seen").max().alias("last_reported"),
    )
    return BENCHMARK_LEADERBOARD.conform(out.sort("papers", "results", "benchmark", descending=[True, True, False]))


def size_bucket_expr(value: pl.Expr) -> pl.Expr:
    expr = pl.when(value.is_null()).then(pl.lit(None, pl.String))
    for label, lo, hi in SIZE_BUCKETS:
        cond = value >= lo if hi is None else (value >= lo) & (value < hi)
        expr = expr.when(cond).then(pl.lit(label))
    return expr.otherwise(pl.lit(None, pl.String))


def paper_claims(metrics: pl.DataFrame, papers: pl.DataFrame, topics: pl.DataFrame) -> pl.DataFrame:
    """Speedup, reduction and model-size mentions with their paper's topics."""
    claims = (
        metrics.filter(
            (pl.col("kind").is_in(["speedup", "reduction"]) & pl.col("unit").is_in(["x", "%"]))
            | ((pl.col("kind") == "model_size") & (pl.col("unit") == "params"))
        )
        .filter(pl.col("value").is_not_null())
        .with_columns(
            pl.col("kind").replace_strict(CLAIM_KINDS).alias("claim_type"),
            pl.when(pl.col("value") > 0).then(pl.col("value").log10()).otherwise(None).alias("value_log10"),
            pl.when(pl.col("kind") == "model_size").then(size_bucket_expr(pl.col("value"))).alias("size_bucket"),
        )
        .join(paper_tags(topics), on="paper_id", how="left")
        .join(papers.select("paper_id", "title", "first_seen"), on="paper_id", how="left")
        .sort("claim_type", "paper_id", "span_start")
    )
    return PAPER_CLAIMS.conform(claims)


def _nearest_rank(q: float) -> pl.Expr:
    """Nearest-rank percentile of `value` within a group (deterministic, no interpolation)."""
    v = pl.col("value").sort()
    idx = ((pl.len() * q).ceil().cast(pl.Int64) - 1).clip(lower_bound=0)
    return v.gather(idx).first()


def claims_by_topic(claims: pl.DataFrame, topics: pl.DataFrame) -> pl.DataFrame:
    """Distribution of claimed values per topic, claim type and unit."""
    out = (
        claims.select("paper_id", "span_start", "claim_type", "unit", "value")
        .join(topics.select("paper_id", "topic"), on="paper_id")
        .group_by("topic", "claim_type", "unit")
        .agg(
            pl.len().alias("claims"),
            pl.col("paper_id").n_unique().alias("papers"),
            pl.col("value").min().alias("min_value"),
            pl.col("value").median().alias("median_value"),
            _nearest_rank(0.9).alias("p90_value"),
            pl.col("value").max().alias("max_value"),
        )
        .sort("claim_type", "unit", "claims", "topic", descending=[False, False, True, False])
    )
    return CLAIMS_BY_TOPIC.conform(out)


def model_size_distribution(claims: pl.DataFrame) -> pl.DataFrame:
    """Model-size mentions and papers per size bucket; every bucket present."""
    sizes = claims.filter(pl.col("claim_type") == "model_size").select("paper_id", "value", "size_bucket")
    largest = sizes.group_by("paper_id").agg(pl.col("value").max()).with_columns(
        size_bucket_expr(pl.col("value")).alias("size_bucket")
    )
    buckets = pl.DataFrame(
        {
            "size_bucket": [b[0] for b in SIZE_BUCKETS],
            "bucket_order": list(range(1, len(SIZE_BUCKETS) + 1)),
            "min_params": [b[1] for b in SIZE_BUCKETS],
            "max_params": [b[2] for b in SIZE_BUCKETS],
        },
        schema={"size_bucket": S, "bucket_order": I, "min_params": F, "max_params": F},
    )
    per = sizes.group_by("size_bucket").agg(pl.len().alias("mentions"), pl.col("paper_id").n_unique().alias("papers"))
    by_largest = largest.group_by("size_bucket").agg(pl.len().alias("papers_by_largest"))
    total = max(largest.height, 1)
    out = (
        buckets.join(per, on="size_bucket", how="left")
        .join(by_largest, on="size_bucket", how="left")
        .with_columns(pl.col("mentions", "papers", "papers_by_largest").fill_null(0).cast(I))
        .with_columns((pl.col("papers_by_largest") / total).alias("share_by_largest"))
        .sort("bucket_order")
    )
    return MODEL_SIZE_DISTRIBUTION.conform(out)


def topic_cooccurrence(topics: pl.DataFrame) -> pl.DataFrame:
    """Ordered pairs of distinct topics sharing papers, with Jaccard and lift."""
    # Each paper's topic set as a bit mask, counted per distinct set (~2k at 1M papers): pairs are
    # counted from those counts instead of a self-join of every paper's tags.
    names = topics.select(pl.col("topic").unique().sort())["topic"]
    if names.len() > 63:
        raise ValueError(f"topic_cooccurrence supports up to 63 topics, got {names.len()}")
    bits = [1 << i for i in range(names.len())]
    sets = (
        topics.select("paper_id", pl.col("topic").replace_strict(names, bits, return_dtype=I).alias("bit")).unique()
        .group_by("paper_id").agg(pl.col("bit").sum().alias("mask"))
        .group_by("mask").agg(pl.len().alias("n"))
    )
    n_papers = sets["n"].sum()
    ids = pl.DataFrame({"topic": names, "bit": bits}, schema={"topic": S, "bit": I})
    members = ids.join(sets, how="cross").filter((pl.col("mask") & pl.col("bit")) != 0).select("topic", "mask", "n")
    counts = members.group_by("topic").agg(pl.col("n").sum().alias("papers"))
    pairs = (
        members.rename({"topic": "topic_a"}).join(members.select("mask", pl.col("topic").alias("topic_b")), on="mask")
        .filter(pl.col("topic_a") != pl.col("topic_b"))
        .group_by("topic_a", "topic_b").agg(pl.col("n").sum().alias("papers_both"))
        .join(counts.rename({"topic": "topic_a", "papers": "papers_a"}), on="topic_a")
        .join(counts.rename({"topic": "topic_b", "papers": "papers_b"}), on="topic_b")
        .with_columns(
            (pl.col("papers_both") / (pl.col("papers_a") + pl.col("papers_b") - pl.col("papers_both"))).alias("jaccard"),
            (pl.col("papers_both") * n_papers / (pl.col("papers_a") * pl.col("papers_b"))).alias("lift"),
        )
        .sort("topic_a", "topic_b")
    )
    return TOPIC_COOCCURRENCE.conform(pairs)


def _arrival_dates(listings: pl.DataFrame) -> pl.DataFrame:
    return listings.select(
        "listing_id",
        "dump_id",
        pl.coalesce(pl.col("listing_date"), pl.col("ingested_at").dt.convert_time_zone("UTC").dt.date()).alias(
            "arrival_date"
        ),
        pl.col("listing_date").is_not_null().alias("_page"),
    )


def daily_arrivals(listings: pl.DataFrame, paper_listings: pl.DataFrame) -> pl.DataFrame:
    """Listings, papers and first-seen papers per listing date."""
    dated = _arrival_dates(listings).join(paper_listings.select("listing_id", "paper_id"), on="listing_id")
    out = (
        dated.with_columns(pl.col("arrival_date").min().over("paper_id").alias("first_date"))
        .group_by("arrival_date")
        .agg(
            pl.when(pl.col("_page").all())
            .then(pl.lit("page"))
            .when(pl.col("_page").any())
            .then(pl.lit("mixed"))
            .otherwise(pl.lit("ingest"))
            .first()
            .alias("date_source"),
            pl.col("dump_id").n_unique().alias("dumps"),
            pl.len().alias("listings"),
            pl.col("paper_id").n_unique().alias("papers"),
            pl.col("paper_id").filter(pl.col("first_date") == pl.col("arrival_date")).n_unique().alias("new_papers"),
        )
        .with_columns(
            (pl.col("papers") - pl.col("new_papers")).alias("relisted_papers"),
            (pl.col("listings") - pl.col("papers")).alias("duplicate_listings"),
        )
        .rename({"arrival_date": "listing_date"})
        .sort("listing_date")
    )
    return DAILY_ARRIVALS.conform(out)


def dump_quality(raw_dumps: pl.DataFrame, paper_listings: pl.DataFrame) -> pl.DataFrame:
    """Per-dump parsing, dedup and content quality (one row per dump, ingest order). Content
    counts come from bronze/raw_dumps (counted at ingest), match rules from silver/paper_listings."""
    rule = pl.col("match_rule")
    per_listing = (
        paper_listings.group_by("dump_id")
        .agg(
            (rule == "new").sum().alias("new_papers"),
            (rule.is_not_null() & (rule != "new")).sum().alias("duplicate_listings"),
            (rule == "arxiv_id").sum().alias("dup_by_arxiv_id"),
            (rule == "title").sum().alias("dup_by_title"),
            (rule == "near_duplicate").sum().alias("dup_by_near_duplicate"),
        )
    )
    accounted = pl.col("units_listing") + pl.col("units_quarantine") + pl.col("units_furniture")
    out = (
        raw_dumps.rename({"n_missing_abstracts": "missing_abstracts", "n_flagged_abstracts": "flagged_abstracts",
                          "n_with_arxiv_id": "with_arxiv_id"})
        .join(per_listing, on="dump_id", how="left")
        .with_columns(
            pl.col("n_listings").alias("listings"),
            pl.col("n_quarantined").alias("quarantined"),
            pl.col("missing_abstracts", "flagged_abstracts", "with_arxiv_id", "new_papers", "duplicate_listings",
                   "dup_by_arxiv_id", "dup_by_title", "dup_by_near_duplicate").fill_null(0).cast(I),
        )
        .with_columns(
            pl.when(pl.col("units_total") > 0).then(accounted / pl.col("units_total")).otherwise(None).alias("unit_coverage"),
            pl.when((pl.col("listings") + pl.col("quarantined")) > 0)
            .then(pl.col("quarantined") / (pl.col("listings") + pl.col("quarantined")))
            .otherwise(0.0)
            .alias("quarantine_rate"),
            pl.when(pl.col("listings") > 0)
            .then(pl.col("duplicate_listings") / pl.col("listings"))
            .otherwise(0.0)
            .alias("duplicate_rate"),
        )
        .sort("ingested_at", "file_name")
    )
    return DUMP_QUALITY.conform(out)


# ---------------------------------------------------------------------------------------------
# Checks shared by the assets and tests (plain Polars)
# ---------------------------------------------------------------------------------------------


def plain_types_violations(df: pl.DataFrame) -> list[str]:
    """Columns whose type is not BI-plain (lists, structs, non-UTC timestamps, ...)."""
    bad = []
    for name, dtype in df.schema.items():
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone != "UTC":
                bad.append(f"{name}: {dtype}")
        elif dtype not in (pl.String, pl.Int64, pl.Float64, pl.Boolean, pl.Date):
            bad.append(f"{name}: {dtype}")
    return bad


def merge_decisions(paper_listings: pl.DataFrame, listings: pl.DataFrame, papers: pl.DataFrame) -> pl.DataFrame:
    """Every merge identity made, beside the two titles it compared; weakest evidence first."""
    titles = listings.select("listing_id", "title", "file_name")
    out = (
        paper_listings.filter(pl.col("match_rule") != "new")
        .select("listing_id", "paper_id", "match_rule", "similarity", "matched_listing_id")
        .join(titles.rename({"title": "listing_title"}), on="listing_id", how="left")
        .join(titles.rename({"listing_id": "matched_listing_id", "title": "matched_title",
                             "file_name": "matched_file_name"}), on="matched_listing_id", how="left")
        .join(papers.select("paper_id", pl.col("title").alias("paper_title")), on="paper_id", how="left")
        .with_columns((pl.col("listing_title") == pl.col("matched_title")).fill_null(False).alias("same_title"))
        .sort("similarity", "match_rule", "listing_id")
    )
    return MERGE_DECISIONS.conform(out)
