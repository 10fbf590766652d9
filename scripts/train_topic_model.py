"""Fit the linear topic model (paperlake/topic_model.py) and the [model] stacker of taxonomy.toml.

Training papers: the dev-gold "look" split, the tune halves of every helper-labelled set (the
pool scripts/cv_topics.py tunes on) and the "train" split of tests/data/topic_labels_hf_daily.jsonl.gz
(10,339 papers of Hugging Face daily-paper feeds, 2024-2026, from the histories of two public
GitHub repositories that archive them; topics labelled by helpers who read the guidelines and the
120 dev-gold papers first -- one such helper agreed with dev gold at micro-F1 .946 on 55 of its
papers it had not seen). Never trained on, only scored: the dev-gold lockbox third, the helper
sets' lockbox halves (and blind2, blind8, odd RSS items), the HF daily "lockbox" split (a quarter
of it, by id hash) and all of tests/data/topic_labels_arxiv_niche.jsonl.gz (1,600 arXiv
cs.CL/cs.LG/cs.AI papers of 2025-2026 about language models with an efficiency cue, from the public
`dw-dengwei/daily-arXiv-ai-enhanced` archive, labelled the same way; training on its "train" split
moved no held-out figure by more than noise, session 17, so it stays a test set).

Steps: vocabulary = words and word pairs in >= MIN_DF training papers, with their idf there
(topic_model.py says how a paper's vector is weighted); one-vs-rest logistic
regression (L2, its strength picked by 5-fold CV); out-of-fold probabilities of the training
papers feed the stacker (a logistic regression over paperlake.tagging.STACK_FEATURES with a bias
per topic), whose threshold is the one with the best out-of-fold micro-F1. Writes the model
file and prints the [model] table to paste into taxonomy.toml, then the held-out figures.

    .venv/bin/python scripts/train_topic_model.py [--write] [--l2 X]   (~22 min, ~7 min with --l2; needs ../shared)
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gzip
import json
import sys
from pathlib import Path

import numpy as np
import polars as pl
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import cv_topics as cv  # noqa: E402
from paperlake import topic_model as tm  # noqa: E402
from paperlake.tagging import STACK_FEATURES, Stacker, kept_by_logit, load_taxonomy, stack_features  # noqa: E402

HF_DAILY = ROOT / "tests" / "data" / "topic_labels_hf_daily.jsonl.gz"
ARXIV_NICHE = ROOT / "tests" / "data" / "topic_labels_arxiv_niche.jsonl.gz"
MIN_DF = 2
L2_GRID = (1e-4, 3e-4, 1e-3)
STACK_L2 = 1.0  # on the per-topic biases
# features whose largest |weight| is below this are dropped from the shipped model (v1.4.1: half its
# vocabulary, no held-out figure moved by more than 0.001; v1.4.2: 62k of its 168k features dropped)
MIN_WEIGHT = 1.0


@functools.cache
def _read_labels(path: Path) -> tuple[dict, ...]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f)


def load_labels(path: Path, split: str | None = None) -> list[dict]:
    """The labelled papers of a .jsonl.gz file (read once per run), those of one split with ``split``."""
    return [r for r in _read_labels(path) if split is None or r["split"] == split]


def load_hf_daily(split: str | None = None) -> list[dict]:
    return load_labels(HF_DAILY, split)


def training_and_heldout() -> tuple[list[dict], dict[str, list[dict]]]:
    gold = cv.load_gold()
    rss = cv.load_rss_papers()
    blind = [cv.load_blind3_papers, cv.load_blind4_papers, cv.load_blind5_papers, cv.load_blind6_papers,
             cv.load_blind7_papers, cv.load_blind9_papers]
    train = ([g for g in gold if not cv.is_lockbox(g["id"])] + cv.load_fixture_papers()
             + [r for r in rss if int(r["id"][3:]) % 2 == 0] + [r for load in blind for r in load("tune")]
             + load_hf_daily("train"))
    heldout = {
        "dev gold lockbox third": [g for g in gold if cv.is_lockbox(g["id"])],
        "helper sets' lockboxes (blind2-9, odd RSS)": (
            [r for r in rss if int(r["id"][3:]) % 2 == 1] + cv.load_blind2_papers() + cv.load_blind8_papers()
            + [r for load in blind for r in load("lockbox")]),
        "HF daily lockbox": load_hf_daily("lockbox"),
        "arXiv LLM-efficiency papers": load_labels(ARXIV_NICHE),
        "blind10 (arXiv 2026, labelled after v1.4.2)": cv.load_blind10_papers(),
    }
    # a paper listed in two sets (a fixture paper that is also a dev-gold lockbox paper) stays out
    held_titles = {_title_key(r["title"]) for recs in heldout.values() for r in recs}
    return [r for r in train if _title_key(r["title"]) not in held_titles], heldout


def _title_key(title: str) -> str:
    return " ".join(title.lower().split())


def labels(recs: list[dict], topics: tuple[str, ...]) -> np.ndarray:
    idx = {t: i for i, t in enumerate(topics)}
    y = np.zeros((len(recs), len(topics)))
    for i, r in enumerate(recs):
        for t in r["topics"]:
            y[i, idx[t]] = 1.0
    return y


def vocabulary(recs: list[dict]) -> tuple[list[str], np.ndarray]:
    """Features in >= MIN_DF papers (sorted) and their idf over ``recs``."""
    feats = tm.paper_features(cv.frame(recs), with_text=True).unique(["_row", "feature"])
    df = feats.group_by("feature").len().filter(pl.col("len") >= MIN_DF).sort("feature")
    idf = np.log((1 + len(recs)) / (1 + df["len"].to_numpy())) + 1
    return df["feature"].to_list(), idf.astype(np.float32)


def fit_logistic(x, y: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest logistic regressions (mean log loss + l2/2 |W|^2 / n), L-BFGS."""
    n, d = x.shape
    k = y.shape[1]

    def loss(w):
        W, b = w[: d * k].reshape(d, k), w[d * k:]
        p = 1.0 / (1.0 + np.exp(-(x @ W + b)))
        eps = 1e-12
        val = -(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)).sum() / n + 0.5 * l2 * (W * W).sum() / n
        g = (p - y) / n
        return val, np.concatenate([np.asarray(x.T @ g + l2 * W / n).ravel(), g.sum(0)])

    w0 = np.zeros(d * k + k)
    prior = y.mean(0).clip(1e-3, 1 - 1e-3)
    w0[d * k:] = np.log(prior / (1 - prior))
    w = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": 400}).x
    return w[: d * k].reshape(d, k), w[d * k:]


