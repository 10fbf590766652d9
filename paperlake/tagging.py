"""Topic tagging of papers with a versioned, curated lexicon (pure, Dagster-free).

Contract: ``shared/spec/annotation-guidelines.md`` §1 (26 topic ids, 1 to 4 per paper, main
subject only). The taxonomy, lexicons, scoring constants and calibration live in
``paperlake/config/taxonomy.toml``; :func:`load_taxonomy` turns it into an immutable
:class:`Taxonomy` whose ``version`` is the file's ``version`` plus a hash of its parsed content,
so any edit of terms or numbers yields a new ``taxonomy_version`` in the output (comment-only
edits do not).

How a paper is scored (vectorised Polars, no Python loop over rows):

1. title and abstract are lower-cased and every run of non ``[a-z0-9]`` characters becomes
   one space, the text padded with spaces; lexicon terms are normalised the same way, so the
   term ``lora`` only matches the whole word and ``quantiz*`` matches any word starting so;
2. one Aho-Corasick pass per field (``str.extract_many(overlapping=True)``) finds every
   lexicon term; matches are joined to the (term, topic, weight, scope) lexicon table;
3. per (paper, topic): evidence = ``title_weight * Σ w(term in title)`` +
   ``Σ w(term) * min(n_in_abstract, abstract_cap) ** abstract_power``, the abstract part
   times ``abstract_only_factor`` when the title has no evidence for the topic; negative
   terms ("code is available", "human experts", "token pruning") cancel passing mentions and
   near-miss phrases; ``[[dampen]]`` rules shrink a generic topic when a more specific one is
   present (inference-efficiency vs quantization/pruning/efficient decoding);
4. the best topic is always kept; since v1.3 the others are chosen by a learned selector
   (``[selector]``): every topic with evidence > 0 is a candidate and is kept when
   ``sigmoid(bias + weights . features + topic_bias[topic]) >= threshold``, the features being
   the :data:`SELECTOR_FEATURES` of its evidence (log evidence, log title evidence, share of the
   paper's best evidence, best/second flags, evidence over the length-scaled ``min_score``,
   number of the paper's topics clearing it); a logistic regression fitted and cross-validated
   by ``scripts/cv_topics.py``. At most ``max_topics``; a paper without any evidence gets
   ``fallback_topic`` with a low score. With ``[selector] enabled = false`` the v1.2 rule
   applies: others need evidence ``>= min_score`` (scaled down for abstracts shorter than
   ``ref_words``) and either ``>= relative_min * best`` or title evidence ``>= title_keep``;
   optionally (``secondary_focus_min`` > 0) a topic other than the best also needs title
   evidence or evidence in the abstract's "focus" sentences (contribution statements such as
   "we propose ..." and the last sentence), and ``focus_weight`` adds focus-sentence hits to the
   evidence (both off in the shipped config: cross-validation did not pick them);
5. ``score`` = ``sigmoid(a * ln(evidence) + b + c * is_best)``, a Platt calibration fitted on
   out-of-fold predictions (``scripts/cv_topics.py``), i.e. ~ probability the tag is right;
6. since v1.4 (``[model]``) steps 4-5 are replaced by a stacker: the linear topic model of
   :mod:`paperlake.topic_model` gives every topic a probability, and every (paper, topic) gets
   ``sigmoid(bias + weights . [selector logit, has lexicon evidence, model logit, their product]
   + topic_bias)``; the most probable topic is kept, the others at ``>= threshold`` (at most
   ``max_topics``), and that probability is the score (``scripts/train_topic_model.py``).

Duplicate ``paper_id`` rows in the input are tagged once (first occurrence).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from paperlake.strings import runs_to_space
from paperlake.topic_model import TopicModel, load_model, topic_probabilities

DEFAULT_TAXONOMY_PATH = Path(__file__).resolve().parent / "config" / "taxonomy.toml"

PAPER_TOPICS_SCHEMA: dict[str, pl.DataType] = {
    "paper_id": pl.String,
    "topic": pl.String,
    "score": pl.Float64,
    "method": pl.String,
    "taxonomy_version": pl.String,
}

TIERS = ("strong", "medium", "weak", "negative", "title")
# tier -> (scoring key holding its weight, fields it applies to)
_TIER_SPEC = {
    "strong": ("strong", "any"),
    "medium": ("medium", "any"),
    "weak": ("weak", "any"),
    "negative": ("negative", "any"),
    "title": ("strong", "title"),
}
_TIER_DEFAULTS = {"strong": 3.0, "medium": 1.5, "weak": 0.5, "negative": -3.0}
_ALNUM = "a-z0-9"  # terms and text are matched as lower-case runs of these, one space apart
_NON_ALNUM = f"[^{_ALNUM}]+"
# sentences that state what the paper contributes (matched on the raw, lower-cased sentence)
_FOCUS_CUE = (
    r"\b(?:we|i)\s+(?:also\s+|further\s+|first\s+|then\s+)?(?:propose|introduce|present|develop|design|build"
    r"|release|construct|create|curate|train|study|investigate|explore|establish|contribute"
    r"|formulate|describe|conduct|provide|offer|perform|show|demonstrate|find|reveal|analy[sz]e"
    r"|examine|evaluate|benchmark|audit|survey|review|pose|reframe|focus|aim|tackle|address|leverage)"
    r"|\b(?:this|our|the present)\s+(?:paper|work|study|survey|review|report|article)\b"
    r"|\bin this (?:paper|work|study|survey|review|report)\b|\bhere,? we\b"
)


@dataclass(frozen=True)
class Scoring:
    """Numbers of the [scoring] table (defaults = shipped config)."""

    title_weight: float = 1.5
    abstract_cap: int = 3
    abstract_power: float = 1.0
    abstract_only_factor: float = 0.6
    min_score: float = 8.0
    relative_min: float = 0.4
    title_keep: float = 4.5
    ref_words: float = 150.0  # min_score is meant for abstracts of at least this many words ...
    length_floor: float = 0.3  # ... and shrinks with shorter ones, down to this fraction
    max_topics: int = 4
    fallback_topic: str = "evaluation-benchmarks"
    # main-subject evidence from the abstract's "focus" sentences (the ones stating the
    # contribution -- "we propose/introduce/present ...", "this paper ..." -- and the last one):
    # their hits add focus_weight * w on top of the abstract evidence
    focus_weight: float = 0.0
    # when > 0, a topic other than the paper's best needs title evidence or at least this much
    # evidence in the focus sentences (a topic only named in background/method sentences is a
    # passing mention)
    secondary_focus_min: float = 0.0


@dataclass(frozen=True)
class Calibration:
    """Platt parameters of the [calibration] table."""

    a: float = 2.3
    b: float = -5.0
    c: float = 0.75
    fallback_probability: float = 0.15


SELECTOR_FEATURES = (
    "log_evidence",      # ln(1 + evidence)
    "log_title",         # ln(1 + title evidence)
    "relative",          # evidence / best evidence of the paper
    "is_best",           # 1 for the paper's best topic
    "log_over_min",      # ln(evidence / length-scaled min_score)
    "log_n_strong",      # ln(1 + number of the paper's topics reaching the length-scaled min_score)
    "is_second",         # 1 for the paper's second topic
)


@dataclass(frozen=True)
class Selector:
    """Learned "main subject" decision of the [selector] table (v1.3).

    A candidate topic (any topic with evidence > 0) is kept when
    ``sigmoid(bias + Σ weights[f] * feature_f + topic_bias[topic]) >= threshold``; the paper's
    best topic is always kept and at most ``scoring.max_topics`` are. The weights are a
    logistic regression over the lexicon-evidence features of :data:`SELECTOR_FEATURES`,
    fitted (and cross-validated) by ``scripts/cv_topics.py``.
    """

    threshold: float
    bias: float
    weights: tuple[float, ...]  # aligned with SELECTOR_FEATURES
    topic_bias: tuple[tuple[str, float], ...] = ()


STACK_FEATURES = (
    "lexicon_logit",            # the [selector]'s logit of a lexicon candidate (0 for other topics)
    "lexicon_candidate",        # 1 when the lexicon found evidence for the topic
    "model_logit",              # logit of the linear topic model's probability
    "candidate_x_model_logit",  # the two above multiplied
)


@dataclass(frozen=True)
class Stacker:
    """The [model] table (v1.4): the lexicon's selector and the linear topic model
    (:mod:`paperlake.topic_model`) combined. Every topic of every paper gets
    ``p = sigmoid(bias + Σ weights[f] * feature_f + topic_bias[topic])`` over
    :data:`STACK_FEATURES`; the paper's most probable topic is kept, the others when
    ``p >= threshold`` (at most ``scoring.max_topics``), and ``p`` is the tag's score. Fitted on
    out-of-fold model probabilities by ``scripts/train_topic_model.py``."""

    threshold: float
    bias: float
    weights: tuple[float, ...]  # aligned with STACK_FEATURES
    topic_bias: tuple[tuple[str, float], ...]
    model: "TopicModel" = field(compare=False, hash=False)


@dataclass(frozen=True)
class Taxonomy:
    version: str
    topics: tuple[str, ...]
    descriptions: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # (pattern, topic, weight, scope) rows; patterns are normalised and space-delimited,
    # scope is "any" (title and abstract) or "title"
    lexicon: tuple[tuple[str, str, float, str], ...] = ()
    scoring: Scoring = Scoring()
    calibration: Calibration = Calibration()
    method: str = "lexicon-v1"
    # (topic, factor, (more specific topics...)): the topic's evidence is multiplied by factor
    # when one of the specific topics reaches scoring.min_score in the same paper
    dampen: tuple[tuple[str, float, tuple[str, ...]], ...] = ()
    # learned keep/drop decision replacing the min_score / relative_min / title_keep rule
    selector: Selector | None = None
    # lexicon selector + linear topic model (needs the selector)
    stacker: Stacker | None = None


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


def _learned_table(cfg: dict, name: str, features: tuple[str, ...], topics: tuple[str, ...]) -> dict:
    """threshold, bias, weights (aligned with ``features``) and topic_bias of a fitted table."""
    w = cfg.get("weights", {})
    if missing := [f for f in features if f not in w]:
        raise ValueError(f"[{name}] weights missing {missing}")
    if unknown := sorted(set(w) - set(features)):
        raise ValueError(f"[{name}] weights name unknown features {unknown}")
    tb = cfg.get("topic_bias", {})
    if unknown := sorted(set(tb) - set(topics)):
        raise ValueError(f"[{name}] topic_bias names unknown topics {unknown}")
    return {"threshold": float(cfg["threshold"]), "bias": float(cfg.get("bias", 0.0)),
            "weights": tuple(float(w[f]) for f in features),
            "topic_bias": tuple((t, float(v)) for t, v in tb.items())}


def load_taxonomy(path: str | Path | None = None, *, with_model: bool = True) -> Taxonomy:
    """Load the taxonomy config (default: the packaged ``paperlake/config/taxonomy.toml``);
    ``with_model=False`` leaves the [model] stacker out (training a new model file needs no old one)."""
    p = Path(path) if path is not None else DEFAULT_TAXONOMY_PATH
    cfg = tomllib.loads(p.read_text(encoding="utf-8"))
    # safety net: a hash of the parsed content (comments/whitespace/line endings ignored), so an
    # edit of terms or numbers without a `version` bump still yields a new taxonomy_version
    canonical = json.dumps(cfg, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8]
    version = f"{cfg['version']}+{digest}"

    sc = cfg.get("scoring", {})
    tier_w = {k: float(sc.get(k, d)) for k, d in _TIER_DEFAULTS.items()}
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
    rows: dict[tuple[str, str, str], float] = {}
    for topic, tcfg in topics_cfg.items():
        unknown = set(tcfg) - set(TIERS) - {"description", "negative_weight"}
        if unknown:
            raise ValueError(f"topic {topic!r}: unknown keys {sorted(unknown)}")
        for tier in TIERS:
            key, scope = _TIER_SPEC[tier]
            default_w = tier_w[key]
            if tier == "negative" and "negative_weight" in tcfg:
                default_w = float(tcfg["negative_weight"])
            for raw in tcfg.get(tier, []):
                pat, w = _parse_term(raw, default_w)
                # a term listed twice for one topic and scope keeps its last weight
                rows[(pat, topic, scope)] = w
    lexicon = tuple((pat, topic, w, scope) for (pat, topic, scope), w in rows.items())
    dampen = []
    for rule in cfg.get("dampen", []):
        names = [rule["topic"], *rule["when_any"]]
        if unknown := [n for n in names if n not in topics]:
            raise ValueError(f"dampen rule names unknown topics {unknown}")
        dampen.append((rule["topic"], float(rule["factor"]), tuple(rule["when_any"])))
    selector = None
    sel = cfg.get("selector")
    if sel is not None and sel.get("enabled", True):
        selector = Selector(**_learned_table(sel, "selector", SELECTOR_FEATURES, topics))
    stacker = None
    mod = cfg.get("model")
    # the model stacks on the selector's logit: with the selector off (the v1.2 rule) it is off too
    if with_model and mod is not None and mod.get("enabled", True) and selector is not None:
        # beside the taxonomy file, else the packaged one (a copied taxonomy.toml keeps working)
        model_path = p.parent / mod["file"]
        model = load_model(model_path if model_path.exists() else DEFAULT_TAXONOMY_PATH.parent / mod["file"])
        if unknown := sorted(set(model.topics) ^ set(topics)):
            raise ValueError(f"topic model and taxonomy disagree on topics {unknown}")
        stacker = Stacker(**_learned_table(mod, "model", STACK_FEATURES, topics), model=model)
        # the model file is part of the taxonomy: a retrained model is a new taxonomy_version
        version = f"{version}.{model.digest}"
    return Taxonomy(
        version=version,
        topics=topics,
        descriptions={t: c.get("description", "") for t, c in topics_cfg.items()},
        lexicon=lexicon,
        scoring=scoring,
        calibration=calibration,
        method=str(cfg.get("method", "lexicon-v1")),
        dampen=tuple(dampen),
        selector=selector,
        stacker=stacker,
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
            runs_to_space(pl.col(col).fill_null("").str.to_lowercase(), _ALNUM),
            pl.lit(" "),
        ]
    )


def _focus_text(col: str) -> pl.Expr:
    """Contribution sentences of the abstract plus its last sentence, normalised."""
    sentences = (
        pl.col(col).fill_null("").str.to_lowercase()
        .str.replace_all(r"([.!?])\s+", "$1\n").str.split("\n")
    )
    cue = sentences.list.eval(pl.element().filter(pl.element().str.contains(_FOCUS_CUE))).list.join(" ")
    last = pl.when(sentences.list.len() > 1).then(sentences.list.last()).otherwise(pl.lit(""))
    return pl.concat_str(
        [pl.lit(" "), runs_to_space(pl.concat_str([cue, last], separator=" "), _ALNUM), pl.lit(" ")]
    )


def topic_evidence(papers: pl.DataFrame, taxonomy: Taxonomy) -> pl.DataFrame:
    """Raw evidence per (row index, topic) for topics with any matched term.

    Columns: ``_row`` (u32 index into ``papers``), ``topic``, ``evidence`` (f64, may be <= 0),
    ``title_ev`` (the title's share of it), ``focus_ev`` (evidence from the abstract's focus
    sentences, see :func:`_focus_text`, before ``focus_weight``).
    """
    sc = taxonomy.scoring
    lex = pl.DataFrame(
        {
            "match": [r[0] for r in taxonomy.lexicon],
            "topic": [r[1] for r in taxonomy.lexicon],
            "w": [r[2] for r in taxonomy.lexicon],
            "scope": [r[3] for r in taxonomy.lexicon],
        },
        schema={"match": pl.String, "topic": pl.String, "w": pl.Float64, "scope": pl.String},
    )
    patterns = lex.get_column("match").unique().to_list()
    fields = [
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
        _normalised("title").str.extract_many(patterns, overlapping=True).alias("title"),
        _normalised("abstract").str.extract_many(patterns, overlapping=True).alias("abstract"),
    ]
    use_focus = sc.focus_weight != 0 or sc.secondary_focus_min > 0
    if use_focus:
        fields.append(_focus_text("abstract").str.extract_many(patterns, overlapping=True).alias("focus"))
    frame = papers.select(fields)
    hits = (
        frame.unpivot(index="_row", variable_name="field", value_name="match")
        .explode("match")
        .drop_nulls("match")
        .group_by("_row", "field", "match")
        .agg(pl.len().alias("n"))
        .join(lex, on="match", how="inner")
        .filter((pl.col("scope") == "any") | (pl.col("scope") == pl.col("field")))
    )
    in_title = pl.col("field") == "title"
    in_abstract = pl.col("field") == "abstract"
    in_focus = pl.col("field") == "focus"
    n_abs = pl.col("n").clip(upper_bound=sc.abstract_cap).cast(pl.Float64).pow(sc.abstract_power)
    per_topic = hits.group_by("_row", "topic").agg(
        (pl.col("w") * sc.title_weight).filter(in_title).sum().alias("title_ev"),
        (pl.col("w") * n_abs).filter(in_abstract).sum().alias("abstract_ev"),
        pl.col("w").filter(in_focus).sum().alias("focus_ev"),
    )
    abstract_factor = pl.when(pl.col("title_ev") > 0).then(1.0).otherwise(sc.abstract_only_factor)
    ev = per_topic.select(
        "_row",
        "topic",
        (
            pl.col("title_ev")
            + pl.col("abstract_ev") * abstract_factor
            + pl.col("focus_ev").clip(lower_bound=0.0) * sc.focus_weight
        ).alias("evidence"),
        "title_ev",
        "focus_ev",
    )
    for topic, factor, specific in taxonomy.dampen:
        triggered = (
            (pl.col("topic").is_in(list(specific)) & (pl.col("evidence") >= sc.min_score))
            .any()
            .over("_row")
        )
        ev = ev.with_columns(
            pl.when((pl.col("topic") == topic) & triggered)
            .then(pl.col("evidence") * factor)
            .otherwise(pl.col("evidence"))
            .alias("evidence")
        )
    return ev


def _rule_keep(sc: Scoring) -> pl.Expr:
    """v1.2 rule: best topic, plus others with enough absolute and relative (or title) evidence."""
    # a strong title hit keeps a topic even when another topic dominates the abstract
    focused = (
        (pl.col("title_ev") > 0) | (pl.col("focus_ev") >= sc.secondary_focus_min)
        if sc.secondary_focus_min > 0
        else pl.lit(True)
    )
    return (pl.col("rank") == 0) | (
        (pl.col("evidence") >= pl.col("min_eff"))
        & (
            (pl.col("evidence") >= sc.relative_min * pl.col("best"))
            | (pl.col("title_ev") >= sc.title_keep)
        )
        & focused
    )


def selector_features() -> list[pl.Expr]:
    """The :data:`SELECTOR_FEATURES` as expressions over a ranked candidate frame (columns
    ``_row``, ``evidence``, ``title_ev``, ``rank``, ``best``, ``min_eff``)."""
    ev = pl.col("evidence")
    title = pl.col("title_ev").clip(lower_bound=0.0)
    return [
        ev.log1p().alias("log_evidence"),
        title.log1p().alias("log_title"),
        (ev / pl.col("best")).alias("relative"),
        (pl.col("rank") == 0).cast(pl.Float64).alias("is_best"),
        (ev.clip(lower_bound=1e-3) / pl.col("min_eff")).log().alias("log_over_min"),
        (ev >= pl.col("min_eff")).sum().over("_row").cast(pl.Float64).log1p().alias("log_n_strong"),
        (pl.col("rank") == 1).cast(pl.Float64).alias("is_second"),
    ]


def _logit_of(p: float) -> float:
    t = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(t / (1 - t))


def selector_logit(sel: Selector) -> pl.Expr:
    """The selector's logit of a ranked candidate (see :func:`selector_features`)."""
    logit = pl.lit(sel.bias)
    for feat, w in zip(selector_features(), sel.weights):
        logit = logit + w * feat
    if sel.topic_bias:
        logit = logit + pl.col("topic").replace_strict(dict(sel.topic_bias), default=0.0, return_dtype=pl.Float64)
    return logit


