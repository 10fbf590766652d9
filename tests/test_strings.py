"""runs_to_space gives exactly what replacing every run of other characters with one space gives."""

import random

import polars as pl
import pytest

from paperlake.strings import runs_to_space

ALPHABET = list("ab09 ") + [" ", " ", "  ", "\t", "\n", ",", ".", "-", "(", ")", "_", "é", "ß", "日", "\u00a0", "\u2009", "’", "—"]


def _random_texts(seed: int, n: int = 3000) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30))) for _ in range(n)]


@pytest.mark.parametrize("chars", ["a-z0-9", r"\p{L}\p{N}"])
@pytest.mark.parametrize("seed", [0, 1])
def test_runs_to_space_equals_replacing_every_run(chars, seed):
    df = pl.DataFrame({"s": _random_texts(seed) + ["", " ", "  ", " a ", "a  b", " , ", "a\tb", "x", "..."]})
    got = df.select(runs_to_space(pl.col("s"), chars))["s"]
    expected = df.select(pl.col("s").str.replace_all(f"[^{chars}]+", " "))["s"]
    assert got.to_list() == expected.to_list()
