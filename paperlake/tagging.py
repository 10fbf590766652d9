"""Topic tagging of papers with a versioned, curated lexicon (pure, Dagster-free).

Contract: ``shared/spec/annotation-guidelines.md`` §1 (26 topic ids, 1 to 4 per paper, main
subject only). The taxonomy, lexicons, scoring constants and calibration live in
``paperlake/config/taxonomy.toml``; :func:`load_taxonomy` turns it into an immutable
:class:`Taxonomy` whose ``version`` ends in a content hash of the file, so any edit to the
config yields a new ``taxonomy_version`` in the output.

How a paper is scored (all vectorised, no Python loop over rows):

1. title and abstract are lower-cased and every run of non ``[a-z0-9]`` characters becomes
   one space, the text padded with spaces; lexicon terms are normalised the same way, so a
   term ``" lora "`` only matches the whole word and ``"quantiz*"`` becomes ``" quantiz"``;
2. one Aho-Corasick pass per field (``str.extract_many(overlapping=True)``) finds every
   lexicon term;
3. per (paper, topic): evidence = ``title_weight * Σ w(term in title)`` +
   ``Σ w(term) * min(n_abstract, cap) ** power`` (negative terms such as "code is available"
   cancel passing mentions);
4. topics with evidence ``>= min_score`` and ``>= relative_min * best`` are kept (at most 4);
   a paper with nothing kept gets its best topic, or ``fallback_topic`` without any evidence;
5. ``score`` = ``sigmoid(a * ln(evidence) + b + c * is_best)`` — a Platt calibration fitted on
   out-of-fold dev-gold predictions (``scripts/cv_topics.py``).
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parent / "config" / "taxonomy.toml"

PAPER_TOPICS_SCHEMA: dict[str, pl.DataType] = {
    "paper_id": pl.String,
    "topic": pl.String,
    "score": pl.Float64,
    "method": pl.String,
    "taxonomy_version": pl.String,
}

TIERS = ("strong", "medium", "weak", "negative")
_NON_ALNUM = r"[^a-z0-9]+"


@dataclass(frozen=True)
class Scoring:
    title_weight: float = 2.0
    abstract_cap: int = 3
    abstract_power: float = 0.5
    min_score: float = 3.0
    relative_min: float = 0.35
    max_topics: int = 4
    fallback_topic: str = "evaluation-benchmarks"


@dataclass(frozen=True)
class Calibration:
    a: float = 1.0
    b: float = -1.5
    c: float = 0.5
    fallback_probability: float = 0.15


@dataclass(frozen=True)
class Taxonomy:
    version: str
    topics: tuple[str, ...]
    descriptions: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # (pattern, topic, weight) rows; patterns are normalised and space-delimited
    lexicon: tuple[tuple[str, str, float], ...] = ()
    scoring: Scoring = Scoring()
    calibration: Calibration = Calibration()
    method: str = "lexicon-v1"


def normalise_term(term: str) -> str:
    """``"Mixture-of-Experts"`` -> ``" mixture of experts "``; ``*`` drops a word boundary."""
    t = term.strip().lower()
    left = not t.startswith("*")
    right = not t.endswith("*")
    core = re.sub(_NON_ALNUM, " ", t.strip("*")).strip()
    if not core:
        raise ValueError(f"empty lexicon term {term!r}")
    return (" " if left else "") + core + (" " if right else "")


def _parse_term(raw: str, tier_weight: float) -> tuple[str, float]:
    if "=" in raw:
        term, w = raw.rsplit("=", 1)
        return normalise_term(term), float(w)
    return normalise_term(raw), tier_weight


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load the taxonomy config (default: the packaged ``paperlake/config/taxonomy.toml``)."""
    p = Path(path) if path is not None else DEFAULT_TAXONOMY_PATH
    raw_bytes = p.read_bytes()
    cfg = tomllib.loads(raw_bytes.decode("utf-8"))
    digest = hashlib.sha256(raw_bytes).hexdigest()[:8]
    version = f"{cfg['version']}+{digest}"

    sc = cfg.get("scoring", {})
    tier_w = {t: float(sc.get(t, d)) for t, d in zip(TIERS, (3.0, 1.5, 0.5, -2.0))}
    scoring = Scoring(
        **{k: type(getattr(Scoring, k))(sc[k]) for k in Scoring.__dataclass_fields__ if k in sc}
    )
    cal = cfg.get("calibration", {})
    calibration = Calibration(
        **{k: float(cal[k]) for k in Calibration.__dataclass_fields__ if k in cal}
    )

    topics_cfg = cfg["topics"]
    topics = tuple(topics_cfg)
    if scoring.fallback_topic not in topics:
        raise ValueError(f"fallback_topic {scoring.fallback_topic!r} is not a topic")
    rows: dict[tuple[str, str], float] = {}
    for topic, tcfg in topics_cfg.items():
        for tier in TIERS:
            for raw in tcfg.get(tier, []):
                pat, w = _parse_term(raw, tier_w[tier])
                # a term listed twice for one topic keeps its last weight
                rows[(pat, topic)] = w
    lexicon = tuple((pat, topic, w) for (pat, topic), w in rows.items())
    return Taxonomy(
        version=version,
        topics=topics,
        descriptions={t: c.get("description", "") for t, c in topics_cfg.items()},
        lexicon=lexicon,
        scoring=scoring,
        calibration=calibration,
        method=str(cfg.get("method", "lexicon-v1")),
    )


