"""The incremental identity step against a full pass: the count of papers without an abstract
(made without reading the stored abstracts) and the papers a MERGE deletes."""

import polars as pl

from assets.silver import (
    FEATURES_VERSION,
    IDENTITY_FEATURES,
    PAPER_COLUMNS_BUT_ABSTRACT,
    PAPER_LISTINGS,
    PAPERS,
    listings_for_identity,
    resolve_identity,
)
from paperlake import identity
from paperlake.delta import DeltaStore, blank


def _publish(store: DeltaStore, step) -> None:
    """Write a full step's tables as silver_identity does (with the commit metadata it reads back)."""
    store.upsert(PAPERS, step.papers, ["paper_id"])
    store.upsert(PAPER_LISTINGS, step.paper_listings, ["listing_id"],
                 metadata={"identity_version": identity.IDENTITY_VERSION})
    store.upsert(IDENTITY_FEATURES, step.features, ["listing_id"],
                 metadata={FEATURES_VERSION: identity.features_version()})


def _blank_count(papers: pl.DataFrame) -> int:
    return papers.select(blank("abstract").sum()).item()


def test_incremental_count_of_papers_without_abstract_equals_a_full_pass(sample_materialization, tmp_path):
    listings = listings_for_identity(DeltaStore(sample_materialization[0])).sort("listing_id")
    n = listings.height
    # some listings lose their abstract (null or empty), in the stored part and in the batch
    listings = listings.with_columns(
        pl.when(pl.int_range(n) % 7 == 0).then(None)
        .when(pl.int_range(n) % 11 == 0).then(pl.lit(""))
        .otherwise(pl.col("abstract")).alias("abstract"))
    old, batch = listings.head(n - 60), listings.tail(60)
    store = DeltaStore(tmp_path / "wh")
    first = resolve_identity(store, old)
    assert first.mode == "full"
    _publish(store, first)
    assert store.blank_count(PAPERS, "abstract") == _blank_count(first.papers) > 0
    # the batch re-lists two stored papers that have no abstract, now with one (the count drops)
    blank_papers = first.papers.filter(blank("abstract")).head(2)["paper_id"]
    blank_listings = first.paper_listings.filter(pl.col("paper_id").is_in(blank_papers.implode()))
    relisted = (old.join(blank_listings.select("listing_id", "paper_id"), on="listing_id")
                .unique("paper_id", keep="first", maintain_order=True).drop("paper_id")
                .with_columns(pl.col("listing_id") + "-again", pl.lit("A recovered abstract.").alias("abstract")))
    batch = pl.concat([batch, relisted])

    step = resolve_identity(store, pl.concat([old, batch]))
    reference = resolve_identity(DeltaStore(tmp_path / "empty"), pl.concat([old, batch]))
    assert step.mode == "incremental" and reference.mode == "full"
    assert step.papers_without_abstract == reference.papers_without_abstract == _blank_count(reference.papers)
    ids = reference.paper_listings.filter(pl.col("listing_id").is_in(relisted["listing_id"].implode()))["paper_id"]
    recovered = reference.papers.filter(pl.col("paper_id").is_in(ids.implode()))
    assert recovered.height == 2 and _blank_count(recovered) == 0
    # the audited frame is the whole table, without the abstract column
    assert step.papers.columns == PAPER_COLUMNS_BUT_ABSTRACT
    assert step.papers.sort("paper_id").equals(reference.papers.select(PAPER_COLUMNS_BUT_ABSTRACT).sort("paper_id"))


def test_a_listing_that_joins_two_stored_papers_deletes_the_one_that_is_gone(sample_materialization, tmp_path):
    listings = listings_for_identity(DeltaStore(sample_materialization[0])).sort("listing_id")
    store = DeltaStore(tmp_path / "wh")
    first = resolve_identity(store, listings)
    _publish(store, first)
    # two single-listing papers; a new listing carries the title of one and the abstract of the other
    singles = first.papers.filter(pl.col("n_listings") == 1).head(2)
    a, b = (listings.join(first.paper_listings.filter(pl.col("paper_id") == p).select("listing_id"), on="listing_id")
            for p in singles["paper_id"])
    bridge = a.with_columns(pl.col("listing_id") + "-bridge", pl.lit(b["abstract"][0]).alias("abstract"))
    everything = pl.concat([listings, bridge])

    step = resolve_identity(store, everything)
    reference = resolve_identity(DeltaStore(tmp_path / "empty"), everything)
    assert step.mode == "incremental"
    merged = reference.paper_listings.filter(pl.col("listing_id").is_in([a["listing_id"][0], b["listing_id"][0]]))
    assert merged["paper_id"].n_unique() == 1  # the bridge made them one paper
    gone = set(singles["paper_id"]) - set(merged["paper_id"])
    assert gone and step.paper_delete_scope and all(p in step.paper_delete_scope for p in gone)
    store.upsert(PAPERS, step.paper_changes, ["paper_id"], delete_scope=step.paper_delete_scope)
    assert store.read(PAPERS).sort("paper_id").equals(reference.papers.sort("paper_id"))
