"""`paperlake history | show | restore | maintain` and the per-table maintenance jobs."""

import csv
import datetime as dt
import io
import json
import time

import dagster as dg
import polars as pl
import pytest

from paperlake import cli, ops
from paperlake.delta import DeltaStore
from pipelines.jobs import maintenance_jobs
from pipelines.resources import WarehouseResource

TABLE = "gold/paper_catalog"


@pytest.fixture
def warehouse(tmp_path):
    """A table with three versions written like the assets write them (run id in the commit)."""
    store = DeltaStore(tmp_path)
    frames = [
        pl.DataFrame({"paper_id": ["a", "b"], "title": ["A", "B"]}),
        pl.DataFrame({"paper_id": ["a", "b", "c"], "title": ["A", "B2", "C"]}),
        pl.DataFrame({"paper_id": ["a", "c"], "title": ["A", "C"]}),
    ]
    times = []
    for i, df in enumerate(frames):
        store.upsert(TABLE, df, ["paper_id"], metadata={"dagster_run_id": f"run-{i}"})
        times.append(dt.datetime.now(dt.UTC))
        time.sleep(0.05)
    return tmp_path, times


def _cli(capsys, *argv):
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def test_history_lists_versions_with_run_time_and_operation(warehouse, capsys):
    root, _ = warehouse
    code, out = _cli(capsys, "history", TABLE, "--warehouse", str(root))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["version", "time", "(UTC)", "operation", "dagster"]
    body = [line.split() for line in lines[2:]]
    assert [r[0] for r in body] == ["2", "1", "0"]
    assert [r[4] for r in body] == ["run-2", "run-1", "run-0"]
    assert body[0][3] == "MERGE" and body[2][3] == "WRITE"
    assert "num_target_rows_deleted=1" in lines[2]


def test_show_reads_old_versions_by_number_and_time(warehouse, capsys):
    root, times = warehouse
    assert cli.main(["show", TABLE, "--version", "1", "--csv", "--warehouse", str(root)]) == 0
    out, err = capsys.readouterr()
    assert f"{TABLE} @ version 1: 3 rows" in err and out.splitlines()[0] == "paper_id,title"  # a clean CSV
    assert "b,B2" in out
    assert cli.main(["show", TABLE, "--as-of", times[0].isoformat(), "--csv", "--warehouse", str(root)]) == 0
    out, err = capsys.readouterr()
    assert f"{TABLE} @ version 0: 2 rows" in err and "b,B" in out
    code, out = _cli(capsys, "show", TABLE, "--warehouse", str(root))
    assert f"{TABLE} @ version 2: 2 rows" in out
    code, out = _cli(capsys, "show", TABLE, "--as-of", "2000-01-01", "--warehouse", str(root))
    assert code == 2 and "no version at or before" in out
    for missing in ("9", "-1"):
        code, out = _cli(capsys, "show", TABLE, "--version", missing, "--warehouse", str(root))
        assert code == 2 and out == f"error: {TABLE} has versions 0..2; no version {missing}\n"
    code, out = _cli(capsys, "show", "gold/nope", "--warehouse", str(root))
    assert code == 2 and TABLE in out