def _selector_keep(sel: Selector) -> pl.Expr:
    """Learned rule: best topic, plus others whose fitted keep-probability reaches the threshold."""
    return (pl.col("rank") == 0) | (selector_logit(sel) >= _logit_of(sel.threshold))


def _lexicon_candidates(ranked: pl.DataFrame, selector: Selector, topics) -> pl.DataFrame:
    """The lexicon's candidates among ``topics``: ``_row``, ``j`` (column of the topic in
    ``topics``), ``evidence`` and the selector's ``lexicon_logit``."""
    return ranked.filter(pl.col("topic").is_in(topics)).select(
        "_row",
        pl.col("topic").replace_strict({t: j for j, t in enumerate(topics)}, return_dtype=pl.UInt32).alias("j"),
        "evidence",
        selector_logit(selector).alias("lexicon_logit"),
    )


def _stack_matrices(cands: pl.DataFrame, prob: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The :data:`STACK_FEATURES` of every (paper, topic) as (papers x topics) matrices, and the
    lexicon's evidence (NaN where it found none): the input of the [model] stacker. ``prob``: the
    topic model's probabilities; ``cands``: :func:`_lexicon_candidates` of the same papers."""
    r, j = cands["_row"].to_numpy(), cands["j"].to_numpy()
    p = np.clip(prob.astype(np.float64), 1e-6, 1 - 1e-6)
    model_logit = np.log(p / (1 - p))
    lexicon_logit = np.zeros(p.shape)
    lexicon_logit[r, j] = cands["lexicon_logit"].to_numpy()
    candidate = np.zeros(p.shape)
    candidate[r, j] = 1.0
    evidence = np.full(p.shape, np.nan)
    evidence[r, j] = cands["evidence"].to_numpy()
    features = {"lexicon_logit": lexicon_logit, "lexicon_candidate": candidate,
                "model_logit": model_logit, "candidate_x_model_logit": candidate * model_logit}
    return features, evidence


def stack_features(papers: pl.DataFrame, taxonomy: Taxonomy, topics, prob: np.ndarray) -> pl.DataFrame:
    """The stacker's input for fitting: ``paper_id``, ``topic`` and the :data:`STACK_FEATURES`
    of every (paper, topic), given the topic model's probabilities ``prob`` (papers in order,
    ``topics`` columns) -- e.g. out-of-fold ones."""
    assert taxonomy.selector is not None
    papers, ranked = _ranked_candidates(papers, taxonomy)
    features, _ = _stack_matrices(_lexicon_candidates(ranked, taxonomy.selector, topics), prob)
    return pl.DataFrame({
        "paper_id": papers["paper_id"].gather(np.repeat(np.arange(papers.height), len(topics))),
        "topic": pl.Series(list(topics) * papers.height, dtype=pl.String),
        **{f: features[f].ravel() for f in STACK_FEATURES},
    })


MODEL_CHUNK = 50_000  # papers per pass of the topic model: bounds its memory (a pass holds every word of them)


def _stacked_choice(papers: pl.DataFrame, ranked: pl.DataFrame, tax: Taxonomy) -> pl.DataFrame:
    """The stacker's tags; a paper without lexicon evidence whose best topic stays under the
    threshold gets the fallback topic (as without the model: nothing is known about it)."""
    st = tax.stacker
    assert st is not None and tax.selector is not None
    topics = st.model.topics
    topic_bias = np.array([dict(st.topic_bias).get(t, 0.0) for t in topics])
    cut = _logit_of(st.threshold)
    cands = _lexicon_candidates(ranked, tax.selector, topics)
    names = pl.Series("topic", topics, dtype=pl.String)
    parts = []
    for lo in range(0, papers.height, MODEL_CHUNK):
        chunk = papers.slice(lo, MODEL_CHUNK)
        n = chunk.height
        features, evidence = _stack_matrices(
            cands.filter(pl.col("_row").is_between(lo, lo + n - 1)).with_columns(pl.col("_row") - lo),
            topic_probabilities(chunk, st.model))
        logit = np.full((n, len(topics)), st.bias)
        for f, w in zip(STACK_FEATURES, st.weights):
            logit = logit + w * features[f]
        logit = logit + topic_bias
        rows, cols, rank = kept_by_logit(logit, topics, cut, tax.scoring.max_topics)
        unknown = (logit.max(axis=1) < cut) & ~features["lexicon_candidate"].any(axis=1)
        keep = ~unknown[rows] | (rank == 0)
        rows, cols, rank = rows[keep], cols[keep], rank[keep]
        fallback = pl.Series(unknown[rows])
        parts.append(pl.DataFrame({
            "_row": (rows + lo).astype(np.uint32),
            "topic": names.gather(cols).set(fallback, tax.scoring.fallback_topic),
            "evidence": pl.Series(evidence[rows, cols]).fill_nan(None),
            "rank": rank.astype(np.uint32),
            "_logit": logit[rows, cols],
        }).select(
            "_row", "topic", "evidence", "rank",
            pl.when(fallback).then(tax.calibration.fallback_probability)
            .otherwise(1.0 / (1.0 + (-pl.col("_logit")).exp())).alias("probability"),
        ))
    return pl.concat(parts)


def kept_by_logit(logit: np.ndarray, topics, cut: float, max_topics: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stacker's keep rule over a (rows x ``topics``) logit matrix: each row's most probable
    topic and the others at ``logit >= cut``, best first (ties by topic name), at most
    ``max_topics``. Returns (row, topic column, rank) arrays, ordered by row then rank."""
    by_name = np.argsort(np.asarray(topics, dtype=str), kind="stable")
    order = by_name[np.argsort(-logit[:, by_name], axis=1, kind="stable")[:, :max_topics]]
    top = np.take_along_axis(logit, order, axis=1)
    rows, rank = np.nonzero((top >= cut) | (top == top[:, :1]))  # a prefix of each row
    return rows, order[rows, rank], rank


def _ranked_candidates(papers: pl.DataFrame, tax: Taxonomy) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(deduplicated papers, candidates): every (row, topic) with evidence > 0, ranked by
    evidence, with the paper's best evidence and its length-scaled min_score."""
    sc = tax.scoring
    papers = papers.select(
        [
            (pl.col(c) if c in papers.columns else pl.lit(None)).cast(pl.String).alias(c)
            for c in ("paper_id", "title", "abstract")
        ]
    ).unique(subset="paper_id", keep="first", maintain_order=True)
    ev = topic_evidence(papers, tax)
    # evidence grows with the amount of text: short/missing abstracts get a lower bar
    min_eff = papers.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"),
        (
            # ~ number of words (space count: a literal count is much cheaper than a regex)
            pl.col("abstract").fill_null("").str.count_matches(" ", literal=True).cast(pl.Float64)
            / sc.ref_words
        )
        .clip(sc.length_floor, 1.0)
        .mul(sc.min_score)
        .alias("min_eff"),
    )
    ranked = (
        ev.filter(pl.col("evidence") > 0)
        .join(min_eff, on="_row", how="left")
        .sort(["_row", "evidence", "topic"], descending=[False, True, False])
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.UInt32).over("_row").alias("rank"),
            pl.col("evidence").max().over("_row").alias("best"),
        )
    )
    return papers, ranked


