"""DeltaStore.replace: whole-table writes that commit only when a row changed."""

import datetime as dt

import polars as pl
import pytest

from paperlake.delta import DeltaStore


def test_replace_commits_only_changes_and_keeps_history(tmp_path):
    store = DeltaStore(tmp_path)
    df = pl.DataFrame({"k": ["a", "b", None], "v": [1, 2, 3]})
    first = store.replace("gold/x", df, ["k"], metadata={"dagster_run_id": "r1"})
    assert first.committed and first.inserted == 3
    again = store.replace("gold/x", df.sample(fraction=1.0, shuffle=True, seed=1), ["k"])
    assert not again.committed and store.version("gold/x") == first.version  # same rows, any order
    new = pl.DataFrame({"k": ["a", "c"], "v": [9, 4]})
    plan = store.prepare_replace("gold/x", new, ["k"])  # compares, commits nothing
    assert (plan.fresh, plan.inserted, plan.updated, plan.deleted) == (False, 1, 1, 2)
    assert store.version("gold/x") == first.version
    changed = store.replace("gold/x", new, ["k"], metadata={"dagster_run_id": "r2"}, plan=plan)
    assert (changed.committed, changed.inserted, changed.updated, changed.deleted) == (True, 1, 1, 2)
    assert sorted(store.read("gold/x").rows()) == [("a", 9), ("c", 4)]
    assert sorted(store.read("gold/x", version=first.version).rows(), key=str) == sorted(df.rows(), key=str)
    assert store.history("gold/x", 1)[0]["dagster_run_id"] == "r2"
    assert store.table("gold/x").protocol().min_reader_version == 1


def test_whole_truth_upsert_merges_only_the_differences(tmp_path):
    store = DeltaStore(tmp_path)
    df = pl.DataFrame({"k": [f"k{i}" for i in range(1000)], "v": list(range(1000))})
    first = store.upsert("silver/x", df, ["k"])
    assert first.committed and first.rows == 1000
    assert not store.upsert("silver/x", df.reverse(), ["k"]).committed  # same truth: no commit
    new = pl.concat([df.filter(pl.col("k") != "k3").with_columns(
        pl.when(pl.col("k") == "k7").then(-7).otherwise(pl.col("v")).alias("v")),
        pl.DataFrame({"k": ["new"], "v": [42]})])
    out = store.upsert("silver/x", new, ["k"], metadata={"dagster_run_id": "r2"})
    assert (out.committed, out.inserted, out.updated, out.deleted, out.rows) == (True, 1, 1, 1, 1000)
    assert store.read("silver/x").sort("k").equals(new.sort("k"))
    # the change data feed holds exactly the three changed keys, with no helper column
    changes = store.changes_since("silver/x", first.version, ["k"], ["k"])
    assert sorted(changes["k"]) == ["k3", "k7", "new"] and changes["_deleted"].sum() == 1
    assert store.read("silver/x").columns == ["k", "v"]
    assert store.history("silver/x", 1)[0]["dagster_run_id"] == "r2"


