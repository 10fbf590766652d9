"""End-to-end materialization of the whole graph into a temp warehouse."""

import shutil

import dagster as dg
import polars as pl
import pytest

from assets import silver
from paperlake.delta import DeltaStore
from paperlake.settings import SAMPLE_DUMPS
from paperlake.versions import PARSER_VERSION
from pipelines.definitions import defs
from tests.conftest import materialize_all

TABLES = [
    "bronze/raw_dumps", "bronze/listings", "bronze/quarantine",
    "silver/papers", "silver/paper_listings", "silver/identity_features", "silver/paper_topics", "silver/paper_metrics",
    "gold/topic_trends", "gold/benchmark_results", "gold/paper_catalog",
]


def _materialize(landing, warehouse, selection=None):
    return materialize_all(landing, warehouse, selection=selection)


@pytest.fixture(scope="module")
def sample_run(sample_materialization, tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("warehouse")
    shutil.copytree(sample_materialization[0], warehouse, dirs_exist_ok=True)
    first = sample_materialization[1]
    versions = {t: DeltaStore(warehouse).version(t) for t in TABLES}
    second = _materialize(SAMPLE_DUMPS, warehouse)
    return warehouse, first, versions, second


def test_sample_run_succeeds_with_all_checks_green(sample_run):
    _, first, _, _ = sample_run
    assert first.success
    checks = first.get_asset_check_evaluations()
    assert len(checks) == len(defs.resolve_asset_graph().asset_check_keys) >= 25
    assert [c.check_name for c in checks if not c.passed] == []


def test_sample_counts(sample_run):
    store = DeltaStore(sample_run[0])
    assert store.count("bronze/raw_dumps") == 4
    assert store.count("bronze/listings") == 502
    assert store.count("silver/paper_listings") == 502
    assert store.count("silver/papers") == 474
    assert store.count("gold/paper_catalog") == 474


def test_every_paper_tagged_with_known_topics(sample_run):
    from paperlake.tagging import load_taxonomy

    store = DeltaStore(sample_run[0])
    topics = store.read("silver/paper_topics")
    papers = store.read("silver/papers")
    assert set(topics["topic"].unique()) <= set(load_taxonomy().topics)
    assert topics["paper_id"].n_unique() == papers.height


def test_metric_spans_are_verbatim(sample_run):
    store = DeltaStore(sample_run[0])
    m = store.read("silver/paper_metrics").join(store.read("silver/papers", ["paper_id", "abstract"]), on="paper_id")
    assert m.height > 100
    sliced = m.select(pl.col("abstract").str.slice(pl.col("span_start"), pl.col("span_end") - pl.col("span_start")))
    assert (sliced.to_series() == m["mention"]).all()


def test_second_run_changes_nothing(sample_run):
    warehouse, _, versions, second = sample_run
    assert second.success
    assert {t: DeltaStore(warehouse).version(t) for t in TABLES} == versions


def test_commit_metadata_carries_run_id_and_versions(sample_run):
    warehouse, first, _, _ = sample_run
    commit = DeltaStore(warehouse).history("silver/paper_topics", 10)[-1]
    assert commit["dagster_run_id"] == first.run_id
    for key in ("code_version", "taxonomy_version", "extractor_version", "identity_version", "parser_version"):
        assert commit[key]


def test_reader_protocol_stays_1(sample_run):
    store = DeltaStore(sample_run[0])
    for t in TABLES:
        assert store.table(t).protocol().min_reader_version == 1, t


def test_new_dump_is_incremental(sample_run, tmp_path):
    warehouse = tmp_path / "wh"
    shutil.copytree(sample_run[0], warehouse)
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_DUMPS, landing)
    # Same bytes under another name: the same dump, recorded as an alias.
    shutil.copy(landing / sorted(p.name for p in landing.iterdir())[0], landing / "renamed_copy.txt")
    result = _materialize(landing, warehouse)
    assert result.success
    store = DeltaStore(warehouse)
    assert store.count("bronze/raw_dumps") == 4
    assert store.count("bronze/listings") == 502
    aliases = store.read("bronze/raw_dumps").filter(pl.col("file_names").list.len() == 2)
    assert aliases.height == 1