def candidate_features(papers: pl.DataFrame, taxonomy: Taxonomy | None = None) -> pl.DataFrame:
    """Selector features of every candidate topic (for fitting the [selector] table).

    Columns: ``paper_id``, ``topic``, ``evidence``, ``rank`` and one column per
    :data:`SELECTOR_FEATURES` name.
    """
    tax = taxonomy if taxonomy is not None else _default_taxonomy()
    papers, ranked = _ranked_candidates(papers, tax)
    ids = papers.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), "paper_id")
    return (
        ranked.with_columns(selector_features())
        .join(ids, on="_row", how="left")
        .sort(["_row", "rank"])
        .select("paper_id", "topic", "evidence", "rank", *SELECTOR_FEATURES)
    )


_SELECTED_SCHEMA = {
    "paper_id": pl.String, "topic": pl.String, "evidence": pl.Float64, "rank": pl.UInt32, "probability": pl.Float64,
}


def select_topics(papers: pl.DataFrame, taxonomy: Taxonomy | None = None) -> pl.DataFrame:
    """Chosen topics with their raw evidence.

    Columns: ``paper_id``, ``topic``, ``evidence`` (f64, null for the fallback topic and for
    topics only the topic model chose), ``rank`` (0 = the paper's best topic), ``probability``
    (the [model] stacker's, null without one: then :func:`calibrated` scores the evidence).
    """
    tax = taxonomy if taxonomy is not None else _default_taxonomy()
    sc = tax.scoring
    if papers.height == 0:
        return pl.DataFrame(schema=_SELECTED_SCHEMA)
    papers, ranked = _ranked_candidates(papers, tax)
    ids = papers.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_row"), "paper_id")
    if tax.stacker is not None:
        chosen = _stacked_choice(papers, ranked, tax)
        return chosen.join(ids, on="_row", how="left", maintain_order="left").select(*_SELECTED_SCHEMA)
    keep = _selector_keep(tax.selector) if tax.selector is not None else _rule_keep(sc)
    chosen = (
        ranked.filter(keep)
        .with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).over("_row").alias("rank"))
        .filter(pl.col("rank") < sc.max_topics)
        .select("_row", "topic", "evidence", "rank")
    )
    rows = pl.DataFrame({"_row": pl.int_range(papers.height, dtype=pl.UInt32, eager=True)})
    fallback = rows.join(chosen.select("_row"), on="_row", how="anti").select(
        "_row",
        pl.lit(sc.fallback_topic).alias("topic"),
        pl.lit(None, dtype=pl.Float64).alias("evidence"),
        pl.lit(0, dtype=pl.UInt32).alias("rank"),
    )
    return (
        pl.concat([chosen, fallback], how="vertical")
        .sort(["_row", "rank"])
        .join(ids, on="_row", how="left", maintain_order="left")
        .select("paper_id", "topic", "evidence", "rank", pl.lit(None, dtype=pl.Float64).alias("probability"))
    )