@pytest.mark.parametrize("rewrite", [False, True], ids=["merge", "streamed_rewrite"])
def test_scope_expression_upsert_equals_the_sql_scoped_merge(tmp_path, monkeypatch, rewrite):
    """A re-parse: the new rows are the whole truth for their dumps (scope), other dumps' rows stay.
    Committed as the differences only (MERGE), or, when most rows change, as one overwrite that
    streams the unchanged rows: either way the table a SQL-scoped MERGE of the whole frame gives."""
    import paperlake.delta as delta

    monkeypatch.setattr(delta, "REWRITE_MIN_ROWS", 0 if rewrite else 10**9)
    monkeypatch.setattr(delta, "REWRITE_SHARE", 0.1)
    n = 3000
    table = pl.DataFrame({"id": [f"d{i % 30:02d}-{i:05d}" for i in range(n)], "dump": [f"d{i % 30:02d}" for i in range(n)],
                          "v": list(range(n)), "at": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)] * n})
    redo = [f"d{i:02d}" for i in range(0, 30, 2)]  # half of the dumps re-parsed
    # re-parse output: changed values, one listing fewer per dump, one new id
    new = (table.filter(pl.col("dump").is_in(redo)).filter(~pl.col("id").str.ends_with("0"))
           .with_columns(pl.when(pl.col("v") % 3 == 0).then(-pl.col("v")).otherwise(pl.col("v")).alias("v")))
    new = pl.concat([new, pl.DataFrame({"id": ["d00-new"], "dump": ["d00"], "v": [7], "at": [table["at"][0]]})])
    results = {}
    for name, scope in (("sql", delta.in_predicate("t.dump", redo)), ("expr", pl.col("dump").is_in(redo))):
        store = DeltaStore(tmp_path / name)
        store.upsert("bronze/l", table, ["id"])
        v0 = store.version("bronze/l")
        out = store.upsert("bronze/l", new, ["id"], delete_scope=scope, metadata={"dagster_run_id": name})
        results[name] = (store.read("bronze/l").sort("id"), out)
        if name == "expr":
            again = store.upsert("bronze/l", new.reverse(), ["id"], delete_scope=scope)
            assert not again.committed and store.version("bronze/l") == out.version  # same truth: no commit
            operation = store.history("bronze/l", 1)[0]
            assert operation["operation"] == ("WRITE" if rewrite else "MERGE") and operation["dagster_run_id"] == "expr"
            assert store.read("bronze/l", version=v0).sort("id").equals(table.sort("id"))  # time travel intact
            dtab = store.table("bronze/l")
            assert dtab.metadata().configuration["delta.enableChangeDataFeed"] == "true"
            assert dtab.protocol().min_reader_version == 1
    (sql_rows, sql_out), (expr_rows, expr_out) = results["sql"], results["expr"]
    assert expr_rows.equals(sql_rows)
    gone = table.filter(pl.col("dump").is_in(redo) & pl.col("id").str.ends_with("0")).height
    assert (expr_out.inserted, expr_out.deleted, expr_out.rows) == (1, gone, n - gone + 1)
    assert expr_out.updated == sql_out.updated > 0


def test_whole_truth_upsert_with_a_null_key_merges_the_whole_frame(tmp_path):
    store = DeltaStore(tmp_path)
    store.upsert("silver/y", pl.DataFrame({"k": ["a", None], "v": [1, 2]}), ["k"])
    out = store.upsert("silver/y", pl.DataFrame({"k": ["a"], "v": [1]}), ["k"])
    assert out.committed and store.read("silver/y").rows() == [("a", 1)]  # the null-key row is gone


def test_cached_reads_follow_versions_and_recreated_tables(tmp_path):
    store = DeltaStore(tmp_path)
    store.replace("gold/x", pl.DataFrame({"k": ["a"], "v": [1]}), ["k"])
    first = store.read("gold/x")
    first.insert_column(0, pl.Series("scratch", [0]))  # a caller's in-place change stays its own
    assert store.read("gold/x").rows() == [("a", 1)]
    store.replace("gold/x", pl.DataFrame({"k": ["a", "b"], "v": [1, 2]}), ["k"])
    assert sorted(store.read("gold/x").rows()) == [("a", 1), ("b", 2)]
    assert store.read("gold/x", version=0).rows() == [("a", 1)]
    assert store.read("gold/x", ["k"]).height == 2
    # The same path and version, but a new table: never the old table's cached rows.
    import shutil

    shutil.rmtree(store.path("gold/x"))
    store.replace("gold/x", pl.DataFrame({"k": ["z"], "v": [26]}), ["k"])
    assert store.read("gold/x").rows() == [("z", 26)]


