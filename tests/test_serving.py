"""serving.duckdb: BI access through SQLAlchemy + duckdb-engine alone, atomic refresh, `paperlake sql`."""

import csv
import io
import json
import os
import subprocess
import sys
import textwrap

import polars as pl
import pytest

from assets.serving import SERVING_DUCKDB
from paperlake import cli, delta, serving
from paperlake.delta import DeltaStore

MUST_SERVE = ["gold/topic_trends", "gold/benchmark_results", "gold/paper_catalog"]


@pytest.fixture(scope="module")
def warehouse(sample_materialization):
    wh, result = sample_materialization  # read-only
    assert result.success
    failed = [c.check_name for c in result.get_asset_check_evaluations() if not c.passed]
    assert failed == []
    mats = {e.asset_key: e.materialization for e in result.get_asset_materialization_events()}
    return wh, mats


def test_serving_asset_publishes_every_gold_table(warehouse):
    wh, mats = warehouse
    md = mats[SERVING_DUCKDB].metadata
    assert md["path"].value == str(serving.serving_path(wh))
    assert md["table_count"].value == len(serving.gold_tables()) >= 10
    assert md["build"].value == "full"  # first run: nothing to update
    assert set(MUST_SERVE) <= set(serving.gold_tables(DeltaStore(wh)))


# Runs in a fresh interpreter where only SQLAlchemy + duckdb-engine (+ duckdb) may be imported:
# no polars, pyarrow, pandas, numpy, deltalake, pytz. Fetches every row of every table.
_BI_CLIENT = textwrap.dedent("""
    import json, sys
    for banned in ("polars", "pyarrow", "pandas", "numpy", "deltalake", "pytz", "paperlake", "dagster"):
        sys.modules[banned] = None
    import sqlalchemy as sa
    engine = sa.create_engine(f"duckdb:///{sys.argv[1]}?access_mode=read_only")
    names = sa.inspect(engine).get_table_names(schema="gold")
    out = {}
    with engine.connect() as conn:
        for n in names:
            rows = conn.execute(sa.text(f'SELECT * FROM gold."{n}"')).fetchall()
            count = conn.execute(sa.text(f'SELECT count(*) FROM gold."{n}"')).scalar_one()
            assert len(rows) == count
            out["gold/" + n] = count
        try:
            cols = [c["name"] for c in sa.inspect(engine).get_columns("paper_catalog", schema="gold")]
        except sa.exc.ProgrammingError:
            # duckdb-engine 0.17 reflection queries pg_collation, which SQLAlchemy >= 2.1 needs and
            # DuckDB lacks; BI environments pin sqlalchemy<2.1 (docs/bi.md). Fall back to SQL.
            assert tuple(map(int, sa.__version__.split(".")[:2])) >= (2, 1), sa.__version__
            cols = [r[0] for r in conn.execute(sa.text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'gold' "
                "AND table_name = 'paper_catalog' ORDER BY ordinal_position"))]
    print(json.dumps({"counts": out, "paper_catalog_columns": cols}))
""")


def test_sqlalchemy_duckdb_engine_alone_lists_tables_with_delta_row_counts(warehouse):
    wh, _ = warehouse
    proc = subprocess.run([sys.executable, "-c", _BI_CLIENT, str(serving.serving_path(wh))],
                          capture_output=True, text=True, timeout=60, cwd=wh)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    store = DeltaStore(wh)
    delta = serving.delta_row_counts(store)
    assert got["counts"] == delta
    for t in MUST_SERVE:
        assert got["counts"][t] == store.count(t) > 0
    assert "row_hash" not in got["paper_catalog_columns"]
    assert got["paper_catalog_columns"] == [c for c in store.read("gold/paper_catalog").columns]


def test_timestamps_are_plain_utc_and_values_match_delta(warehouse):
    import duckdb

    wh, _ = warehouse
    delta = DeltaStore(wh).read("gold/paper_catalog").sort("paper_id")
    con = duckdb.connect(str(serving.serving_path(wh)), read_only=True)
    try:
        types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_schema = 'gold' AND table_name = 'paper_catalog'").fetchall())
        duck = con.execute("SELECT paper_id, first_seen, title FROM gold.paper_catalog ORDER BY paper_id").fetchall()
    finally:
        con.close()
    assert types["first_seen"] == "TIMESTAMP" and types["n_listings"] == "BIGINT"
    expected = delta.select("paper_id", pl.col("first_seen").dt.replace_time_zone(None), "title").rows()
    assert duck == expected


