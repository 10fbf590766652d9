"""Extra BI gold tables: pure builders on small hand-made frames, catalog entries, data dictionary."""

import datetime as dt

import polars as pl
import pytest

from paperlake import analytics, catalog, serving
from paperlake.ingest import CONTENT_COUNTS, with_content_counts
from paperlake.tagging import load_taxonomy

UTC = dt.UTC


def ts(day: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, tzinfo=UTC)


@pytest.fixture
def topics():
    return pl.DataFrame({
        "paper_id": ["p1", "p1", "p2", "p2", "p3", "p4"],
        "topic": ["quantization", "inference-efficiency", "quantization", "code", "code", "inference-efficiency"],
        "score": [0.9, 0.5, 0.6, 0.8, 0.7, 0.4],
    })


@pytest.fixture
def papers():
    return pl.DataFrame({
        "paper_id": ["p1", "p2", "p3", "p4"],
        "title": ["A", "B", "C", "D"],
        "first_seen": [ts(1), ts(2), ts(3), ts(4)],
    })


@pytest.fixture
def metrics():
    return pl.DataFrame({
        "paper_id": ["p1", "p1", "p1", "p2", "p2", "p3", "p4"],
        "mention": ["2.5x", "7B", "40%", "70B", "4x", "350M", "3 factors"],
        "span_start": [10, 20, 30, 5, 50, 7, 1],
        "value": [2.5, 7e9, 40.0, 7e10, 4.0, 3.5e8, 3.0],
        "unit": ["x", "params", "%", "params", "x", "params", "count"],
        "kind": ["speedup", "model_size", "reduction", "model_size", "reduction", "model_size", "count"],
        "metric": ["latency", None, "memory", None, "compression ratio", None, None],
        "qualifier": [None, None, "up to", None, None, None, None],
    })


def test_every_extra_table_is_in_the_catalog_with_documented_columns():
    for t in analytics.EXTRA_TABLES:
        assert catalog.TABLES[t.name] is t
        assert t.name.startswith("gold/")
        assert set(t.keys) <= set(t.columns)
        for col, (dtype, desc) in t.columns.items():
            assert desc, f"{t.name}.{col} undocumented"
            assert not isinstance(dtype, pl.List), f"{t.name}.{col}: list column in gold"
        assert catalog.table_description(t.name).startswith("Grain: ")


def test_every_gold_table_has_plain_types_only():
    for name, t in catalog.TABLES.items():
        if name.startswith("gold/"):
            assert analytics.plain_types_violations(pl.DataFrame(schema=t.schema)) == [], name


def test_benchmark_leaderboard_best_respects_metric_direction():
    results = pl.DataFrame({
        "benchmark": ["GSM8K", "GSM8K", "GSM8K", "LibriSpeech", "LibriSpeech"],
        "metric": [None, None, None, "WER", "WER"],
        "value": [50.0, 70.0, 60.0, 3.1, 2.4],
        "unit": ["%"] * 5,
        "paper_id": ["p1", "p2", "p3", "p4", "p5"],
        "title": ["a", "b", "c", "d", "e"],
        "mention": ["50%", "70%", "60%", "3.1%", "2.4%"],
        "span_start": [1, 2, 3, 4, 5],
        "first_seen": [ts(1), ts(5), ts(3), ts(2), ts(9)],
    })
    lb = analytics.benchmark_leaderboard(results)
    assert lb.schema == pl.Schema(analytics.BENCHMARK_LEADERBOARD.schema)
    gsm = lb.filter(pl.col("benchmark") == "GSM8K").row(0, named=True)
    assert gsm["metric"] == analytics.UNSPECIFIED and not gsm["lower_is_better"]
    assert (gsm["best_value"], gsm["best_paper_id"], gsm["worst_value"], gsm["median_value"]) == (70.0, "p2", 50.0, 60.0)
    assert (gsm["results"], gsm["papers"]) == (3, 3)
    assert gsm["first_reported"] == ts(1) and gsm["last_reported"] == ts(5)
    wer = lb.filter(pl.col("benchmark") == "LibriSpeech").row(0, named=True)
    assert wer["lower_is_better"] and wer["best_value"] == 2.4 and wer["best_paper_id"] == "p5"