_DEFAULT: Taxonomy | None = None


def _default_taxonomy() -> Taxonomy:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_taxonomy()
    return _DEFAULT


def _normalised(col: str) -> pl.Expr:
    return pl.concat_str(
        [
            pl.lit(" "),
            pl.col(col).fill_null("").str.to_lowercase().str.replace_all(_NON_ALNUM, " "),
            pl.lit(" "),
        ]
    )


def topic_evidence(papers: pl.DataFrame, taxonomy: Taxonomy) -> pl.DataFrame:
    """Raw evidence per (row index, topic) for topics with any matched term.

    Columns: ``_row`` (u32 index into ``papers``), ``topic``, ``evidence`` (f64, may be <= 0).
    """
    sc = taxonomy.scoring
    lex = pl.DataFrame(
        {
            "match": [r[0] for r in taxonomy.lexicon],
            "topic": [r[1] for r in taxonomy.lexicon],
            "w": [r[2] for r in taxonomy.lexicon],
        },
        schema={"match": pl.String, "topic": pl.String, "w": pl.Float64},
    )
    patterns = lex.get_column("match").unique().to_list()
    frame = papers.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
        _normalised("title").str.extract_many(patterns, overlapping=True).alias("title"),
        _normalised("abstract").str.extract_many(patterns, overlapping=True).alias("abstract"),
    )
    hits = (
        frame.unpivot(index="_row", variable_name="field", value_name="match")
        .explode("match")
        .drop_nulls("match")
        .group_by("_row", "field", "match")
        .agg(pl.len().alias("n"))
        .join(lex, on="match", how="inner")
    )
    in_title = pl.col("field") == "title"
    weight = pl.when(in_title).then(
        pl.col("w") * sc.title_weight
    ).otherwise(
        pl.col("w") * pl.col("n").clip(upper_bound=sc.abstract_cap).cast(pl.Float64).pow(sc.abstract_power)
    )
    return hits.group_by("_row", "topic").agg(weight.sum().alias("evidence"))


def tag_papers(papers: pl.DataFrame, taxonomy: Taxonomy | None = None) -> pl.DataFrame:
    """Tag each paper with 1 to 4 topics.

    Input columns: ``paper_id``, ``title``, ``abstract`` (abstract may be null/empty).
    Output: one row per (paper_id, topic) with ``PAPER_TOPICS_SCHEMA`` columns, ``score`` a
    calibrated probability in (0, 1].
    """
    tax = taxonomy if taxonomy is not None else _default_taxonomy()
    sc, cal = tax.scoring, tax.calibration
    if papers.height == 0:
        return pl.DataFrame(schema=PAPER_TOPICS_SCHEMA)
    for col in ("title", "abstract"):
        if col not in papers.columns:
            papers = papers.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    papers = papers.with_columns(
        pl.col("paper_id").cast(pl.String),
        pl.col("title").cast(pl.String),
        pl.col("abstract").cast(pl.String),
    )

    ev = topic_evidence(papers, tax)
    ranked = (
        ev.filter(pl.col("evidence") > 0)
        .sort(["_row", "evidence", "topic"], descending=[False, True, False])
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.UInt32).over("_row").alias("rank"),
            pl.col("evidence").max().over("_row").alias("best"),
        )
    )
    keep = (pl.col("rank") == 0) | (
        (pl.col("rank") < sc.max_topics)
        & (pl.col("evidence") >= sc.min_score)
        & (pl.col("evidence") >= sc.relative_min * pl.col("best"))
    )
    chosen = ranked.filter(keep).select(
        "_row",
        "topic",
        (
            1.0
            / (
                1.0
                + (
                    -(
                        cal.a * pl.col("evidence").log()
                        + cal.b
                        + cal.c * (pl.col("rank") == 0).cast(pl.Float64)
                    )
                ).exp()
            )
        ).alias("score"),
    )
    all_rows = pl.DataFrame({"_row": pl.int_range(papers.height, dtype=pl.UInt32, eager=True)})
    fallback = all_rows.join(chosen.select("_row").unique(), on="_row", how="anti").with_columns(
        pl.lit(sc.fallback_topic).alias("topic"),
        pl.lit(cal.fallback_probability, dtype=pl.Float64).alias("score"),
    )
    out = (
        pl.concat([chosen, fallback], how="vertical")
        .join(
            papers.select(
                pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), pl.col("paper_id")
            ),
            on="_row",
            how="left",
        )
        .sort(["_row", "score", "topic"], descending=[False, True, False])
        .select(
            pl.col("paper_id"),
            pl.col("topic"),
            pl.col("score").clip(1e-3, 1.0),
            pl.lit(tax.method).alias("method"),
            pl.lit(tax.version).alias("taxonomy_version"),
        )
    )
    return out.cast(PAPER_TOPICS_SCHEMA)  # type: ignore[arg-type]


def _sigmoid(x: float) -> float:  # used by scripts/tests for reference values
    return 1.0 / (1.0 + math.exp(-x))