def test_show_csv_writes_list_and_struct_columns_as_json(tmp_path, capsys):
    store = DeltaStore(tmp_path)
    store.upsert("silver/papers", pl.DataFrame({"paper_id": ["a"], "authors": [["Ann", "Bo, Jr"]],
                                                "venue": [{"name": "ACL", "year": 2024}]}), ["paper_id"])
    assert cli.main(["show", "silver/papers", "--csv", "--warehouse", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "silver/papers @ version 0: 1 rows" in err
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert json.loads(row["authors"]) == ["Ann", "Bo, Jr"]
    assert json.loads(row["venue"]) == {"name": "ACL", "year": 2024}


def test_show_csv_writes_every_row_unless_limited(tmp_path, capsys):
    DeltaStore(tmp_path).upsert("gold/t", pl.DataFrame({"k": [f"r{i:02d}" for i in range(25)]}), ["k"])
    wh = ["--warehouse", str(tmp_path)]

    def csv_rows(*argv):
        assert cli.main(["show", "gold/t", "--csv", *argv, *wh]) == 0
        return list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]

    assert len(csv_rows()) == 25  # `show --csv > x.csv` exports the table, not the first 10 rows
    assert len(csv_rows("--limit", "3")) == 3 and csv_rows("--limit", "0") == []
    code, out = _cli(capsys, "show", "gold/t", *wh)
    assert code == 0 and "r09" in out and "r10" not in out  # the table display keeps 10 rows
    code, out = _cli(capsys, "show", "gold/t", "--limit", "0", *wh)
    assert code == 0 and "shape: (0, 1)" in out and "r00" not in out
    with pytest.raises(SystemExit) as exc:
        cli.main(["show", "gold/t", "--limit", "-1", *wh])
    assert exc.value.code == 2 and "--limit: must be at least 0 rows" in capsys.readouterr().err


def test_restore_rolls_back_with_a_new_commit(warehouse, capsys):
    root, _ = warehouse
    code, out = _cli(capsys, "restore", TABLE, "--version", "0", "--warehouse", str(root))
    assert code == 0 and "now at version 3" in out
    store = DeltaStore(root)
    assert store.read(TABLE).sort("paper_id").to_dicts() == [{"paper_id": "a", "title": "A"},
                                                             {"paper_id": "b", "title": "B"}]
    top = ops.history(store, TABLE)[0]
    assert top.version == 3 and top.operation == "RESTORE" and "restored v0" in top.detail
    assert store.table(TABLE).protocol().min_reader_version == 1
    code, out = _cli(capsys, "restore", TABLE, "--version", "9", "--warehouse", str(root))
    assert code == 2 and "out of range" in out


def test_maintenance_job_compacts_checkpoints_and_vacuums_safely(tmp_path):
    store = DeltaStore(tmp_path)
    for i in range(6):  # six small commits -> six small files
        store.upsert(TABLE, pl.DataFrame({"paper_id": [f"p{i}"], "title": [f"T{i}"]}), ["paper_id"],
                     delete_scope=None)
    rows = store.read(TABLE).sort("paper_id")
    result = maintenance_jobs[TABLE].execute_in_process(
        resources={"warehouse": WarehouseResource(root=str(tmp_path))}, instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    [obs] = [e.event_specific_data.asset_observation for e in result.all_events
             if e.event_type_value == "ASSET_OBSERVATION"]
    md = {k: v.value for k, v in obs.metadata.items()}
    assert md["files_compacted"] == 6 and md["files_added"] == 1
    assert md["retention_hours"] == ops.DEFAULT_RETENTION_HOURS
    assert md["files_vacuumed"] == 0  # files replaced by compaction are younger than the retention
    assert (tmp_path / TABLE / "_delta_log" / "_last_checkpoint").exists()
    assert store.read(TABLE).sort("paper_id").equals(rows)
    assert store.read(TABLE, version=5).height == 6  # time travel still works
    with pytest.raises(ValueError, match="retention_hours"):
        ops.maintain(store, TABLE, retention_hours=1)


def test_maintain_dry_run_reports_what_would_be_compacted_and_changes_nothing(tmp_path, capsys):
    store = DeltaStore(tmp_path)
    for i in range(3):  # three small commits -> three small files
        store.upsert(TABLE, pl.DataFrame({"paper_id": [f"p{i}"], "title": [f"T{i}"]}), ["paper_id"],
                     delete_scope=None)
    before = store.version(TABLE)
    code, out = _cli(capsys, "maintain", TABLE, "--dry-run", "--warehouse", str(tmp_path))
    assert code == 0 and "3 files would be compacted into 1" in out and "nothing changed" in out
    assert store.version(TABLE) == before and len(store.table(TABLE).file_uris()) == 3
    code, out = _cli(capsys, "maintain", TABLE, "--warehouse", str(tmp_path))
    assert code == 0 and "3 files compacted into 1" in out
    assert store.version(TABLE) > before and len(store.table(TABLE).file_uris()) == 1
    dry = ops.maintain(store, TABLE, dry_run=True)  # nothing left to compact
    assert (dry.files_compacted, dry.files_added, dry.version_after) == (0, 0, store.version(TABLE))


def test_maintain_rejects_a_short_retention_with_a_one_line_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["maintain", "--retention-hours", "0", "--warehouse", str(tmp_path)])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "Traceback" not in err
    assert f"--retention-hours: must be at least {ops.MIN_RETENTION_HOURS} hours (got 0)" in err
    with pytest.raises(SystemExit):
        cli.main(["maintain", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert f"at least {ops.MIN_RETENTION_HOURS} h" in shown and f"default {ops.DEFAULT_RETENTION_HOURS} h" in shown


def test_every_table_has_a_maintenance_job_in_its_writer_pool():
    from paperlake import catalog
    from pipelines.jobs import WRITER_POOLS

    assert set(catalog.TABLES) <= set(maintenance_jobs)
    for table, job in maintenance_jobs.items():
        [node] = job.graph.node_defs
        assert node.pool == (WRITER_POOLS[table] or ops.writer_pool(table))
    for table in ("bronze/listings", "silver/papers", "silver/paper_topics", "gold/paper_catalog"):
        assert WRITER_POOLS[table] == ops.writer_pool(table)  # the asset and its maintenance share a pool
    assert ops.writer_pool("bronze/listings") == ops.writer_pool("bronze/raw_dumps") == "delta/bronze/raw_dumps"
    assert ops.writer_pool("silver/paper_topics") == "delta/silver/paper_topics"
    assert ops.writer_pool("gold/topic_trends") == ops.writer_pool("gold/paper_catalog") == ops.GOLD_POOL


def test_history_shows_the_versions_a_commit_was_written_with(tmp_path, capsys):
    store = DeltaStore(tmp_path)
    store.upsert(TABLE, pl.DataFrame({"paper_id": ["a"], "title": ["A"]}), ["paper_id"],
                 metadata={"dagster_run_id": "run-0", "code_version": "0.1.0", "parser_version": "parser-9",
                           "extractor_version": "metrics-9"})
    code, out = _cli(capsys, "history", TABLE, "--versions", "--warehouse", str(tmp_path))
    assert code == 0 and "versions (code, parser" in out and "code-0.1.0 parser-9 metrics-9" in out
    code, out = _cli(capsys, "history", TABLE, "--warehouse", str(tmp_path))
    assert "parser-9" not in out


def test_restoring_bronze_listings_alone_fails_the_next_run_instead_of_losing_rows(tmp_path, monkeypatch, capsys):
    """bronze decides what is new from bronze/raw_dumps: listings restored to an older version lose
    the later dumps' rows, which no run would parse again; the reconciliation check stops the run."""
    import shutil

    from paperlake.settings import SAMPLE_DUMPS

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    landing, wh = tmp_path / "landing", tmp_path / "wh"
    landing.mkdir()
    argv = ["run", "--landing", str(landing), "--warehouse", str(wh)]
    for p in sorted(SAMPLE_DUMPS.iterdir())[:2]:  # two runs: bronze/listings v0, then v1
        shutil.copy(p, landing)
        assert cli.main(argv) == 0
    ops.restore(DeltaStore(wh), "bronze/listings", 0)
    capsys.readouterr()
    assert cli.main(argv) == 1
    assert "FAILED [ERROR] bronze/listings :: listings_match_raw_dump_counts" in capsys.readouterr().out