def test_meta_schema_and_column_comments(warehouse):
    import duckdb

    wh, _ = warehouse
    con = duckdb.connect(str(serving.serving_path(wh)), read_only=True)
    try:
        meta = dict(con.execute("SELECT table_name, row_count FROM meta.tables").fetchall())
        comment = con.execute("SELECT comment FROM duckdb_columns() WHERE schema_name = 'gold' AND "
                              "table_name = 'topic_trends' AND column_name = 'share'").fetchall()[0][0]
        table_comment = con.execute("SELECT comment FROM duckdb_tables() WHERE schema_name = 'gold' AND "
                                    "table_name = 'benchmark_leaderboard'").fetchall()[0][0]
        n_cols = con.execute("SELECT count(*) FROM meta.columns WHERE description <> ''").fetchall()[0][0]
    finally:
        con.close()
    assert meta == {serving.sql_name(t): n for t, n in serving.delta_row_counts(DeltaStore(wh)).items()}
    assert comment == "papers / period_papers"
    assert table_comment.startswith("Grain: one row per (benchmark, metric, unit)")
    assert n_cols > 100


def test_refresh_is_atomic_open_readers_keep_their_snapshot(warehouse, tmp_path):
    import duckdb

    wh, _ = warehouse
    store = DeltaStore(wh)
    target = tmp_path / "serving.duckdb"
    serving.publish_duckdb(store, target)
    reader = duckdb.connect(str(target), read_only=True)
    inode = os.stat(target).st_ino
    try:
        out = serving.publish_duckdb(store, target)
        assert os.stat(target).st_ino != inode  # a new file was moved into place
        assert reader.execute("SELECT count(*) FROM gold.paper_catalog").fetchall()[0][0] == out.rows[
            "gold/paper_catalog"]
    finally:
        reader.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["serving.duckdb"]  # no temp/WAL leftovers


