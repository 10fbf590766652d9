"""Tests for paperlake.identity (pure, Dagster-free)."""

from __future__ import annotations

import datetime as dt

import polars as pl

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


# ---------------------------------------------------------------- near duplicates
def _seed_pairs():
    from paperlake.synthetic import read_seed_dump, SAMPLES_DIR

    out = []
    for p in sorted(SAMPLES_DIR.glob("*.txt")):
        out.extend(read_seed_dump(p.read_text()))
    return out


def test_near_duplicate_layer_trimmed_abstract_and_v2_title():
    (t0, a0), (t1, a1) = _seed_pairs()[:2]
    sents = a0.split(". ")
    trimmed = ". ".join(sents[: max(2, int(len(sents) * 0.7))]) + "..."
    df = _listings(
        [
            {"title": t0, "abstract": a0},
            {"title": t0.replace(" ", "  ").upper() + " Revisited", "abstract": "  " + trimmed.lower()},
            {"title": t1, "abstract": a1},
        ]
    )
    res = assign_papers(df)
    p = _pid(res)
    assert p["l000"] == p["l001"] != p["l002"]
    r = res.filter(pl.col("listing_id") == "l001").row(0, named=True)
    assert r["match_rule"] == "near_duplicate" and r["matched_listing_id"] == "l000"
    assert 0.5 <= r["similarity"] <= 1.0
    # paper_id of a title-only cluster: smallest title_key of its members
    assert p["l000"] == paper_id_for("title:" + min(title_key(t0), title_key(df["title"][1])))


def test_hard_negatives_boilerplate_and_followups():
    pairs = _seed_pairs()
    boiler = "Large language models (LLMs) have shown remarkable capabilities across a wide range of natural language processing tasks."
    (t0, a0), (t1, a1), (t2, a2), (t3, a3) = pairs[3:7]
    df = _listings(
        [
            {"title": t0, "abstract": boiler + " " + a0},
            {"title": t1, "abstract": boiler + " " + a1},
            {"title": "FooNet: Scalable Widgets", "abstract": a2},
            # follow-up: same title + "2.0", abstract shares the opening, rest differs
            {"title": "FooNet: Scalable Widgets 2.0", "abstract": a2.split(". ")[0] + ". " + a3},
            # series: nearly identical abstract but a different part number
            {"title": "FooNet: Scalable Widgets, Part II", "abstract": a2 + " We extend it."},
            {"title": "FooNet v2: Scalable Widgets", "abstract": a2},
        ]
    )
    p = _pid(assign_papers(df))
    assert len({p["l000"], p["l001"], p["l002"], p["l003"], p["l004"], p["l005"]}) == 6


def test_order_independence_and_stability():
    from paperlake.synthetic import generate_corpus

    c = generate_corpus(1500, seed=21)
    a = assign_papers(c.listings)
    b = assign_papers(c.listings.sample(fraction=1.0, shuffle=True, seed=1))
    assert a.equals(b)
    assert a.columns == ["listing_id", "paper_id", "match_rule", "similarity", "matched_listing_id"]
    assert a["listing_id"].n_unique() == c.listings.height
    assert set(a["match_rule"]) <= {"arxiv_id", "title", "near_duplicate", "new"}
    assert a["similarity"].is_between(0.0, 1.0).all()
    assert a["paper_id"].str.contains(r"^p_[0-9a-f]{16}$").all()
    # stable across runs: a fixed corpus maps to fixed ids
    assert assign_papers(c.listings.head(300))["paper_id"].equals(assign_papers(c.listings.head(300))["paper_id"])


