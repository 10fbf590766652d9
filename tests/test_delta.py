"""DeltaStore.replace: whole-table writes that commit only when a row changed."""

import polars as pl

from paperlake.delta import DeltaStore


def test_replace_commits_only_changes_and_keeps_history(tmp_path):
    store = DeltaStore(tmp_path)
    df = pl.DataFrame({"k": ["a", "b", None], "v": [1, 2, 3]})
    first = store.replace("gold/x", df, ["k"], metadata={"dagster_run_id": "r1"})
    assert first.committed and first.inserted == 3
    again = store.replace("gold/x", df.sample(fraction=1.0, shuffle=True, seed=1), ["k"])
    assert not again.committed and store.version("gold/x") == first.version  # same rows, any order
    changed = store.replace("gold/x", pl.DataFrame({"k": ["a", "c"], "v": [9, 4]}), ["k"], metadata={"dagster_run_id": "r2"})
    assert (changed.committed, changed.inserted, changed.updated, changed.deleted) == (True, 1, 1, 2)
    assert sorted(store.read("gold/x").rows()) == [("a", 9), ("c", 4)]
    assert sorted(store.read("gold/x", version=first.version).rows(), key=str) == sorted(df.rows(), key=str)
    assert store.history("gold/x", 1)[0]["dagster_run_id"] == "r2"
    assert store.table("gold/x").protocol().min_reader_version == 1
