"""A linear topic model over words and word pairs, stacked on the lexicon (pure, Dagster-free).

The lexicon (:mod:`paperlake.tagging`) knows the taxonomy's vocabulary; this model learns from
labelled papers which words and word pairs go with each topic, which carries the tagger to papers
whose wording the lexicon never saw. ``scripts/train_topic_model.py`` fits it and writes the model
file (``paperlake/config/topic_model.npz``) and the ``[model]`` table of ``taxonomy.toml``.

Features: the title and abstract normalised as the lexicon normalises them (lower case, runs of
other characters one space), each word and each pair of adjacent words, title ones apart from
abstract ones; a paper's vector holds ``log(1 + count) * idf`` per feature (``idf`` from the
training papers: ``log((1 + n) / (1 + papers with the feature)) + 1``), scaled to unit length;
per topic ``p = sigmoid(x . weights + bias)`` (one-vs-rest logistic regression). Words are matched by 64-bit
hashes computed in the running process (Polars' hash of the word; a pair combines its words'
hashes with integer arithmetic), so no string is built per word pair and the stored vocabulary
stays plain text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from paperlake.strings import runs_to_space

DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "config" / "topic_model.npz"
TITLE_PREFIX = "t:"  # namespace of title features in the stored vocabulary
_SALT = {"title": 1, "abstract": 0}
_PAIR_MUL = 0x9E3779B97F4A7C15  # pair hash = first * _PAIR_MUL + second (wrapping u64)
_ALNUM = "a-z0-9"


@dataclass(frozen=True, eq=False)
class TopicModel:
    topics: tuple[str, ...]
    features: np.ndarray  # (d,) str: "word", "word next", "t:word", "t:word next"
    weights: np.ndarray  # (d, k) float32 (stored as float16)
    bias: np.ndarray  # (k,) float32
    idf: np.ndarray  # (d,) float32: inverse document frequency of each feature in the training papers
    digest: str  # of the model file: part of the taxonomy version

    @property
    def vocab(self) -> pl.DataFrame:
        """(f: u64 feature hash, j: u32 row of ``weights``), computed on first use: loading the
        model (at import, through the taxonomy) must not start Polars' thread pool, or processes
        forked afterwards (Dagster's forkserver) hang in their first parallel Polars call."""
        if "_vocab" not in self.__dict__:
            ids = feature_ids(self.features)
            object.__setattr__(self, "_vocab", pl.DataFrame(
                {"f": ids, "j": np.arange(len(ids), dtype=np.uint32)}, schema={"f": pl.UInt64, "j": pl.UInt32}))
        return self.__dict__["_vocab"]


def load_model(path: str | Path | None = None) -> TopicModel:
    p = Path(path) if path is not None else DEFAULT_MODEL_PATH
    raw = p.read_bytes()
    with np.load(p, allow_pickle=False) as z:
        if "idf" not in z:
            raise ValueError(f"{p} has no idf (a model file from before taxonomy-v1.4.2): retrain it with "
                             "scripts/train_topic_model.py --write")
        return TopicModel(
            topics=tuple(str(t) for t in z["topics"]),
            features=z["features"].astype(str),
            weights=z["weights"].astype(np.float32),
            bias=z["bias"].astype(np.float32),
            idf=z["idf"].astype(np.float32),
            digest=hashlib.sha256(raw).hexdigest()[:8],
        )


def save_model(path: str | Path, topics, features, weights, bias, idf) -> None:
    np.savez_compressed(
        path, topics=np.asarray(topics, dtype=str), features=np.asarray(features, dtype=str),
        weights=np.asarray(weights, dtype=np.float16), bias=np.asarray(bias, dtype=np.float32),
        idf=np.asarray(idf, dtype=np.float32))


def _words(col: str) -> pl.Expr:
    text = runs_to_space(pl.col(col).fill_null("").str.to_lowercase(), _ALNUM)
    return text.str.strip_chars().str.split(" ")


def _pairs(h: pl.Expr, same_row: pl.Expr) -> pl.Expr:
    return pl.when(same_row).then(h * pl.lit(_PAIR_MUL, dtype=pl.UInt64) + h.shift(-1))


def _part_features(papers: pl.DataFrame, with_text: bool = False) -> list[pl.DataFrame]:
    """Four frames (title words, title pairs, abstract words, abstract pairs), each ordered by
    ``_row`` (u32 index into ``papers``) with ``f`` (u64 hash) per occurrence; with ``with_text``
    also ``feature`` (the vocabulary spelling, for training)."""
    parts = []
    for col, salt in _SALT.items():
        words = (
            papers.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), _words(col).alias("w"))
            .explode("w")
            .filter(pl.col("w") != "")
            .with_columns(pl.col("w").hash(salt).alias("h"))
        )
        same = pl.col("_row") == pl.col("_row").shift(-1)
        prefix = TITLE_PREFIX if col == "title" else ""
        uni = [pl.col("_row"), pl.col("h").alias("f")]
        pair = [pl.col("_row"), _pairs(pl.col("h"), same).alias("f")]
        if with_text:
            uni.append((pl.lit(prefix) + pl.col("w")).alias("feature"))
            pair.append((pl.lit(prefix) + pl.col("w") + " " + pl.col("w").shift(-1)).alias("feature"))
        parts += [words.select(uni), words.select(pair).drop_nulls("f")]
    return parts


