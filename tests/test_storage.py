"""The local Dagster instance (dagster.yaml): SQLite storage whose event log keeps its connections."""

import shutil

import dagster as dg
import sqlalchemy as sa

from paperlake.settings import PROJECT_ROOT
from pipelines.storage import MAX_ENGINES, PaperlakeSqliteStorage, PooledSqliteEventLogStorage


@dg.asset(check_specs=[dg.AssetCheckSpec("positive", asset="numbers")])
def numbers() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3}, check_results=[dg.AssetCheckResult(passed=True)])


def test_project_instance_stores_runs_and_events_in_sqlite_through_pooled_engines(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.get() as instance:
        assert instance.get_ref().storage_data.class_name == PaperlakeSqliteStorage.__name__
        events = instance.event_log_storage
        assert isinstance(events, PooledSqliteEventLogStorage)
        first = dg.materialize([numbers], instance=instance)
        second = dg.materialize([numbers], instance=instance)
        assert first.success and second.success
        latest = instance.get_latest_materialization_event(dg.AssetKey("numbers"))
        assert latest.run_id == second.run_id
        assert latest.asset_materialization.metadata["rows"].value == 3
        assert len(instance.all_logs(first.run_id)) > 5
        assert instance.get_run_by_id(first.run_id).is_success
        # same files as `storage: sqlite`: one per run beside the index
        files = sorted(p.name for p in (tmp_path / "history" / "runs").glob("*.db"))
        assert files == sorted([f"{first.run_id}.db", f"{second.run_id}.db", "index.db"])
        assert set(events._engines) == {first.run_id, second.run_id, "index"}  # noqa: SLF001
        with events.run_connection(second.run_id) as conn:  # WAL (Dagster's), no fsync per commit (ours)
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert conn.execute(sa.text("PRAGMA synchronous")).scalar_one() == 1  # NORMAL
        stored = len(instance.all_logs(second.run_id))
    # every event is committed: a separate reader of the run's file sees them all
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'history' / 'runs' / (second.run_id + '.db')}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM event_logs")).scalar_one() == stored
    engine.dispose()


def test_engines_per_process_are_bounded_and_wipe_closes_them(tmp_path):
    storage = PooledSqliteEventLogStorage(str(tmp_path))
    for i in range(MAX_ENGINES + 5):
        with storage.run_connection(f"run-{i}") as conn:
            conn.execute(sa.text("SELECT 1"))
    assert len(storage._engines) == MAX_ENGINES  # noqa: SLF001
    assert "run-0" not in storage._engines and f"run-{MAX_ENGINES + 4}" in storage._engines  # noqa: SLF001
    storage.wipe()
    assert set(storage._engines) <= {"index"}  # noqa: SLF001  (the wipe itself reopens the index)
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["index.db"]
    with storage.run_connection("run-again") as conn:  # usable after a wipe
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    storage.dispose()


def test_table_lookups_are_remembered_once_found(tmp_path, monkeypatch):
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

    storage = PooledSqliteEventLogStorage(str(tmp_path))
    asked = []
    real = SqliteEventLogStorage.has_table
    monkeypatch.setattr(SqliteEventLogStorage, "has_table", lambda self, name: asked.append(name) or real(self, name))
    assert all(storage.has_table("asset_check_executions") for _ in range(3))
    assert not storage.has_table("no_such_table") and not storage.has_table("no_such_table")
    assert asked == ["asset_check_executions", "no_such_table", "no_such_table"]  # found: asked once
    storage.wipe()
    assert storage.has_table("asset_check_executions") and asked[-1] == "asset_check_executions"
    storage.dispose()
