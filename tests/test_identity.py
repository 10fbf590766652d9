"""Tests for paperlake.identity (pure, Dagster-free)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from paperlake.identity import (
    IDENTITY_VERSION,
    assign_papers,
    build_papers,
    paper_id_for,
    title_key,
    title_key_expr,
)

UTC = dt.timezone.utc


def _listings(rows: list[dict]) -> pl.DataFrame:
    base = {"title": None, "abstract": None, "arxiv_id": None, "published_at": None}
    out = []
    for i, r in enumerate(rows):
        d = {**base, **r}
        d.setdefault("listing_id", f"l{i:03d}")
        d.setdefault("first_seen", dt.datetime(2024, 1, 1, tzinfo=UTC) + dt.timedelta(hours=i))
        out.append(d)
    return pl.DataFrame(
        out,
        schema={
            "listing_id": pl.String,
            "title": pl.String,
            "abstract": pl.String,
            "arxiv_id": pl.String,
            "published_at": pl.Date,
            "first_seen": pl.Datetime("us", "UTC"),
        },
    )


def _pid(res: pl.DataFrame) -> dict[str, str]:
    return dict(zip(res["listing_id"], res["paper_id"]))


# ---------------------------------------------------------------- title_key
TITLES = [
    "  Attention   Is ALL you need!! ",
    "Straße ΑΣ ﬁne-tuning — LLMs (v2)",
    "ReAGent: Towards A Model-agnostic Feature Attribution Method",
    "snake_case__and\ttabs\nnewlines",
    "Ｆｕｌｌｗｉｄｔｈ ＬＬＭ ①②",
    "Café naïve coöperation Ǆ ǅ ǆ İstanbul ΣΑΣ",
    "",
    "...",
    "x²+y₂ ½ Ⅻ",
]


def test_title_key_examples():
    assert IDENTITY_VERSION
    assert title_key("  Attention   Is ALL you need!! ") == "attention is all you need"
    assert title_key("Straße") == "strasse"
    assert title_key("snake_case") == "snake case"
    assert title_key(None) == ""
    assert title_key("...") == ""


def test_title_key_expr_agrees():
    got = pl.DataFrame({"title": TITLES}).select(title_key_expr("title"))["title"].to_list()
    assert got == [title_key(t) for t in TITLES]
    assert pl.DataFrame({"title": [None]}, schema={"title": pl.String}).select(title_key_expr())["title"][0] == ""


# ---------------------------------------------------------------- exact layers
def test_arxiv_layer_versionless():
    df = _listings(
        [
            {"title": "A paper", "arxiv_id": "2401.01234v1"},
            {"title": "A completely renamed paper", "arxiv_id": "arXiv:2401.01234v3"},
            {"title": "Other", "arxiv_id": "2401.99999"},
        ]
    )
    res = assign_papers(df)
    p = _pid(res)
    assert p["l000"] == p["l001"] != p["l002"]
    assert p["l000"] == paper_id_for("arxiv:2401.01234")
    r = res.filter(pl.col("listing_id") == "l001").row(0, named=True)
    assert r["match_rule"] == "arxiv_id" and r["matched_listing_id"] == "l000" and r["similarity"] == 1.0
    assert res.filter(pl.col("listing_id") == "l000")["match_rule"][0] == "new"


def test_title_layer_and_arxiv_cannot_link():
    df = _listings(
        [
            {"title": "Scaling Laws: for Everything"},
            {"title": "scaling laws for   everything", "arxiv_id": "2301.00001"},
            {"title": "SCALING LAWS FOR EVERYTHING", "arxiv_id": "2301.00002"},
        ]
    )
    p = _pid(assign_papers(df))
    # the no-arXiv listing joins the smallest arXiv id; two arXiv ids never merge
    assert p["l000"] == p["l001"] == paper_id_for("arxiv:2301.00001")
    assert p["l002"] == paper_id_for("arxiv:2301.00002")