def test_blocking_check_stops_downstream_on_bad_data(sample_run, tmp_path):
    """Duplicate listings in bronze (bad upstream data) block silver and everything after it."""
    warehouse = tmp_path / "wh"
    shutil.copytree(sample_run[0], warehouse)
    store = DeltaStore(warehouse)
    listings = pl.read_delta(str(store.path("bronze/listings")))
    before = store.version("silver/papers")
    bad = pl.concat([listings, listings.head(3).with_columns(pl.col("title") + " (dup)")])
    bad.write_delta(str(store.path("bronze/listings")), mode="overwrite")

    result = _materialize(SAMPLE_DUMPS, warehouse, selection=dg.AssetSelection.groups("silver", "gold"))
    failed = {c.check_name for c in result.get_asset_check_evaluations() if not c.passed}
    assert silver.CheckNames.PAPER_LISTINGS_RECONCILE in failed
    assert not result.success  # Dagster fails the step on a blocking ERROR check
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "gold/paper_catalog" not in materialized
    assert "silver/paper_topics" not in materialized
    assert store.version("silver/papers") == before  # nothing published


def test_incremental_run_equals_full_rebuild(sample_run, tmp_path):
    """Landing one more dump on an existing warehouse gives the same silver/gold as one full run."""
    from paperlake.synthetic import generate_corpus

    extra = tmp_path / "extra"
    generate_corpus(250, seed=3, out_dir=extra, per_dump=250)
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_DUMPS, landing)
    for p in extra.glob("*.txt"):
        shutil.copy(p, landing / f"extra_{p.name}")
    # ... and a next-day dump re-listing papers already in the warehouse (other bytes: a new dump)
    first = sorted(landing.glob("*.txt"))[0]
    (landing / "zz_relisted.txt").write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    incremental = tmp_path / "incremental"
    shutil.copytree(sample_run[0], incremental)
    assert _materialize(landing, incremental).success
    full = tmp_path / "full"
    assert _materialize(landing, full).success

    inc, ref = DeltaStore(incremental), DeltaStore(full)
    relisted = inc.read("bronze/listings").filter(pl.col("file_name") == "zz_relisted.txt").height
    assert relisted > 0 and inc.count("bronze/listings") == 502 + 250 + relisted
    for table, cols in {
        "silver/paper_listings": ["listing_id", "paper_id", "match_rule", "matched_listing_id"],
        "silver/papers": ["paper_id", "title", "n_listings"],
        "silver/paper_topics": ["paper_id", "topic"],
        "silver/paper_metrics": ["paper_id", "span_start", "value"],
        "gold/paper_catalog": ["paper_id", "primary_topic", "n_metrics"],
    }.items():
        a = inc.read(table, cols).sort(cols)
        b = ref.read(table, cols).sort(cols)
        assert a.equals(b), table
    # re-listed papers changed, so silver/papers took a MERGE; the features of the new listings
    # are new keys only, so they were appended
    assert inc.history("silver/papers", 1)[0]["operation"] == "MERGE"
    assert inc.history("silver/identity_features", 1)[0]["operationParameters"]["mode"] == "Append"
    topics_run = inc.history("silver/paper_topics", 1)[0]
    assert int(topics_run["source_version"]) == inc.version("silver/papers")


def test_raw_dumps_written_before_the_content_counts_get_them_on_the_next_run(sample_run, tmp_path):
    from deltalake import write_deltalake

    from paperlake.ingest import CONTENT_COUNTS, dump_content_counts

    warehouse = tmp_path / "wh"
    shutil.copytree(sample_run[0], warehouse)
    store = DeltaStore(warehouse)
    stored = store.read("bronze/raw_dumps").select("dump_id", *CONTENT_COUNTS).sort("dump_id")
    assert stored.equals(dump_content_counts(store.read("bronze/listings")).sort("dump_id").select(stored.columns))
    # the sample pages carry no arXiv ids and no empty abstracts: give some listings those
    listings = pl.read_delta(str(store.path("bronze/listings")))
    nth = pl.int_range(pl.len()) % 7
    listings = listings.with_columns(pl.when(nth == 0).then(None).otherwise("abstract").alias("abstract"),
                                     pl.when(nth == 1).then(pl.lit("2401.00001")).otherwise("arxiv_id").alias("arxiv_id"))
    write_deltalake(str(store.path("bronze/listings")), listings.to_arrow(), mode="overwrite")
    expected = dump_content_counts(listings).sort("dump_id")
    assert expected["n_missing_abstracts"].min() > 0 and expected["n_with_arxiv_id"].min() > 0
    legacy = pl.read_delta(str(store.path("bronze/raw_dumps"))).drop(CONTENT_COUNTS)
    write_deltalake(str(store.path("bronze/raw_dumps")), legacy.to_arrow(), mode="overwrite", schema_mode="overwrite")
    assert not set(CONTENT_COUNTS) & set(store.read("bronze/raw_dumps").columns)

    result = _materialize(SAMPLE_DUMPS, warehouse)
    assert result.success
    assert store.read("bronze/raw_dumps").select(expected.columns).sort("dump_id").equals(expected)
    assert store.table("bronze/raw_dumps").protocol().min_reader_version == 1
    quality = store.read("gold/dump_quality").sort("dump_id")
    assert quality["missing_abstracts"].to_list() == expected["n_missing_abstracts"].to_list()


