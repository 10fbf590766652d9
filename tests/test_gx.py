"""GX suites on Polars frames: sampled above max_rows, keys still checked on every row."""

import polars as pl

from paperlake import gx

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