def test_changes_since_reads_latest_images_across_appends_and_merges(tmp_path):
    store = DeltaStore(tmp_path)
    first = store.upsert("silver/c", pl.DataFrame({"k": ["a", "b", "c"], "v": [1, 2, 3]}), ["k"])
    store.upsert("silver/c", pl.DataFrame({"k": ["d"], "v": [4]}), ["k"], delete_scope=None, new_keys_only=True)
    store.upsert("silver/c", pl.DataFrame({"k": ["a"], "v": [10]}), ["k"], delete_scope="t.k IN ('a', 'b')")
    store.upsert("silver/c", pl.DataFrame({"k": ["a"], "v": [11]}), ["k"], delete_scope=None)
    assert store.history("silver/c", 3)[2]["operationParameters"]["mode"] == "Append"
    changes = store.changes_since("silver/c", first.version, ["k"]).sort("k")
    assert changes.rows() == [("a", 11, False), ("b", 2, True), ("d", 4, False)]  # "c" never changed
    assert store.changes_since("silver/c", first.version, ["k"], ["k"]).columns == ["k", "_deleted"]
    assert store.changes_since("silver/c", store.version("silver/c"), ["k"]).is_empty()
    # nightly maintenance (OPTIMIZE, VACUUM) rewrites files, not rows: the feed reads across it
    from paperlake import ops

    before = store.version("silver/c")
    assert ops.maintain(store, "silver/c", retention_hours=ops.MIN_RETENTION_HOURS).files_compacted > 0
    store.table("silver/c").vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
    assert {"OPTIMIZE", "VACUUM END"} <= {h["operation"] for h in store.history("silver/c", 3)}
    store.upsert("silver/c", pl.DataFrame({"k": ["c"], "v": [30]}), ["k"], delete_scope=None)
    assert store.changes_since("silver/c", before, ["k"]).rows() == [("c", 30, False)]
    assert store.changes_since("silver/c", first.version, ["k"]) is None  # its feed files were vacuumed
    # an overwrite cannot be read as changes: the caller does a full pass
    store.replace("silver/c", pl.DataFrame({"k": ["z"], "v": [0]}), ["k"])
    assert store.changes_since("silver/c", first.version, ["k"]) is None


def test_tables_checkpoint_every_ten_commits_and_older_tables_get_the_interval(tmp_path):
    from deltalake import write_deltalake

    from paperlake import ops
    from paperlake.delta import CHECKPOINT_INTERVAL, CHECKPOINT_INTERVAL_KEY

    store = DeltaStore(tmp_path)
    for i in range(CHECKPOINT_INTERVAL + 1):  # versions 0..10
        store.upsert("silver/n", pl.DataFrame({"k": [f"k{i}"], "v": [i]}), ["k"], delete_scope=None)
    log = tmp_path / "silver" / "n" / "_delta_log"
    assert sorted(p.name for p in log.glob("*.checkpoint.parquet")) == [f"{CHECKPOINT_INTERVAL - 1:020d}.checkpoint.parquet"]
    assert store.read("silver/n").height == CHECKPOINT_INTERVAL + 1

    # a table written before the interval was set (delta-rs' default: 100) gets it from maintenance,
    # in a commit that changes no rows: the change feed reads across it
    write_deltalake(str(tmp_path / "silver" / "o"), pl.DataFrame({"k": ["a"], "v": [1]}).to_arrow(),
                    configuration={"delta.enableChangeDataFeed": "true"})
    store.upsert("silver/o", pl.DataFrame({"k": ["b"], "v": [2]}), ["k"], delete_scope=None)
    before = store.version("silver/o")
    ops.maintain(store, "silver/o", retention_hours=ops.MIN_RETENTION_HOURS)
    assert store.table("silver/o").metadata().configuration[CHECKPOINT_INTERVAL_KEY] == str(CHECKPOINT_INTERVAL)
    assert "SET TBLPROPERTIES" in {h["operation"] for h in store.history("silver/o", 3)}
    assert store.table("silver/o").protocol().min_reader_version == 1
    assert not store.ensure_checkpoint_interval("silver/o")  # set once
    store.table("silver/o").alter.set_table_properties({CHECKPOINT_INTERVAL_KEY: "50"})
    assert not store.ensure_checkpoint_interval("silver/o")  # an interval set by hand stays
    assert store.table("silver/o").metadata().configuration[CHECKPOINT_INTERVAL_KEY] == "50"
    store.upsert("silver/o", pl.DataFrame({"k": ["c"], "v": [3]}), ["k"], delete_scope=None)
    assert store.changes_since("silver/o", before, ["k"]).rows() == [("c", 3, False)]