def _model(topics, vocab, W, b, idf) -> tm.TopicModel:
    return tm.TopicModel(topics=tuple(topics), features=np.asarray(vocab), weights=W.astype(np.float32),
                         bias=b.astype(np.float32), idf=idf, digest="training")


def train_model(recs: list[dict], topics, l2: float) -> tm.TopicModel:
    vocab, idf = vocabulary(recs)
    probe = _model(topics, vocab, np.zeros((len(vocab), len(topics))), np.zeros(len(topics)), idf)
    W, b = fit_logistic(tm.design_matrix(cv.frame(recs), probe.vocab, idf), labels(recs, topics), l2)
    return _model(topics, vocab, W, b, idf)


def folds(recs: list[dict], k: int = 5) -> np.ndarray:
    return np.random.default_rng(0).integers(0, k, len(recs))


def out_of_fold(recs: list[dict], topics, l2: float, k: int = 5) -> np.ndarray:
    fold = folds(recs, k)
    prob = np.zeros((len(recs), len(topics)))
    for f in range(k):
        tr = [r for r, g in zip(recs, fold) if g != f]
        te_idx = np.flatnonzero(fold == f)
        model = train_model(tr, topics, l2)
        prob[te_idx] = tm.topic_probabilities(cv.frame([recs[i] for i in te_idx]), model)
    return prob


