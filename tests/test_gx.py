"""GX suites on Polars frames: sampled above max_rows, keys still checked on every row."""

import subprocess
import sys
from pathlib import Path

import polars as pl

from paperlake import gx

ROOT = Path(__file__).resolve().parents[1]

SUITE = [("ExpectColumnValuesToBeUnique", {"column": "id"}), ("ExpectColumnValuesToNotBeNull", {"column": "id"}),
         ("ExpectColumnValuesToBeBetween", {"column": "n", "min_value": 0})]


def test_small_frame_is_validated_whole():
    ok = gx.validate(pl.DataFrame({"id": ["a", "b"], "n": [1, 2]}), "t", SUITE)
    assert ok.passed and not ok.metadata["sampled"] and ok.metadata["rows_validated"] == 2
    bad = gx.validate(pl.DataFrame({"id": ["a", "a"], "n": [1, -2]}), "t", SUITE)
    assert not bad.passed and bad.metadata["failed"] == 2


def test_sampled_frame_still_catches_a_duplicate_key_outside_the_sample():
    ids = [f"k{i}" for i in range(5000)]
    ids[4321] = ids[17]  # one duplicate pair
    df = pl.DataFrame({"id": ids, "n": list(range(5000))})
    out = gx.validate(df, "t", SUITE, max_rows=100)
    assert out.metadata["sampled"] and out.metadata["rows_validated"] == 100
    assert not out.passed
    assert "polars, all 5000 rows" in out.metadata["results"]
    clean = gx.validate(df.with_columns(pl.Series("id", [f"k{i}" for i in range(5000)])), "t", SUITE, max_rows=100)
    assert clean.passed


MIXED = pl.DataFrame({
    "id": ["a", "b", "b", None, "e", "f"],
    "n": [0, 5, -1, None, 11, 3],
    "x": [0.5, 0.0, 1.0, 0.2, None, 1.5],
    "kind": ["p", "q", "z", None, "p", "p"],
    "t": ["u", "v", "v", "w", "w", "w"],
})
MIXED_SUITE = [
    ("ExpectColumnValuesToNotBeNull", {"column": "id"}),
    ("ExpectColumnValuesToBeUnique", {"column": "id"}),
    ("ExpectColumnValuesToBeBetween", {"column": "n", "min_value": 0, "max_value": 10}),
    ("ExpectColumnValuesToBeBetween", {"column": "x", "min_value": 0, "max_value": 1, "strict_min": True}),
    ("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": ["p", "q"]}),
    ("ExpectCompoundColumnsToBeUnique", {"column_list": ["id", "t"]}),
    ("ExpectTableRowCountToEqual", {"value": 6}),
]


def test_polars_counts_unexpected_rows_as_gx_does():
    """The all-rows Polars re-check must agree with GX row for row (here GX sees every row)."""
    _, gx_rows = gx.run_suite(MIXED, "t", MIXED_SUITE)
    polars_rows = gx._full_table_checks(MIXED, MIXED_SUITE)
    assert [r["success"] for r in polars_rows] == [r["success"] for r in gx_rows]
    gx_unexpected = [r["unexpected"] for r in gx_rows]
    assert [r["unexpected"] for r in polars_rows][:-1] == gx_unexpected[:-1]  # row count: GX has no count
    assert gx_unexpected[:-1] == [1, 2, 2, 2, 1, 2]


def test_sampled_frame_catches_any_bad_row_outside_the_sample():
    n = 5000
    base = pl.DataFrame({"id": [f"k{i}" for i in range(n)], "n": [1] * n, "x": [0.5] * n, "kind": ["p"] * n,
                         "t": ["u"] * n})
    assert gx.validate(base, "t", MIXED_SUITE[:-1], max_rows=100).passed
    for column, value in (("n", 99), ("x", 0.0), ("kind", "zz")):
        bad = base.with_columns(pl.when(pl.int_range(n) == 4321).then(pl.lit(value)).otherwise(pl.col(column)).alias(column))
        out = gx.validate(bad, "t", MIXED_SUITE[:-1], max_rows=100)
        assert out.metadata["sampled"] and not out.passed, column
    # A table-level expectation is judged on the whole table, not on the sample.
    rows = gx.validate(base, "t", [("ExpectTableRowCountToEqual", {"value": n})], max_rows=100)
    assert rows.passed and rows.metadata["rows_validated"] == 100