def test_paper_claims_and_topic_rollup(metrics, papers, topics):
    claims = analytics.paper_claims(metrics, papers, topics)
    assert claims.height == 6  # the count mention is not a claim
    assert sorted(claims["claim_type"].unique()) == ["model_size", "reduction", "speedup"]
    p1 = claims.filter(pl.col("paper_id") == "p1").sort("span_start")
    assert p1["primary_topic"].to_list() == ["quantization"] * 3
    assert p1["topics"][0] == "quantization, inference-efficiency"
    sizes = dict(zip(claims.filter(pl.col("claim_type") == "model_size")["mention"],
                     claims.filter(pl.col("claim_type") == "model_size")["size_bucket"], strict=True))
    assert sizes == {"7B": "3B-10B", "70B": "30B-100B", "350M": "100M-1B"}
    assert claims.filter(pl.col("claim_type") != "model_size")["size_bucket"].is_null().all()

    by_topic = analytics.claims_by_topic(claims, topics)
    q = by_topic.filter((pl.col("topic") == "quantization") & (pl.col("claim_type") == "model_size")).row(0, named=True)
    assert (q["claims"], q["papers"], q["min_value"], q["max_value"], q["median_value"]) == (2, 2, 7e9, 7e10, 3.85e10)
    assert q["p90_value"] == 7e10
    # a paper counts under each of its topics
    assert by_topic.filter(pl.col("claim_type") == "speedup")["topic"].sort().to_list() == [
        "inference-efficiency", "quantization"]


def test_model_size_distribution_has_every_bucket(metrics, papers, topics):
    dist = analytics.model_size_distribution(analytics.paper_claims(metrics, papers, topics))
    assert dist["size_bucket"].to_list() == [b[0] for b in analytics.SIZE_BUCKETS]
    assert dist["mentions"].sum() == 3
    assert dist["papers_by_largest"].sum() == 3  # p1 (7B), p2 (70B), p3 (350M)
    assert dist["share_by_largest"].sum() == pytest.approx(1.0)
    assert dist.filter(pl.col("size_bucket") == ">=300B")["max_params"].is_null().all()


def test_topic_cooccurrence_symmetric_with_lift(topics):
    co = analytics.topic_cooccurrence(topics)
    pairs = {(a, b): n for a, b, n in co.select("topic_a", "topic_b", "papers_both").iter_rows()}
    assert pairs == {("quantization", "inference-efficiency"): 1, ("inference-efficiency", "quantization"): 1,
                     ("quantization", "code"): 1, ("code", "quantization"): 1}
    row = co.filter((pl.col("topic_a") == "code") & (pl.col("topic_b") == "quantization")).row(0, named=True)
    assert row["jaccard"] == pytest.approx(1 / 3)
    assert row["lift"] == pytest.approx(1 * 4 / (2 * 2))