def paper_features(papers: pl.DataFrame, with_text: bool = False) -> pl.DataFrame:
    """Every feature occurrence of every paper: ``_row``, ``f`` (and ``feature`` with ``with_text``)."""
    return pl.concat(_part_features(papers, with_text))


def feature_ids(features: np.ndarray | list[str]) -> np.ndarray:
    """u64 hashes of vocabulary spellings, equal to :func:`paper_features`' ``f`` in this process."""
    df = pl.DataFrame({"feature": pl.Series(list(features), dtype=pl.String)}).with_columns(
        pl.col("feature").str.starts_with(TITLE_PREFIX).alias("title"),
    ).with_columns(
        pl.when(pl.col("title")).then(pl.col("feature").str.slice(len(TITLE_PREFIX)))
        .otherwise(pl.col("feature")).str.split(" ").alias("w"),
    )
    first, second = pl.col("w").list.get(0), pl.col("w").list.get(1, null_on_oob=True)

    def h(word: pl.Expr) -> pl.Expr:
        return pl.when(pl.col("title")).then(word.hash(_SALT["title"])).otherwise(word.hash(_SALT["abstract"]))

    out = df.select(
        pl.when(second.is_null()).then(h(first))
        .otherwise(h(first) * pl.lit(_PAIR_MUL, dtype=pl.UInt64) + h(second)).alias("f")
    )
    return out["f"].to_numpy()


def _weighted_matrices(papers: pl.DataFrame, vocab: pl.DataFrame, idf: np.ndarray):
    """Sparse (papers x vocabulary) ``log(1 + count) * idf``, one matrix per feature part (the
    parts have disjoint vocabularies, so their sum is the paper's unscaled vector)."""
    import scipy.sparse as sp

    for part in _part_features(papers):
        hits = part.join(vocab, on="f", how="inner", maintain_order="left")
        indptr = np.searchsorted(hits["_row"].to_numpy(), np.arange(papers.height + 1, dtype=np.uint32))
        m = sp.csr_matrix(
            (np.ones(hits.height, dtype=np.float32), hits["j"].to_numpy(), indptr),
            shape=(papers.height, vocab.height),
        )
        m.sum_duplicates()
        m.data = np.log1p(m.data) * idf[m.indices]
        yield m


def _row_sq(m) -> np.ndarray:
    return np.asarray(m.multiply(m).sum(axis=1), dtype=np.float64).ravel()


def design_matrix(papers: pl.DataFrame, vocab: pl.DataFrame, idf: np.ndarray):
    """Sparse (papers x vocabulary) matrix of the weighted features scaled to unit length per paper."""
    import scipy.sparse as sp

    x = sum(_weighted_matrices(papers, vocab, idf))
    norm = np.sqrt(_row_sq(x))
    return sp.diags(1.0 / np.where(norm > 0, norm, 1.0)).astype(np.float32) @ x


def topic_probabilities(papers: pl.DataFrame, model: TopicModel) -> np.ndarray:
    """(papers x model.topics) probabilities of each topic being a main subject."""
    k = len(model.topics)
    z = np.zeros((papers.height, k), dtype=np.float64)
    sq = np.zeros(papers.height, dtype=np.float64)
    for m in _weighted_matrices(papers, model.vocab, model.idf):  # = design_matrix @ weights, part by part
        z += m @ model.weights
        sq += _row_sq(m)
    norm = np.sqrt(sq)
    z = z / np.where(norm > 0, norm, 1.0)[:, None] + model.bias
    return 1.0 / (1.0 + np.exp(-z))