def micro_f1(recs: list[dict], chosen: dict[str, set[str]]) -> float:
    return cv._scores(chosen, {r["id"]: set(r["topics"]) for r in recs})["micro_f1"]


def stack_matrix(tax, recs, topics, prob) -> tuple[pl.DataFrame, np.ndarray]:
    sf = stack_features(cv.frame(recs), tax, topics, prob)
    tidx = {t: i for i, t in enumerate(topics)}
    onehot = np.eye(len(topics))[[tidx[t] for t in sf["topic"]]]
    return sf, np.hstack([np.ones((sf.height, 1)), sf.select(STACK_FEATURES).to_numpy(), onehot])


def fit_stacker(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Logistic regression over [1, STACK_FEATURES, topic one-hot]; ridge on the topic biases."""
    nf = 1 + len(STACK_FEATURES)

    def loss(w):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        eps = 1e-12
        val = -(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)).mean() + 0.5 * STACK_L2 * (w[nf:] ** 2).sum() / len(y)
        g = z.T @ (p - y) / len(y)
        g[nf:] += STACK_L2 * w[nf:] / len(y)
        return val, g

    return minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B").x


def choose(sf: pl.DataFrame, logit: np.ndarray, topics, threshold: float, max_topics: int) -> dict[str, set[str]]:
    """The tagger's keep rule (tagging.kept_by_logit) over the stacker's logits of ``sf``'s rows."""
    cut = float(np.log(threshold / (1 - threshold)))
    ids = sf["paper_id"].unique(maintain_order=True)
    row = sf["paper_id"].replace_strict(ids, pl.int_range(ids.len(), eager=True)).to_numpy()
    col = sf["topic"].replace_strict(list(topics), list(range(len(topics)))).to_numpy()
    matrix = np.full((ids.len(), len(topics)), -np.inf)
    matrix[row, col] = logit
    out: dict[str, set[str]] = {}
    for r, c, _rank in zip(*kept_by_logit(matrix, topics, cut, max_topics)):
        out.setdefault(ids[int(r)], set()).add(topics[c])
    return out


def stacker_of(w: np.ndarray, threshold: float, topics, model) -> Stacker:
    nf = len(STACK_FEATURES)
    return Stacker(threshold=threshold, bias=float(w[0]), weights=tuple(float(v) for v in w[1:1 + nf]),
                   topic_bias=tuple((t, float(v)) for t, v in zip(topics, w[1 + nf:])), model=model)


def toml_block(st: Stacker, file_name: str) -> str:
    lines = ["[model]", "enabled = true", f'file = "{file_name}"', f"threshold = {st.threshold:.2f}",
             f"bias = {st.bias:.3f}", "", "[model.weights]"]
    lines += [f"{f} = {w:.3f}" for f, w in zip(STACK_FEATURES, st.weights)]
    lines += ["", "[model.topic_bias]"] + [f'"{t}" = {v:.3f}' for t, v in st.topic_bias]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help=f"write the model file to {tm.DEFAULT_MODEL_PATH}")
    ap.add_argument("--l2", type=float, help="skip the L2 grid (CV) and use this strength")
    args = ap.parse_args()
    if not cv.GOLD.exists():
        sys.exit(f"dev gold not found at {cv.GOLD}: this script reads ../shared beside the repo")
    tax = load_taxonomy(with_model=False)
    topics = tax.topics
    train, heldout = training_and_heldout()
    print(f"training papers: {len(train)}; held out: " + ", ".join(f"{k} {len(v)}" for k, v in heldout.items()))

    # L2 strength: 5-fold CV of the model alone (best topic + p >= 0.4), training papers only
    best = None
    y = labels(train, topics)
    for l2 in [args.l2] if args.l2 else L2_GRID:
        prob = out_of_fold(train, topics, l2)
        chosen = {r["id"]: {topics[j] for j in np.flatnonzero((p >= 0.4) | (p == p.max()))} for r, p in zip(train, prob)}
        f1 = micro_f1(train, chosen)
        print(f"model alone, l2={l2:g}: out-of-fold micro-F1 {f1:.3f}")
        if best is None or f1 > best[0]:
            best = (f1, l2, prob)
    _, l2, oof = best

    # stacker on out-of-fold probabilities; threshold by its own 5-fold CV
    sf, z = stack_matrix(tax, train, topics, oof)
    truth = {(r["id"], t) for r in train for t in r["topics"]}
    ys = np.array([(p, t) in truth for p, t in sf.select("paper_id", "topic").iter_rows()], dtype=float)
    paper_fold = dict(zip((r["id"] for r in train), folds(train)))
    row_fold = np.array([paper_fold[p] for p in sf["paper_id"]])
    hf_ids = {r["id"] for r in load_hf_daily()}
    oof_logit = np.zeros(len(ys))
    for f in range(5):
        w = fit_stacker(z[row_fold != f], ys[row_fold != f])
        oof_logit[row_fold == f] = z[row_fold == f] @ w
    scores = {t: micro_f1(train, choose(sf, oof_logit, topics, t, tax.scoring.max_topics)) for t in np.arange(0.30, 0.66, 0.05)}
    threshold = float(max(scores, key=scores.get))
    print("stacker out-of-fold micro-F1 by threshold: " + ", ".join(f"{t:.2f}:{v:.3f}" for t, v in scores.items()))
    oof_chosen = choose(sf, oof_logit, topics, threshold, tax.scoring.max_topics)
    gold_ids = {g["id"] for g in cv.load_gold()}
    grouped = gold_ids | hf_ids
    groups = {"dev gold look split": [r for r in train if r["id"] in gold_ids],
              "HF daily train split": [r for r in train if r["id"] in hf_ids],
              "other tune papers": [r for r in train if r["id"] not in grouped]}
    for name, recs in groups.items():
        lex = micro_f1(recs, cv.predict(cv.frame(recs), tax))
        print(f"   out of fold, {name} (n={len(recs)}): lexicon {lex:.3f} -> stacked {micro_f1(recs, oof_chosen):.3f}")

    model = train_model(train, topics, l2)
    keep = np.abs(model.weights).max(axis=1) >= MIN_WEIGHT  # as shipped: pruned, float16 weights
    print(f"vocabulary {len(model.features)} features ({int(keep.sum())} kept), l2={l2:g}\n")
    model = _model(topics, model.features[keep], model.weights[keep].astype(np.float16), model.bias, model.idf[keep])
    st = stacker_of(fit_stacker(z, ys), threshold, topics, model)
    print(toml_block(st, tm.DEFAULT_MODEL_PATH.name))
    if args.write:
        tm.save_model(tm.DEFAULT_MODEL_PATH, topics, model.features, model.weights, model.bias, model.idf)
        print(f"\nwrote {tm.DEFAULT_MODEL_PATH}")

    print("\nheld-out papers (never trained on): shipped lexicon -> lexicon + model")
    stacked = dataclasses.replace(tax, stacker=st)
    lockboxes = heldout["helper sets' lockboxes (blind2-9, odd RSS)"]
    heldout = {**heldout,
               "   of which seed-dump papers": [r for r in lockboxes if r.get("niche") is True],
               "   of which out-of-niche papers": [r for r in lockboxes if r.get("niche") is False],
               "   HF daily lockbox, second labelling round (batches c*)":
                   [r for r in heldout["HF daily lockbox"] if r["batch"].startswith("c")]}
    for name, recs in heldout.items():
        g = {r["id"]: set(r["topics"]) for r in recs}
        before = cv._scores(cv.predict(cv.frame(recs), tax), g)
        after = cv._scores(cv.predict(cv.frame(recs), stacked), g)
        print(f"   {name} (n={len(recs)}): {before['micro_f1']:.3f} -> {cv._fmt(after)}")


if __name__ == "__main__":
    main()
