"""The gold multi-asset: one asset per table, any subset, per-table publishing, build order."""

import shutil

import dagster as dg
import polars as pl

from assets.gold import GOLD_TABLES, gold_tables
from paperlake import catalog
from paperlake.delta import DeltaStore
from paperlake.settings import SAMPLE_DUMPS
from tests.conftest import materialize_all


def _key(table: str) -> dg.AssetKey:
    return dg.AssetKey(table.split("/"))


def test_every_gold_table_is_an_asset_built_after_the_gold_tables_it_reads():
    names = [t.name for t in GOLD_TABLES]
    assert sorted(names) == sorted(t for t in catalog.TABLES if t.startswith("gold/"))
    assert set(gold_tables.keys) == {_key(n) for n in names}
    for i, t in enumerate(GOLD_TABLES):
        assert {d for d in t.deps if d.startswith("gold/")} <= set(names[:i]), t.name
        assert {c.name for c in t.checks()} == {k.name for k in gold_tables.check_keys if k.asset_key == t.key}


def test_a_subset_of_gold_tables_materializes_alone(sample_materialization, tmp_path):
    warehouse = tmp_path / "wh"
    shutil.copytree(sample_materialization[0], warehouse)
    store = DeltaStore(warehouse)
    before = {t.name: store.version(t.name) for t in GOLD_TABLES}
    wanted = [_key("gold/benchmark_leaderboard"), _key("gold/topic_trends")]
    result = materialize_all(SAMPLE_DUMPS, warehouse, selection=wanted)
    assert result.success
    assert {e.asset_key for e in result.get_asset_materialization_events()} == set(wanted)
    checks = {(c.asset_key, c.check_name) for c in result.get_asset_check_evaluations()}
    assert checks == {(t.key, c.name) for t in GOLD_TABLES if t.key in wanted for c in t.checks()}
    assert {t.name: store.version(t.name) for t in GOLD_TABLES} == before  # same inputs: nothing new to commit


def test_a_failed_blocking_check_keeps_only_that_table_unpublished(sample_materialization, tmp_path):
    """A metric of an unknown paper fails the referential checks of the tables built from metrics
    with paper details; those stay at their published version, the others are published, and
    the step fails (so serving is skipped)."""
    warehouse = tmp_path / "wh"
    shutil.copytree(sample_materialization[0], warehouse)
    store = DeltaStore(warehouse)
    metrics = pl.read_delta(str(store.path("silver/paper_metrics")))  # with its row hashes
    score = metrics.filter(pl.col("benchmark").is_not_null() & (pl.col("kind") == "score"))
    stray = score.head(1).with_columns(pl.lit("p_unknown").alias("paper_id"))
    pl.concat([metrics, stray]).write_delta(str(store.path("silver/paper_metrics")), mode="overwrite")
    before = {t.name: store.version(t.name) for t in GOLD_TABLES}

    result = materialize_all(SAMPLE_DUMPS, warehouse, selection=[t.key for t in GOLD_TABLES] + [_key("serving/duckdb")])
    assert not result.success
    failed = {(c.asset_key.to_user_string(), c.check_name) for c in result.get_asset_check_evaluations() if not c.passed}
    assert ("gold/benchmark_results", "benchmark_paper_ids_exist_in_papers") in failed
    published = {e.asset_key.to_user_string(): e.materialization.metadata["published"].value
                 for e in result.get_asset_materialization_events()}
    assert published["gold/benchmark_results"] is False
    assert store.version("gold/benchmark_results") == before["gold/benchmark_results"]
    assert published["gold/topic_trends"] is True and published["gold/paper_catalog"] is True
    assert store.read("gold/paper_catalog").filter(pl.col("paper_id") == "p_unknown").is_empty()
    assert "serving/duckdb" not in published  # downstream of a failed blocking check: skipped


def test_gold_tables_with_great_expectations_in_this_process(sample_materialization, tmp_path):
    """As in UI runs (the fork server preloads GX): suites run in-process, from both gold threads."""
    from paperlake import gx
    from pipelines.resources import GreatExpectationsResource
    from tests.conftest import resources_for

    warehouse = tmp_path / "wh"
    shutil.copytree(sample_materialization[0], warehouse)
    resources = {**resources_for(SAMPLE_DUMPS, warehouse), "great_expectations": GreatExpectationsResource(mode="inprocess")}
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([gold_tables], resources=resources, instance=instance, raise_on_error=False)
    assert result.success
    suites = [c for c in result.get_asset_check_evaluations() if c.check_name.endswith("_gx_suite")]
    assert len(suites) == len(GOLD_TABLES) and all(c.passed for c in suites)
    assert gx._IN_PROCESS.acquire(blocking=False)  # the suites' lock was released
    gx._IN_PROCESS.release()


class ReadRecordingStore(DeltaStore):
    """A real store that remembers which tables were opened (every read goes through `table`)."""

    def __init__(self, root):
        super().__init__(root)
        self.opened: set[str] = set()

    def table(self, table: str):
        self.opened.add(table)
        return super().table(table)

    def read(self, table: str, *args, **kwargs):
        self.opened.add(table)
        return super().read(table, *args, **kwargs)


def test_every_table_a_gold_builder_reads_is_a_declared_dependency(sample_materialization):
    """The UI's lineage (and staleness) comes from `deps`: a builder must not read more."""
    for t in GOLD_TABLES:
        store = ReadRecordingStore(sample_materialization[0])
        t.build(store)
        assert store.opened and store.opened <= set(t.deps), (t.name, sorted(store.opened - set(t.deps)))