def test_failed_refresh_leaves_the_previous_file(warehouse, tmp_path, monkeypatch):
    wh, _ = warehouse
    store = DeltaStore(wh)
    target = tmp_path / "serving.duckdb"
    serving.publish_duckdb(store, target)
    before = (os.stat(target).st_ino, target.read_bytes())
    calls = {"n": 0}
    real = serving.bi_frame

    def flaky(df):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return real(df)

    monkeypatch.setattr(serving, "bi_frame", flaky)
    with pytest.raises(RuntimeError):
        serving.publish_duckdb(store, target, incremental=False)
    assert (os.stat(target).st_ino, target.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["serving.duckdb"]


def _snapshot(path) -> dict:
    """Every gold table's rows (sorted), the meta tables and the comments of a serving file."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'gold'").fetchall()]
        out = {n: sorted(map(repr, con.execute(f'SELECT * FROM gold."{n}"').fetchall())) for n in names}
        out["meta.tables"] = con.execute("SELECT table_name, key_columns, row_count, delta_version, delta_table_id "
                                         "FROM meta.tables ORDER BY ALL").fetchall()
        out["meta.columns"] = con.execute("SELECT * FROM meta.columns ORDER BY ALL").fetchall()
        out["comments"] = con.execute("SELECT table_name, column_name, comment FROM duckdb_columns() "
                                      "WHERE schema_name = 'gold' ORDER BY ALL").fetchall()
    finally:
        con.close()
    return out


def test_incremental_publish_equals_a_full_rebuild(warehouse, tmp_path):
    import shutil

    wh, _ = warehouse
    shutil.copytree(wh, tmp_path / "wh")
    store = DeltaStore(tmp_path / "wh")
    target = tmp_path / "serving.duckdb"
    assert serving.publish_duckdb(store, target).mode == "full"
    unchanged = serving.publish_duckdb(store, target)
    assert unchanged.mode == "incremental" and set(unchanged.actions.values()) == {"kept"}

    # gold changes the way the assets make them: one row updated, one deleted, one inserted
    catalog_df = store.read("gold/paper_catalog")
    first, gone = catalog_df["paper_id"][0], catalog_df["paper_id"][1]
    changed = pl.concat([
        catalog_df.filter(pl.col("paper_id") != gone).with_columns(
            pl.when(pl.col("paper_id") == first).then(pl.lit("A new title")).otherwise("title").alias("title")),
        catalog_df.head(1).with_columns(pl.lit("p-new").alias("paper_id")),
    ])
    store.replace("gold/paper_catalog", changed, ["paper_id"])
    # a table re-created from scratch (new Delta table id) is re-created in DuckDB too
    trends = store.read("gold/topic_trends")
    shutil.rmtree(store.path("gold/topic_trends"))
    store.replace("gold/topic_trends", trends.head(3), ["topic", "period_start"])

    out = serving.publish_duckdb(store, target)
    assert out.mode == "incremental"
    assert out.actions["gold/paper_catalog"] == "updated 3 rows"
    assert out.actions["gold/topic_trends"] == "created"
    assert out.rows["gold/paper_catalog"] == catalog_df.height + 1 - 1
    full = serving.publish_duckdb(store, tmp_path / "full.duckdb", incremental=False)
    assert full.mode == "full"
    assert _snapshot(target) == _snapshot(tmp_path / "full.duckdb")

    # more than MAX_CHANGED_SHARE of a table changed: re-created, same result
    store.replace("gold/paper_catalog", changed.with_columns(pl.lit("x").alias("title")), ["paper_id"])
    out = serving.publish_duckdb(store, target)
    assert out.actions["gold/paper_catalog"] == "created"
    serving.publish_duckdb(store, tmp_path / "full.duckdb", incremental=False)
    assert _snapshot(target) == _snapshot(tmp_path / "full.duckdb")


def test_publish_rebuilds_when_the_old_version_is_gone_or_the_dictionary_changed(warehouse, tmp_path, monkeypatch):
    import shutil

    wh, _ = warehouse
    shutil.copytree(wh, tmp_path / "wh")
    store = DeltaStore(tmp_path / "wh")
    target = tmp_path / "serving.duckdb"
    serving.publish_duckdb(store, target)
    df = store.read("gold/paper_catalog")
    store.replace("gold/paper_catalog", df.head(len(df) - 1), ["paper_id"])
    store.table("gold/paper_catalog").vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
    monkeypatch.setattr(delta, "READ_CACHE", delta._ReadCache())  # this process read it before the vacuum
    out = serving.publish_duckdb(store, target)  # the recorded version's files are gone
    assert out.mode == "incremental" and out.actions["gold/paper_catalog"] == "created"
    assert serving.duckdb_row_counts(target)["gold/paper_catalog"] == len(df) - 1
    monkeypatch.setattr(serving, "STORAGE_VERSION", "v1.1.0")  # any change of the signature
    assert serving.publish_duckdb(store, target).mode == "full"


def test_cli_sql_table_csv_json(warehouse, capsys):
    wh, _ = warehouse
    n = DeltaStore(wh).count("gold/topic_trends")
    assert cli.main(["sql", "--warehouse", str(wh), "SELECT count(*) AS n FROM gold.topic_trends"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["n"] and out[2].strip() == str(n) and out[-1] == "(1 row)"

    assert cli.main(["sql", "--warehouse", str(wh), "--csv",
                     "SELECT topic, period_start, papers FROM gold.topic_trends ORDER BY topic, period_start"]) == 0
    csv_lines = capsys.readouterr().out.splitlines()
    assert csv_lines[0] == "topic,period_start,papers" and len(csv_lines) == n + 1

    assert cli.main(["sql", "--warehouse", str(wh), "--format", "json",
                     "SELECT * FROM gold.paper_catalog ORDER BY paper_id LIMIT 2"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and rows[0]["first_seen"][:4].isdigit() and "paper_id" in rows[0]

    assert cli.main(["sql", "--warehouse", str(wh), "--tables"]) == 0
    listed = capsys.readouterr().out
    for t in serving.gold_tables():
        assert serving.sql_name(t) in listed

    assert cli.main(["sql", "--warehouse", str(wh), "SELECT * FROM gold.no_such_table"]) == 1
    assert "no_such_table" in capsys.readouterr().err
    assert cli.main(["sql", "--warehouse", str(tmp_missing := wh / "nope"), "SELECT 1"]) == 2
    assert str(tmp_missing) in capsys.readouterr().err


def test_cli_sql_csv_writes_lists_and_structs_as_json(tmp_path, capsys):
    import duckdb

    db = tmp_path / "serving.duckdb"
    duckdb.connect(str(db)).close()
    query = "SELECT ['a', 'b, c'] AS l, {'x': 1, 'd': DATE '2024-03-21'} AS s"
    assert cli.main(["sql", "--db", str(db), "--csv", query]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "l,s"
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert json.loads(row["l"]) == ["a", "b, c"] and json.loads(row["s"]) == {"x": 1, "d": "2024-03-21"}


def test_gold_tables_are_protocol_1_and_compact(warehouse):
    wh, _ = warehouse
    store = DeltaStore(wh)
    for t in serving.gold_tables(store):
        dtab = store.table(t)
        assert dtab.protocol().min_reader_version == 1, t
        assert len(dtab.file_uris()) <= serving.MAX_FILES, t


def test_compact_if_fragmented(tmp_path):
    store = DeltaStore(tmp_path)
    path = str(store.path("gold/frag"))
    for i in range(6):
        pl.DataFrame({"k": [i], "v": [float(i)]}).write_delta(path, mode="append")
    assert len(store.table("gold/frag").file_uris()) == 6
    version = serving.compact_if_fragmented(store, "gold/frag", max_files=4)
    assert version == store.version("gold/frag") == 6
    assert len(store.table("gold/frag").file_uris()) == 1
    assert store.count("gold/frag") == 6
    assert serving.compact_if_fragmented(store, "gold/frag", max_files=4) is None