def test_worker_process_gives_the_in_process_outcome():
    worker = gx.Worker()
    try:
        for df, suite, max_rows in ((MIXED, MIXED_SUITE, 100), (MIXED, MIXED_SUITE, 3)):
            assert worker.validate(df, "t", suite, max_rows=max_rows) == gx.validate(df, "t", suite, max_rows=max_rows)
        worker._proc.kill()
        worker._proc.wait()
        # A dead worker: the suite runs in this process instead, with the same outcome.
        assert worker.validate(MIXED, "t", MIXED_SUITE) == gx.validate(MIXED, "t", MIXED_SUITE)
        assert not worker.alive()
    finally:
        worker.close()


def test_submitted_suites_run_while_the_caller_goes_on_and_resolve_in_any_order():
    worker = gx.Worker()
    good = MIXED.filter(pl.col("id").is_not_null()).unique("id")
    cases = [(MIXED, MIXED_SUITE, 100), (good, SUITE[:2], 100), (MIXED, MIXED_SUITE, 3)]
    try:
        pending = [worker.submit(df, f"t{i}", suite, max_rows=m) for i, (df, suite, m) in enumerate(cases)]
        assert len(worker._queue) == 3  # all three submitted before any reply was read
        for i in reversed(range(3)):  # the last one first: earlier replies are kept for theirs
            df, suite, m = cases[i]
            assert pending[i].result() == gx.validate(df, f"t{i}", suite, max_rows=m)
        assert not pending[0].result().passed and pending[1].result().passed
        # Suites still outstanding when the worker dies get their outcome all the same.
        late = [worker.submit(MIXED, "late", MIXED_SUITE) for _ in range(2)]
        worker._proc.kill()
        worker._proc.wait()
        assert [p.result() for p in late] == [gx.validate(MIXED, "late", MIXED_SUITE)] * 2
        assert not list(Path(worker._dir).iterdir())  # every frame file is gone
    finally:
        worker.close()


def test_resource_mode_is_validated_and_inprocess_needs_no_worker(monkeypatch):
    import pydantic
    import pytest

    from pipelines.resources import GreatExpectationsResource

    with pytest.raises(pydantic.ValidationError):
        GreatExpectationsResource(mode="in-process")
    monkeypatch.setattr(gx, "start_worker", lambda: pytest.fail("inprocess mode started a worker"))
    res = GreatExpectationsResource(mode="inprocess")
    assert res.validate(MIXED, "t", MIXED_SUITE) == gx.validate(MIXED, "t", MIXED_SUITE)


def test_worker_defers_scipy_until_first_use():
    # In a fresh interpreter: deferred modules are not executed by import, and work on first use.
    code = (
        "import sys; from paperlake import gx; gx._defer_imports(('scipy.stats',));"
        "from scipy import stats;"  # how GX imports it
        "assert 'scipy.stats._stats_py' not in sys.modules, 'loaded at import';"
        "assert stats.norm.cdf(0.0) == 0.5 and 'scipy.stats._stats_py' in sys.modules; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "ok"


def test_worker_runs_suites_without_the_sql_backends_gx_would_import():
    code = (
        "import sys; from paperlake import gx; gx._defer_imports(); gx._block_imports(); import polars as pl;"
        "ok, rows = gx.run_suite(pl.DataFrame({'a': [1, None]}), 's', [('ExpectColumnValuesToNotBeNull', {'column': 'a'})]);"
        "assert sys.modules['sqlalchemy'] is None and sys.modules['psycopg2'] is None;"
        "print(ok, rows[0]['unexpected'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False 1"