def test_one_open_handle_per_table_and_thread_kept_up_to_date(tmp_path):
    import shutil
    import threading

    store = DeltaStore(tmp_path)
    store.upsert("silver/h", pl.DataFrame({"k": ["a"], "v": [1]}), ["k"])
    dtab = store.table("silver/h")
    assert store.table("silver/h") is dtab and DeltaStore(tmp_path).table("silver/h") is dtab  # no new open
    store.upsert("silver/h", pl.DataFrame({"k": ["b"], "v": [2]}), ["k"], delete_scope=None)
    assert store.table("silver/h") is dtab and dtab.version() == 1  # caught up with the commit
    assert store.read("silver/h", version=0).rows() == [("a", 1)]
    assert dtab.version() == 1 and store.count("silver/h") == 2  # time travel opens its own handle
    other = []
    t = threading.Thread(target=lambda: other.append(store.table("silver/h")))
    t.start()
    t.join()
    assert other[0] is not dtab and other[0].version() == 1  # each thread has its own handle
    from deltalake import write_deltalake

    row = pl.read_delta(str(tmp_path / "silver" / "h")).head(1).to_arrow()
    for _ in range(11):  # another writer: a checkpoint at version 9, then the commits before it cleaned up
        write_deltalake(str(tmp_path / "silver" / "h"), row, mode="append")
    for v in range(1, 9):
        (tmp_path / "silver" / "h" / "_delta_log" / f"{v:020d}.json").unlink()
    assert dtab.version() == 1  # this thread's handle has not seen them
    assert store.version("silver/h") == 12 and store.count("silver/h") == 13
    shutil.rmtree(tmp_path / "silver" / "h")  # the table is made again: its old handle is not reused
    store.upsert("silver/h", pl.DataFrame({"k": ["z"], "v": [26]}), ["k"])
    assert store.version("silver/h") == 0 and store.read("silver/h").rows() == [("z", 26)]


def test_blank_count_from_file_statistics_or_by_reading(tmp_path, monkeypatch):
    store = DeltaStore(tmp_path)
    t = "silver/texts"
    store.upsert(t, pl.DataFrame({"id": ["a", "b", "c"], "text": ["x", None, "yz"]}), ["id"])
    store.upsert(t, pl.DataFrame({"id": ["d", "e"], "text": [None, None]}, schema={"id": pl.String, "text": pl.String}),
                 ["id"], delete_scope=None, new_keys_only=True)  # a file of nulls only: no minimum
    reads = []
    monkeypatch.setattr(store, "read", lambda *a, **k: reads.append(a) or DeltaStore.read(store, *a, **k))
    assert store.blank_count(t, "text") == 3 and reads == []  # settled by the statistics
    store.upsert(t, pl.DataFrame({"id": ["f"], "text": [""]}), ["id"], delete_scope=None, new_keys_only=True)
    assert store.blank_count(t, "text") == 4 and reads  # an empty string: counted by reading


def test_a_replaced_version_is_read_from_the_cache_exactly_as_from_disk(tmp_path):
    from paperlake.delta import READ_CACHE, ROW_HASH

    store = DeltaStore(tmp_path)
    t = "gold/scores"
    df = pl.DataFrame({"id": ["a", "b"], "score": [1.5, 2.0], "day": [dt.date(2024, 1, 1), None]})
    store.replace(t, df, ["id"])  # first write
    store.replace(t, df.with_columns(pl.col("score") * 2), ["id"])  # overwrite: remembered
    dtab = store.table(t)
    key = (str(store.path(t)), dtab.metadata().id, dtab.version())
    cached, keys = READ_CACHE.get((*key, None)), READ_CACHE.get((*key, ("id", ROW_HASH)))
    on_disk = pl.read_delta(str(store.path(t)))
    assert cached is not None and cached.equals(on_disk.drop(ROW_HASH))
    assert keys is not None and keys.equals(on_disk.select("id", ROW_HASH))