def test_daily_arrivals_and_dump_quality():
    listings = pl.DataFrame({
        "listing_id": ["a-0", "a-1", "b-0", "b-1", "b-2"],
        "dump_id": ["a", "a", "b", "b", "b"],
        "listing_date": [dt.date(2026, 3, 1), dt.date(2026, 3, 1), None, None, None],
        "ingested_at": [ts(5)] * 2 + [ts(6)] * 3,
        "abstract": ["x", None, "y", "z", " "],
        "abstract_flag": [None, None, "junk", None, None],
        "arxiv_id": ["2401.1", None, "2401.1", None, None],
    })
    paper_listings = pl.DataFrame({
        "listing_id": ["a-0", "a-1", "b-0", "b-1", "b-2"],
        "dump_id": ["a", "a", "b", "b", "b"],
        "paper_id": ["p1", "p2", "p1", "p3", "p3"],
        "match_rule": ["new", "new", "arxiv_id", "new", "near_duplicate"],
    })
    arr = analytics.daily_arrivals(listings, paper_listings)
    assert arr.select("listing_date", "date_source", "dumps", "listings", "papers", "new_papers",
                      "relisted_papers", "duplicate_listings").rows() == [
        (dt.date(2026, 3, 1), "page", 1, 2, 2, 2, 0, 0),
        (dt.date(2026, 3, 6), "ingest", 1, 3, 2, 1, 1, 1),
    ]
    raw = pl.DataFrame({
        "dump_id": ["a", "b"], "file_name": ["a.txt", "b.txt"], "format": ["rss", "rss"],
        "listing_date": [dt.date(2026, 3, 1), None], "ingested_at": [ts(5), ts(6)], "byte_size": [10, 20],
        "units_total": [4, 5], "units_listing": [2, 3], "units_quarantine": [1, 0], "units_furniture": [1, 1],
        "n_listings": [2, 3], "n_quarantined": [1, 0], "parser_version": ["p", "p"],
    })
    raw = with_content_counts(raw, listings)  # as ingest counts them
    assert raw.select("dump_id", *CONTENT_COUNTS).rows() == [("a", 1, 0, 1), ("b", 1, 1, 1)]
    dq = analytics.dump_quality(raw, paper_listings)
    a, b = dq.rows(named=True)
    assert (a["unit_coverage"], a["quarantine_rate"], a["missing_abstracts"], a["new_papers"]) == (1.0, 1 / 3, 1, 2)
    assert (b["unit_coverage"], b["duplicate_listings"], b["dup_by_arxiv_id"], b["dup_by_near_duplicate"]) == (
        0.8, 2, 1, 1)
    assert (b["flagged_abstracts"], b["missing_abstracts"], b["duplicate_rate"]) == (1, 1, pytest.approx(2 / 3))
    assert analytics.plain_types_violations(dq) == []


def test_empty_inputs_give_empty_typed_tables():
    claims = analytics.paper_claims(
        pl.DataFrame(schema={"paper_id": pl.String, "mention": pl.String, "span_start": pl.Int64,
                             "value": pl.Float64, "unit": pl.String, "kind": pl.String, "metric": pl.String,
                             "qualifier": pl.String}),
        pl.DataFrame(schema={"paper_id": pl.String, "title": pl.String, "first_seen": pl.Datetime("us", "UTC")}),
        pl.DataFrame(schema={"paper_id": pl.String, "topic": pl.String, "score": pl.Float64}),
    )
    assert claims.height == 0 and claims.schema == pl.Schema(analytics.PAPER_CLAIMS.schema)
    dist = analytics.model_size_distribution(claims)
    assert dist.height == len(analytics.SIZE_BUCKETS) and dist["mentions"].sum() == 0


def test_data_dictionary_doc_is_up_to_date():
    doc = serving.DATA_DICTIONARY_DOC
    expected = serving.data_dictionary_markdown()
    assert doc.exists(), "run: paperlake data-dictionary --write"
    assert doc.read_text(encoding="utf-8") == expected, "docs/data-dictionary.md is stale: paperlake data-dictionary --write"
    for name in catalog.TABLES:
        assert f"## {name}" in expected


