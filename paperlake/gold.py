"""Gold tables as pure Polars transformations of silver (Dagster-free)."""

from __future__ import annotations

import polars as pl

from paperlake import catalog

# Metrics where a lower value is better (rank ascending).
LOWER_IS_BETTER = ("perplexity", "wer", "cer", "error", "latency", "loss", "fid", "ter")


def topic_trends(paper_listings: pl.DataFrame, listings: pl.DataFrame, papers: pl.DataFrame,
                 topics: pl.DataFrame) -> pl.DataFrame:
    """Topic x listing month: papers listed, papers first seen, share of the month's papers."""
    seen = (
        paper_listings.select("listing_id", "paper_id")
        .join(listings.select("listing_id", "first_seen"), on="listing_id")
        .with_columns(pl.col("first_seen").dt.date().dt.truncate("1mo").alias("period_start"))
        .select("paper_id", "period_start")
        .unique()
    )
    first = papers.select("paper_id", pl.col("first_seen").dt.date().dt.truncate("1mo").alias("first_period"))
    # `seen` has one row per (paper, month) and silver/paper_topics one per (paper, topic) (their
    # keys), so papers are counted by rows, not by n_unique on the ids.
    per_period = seen.group_by("period_start").agg(pl.len().alias("period_papers"))
    out = (
        seen.join(first, on="paper_id", how="left")
        .join(topics.select("paper_id", "topic"), on="paper_id")
        .group_by("topic", "period_start")
        .agg(pl.len().alias("papers"), (pl.col("first_period") == pl.col("period_start")).sum().alias("new_papers"))
        .join(per_period, on="period_start")
        .with_columns((pl.col("papers") / pl.col("period_papers")).alias("share"))
        .sort("period_start", "topic")
    )
    return catalog.TOPIC_TRENDS.conform(out)


UNSPECIFIED = "unspecified"  # metric placeholder when a benchmark score names no metric (keys are never null)


def benchmark_results(metrics: pl.DataFrame, papers: pl.DataFrame) -> pl.DataFrame:
    """Absolute scores on named benchmarks, ranked within (benchmark, metric, unit)."""
    lower = pl.col("metric").fill_null("").str.to_lowercase().str.contains("|".join(LOWER_IS_BETTER))
    scores = (
        metrics.filter((pl.col("kind") == "score") & pl.col("benchmark").is_not_null())
        .join(papers.select("paper_id", "title", "first_seen"), on="paper_id", how="left")
        .with_columns(
            pl.when(lower).then(pl.col("value")).otherwise(-pl.col("value")).alias("_order"),
            # as in benchmark_leaderboard, so the two join on (benchmark, metric, unit)
            pl.col("metric").fill_null(UNSPECIFIED),
        )
        .with_columns(
            pl.col("_order").rank("min").over("benchmark", "metric", "unit").cast(pl.Int64).alias("rank")
        )
        .sort("benchmark", "metric", "rank", "paper_id")
    )
    return catalog.BENCHMARK_RESULTS.conform(scores)


def paper_tags(topics: pl.DataFrame) -> pl.DataFrame:
    """paper_id -> primary_topic, topics (comma-joined, best first)."""
    # Gather each paper's topics as a list, then join the lists: `str.join` inside `agg` joins
    # group by group (4x slower at 1M rows).
    return (
        topics.sort("paper_id", "score", "topic", descending=[False, True, False])
        .group_by("paper_id", maintain_order=True)
        .agg(pl.col("topic").alias("_topics"))
        .select("paper_id", pl.col("_topics").list.first().alias("primary_topic"),
                pl.col("_topics").list.join(", ").alias("topics"))
    )


# links that are the paper itself (the others in an abstract are code, data and project pages)
_PAPER_LINK = r"(?i)^https?://(?:www\.)?(?:arxiv\.org/(?:abs|pdf)/|huggingface\.co/papers/|doi\.org/|dx\.doi\.org/|openreview\.net/(?:forum|pdf)|aclanthology\.org/)"


def paper_catalog(papers: pl.DataFrame, topics: pl.DataFrame, metrics: pl.DataFrame) -> pl.DataFrame:
    """One BI-friendly row per paper: plain types only (lists flattened to text)."""
    tags = paper_tags(topics)
    m = metrics.sort("paper_id", "span_start").group_by("paper_id").agg(
        pl.len().alias("n_metrics"),
        pl.col("value").filter((pl.col("kind") == "speedup") & (pl.col("unit") == "x")).max().alias("best_speedup_x"),
        pl.col("value").filter(pl.col("kind") == "model_size").max().alias("max_model_params"),
        pl.format("{} {} on {}", pl.col("mention"), pl.col("metric").fill_null(""), pl.col("benchmark"))
        .str.replace_all("  ", " ")
        .filter((pl.col("kind") == "score") & pl.col("benchmark").is_not_null())
        .first()
        .alias("headline_result"),
    )
    out = (
        papers.join(tags, on="paper_id", how="left")
        .join(m, on="paper_id", how="left")
        .with_columns(
            pl.col("n_metrics").fill_null(0),
            pl.col("code_links").list.first().alias("code_url"),
            pl.when(pl.col("arxiv_id").is_not_null())
            .then(pl.format("https://arxiv.org/abs/{}", "arxiv_id"))
            .otherwise(pl.col("links").list.eval(pl.element().filter(pl.element().str.contains(_PAPER_LINK))).list.first())
            .alias("paper_url"),
            # no authors -> null, not "" (a "papers with authors" count must not read 100%)
            pl.when(pl.col("authors").list.len() > 0).then(pl.col("authors").list.join(", ")).alias("authors"),
        )
        .sort("first_seen", "paper_id")
    )
    return catalog.PAPER_CATALOG.conform(out)