def test_read_cache_serves_column_subsets_and_holds_large_frames_only_while_held(tmp_path, monkeypatch):
    from paperlake import delta

    cache = delta._ReadCache(max_bytes=1 << 20, max_frame_bytes=1 << 10)  # a frame over 1 KB is "large"
    monkeypatch.setattr(delta, "READ_CACHE", cache)
    store = DeltaStore(tmp_path)
    df = pl.DataFrame({"id": [f"k{i}" for i in range(500)], "a": list(range(500)), "b": [1.5] * 500})
    store.upsert("silver/t", df, ["id"])
    reads = []
    real = pl.read_delta
    monkeypatch.setattr(delta.pl, "read_delta", lambda *a, **k: reads.append(k.get("columns")) or real(*a, **k))

    store.read("silver/t")
    store.read("silver/t")
    assert len(reads) == 2  # large: not kept outside a hold
    with cache.holding():
        whole = store.read("silver/t")
        sub = store.read("silver/t", ["b", "id"])  # served from the whole frame, in the asked order
        again = store.read("silver/t")
    assert len(reads) == 3
    assert sub.equals(real(str(store.path("silver/t")), columns=["b", "id"])) and again.equals(whole)
    assert whole.sort("id").equals(df.sort("id"))
    store.read("silver/t", ["id"])
    assert len(reads) == 4  # released when the hold ended
    assert store.read("silver/t", ["id", delta.ROW_HASH]).columns == ["id", delta.ROW_HASH]  # not in the whole frame
    assert len(reads) == 5


def test_a_clustered_table_merges_recent_rows_without_rewriting_old_files(tmp_path, monkeypatch):
    """cluster_by: written whole in files ordered by the column (non-overlapping ranges); a MERGE
    of recent rows with a target filter rewrites only the recent files, and equals the unfiltered
    MERGE."""
    import numpy as np

    from paperlake import delta

    monkeypatch.setattr(delta, "CLUSTERED_FILE_BYTES", 256 << 10)
    rng = np.random.default_rng(0)
    n = 20_000
    day0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    df = pl.DataFrame({
        "k": [f"p{i:06d}" for i in rng.permutation(n)],
        "seen": [day0 + dt.timedelta(hours=int(h)) for h in rng.integers(0, 24 * 365, n)],
        "text": ["x" * 100 + str(i) for i in range(n)],
    }).with_columns(pl.col("seen").dt.cast_time_unit("us"))
    results = []
    for clustered in (True, False):
        store = DeltaStore(tmp_path / str(clustered))
        store.upsert("silver/p", df, ["k"], cluster_by="seen" if clustered else None)
        files = pl.DataFrame(store.table("silver/p").get_add_actions(flatten=True)).sort("min.seen")
        if clustered:
            assert files.height > 4 and (files["min.seen"].shift(-1) >= files["max.seen"]).drop_nulls().all()
        recent = df.filter(pl.col("seen") >= day0 + dt.timedelta(days=330))
        changes = recent.head(50).with_columns(pl.lit("changed").alias("text"))
        oldest = changes["seen"].min()
        out = store.upsert("silver/p", changes, ["k"], delete_scope=None,
                           target_filter=f"t.seen >= '{oldest:%Y-%m-%dT%H:%M:%S.%fZ}'" if clustered else None)
        assert (out.updated, out.inserted) == (50, 0)
        removed = store.history("silver/p", 1)[0]["operationMetrics"]["num_target_files_removed"]
        results.append((store.read("silver/p").sort("k"), removed, files.height))
    (clustered_rows, removed, n_files), (plain_rows, _, _) = results
    assert clustered_rows.equals(plain_rows)
    assert removed < n_files / 3  # only the files holding the last weeks
