"""Tests for paperlake.synthetic (generator + pair scores)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from paperlake.identity import assign_papers, title_key
from paperlake.synthetic import (
    BOILERPLATE_OPENINGS,
    generate_corpus,
    load_seeds,
    pair_scores,
    read_seed_dump,
)


def test_seed_reader_both_layouts():
    seeds = load_seeds()
    assert len(seeds.title_templates) > 50 and len(seeds.sentences) > 300
    compact = "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\nSubscribeA Title\nAn abstract.\nB Title\nB abstract.\n"
    assert read_seed_dump(compact) == [("A Title", "An abstract."), ("B Title", "B abstract.")]
    blank = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\nMar 21\n\nA Title\n\nAn abstract."
    assert read_seed_dump(blank) == [("A Title", "An abstract.")]


def test_pair_scores_contingency():
    s = pair_scores(["a", "a", "a", "b"], ["x", "x", "y", "y"])
    # pred pairs: 3 (aaa); true pairs: 1 (xx) + 1 (yy); both: 1
    assert s["precision"] == pytest.approx(1 / 3) and s["recall"] == pytest.approx(1 / 2)
    assert pair_scores(["a", "b"], ["x", "y"])["precision"] == 1.0
    p = pair_scores(["a", "a", "b", "b"], ["x", "x", "y", "y"])
    assert p["precision"] == p["recall"] == p["f1"] == 1.0


def test_generator_deterministic_and_truthful(tmp_path: Path):
    a = generate_corpus(1200, seed=3, out_dir=tmp_path)
    b = generate_corpus(1200, seed=3)
    c = generate_corpus(1200, seed=4)
    assert a.listings.equals(b.listings)
    assert not a.listings["title"].equals(c.listings["title"])
    L = a.listings
    assert L.height == 1200 and L["listing_id"].n_unique() == 1200
    assert L["paper_key"].n_unique() == a.n_papers == 1200 - 360 - 120
    # ~250 listings per dump, both layouts written, truth file
    assert L.group_by("file_name").len()["len"].max() == 250
    texts = [p.read_text() for p in a.dump_files]
    assert len(texts) == 5
    assert any(t.startswith("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n") for t in texts)
    assert any(t.startswith("Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\nSubscribe") for t in texts)
    truth = pl.read_csv(a.truth_path)
    assert truth.select("file_name", "position", "paper_key").equals(L.select("file_name", "position", "paper_key"))
    # every title/abstract is on exactly one line of its dump
    for f, t in zip(sorted({*L["file_name"]}), texts):
        assert L.filter(pl.col("file_name") == f)["title"][0].strip() in t
    # injected phenomena
    kinds = set(L["kind"])
    assert {"duplicate", "adjacent_duplicate", "followup", "boilerplate"} <= kinds
    assert any(k.startswith("near:") for k in kinds)
    # distinct papers have distinct title keys; follow-ups really are "X 2.0"-style
    originals = L.filter(~pl.col("kind").str.starts_with("near") & ~pl.col("kind").str.contains("duplicate"))
    assert originals.height == a.n_papers
    assert originals["title"].map_elements(title_key, return_dtype=pl.String).n_unique() == a.n_papers
    assert L.filter(pl.col("kind") == "boilerplate")["abstract"].str.starts_with(BOILERPLATE_OPENINGS[0]).sum() >= 0
    adj = L.with_row_index("i").filter(pl.col("kind") == "adjacent_duplicate")
    prev = L.with_row_index("i").join(adj.select(pl.col("i") - 1, pl.col("paper_key").alias("pk")), on="i")
    assert (prev["paper_key"] == prev["pk"]).mean() > 0.8  # listed twice in a row


def test_generated_dumps_parse(tmp_path: Path):
    from paperlake import parsing

    c = generate_corpus(600, seed=5, out_dir=tmp_path)
    for p in c.dump_files:
        got = parsing.parse_dump(p.read_bytes(), p.name).listings
        exp = c.listings.filter(pl.col("file_name") == p.name)
        assert got.height == exp.height
        assert [title_key(t) for t in got["title"]] == [title_key(t) for t in exp["title"]]


def test_precision_recall_floor_synthetic():
    c = generate_corpus(5000, seed=11)
    res = assign_papers(c.listings)
    j = c.listings.select("listing_id", "paper_key").join(res, on="listing_id")
    s = pair_scores(j["paper_id"], j["paper_key"])
    assert s["precision"] >= 0.995, s
    assert s["recall"] >= 0.98, s