def _upsert(base: pl.DataFrame, upd: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([base.join(upd, on="listing_id", how="anti"), upd]).sort("listing_id")


def test_incremental_equals_batch():
    from paperlake.synthetic import generate_corpus

    c = generate_corpus(2500, seed=5)
    L = c.listings
    full = assign_papers(L)
    state = None
    for lo, hi in [(0, 4), (4, 7), (7, 10)]:  # three batches of dumps
        batch = L.filter(pl.col("dump_index").is_between(lo, hi - 1))
        if state is None:
            state = assign_papers(batch)
        else:
            known = state.join(L, on="listing_id")
            upd = assign_papers(batch, known=known)
            assert set(batch["listing_id"]) <= set(upd["listing_id"])
            state = _upsert(state, upd)
    assert state.select("listing_id", "paper_id").equals(full.select("listing_id", "paper_id"))
    # the match explanations of the last batch are preserved too
    last = L.filter(pl.col("dump_index") >= 7).select("listing_id")
    assert state.join(last, on="listing_id").equals(full.join(last, on="listing_id"))


def test_incremental_batch_listing_that_precedes_a_known_one_takes_over_new():
    """A re-listed dump with the page date of the original (same first_seen, smaller listing_id):
    the batch listing becomes the paper's first member, so the known one is returned as the
    duplicate -- the same explanations as one full pass (exactly one "new" per paper)."""
    t0 = dt.datetime(2024, 1, 1, tzinfo=UTC)
    df = _listings([{"listing_id": "b", "title": "Deep Widgets", "first_seen": t0},
                    {"listing_id": "a", "title": "Deep Widgets", "first_seen": t0}])
    first = assign_papers(df.head(1))
    upd = assign_papers(df.tail(1), known=first.join(df, on="listing_id"))
    state = _upsert(first, upd)
    assert state.equals(assign_papers(df))
    assert dict(zip(state["listing_id"], state["match_rule"])) == {"a": "new", "b": "title"}


def test_incremental_upgrade_to_arxiv_reassigns_known():
    df = _listings([{"title": "Deep Widgets"}, {"title": "deep widgets!", "arxiv_id": "2402.00042v2"}])
    first = assign_papers(df.head(1))
    assert first["paper_id"][0] == paper_id_for("title:deep widgets")
    upd = assign_papers(df.tail(1), known=first.join(df, on="listing_id"))
    assert dict(zip(upd["listing_id"], upd["paper_id"])) == {
        "l000": paper_id_for("arxiv:2402.00042"),
        "l001": paper_id_for("arxiv:2402.00042"),
    }


# ---------------------------------------------------------------- build_papers
def test_build_papers_canonical_rule_and_order_independence():
    t = dt.datetime(2024, 5, 1, tzinfo=UTC)
    rows = [
        # earliest, long abstract, no arXiv metadata
        dict(listing_id="x1", dump_id="d1", file_name="f1", position=0, title="W", abstract="a " * 50,
             arxiv_id=None, authors=[], published_at=None, upvotes=1, links=["u1"], first_seen=t),
        # with arXiv id and authors, shorter abstract -> canonical
        dict(listing_id="x2", dump_id="d2", file_name="f2", position=3, title="W!", abstract="short",
             arxiv_id="arXiv:2401.00001v3", authors=["Ann"], published_at=dt.date(2024, 1, 2), upvotes=5,
             links=["u2", "u1"], first_seen=t + dt.timedelta(days=2)),
        dict(listing_id="x3", dump_id="d2", file_name="f2", position=4, title="W", abstract=None,
             arxiv_id="2401.00001", authors=["Bob"], published_at=None, upvotes=None, links=None,
             first_seen=t + dt.timedelta(days=1)),
        dict(listing_id="y1", dump_id="d1", file_name="f1", position=1, title="Solo", abstract="s",
             arxiv_id=None, authors=None, published_at=None, upvotes=None, links=[], first_seen=t),
    ]
    df = pl.DataFrame(rows, schema_overrides={"first_seen": pl.Datetime("us", "UTC"), "published_at": pl.Date,
                                               "authors": pl.List(pl.String), "links": pl.List(pl.String)})
    df = df.with_columns(paper_id=pl.when(pl.col("listing_id").str.starts_with("x")).then(pl.lit("P1")).otherwise(pl.lit("P2")))
    p = build_papers(df)
    assert p.height == 2 and p["paper_id"].to_list() == ["P1", "P2"]
    r = p.row(0, named=True)
    # x2 and x3 both have arXiv + authors: longer abstract wins (x2)
    assert r["canonical_listing_id"] == "x2" and r["title"] == "W!" and r["authors"] == ["Ann"]
    assert r["arxiv_id"] == "2401.00001"
    assert r["links"] == ["u1", "u2"] and r["n_listings"] == 3 and r["n_dumps"] == 2
    assert r["first_seen"] == t and r["last_seen"] == t + dt.timedelta(days=2)
    assert r["published_at"] == dt.date(2024, 1, 2)
    s = p.row(1, named=True)
    assert s["authors"] == [] and s["links"] == [] and s["canonical_listing_id"] == "y1"
    assert build_papers(df.reverse()).equals(p)
    assert build_papers(df.sample(fraction=1.0, shuffle=True, seed=3)).equals(p)


def test_title_key_expr_agrees_on_all_code_points():
    import sys

    cps = [c for c in range(0, sys.maxunicode + 1, 1) if not 0xD800 <= c <= 0xDFFF]
    strs = ["".join(f"a{chr(c)}b{chr(c).upper()} " for c in cps[i : i + 256]) for i in range(0, len(cps), 256)]
    got = pl.DataFrame({"t": strs}).select(title_key_expr("t"))["t"].to_list()
    assert got == [title_key(s) for s in strs]


def test_shipped_unicode_tables_match_this_python():
    import json
    import unicodedata

    from paperlake.identity import UNICODE_TABLES, compute_unicode_tables

    shipped = json.loads(UNICODE_TABLES.read_text(encoding="utf-8"))
    if shipped["unidata_version"] == unicodedata.unidata_version:
        assert shipped == compute_unicode_tables()
    else:  # another Python: the tables are computed at run time (covered by the test above)
        assert shipped["unidata_version"] and shipped["casefold_fixups"]["ß"] == "ss"


def test_densification_fills_empty_bins_from_the_next_non_empty_bin():
    import numpy as np

    from paperlake.identity import _P2, _U64_MAX, _VAL_MASK, _densify, _mix64

    sig = np.full((3, 8), _U64_MAX, dtype=np.uint64)
    sig[0, [2, 6]] = [5, 9]
    sig[1] = np.arange(8, dtype=np.uint64)  # no empty bin: unchanged
    out = _densify(sig)
    # bin 3 is two bins before bin 6 (circular: bin 7 takes bin 2, at distance 3)
    def rehash(value: int, dist: int) -> np.uint64:
        return (_mix64(np.array([value], dtype=np.uint64) + np.array([dist], dtype=np.uint64) * _P2) & _VAL_MASK)[0]

    assert out[0, 3] == rehash(9, 3) and out[0, 7] == rehash(5, 3)
    assert out[0, 2] == 5 and out[0, 6] == 9
    assert (out[1] == sig[1]).all() and (out[2] == _U64_MAX).all()  # an all-empty row stays empty


# ---------------------------------------------------------------- stored identity features
def test_identity_features_schema_and_purity():
    from paperlake.identity import FEATURES_SCHEMA, features_version, identity_features
    from paperlake.synthetic import generate_corpus

    L = generate_corpus(400, seed=11).listings
    f = identity_features(L)
    assert dict(f.schema) == FEATURES_SCHEMA
    assert f["listing_id"].to_list() == sorted(L["listing_id"].to_list())
    # per-listing pure function: computing on a subset gives the same rows
    sub = L.sample(fraction=0.3, seed=2)
    assert identity_features(sub).equals(f.join(sub.select("listing_id"), on="listing_id", how="semi"))
    assert features_version() == features_version() and features_version().startswith(IDENTITY_VERSION)


def test_full_pass_shares_signatures_with_the_same_result():
    from paperlake.identity import assign_papers_with_features, identity_features
    from paperlake.synthetic import generate_corpus

    L = generate_corpus(600, seed=5).listings
    assignment, features = assign_papers_with_features(L)
    assert features.equals(identity_features(L))
    assert assignment["listing_id"].to_list() == sorted(L["listing_id"].to_list())
    assert assignment["paper_id"].n_unique() < L.height  # the corpus has duplicates to merge


def test_incremental_with_stored_features_equals_batch():
    from paperlake.identity import identity_features
    from paperlake.synthetic import generate_corpus

    c = generate_corpus(2500, seed=5)
    L = c.listings
    full = assign_papers(L)
    state, feats = None, None
    for lo, hi in [(0, 4), (4, 7), (7, 10)]:
        batch = L.filter(pl.col("dump_index").is_between(lo, hi - 1))
        if state is None:
            state = assign_papers(batch)
        else:
            known = state.join(L, on="listing_id")
            upd = assign_papers(batch, known=known, known_features=feats)
            # same answer as without stored features, and with partial / superfluous ones
            assert upd.equals(assign_papers(batch, known=known))
            partial = pl.concat([feats.sample(fraction=0.5, seed=lo), identity_features(batch)])
            assert upd.equals(assign_papers(batch, known=known, known_features=partial))
            state = _upsert(state, upd)
        new_f = identity_features(batch)
        feats = new_f if feats is None else pl.concat([feats.join(new_f, on="listing_id", how="anti"), new_f])
    assert state.select("listing_id", "paper_id").equals(full.select("listing_id", "paper_id"))
    last = L.filter(pl.col("dump_index") >= 7).select("listing_id")
    assert state.join(last, on="listing_id").equals(full.join(last, on="listing_id"))


def test_incremental_with_features_resent_and_upgrade():
    from paperlake.identity import identity_features

    df = _listings([{"title": "Deep Widgets"}, {"title": "deep widgets!", "arxiv_id": "2402.00042v2"}])
    first = assign_papers(df.head(1))
    known = first.join(df, on="listing_id")
    upd = assign_papers(df.tail(1), known=known, known_features=identity_features(df.head(1)))
    assert set(upd["paper_id"]) == {paper_id_for("arxiv:2402.00042")} and upd.height == 2
    # a batch re-sending a known listing: evaluated as part of the batch
    both = assign_papers(df, known=known, known_features=identity_features(df.head(1)))
    assert both.equals(assign_papers(df, known=known))


def test_signatures_do_not_depend_on_chunking(monkeypatch):
    from paperlake import identity
    from paperlake.synthetic import generate_corpus

    texts = identity._prepare(generate_corpus(900, seed=4).listings).drop_nulls("akey")["akey"]
    whole, n_whole = identity._signatures(texts)
    monkeypatch.setattr(identity, "SIGNATURE_CHUNK", 97)
    chunked, n_chunked = identity._signatures(texts)
    assert (whole == chunked).all() and (n_whole == n_chunked).all()
    assert (n_whole >= identity.MIN_SHINGLES).mean() > 0.9


def test_normalised_length_matches_collapsing():
    from paperlake.identity import _normalised_length

    texts = ["a b", " a  b ", "a\tb", "a\u00a0 b", "", None, "plain text", "x\n\ny", "\u3000lead"]
    got = _normalised_length(pl.Series(texts, dtype=pl.String)).to_list()
    assert got == [len(" ".join(t.split())) if t else 0 for t in texts]