def calibrated(evidence: pl.Expr, rank: pl.Expr, cal: Calibration) -> pl.Expr:
    """Platt-calibrated probability that a chosen tag is right."""
    logit = cal.a * evidence.log() + cal.b + cal.c * (rank == 0).cast(pl.Float64)
    return (
        pl.when(evidence.is_null())
        .then(pl.lit(cal.fallback_probability))
        .otherwise(1.0 / (1.0 + (-logit).exp()))
        .clip(1e-3, 1.0)
    )


def tag_papers(papers: pl.DataFrame, taxonomy: Taxonomy | None = None) -> pl.DataFrame:
    """Tag each paper with 1 to 4 topics.

    Input columns: ``paper_id``, ``title``, ``abstract`` (abstract may be null/empty).
    Output: one row per (paper_id, topic) with ``PAPER_TOPICS_SCHEMA`` columns, ``score`` a
    calibrated probability in (0, 1], rows of a paper ordered best first.
    """
    tax = taxonomy if taxonomy is not None else _default_taxonomy()
    if papers.height == 0:
        return pl.DataFrame(schema=PAPER_TOPICS_SCHEMA)
    chosen = select_topics(papers, tax)
    out = chosen.select(
        pl.col("paper_id"),
        pl.col("topic"),
        pl.coalesce("probability", calibrated(pl.col("evidence"), pl.col("rank"), tax.calibration)).alias("score"),
        pl.lit(tax.method).alias("method"),
        pl.lit(tax.version).alias("taxonomy_version"),
    )
    return out.cast(PAPER_TOPICS_SCHEMA)  # type: ignore[arg-type]


