"""frames.semi / frames.anti give exactly what Polars' semi / anti joins give."""

import polars as pl
import pytest

from paperlake import frames

DF = pl.DataFrame({"k": ["b", None, "a", "c", "a", "d"], "text": ["x" * 50, "y", "z", "w", "v", "u"],
                   "bands": [[1, 2], [], [3], None, [4, 5, 6], [7]]})


@pytest.mark.parametrize("other", [
    pl.DataFrame({"k": ["a", "d", "zz"]}),
    pl.DataFrame({"k": ["a", None]}),  # a null key matches nothing
    pl.DataFrame({"k": []}, schema={"k": pl.String}),
    DF.select("k"),  # every row
])
def test_semi_and_anti_match_the_joins(other):
    assert frames.semi(DF, other, "k").equals(DF.join(other, on="k", how="semi", maintain_order="left"))
    assert frames.anti(DF, other, "k").equals(DF.join(other, on="k", how="anti", maintain_order="left"))
    assert frames.semi(DF, other["k"], "k").equals(frames.semi(DF, other, "k"))  # a Series of keys too
    assert frames.semi(DF, other, "k").height + frames.anti(DF, other, "k").height == DF.height