def _random_topics(seed: int, papers: int = 400) -> pl.DataFrame:
    import random

    rng = random.Random(seed)
    names = list(load_taxonomy().topics)
    rows = [(f"p{i}", t, rng.choice([0.3, 0.5, 0.5, 0.9])) for i in range(papers)
            for t in rng.sample(names, rng.randint(1, 4))]
    return pl.DataFrame(rows, schema={"paper_id": pl.String, "topic": pl.String, "score": pl.Float64}, orient="row")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_topic_cooccurrence_equals_a_self_join_of_the_tags(seed):
    topics = _random_topics(seed)
    tags = topics.select("paper_id", "topic")
    n = tags.select(pl.col("paper_id").n_unique()).item()
    each = tags.group_by("topic").agg(pl.len().alias("n"))
    expected = (
        tags.join(tags, on="paper_id", suffix="_b").filter(pl.col("topic") != pl.col("topic_b"))
        .group_by(pl.col("topic").alias("topic_a"), "topic_b").agg(pl.len().alias("papers_both"))
        .join(each.rename({"topic": "topic_a", "n": "papers_a"}), on="topic_a")
        .join(each.rename({"topic": "topic_b", "n": "papers_b"}), on="topic_b")
    )
    got = analytics.topic_cooccurrence(topics)
    assert got.height == expected.height > 0
    cmp = got.join(expected, on=["topic_a", "topic_b"], suffix="_x")
    assert cmp.height == got.height
    for c in ("papers_both", "papers_a", "papers_b"):
        assert (cmp[c] == cmp[f"{c}_x"]).all(), c
    assert cmp.select((pl.col("lift") - pl.col("papers_both") * n / (pl.col("papers_a") * pl.col("papers_b"))).abs().max()
                      ).item() < 1e-12


def test_paper_tags_best_first_ties_by_topic_name():
    topics = _random_topics(3, papers=200)
    tags = analytics.paper_tags(topics)
    expected = {pid: [t for _, t in sorted((-s, t) for _, t, s in rows)]
                for pid, rows in topics.rows_by_key("paper_id", include_key=True).items()}
    assert tags.height == len(expected)
    for pid, primary, joined in tags.iter_rows():
        assert joined.split(", ") == expected[pid] and primary == expected[pid][0]


def test_paper_catalog_links_and_authors(topics, metrics):
    from paperlake import gold

    papers = pl.DataFrame({
        "paper_id": ["p1", "p2", "p3", "p4"],
        "title": ["A", "B", "C", "D"],
        "arxiv_id": ["2401.00001", None, None, None],
        "authors": [["Ada", "Bo"], [], None, ["Cy"]],
        "links": [["https://github.com/a/b"], ["https://github.com/x/y", "https://huggingface.co/papers/2402.1"],
                  ["https://github.com"], None],
        "code_links": [["https://github.com/a/b"], ["https://github.com/x/y"], ["https://github.com"], None],
        "first_seen": [ts(1), ts(2), ts(3), ts(4)],
        "last_seen": [ts(1), ts(2), ts(3), ts(4)],
        "n_listings": [1, 1, 1, 1],
    })
    metrics = metrics.with_columns(pl.lit(None, dtype=pl.String).alias("benchmark"))
    cat = {r["paper_id"]: r for r in gold.paper_catalog(papers, topics, metrics).iter_rows(named=True)}
    assert cat["p1"]["paper_url"] == "https://arxiv.org/abs/2401.00001"
    assert cat["p2"]["paper_url"] == "https://huggingface.co/papers/2402.1"  # the paper, not the code link
    assert cat["p3"]["paper_url"] is None and cat["p4"]["paper_url"] is None
    assert cat["p3"]["code_url"] == "https://github.com"
    assert cat["p1"]["authors"] == "Ada, Bo"
    assert cat["p2"]["authors"] is None and cat["p3"]["authors"] is None  # not "" (no author known)


def test_benchmark_results_join_the_leaderboard_on_its_keys(metrics, papers):
    from paperlake import gold

    scores = pl.DataFrame({
        "paper_id": ["p1", "p2", "p3"], "mention": ["50%", "6.9", "70%"], "span_start": [1, 2, 3],
        "value": [50.0, 6.9, 70.0], "unit": ["%", "score", "%"], "kind": ["score"] * 3,
        "metric": [None, "perplexity", None], "benchmark": ["GSM8K", "WikiText2", "GSM8K"], "qualifier": [None] * 3,
    })
    results = gold.benchmark_results(scores, papers)
    assert results["metric"].to_list().count(gold.UNSPECIFIED) == 2 and results["metric"].null_count() == 0
    lb = analytics.benchmark_leaderboard(results)
    joined = results.join(lb, on=["benchmark", "metric", "unit"], how="inner")
    assert joined.height == results.height
