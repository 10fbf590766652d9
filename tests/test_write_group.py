"""Write groups: the tables of one multi-asset are written at once, except the group's ledger (its
last table), which is written only after the others succeeded."""

import threading

import polars as pl
import pytest

from assets._publish import TableWrite, write_group
from paperlake.delta import DeltaStore


def _write(table: str, n: int = 3) -> TableWrite:
    return TableWrite(table, pl.DataFrame({"k": [f"{table}{i}" for i in range(n)], "v": list(range(n))}),
                      keys=["k"], checks=[], outcomes={})


def test_the_last_table_is_written_after_the_others_which_are_written_at_once(tmp_path, monkeypatch):
    store = DeltaStore(tmp_path)
    both_started = threading.Barrier(2, timeout=10)  # the first two writes must run at the same time
    order, real = [], DeltaStore.upsert

    def upsert(self, table, *a, **k):
        if table != "t/ledger":
            both_started.wait()
        out = real(self, table, *a, **k)
        order.append(table)
        return out

    monkeypatch.setattr(DeltaStore, "upsert", upsert)
    written = write_group(store, [_write("t/a"), _write("t/b"), _write("t/ledger")], "run-1")
    assert [w.write.table for w in written] == ["t/a", "t/b", "t/ledger"]
    assert order[-1] == "t/ledger" and sorted(order[:2]) == ["t/a", "t/b"]
    assert all(store.count(t) == 3 for t in ("t/a", "t/b", "t/ledger"))


def test_a_failed_write_leaves_the_ledger_unwritten(tmp_path, monkeypatch):
    store = DeltaStore(tmp_path)
    real = DeltaStore.upsert

    def upsert(self, table, *a, **k):
        if table == "t/b":
            raise OSError("disk full")
        return real(self, table, *a, **k)

    monkeypatch.setattr(DeltaStore, "upsert", upsert)
    with pytest.raises(OSError, match="disk full"):
        write_group(store, [_write("t/a"), _write("t/b"), _write("t/ledger")], "run-1")
    assert not store.exists("t/ledger")