def test_a_dump_whose_raw_dumps_row_was_never_written_is_replaced_not_appended(sample_run, tmp_path):
    """A run that stopped after writing a dump's listings but before bronze/raw_dumps (its last
    write): the next run parses that dump again and replaces its rows instead of appending them."""
    from deltalake import write_deltalake

    warehouse = tmp_path / "wh"
    shutil.copytree(sample_run[0], warehouse)
    store = DeltaStore(warehouse)
    raw = pl.read_delta(str(store.path("bronze/raw_dumps")))
    lost = raw.sort("dump_id")["dump_id"][0]
    write_deltalake(str(store.path("bronze/raw_dumps")), raw.filter(pl.col("dump_id") != lost).to_arrow(), mode="overwrite")
    listings = store.count("bronze/listings")

    result = _materialize(SAMPLE_DUMPS, warehouse)
    assert result.success
    assert store.count("bronze/raw_dumps") == raw.height
    assert store.count("bronze/listings") == listings
    assert store.read("bronze/listings", ["listing_id"])["listing_id"].is_unique().all()


@pytest.mark.parametrize("rewrite", [False, True], ids=["merge", "streamed_rewrite"])
def test_dumps_of_an_older_parser_are_parsed_again_and_their_rows_replaced(sample_run, tmp_path, monkeypatch, rewrite):
    """An upgrade: every dump was parsed by an older parser (and its rows differ from what this one
    reads). The run parses them again; bronze ends exactly as this parser reads them (stale rows
    deleted, changed rows restored, first ingest times kept), committed as differences only."""
    from deltalake import write_deltalake

    import paperlake.delta as delta
    from paperlake.delta import with_row_hash

    monkeypatch.setattr(delta, "REWRITE_MIN_ROWS", 0 if rewrite else 10**9)
    warehouse = tmp_path / "wh"
    shutil.copytree(sample_run[0], warehouse)
    store = DeltaStore(warehouse)
    expected = store.read("bronze/listings").sort("listing_id")
    raw = pl.read_delta(str(store.path("bronze/raw_dumps")))
    older_raw = with_row_hash(raw.with_columns(pl.lit("parser-0.9").alias("parser_version")), ["dump_id"])
    write_deltalake(str(store.path("bronze/raw_dumps")), older_raw.to_arrow(), mode="overwrite")
    listings = pl.read_delta(str(store.path("bronze/listings")))
    older = pl.concat([listings.with_columns(pl.col("title") + " (old reading)"),
                       listings.head(1).with_columns(pl.lit("stale-000001").alias("listing_id"))])
    write_deltalake(str(store.path("bronze/listings")), with_row_hash(older, ["listing_id"]).to_arrow(), mode="overwrite")

    result = _materialize(SAMPLE_DUMPS, warehouse)
    assert result.success
    assert store.read("bronze/listings").sort("listing_id").equals(expected)
    assert set(store.read("bronze/raw_dumps")["parser_version"]) == {PARSER_VERSION}
    last = store.history("bronze/listings", 1)[0]
    assert last["operation"] == ("WRITE" if rewrite else "MERGE")
    if not rewrite:  # the MERGE source held only the differences
        metrics = last["operationMetrics"]
        assert (metrics["num_source_rows"], metrics["num_target_rows_deleted"]) == (expected.height + 1, 1)
