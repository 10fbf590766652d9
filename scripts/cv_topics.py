"""Measure the topic tagger honestly (dev gold + out-of-niche and blind labelled sets).

    .venv/bin/python scripts/cv_topics.py            # all reports
    .venv/bin/python scripts/cv_topics.py --errors   # + per-paper errors on the "look" split
    .venv/bin/python scripts/cv_topics.py --no-cv --no-speed   # quick: shipped-config figures only

What it reports
---------------
* dev gold, all 120 papers, with the config as shipped (optimistic: the lexicon was revised
  after reading errors on the "look" split);
* "lockbox" split (ids with int(id[:8], 16) % 3 == 0, ~1/3 of dev gold): its errors were never
  inspected while the lexicon was written -> the least biased in-niche figure;
* 5-fold cross-validation of the fitted numbers ([scoring] min_score, relative_min,
  title_weight, abstract_only_factor, abstract_power, title_keep, secondary_focus_min): grid-searched on 4 folds, scored on the
  5th; plus out-of-fold Platt calibration of `score` (the fitted a/b/c are printed and should
  be copied into [calibration]);
* out-of-niche sanity set: papers from the real fixture dumps in shared/fixtures/real
  (agents, reasoning, multimodal, robotics, science...), labelled by one annotator (the tagger's
  author, before tuning; single-annotator, so treat as indicative only);
* a second, untouched out-of-niche set (RSS fixture, labelled blind after the lexicon was
  frozen; errors never printed);
* a third, blind out-of-niche set (tests/data/topic_labels_blind2.json, 76 citation/scholarly
  and HF-daily papers, labelled before the tagger ran on them; aggregate figures only, never
  tuned on);
* a fourth blind set (tests/data/topic_labels_blind3.json, v1.2): 108 papers -- 52 scholarly /
  citation search-capture papers (out of niche) + 56 seed-dump papers not in dev gold (in niche) --
  labelled from title + abstract before the tagger ran on them, split by sha1(title) parity into
  a "tune" half (errors may be inspected: --blind3-errors) and a "lockbox" half (aggregate only);
* a fifth blind set (tests/data/topic_labels_blind4.json, v1.3): 60 papers -- 30 seed-dump papers
  in none of the sets above (in niche) + 30 recent HF-papers JSON-feed items (out of niche: agents,
  robotics, vision, audio, safety...; abstracts stored in the file because those dumps are not in
  shared/fixtures) -- labelled from title + abstract BEFORE the tagger ran on them, split by
  sha1(title) parity into "tune" (--blind4-errors) and "lockbox" (aggregate only);
* a sixth blind set (tests/data/topic_labels_blind5.json): 64 papers -- 32 seed-dump papers
  in none of the sets above + 32 recent HF-papers JSON-feed items (abstracts stored in the file) --
  labelled from title + abstract BEFORE the tagger ran on them, split by sha1(title) parity into
  "tune" (--blind5-errors) and "lockbox" (aggregate only);
* a seventh blind set (tests/data/topic_labels_blind6.json, session 13): 60 papers -- 30 seed-dump
  papers in none of the sets above + 30 recent (2025-12 to 2026-08) out-of-niche papers from the
  AtharvaDomale/Daily-HuggingFace-AI-Papers weekly dumps (abstracts stored in the file) -- labelled
  from title + abstract by a helper that never saw the tagger, split by sha1(title) parity into
  "tune" (--blind6-errors) and "lockbox" (aggregate only);
* an eighth blind set (tests/data/topic_labels_blind7.json, session 14): 60 papers -- 30 seed-dump
  papers in none of the sets above + 30 recent (2026-W23 to W33) out-of-niche papers from the
  AtharvaDomale weekly dumps (abstracts stored in the file; some are the authors' posts) --
  labelled from title + abstract, topics and metric mentions together (the metric labels are batch 13
  of tests/data/metric_labels_blind1.json), by a helper that read dev gold first and never saw the
  tagger; split by sha1(title) parity into "tune" (--blind7-errors) and "lockbox" (aggregate only);
* a ninth blind set (tests/data/topic_labels_blind8.json, session 14): 60 papers -- 17 seed-dump + 43
  recent (2026-W01 to W22) out-of-niche papers, labelled with batch 14 of the metric labels by a helper
  that never saw the tagger; aggregate only;
* a tenth blind set (tests/data/topic_labels_blind9.json, session 15): 60 papers -- 20 seed-dump + 40
  recent (2026-05 to 2026-08) out-of-niche papers from the AtharvaDomale daily dumps, labelled with batch 15
  of the metric labels by a helper that never saw the tools; split by sha1(title) parity into "tune"
  (--blind9-errors) and "lockbox" (aggregate only);
* an eleventh blind set (tests/data/topic_labels_blind10.json, session 23): 120 arXiv cs.CL/LG/AI papers of
  2026 (dw-dengwei/daily-arXiv-ai-enhanced) in no other labelled set -- 60 about language models with an
  efficiency cue ("niche": true) + 60 others -- labelled by two helpers from the guidelines and dev gold
  alone after taxonomy-v1.4.2 shipped; aggregate only, never trained on;
* cross-validation pools dev gold + fixture papers + even RSS items + the blind3, blind4 and blind5
  tune halves (RSS odd items, blind2 and the blind3/blind4/blind5 lockboxes never enter it);
* v1.3 learned selector ([selector] in taxonomy.toml): 5-fold CV (folds by paper) of the
  logistic-regression keep/drop decision over the tune data only (dev-gold look split + fixtures
  + even RSS + blind3/blind4 tune halves; the dev-gold lockbox is left out so it stays honest),
  then a fit on all of it printed as the [selector] block to paste (its threshold is the one with
  the best out-of-fold F1, not an in-sample pick), and the out-of-fold Platt fit
  for [calibration]; the v1.2 rule grid CV is still printed (selector switched off) for comparison;
* throughput on 50k synthetic rows (dev-gold papers replicated).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paperlake.evaluation import records_frame  # noqa: E402
from paperlake.tagging import (  # noqa: E402
    SELECTOR_FEATURES,
    Selector,
    Taxonomy,
    candidate_features,
    load_taxonomy,
    select_topics,
    tag_papers,
)

try:
    from paperlake.evaluation import score_topics
except ImportError:  # pragma: no cover - evaluation.py is written by another helper
    score_topics = None

SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "dev_gold.json"
FIXTURES = SHARED / "fixtures" / "real"

GRID = {
    "title_weight": [1.0, 1.5, 2.0],
    "abstract_only_factor": [0.6, 0.8, 1.0],
    "abstract_power": [1.0],  # 0.5 was never picked by any fold (v1.0 grid)
    "min_score": [6.0, 8.0, 10.0],
    "relative_min": [0.3, 0.4, 0.5],
    "title_keep": [4.5, 6.0, 1e9],
    "secondary_focus_min": [0.0, 1.5, 4.5],
}

# Out-of-niche sanity labels for papers in shared/fixtures/real (title prefix -> topics).
# Single annotator, written from title + abstract before looking at the tagger's output.
FIXTURE_LABELS: dict[str, list[str]] = {
    "Breaking the Memory Barrier": ["embeddings"],
    "Can Knowledge Editing Really Correct": ["evaluation-benchmarks"],
    "LOGO -- Long cOntext": ["long-context", "alignment"],
    "Unleashing Reasoning Capability of LLMs": ["reasoning", "instruction-tuning"],
    "Unbounded: A Generative Infinite Game": ["domain-applications", "multimodal-vision"],
    "Framer: Interactive Frame": ["multimodal-vision"],
    "Distill Visual Chart Reasoning": ["multimodal-vision", "reasoning", "knowledge-distillation"],
    "Why Does the Effective Context Length": ["long-context"],
    "Taipan: Efficient and Expressive": ["long-context", "inference-efficiency", "pretraining"],
    "SMITE: Segment Me": ["multimodal-vision"],
    "MotionCLR": ["multimodal-vision"],
    "Skywork-Reward": ["alignment"],
    "WAFFLE": ["code", "multimodal-vision"],
    "Steering Knowledge Selection": ["interpretability"],
    "Robust Watermarking Using Generative Priors": ["safety-privacy", "multimodal-vision", "evaluation-benchmarks"],
    "CAMEL-Bench": ["evaluation-benchmarks", "multimodal-vision", "multilingual"],
    "DeCoRe": ["decoding-strategies"],
    "Stable Consistency Tuning": ["multimodal-vision"],
    "ADEM-VL": ["multimodal-vision", "parameter-efficient-finetuning"],
    "CCI3.0-HQ": ["pretraining", "multilingual"],
    "Value Residual Learning": ["pretraining"],
    "Language Models are Symbolic Learners": ["reasoning", "interpretability"],
    "Should We Really Edit Language Models": ["evaluation-benchmarks"],
    "Asynchronous RLHF": ["alignment"],
    "ZIP-FIT": ["instruction-tuning"],
    "The Nature of Mathematical Modeling": ["pretraining"],
    "Pantograph": ["reasoning", "agents-tool-use"],
    "Data Scaling Laws in Imitation Learning": ["domain-applications", "pretraining"],
    "Multi-Draft Speculative Sampling": ["efficient-decoding"],
    "AlignVLM": ["multimodal-vision"],
    "MM-IQ": ["evaluation-benchmarks", "reasoning", "multimodal-vision"],
    "SliderSpace": ["multimodal-vision", "interpretability"],
    "The Differences Between Direct Alignment": ["alignment"],
    "Almost Surely Safe Alignment": ["alignment", "safety-privacy"],
    "PhD Knowledge Not Required": ["evaluation-benchmarks", "reasoning"],
    "Current Pathology Foundation Models": ["domain-applications", "multimodal-vision"],
    "DeepRAG": ["retrieval-rag", "reasoning"],
    "A Study on the Performance of U-Net": ["domain-applications", "multimodal-vision"],
    "SafeRAG": ["retrieval-rag", "safety-privacy", "evaluation-benchmarks"],
    "Preference Leakage": ["evaluation-benchmarks"],
    "Lifelong Sequential Knowledge Editing": ["interpretability"],
    "FastKV": ["inference-efficiency", "long-context"],
    "OmniHuman-1": ["multimodal-vision"],
    "ZebraLogic": ["reasoning", "evaluation-benchmarks"],
    "The Jumping Reasoning Curve": ["reasoning", "evaluation-benchmarks", "multimodal-vision"],
    "Scaling Embedding Layers": ["pretraining"],
    "Improving Transformer World Models": ["agents-tool-use"],
    "Process Reinforcement through Implicit Rewards": ["reasoning", "alignment"],
    "Improved Training Technique for Latent Consistency": ["multimodal-vision"],
    "AIN: The Arabic INclusive": ["multimodal-vision", "multilingual"],
    "InternVL3.5": ["multimodal-vision", "pretraining"],
    "Visual-CoG": ["multimodal-vision"],
    "T2I-ReasonBench": ["evaluation-benchmarks", "multimodal-vision", "reasoning"],
    "MV-RAG": ["multimodal-vision", "retrieval-rag"],
    "Breaking the Exploration Bottleneck": ["reasoning"],
    "PosterGen": ["agents-tool-use"],
    "Beyond Memorization: Extending Reasoning Depth": ["reasoning"],
    "UQ: Assessing Language Models": ["evaluation-benchmarks"],
    "ST-Raptor": ["domain-applications"],
    "SpotEdit": ["evaluation-benchmarks", "multimodal-vision"],
    "German4All": ["multilingual"],
    "Explain Before You Answer": ["survey", "multimodal-vision", "reasoning"],
    "MEENA (PersianMMMU)": ["evaluation-benchmarks", "multimodal-vision", "multilingual"],
    "TaDiCodec": ["speech-audio", "tokenization"],
    "Neither Valid nor Reliable": ["evaluation-benchmarks"],
    "MemGovern": ["code", "agents-tool-use"],
    "Solar Open Technical Report": ["pretraining"],
    "KnowMe-Bench": ["evaluation-benchmarks"],
    "User-Oriented Multi-Turn Dialogue Generation": ["agents-tool-use", "instruction-tuning"],
    "ShowUI": ["agents-tool-use", "multimodal-vision"],
    "MemoBrain": ["agents-tool-use", "reasoning"],
    "ArenaRL": ["agents-tool-use"],
    "Ministral 3": ["pretraining"],
    "3AM: Segment Anything": ["multimodal-vision"],
    "The Confidence Dichotomy": ["agents-tool-use"],
    "Parallel Context-of-Experts Decoding": ["retrieval-rag", "efficient-decoding"],
    "Motion Attribution for Video Generation": ["multimodal-vision"],
    "ViDoRe V3": ["retrieval-rag", "evaluation-benchmarks"],
    "SnapGen++": ["multimodal-vision", "inference-efficiency"],
    "VLingNav": ["multimodal-vision", "agents-tool-use"],
    "End-to-End Video Character Replacement": ["multimodal-vision"],
    "JudgeRLVR": ["reasoning"],
    "VideoLoom": ["multimodal-vision"],
    "EpiCaR": ["reasoning"],
    "UM-Text": ["multimodal-vision"],
    "Aligning Text, Code, and Vision": ["code", "multimodal-vision"],
    "Towards Comprehensive Stage-wise Benchmarking": ["evaluation-benchmarks"],
    "The Agent's First Day": ["agents-tool-use", "evaluation-benchmarks"],
    "GeoMotionGPT": ["multimodal-vision"],
}


# Second out-of-niche set: shared/fixtures/real/rss_hf_papers_2026-02-01.xml (45 papers), labelled
# blind by the same single annotator AFTER the lexicon was frozen; its errors are not printed
# and were never inspected -> an untouched out-of-niche check (index in the feed -> topics).
RSS_LABELS: dict[int, list[str]] = {
    0: ["domain-applications", "multimodal-vision"],
    1: ["evaluation-benchmarks", "multimodal-vision"],
    2: ["domain-applications", "multimodal-vision"],
    3: ["agents-tool-use", "alignment"],
    4: ["multimodal-vision", "domain-applications"],
    5: ["speech-audio"],
    6: ["domain-applications"],
    7: ["evaluation-benchmarks", "code", "alignment"],
    8: ["alignment"],
    9: ["reasoning", "inference-efficiency"],
    10: ["multimodal-vision", "speech-audio"],
    11: ["agents-tool-use"],
    12: ["multimodal-vision"],
    13: ["interpretability"],
    14: ["multimodal-vision", "pretraining"],
    15: ["quantization"],
    16: ["pretraining"],
    17: ["instruction-tuning", "pretraining"],
    18: ["long-context", "knowledge-distillation", "inference-efficiency"],
    19: ["evaluation-benchmarks", "agents-tool-use"],
    20: ["reasoning"],
    21: ["multimodal-vision"],
    22: ["decoding-strategies", "multimodal-vision"],
    23: ["long-context", "reasoning", "inference-efficiency", "multimodal-vision"],
    24: ["instruction-tuning", "multilingual"],
    25: ["domain-applications", "reasoning"],
    26: ["pretraining"],
    27: ["alignment"],
    28: ["reasoning", "decoding-strategies"],
    29: ["multimodal-vision", "long-context"],
    30: ["pretraining", "safety-privacy"],
    31: ["agents-tool-use"],
    32: ["evaluation-benchmarks"],
    33: ["domain-applications", "survey", "evaluation-benchmarks"],
    34: ["evaluation-benchmarks", "agents-tool-use", "long-context"],
    35: ["agents-tool-use", "alignment"],
    36: ["multimodal-vision"],
    37: ["speech-audio"],
    38: ["inference-efficiency", "mixture-of-experts"],
    39: ["multimodal-vision"],
    40: ["multimodal-vision", "reasoning", "instruction-tuning"],
    41: ["multimodal-vision", "domain-applications"],
    42: ["mixture-of-experts", "pretraining"],
    43: ["evaluation-benchmarks", "multimodal-vision", "reasoning"],
    44: ["domain-applications", "agents-tool-use"],
}


def load_rss_papers() -> list[dict]:
    """RSS feed items: the abstract is the text after the last "Abstract" heading of the HTML
    description (the first one introduces the AI summary + its Chinese translation)."""
    import html
    import re
    import xml.etree.ElementTree as ET

    path = FIXTURES / "rss_hf_papers_2026-02-01.xml"
    if not path.exists():
        return []
    out = []
    for i, item in enumerate(ET.parse(path).getroot().iter("item")):
        if i not in RSS_LABELS:
            continue
        text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", item.findtext("description") or "").split()))
        abstract = text.rsplit("Abstract ", 1)[-1]
        out.append({"id": f"rss{i:02d}", "title": " ".join((item.findtext("title") or "").split()),
                    "abstract": abstract, "topics": RSS_LABELS[i]})
    return out


# Third out-of-niche set (tests/data/topic_labels_blind2.json): 76 papers of the fixture dumps not
# labelled above (citation/attribution/scholarly search capture + scraped HF daily 2024-01-02),
# labelled blind BEFORE the tagger was run on them. Only aggregate figures are printed; it is
# never used for tuning (v1.1: one "before" and one "after" measurement).
BLIND2 = ROOT / "tests" / "data" / "topic_labels_blind2.json"


def load_blind2_papers() -> list[dict]:
    """Blind2 labels joined (by exact title) to the fixtures parsed by paperlake.parsing."""
    if not BLIND2.exists() or not FIXTURES.exists():
        return []
    labels = json.loads(BLIND2.read_text())
    abstracts = _parsed_abstracts([FIXTURES], {lab["title"] for lab in labels})
    return [{"id": f"b2-{i:03d}", "title": lab["title"], "abstract": abstracts.get(lab["title"], ""),
             "topics": lab["topics"]} for i, lab in enumerate(labels)]


# Fourth set (tests/data/topic_labels_blind3.json, v1.2): 108 papers not labelled before -- 52 of
# the scholarly/citation search capture (out of niche) + 56 seed-dump papers not in dev gold (in
# niche, picked by title hash) -- labelled from title + abstract BEFORE the tagger was run on them.
# Split by the label file's "split" (sha1(title) parity): "tune" errors may be inspected,
# "lockbox" errors are never printed (aggregate figures only).
BLIND3 = ROOT / "tests" / "data" / "topic_labels_blind3.json"
SEEDS = SHARED / "seeds"


def _parsed_abstracts(dirs: list[Path], want: set[str]) -> dict[str, str]:
    """title -> abstract for the wanted titles, from every dump in dirs (paperlake.parsing)."""
    from paperlake.parsing import parse_dump

    abstracts: dict[str, str] = {}
    for d in dirs:
        if not d.exists():
            continue
        for path in sorted(d.iterdir()):
            if path.name == "README.md":
                continue
            for row in parse_dump(path.read_bytes(), path.name).listings.iter_rows(named=True):
                t = " ".join((row.get("title") or "").split())
                if t in want and t not in abstracts:
                    abstracts[t] = " ".join((row.get("abstract") or "").split())
    return abstracts


def load_blind3_papers(split: str | None = None) -> list[dict]:
    """Blind3 labels (optionally one split: "tune" / "lockbox") joined to the parsed dumps."""
    if not BLIND3.exists() or not FIXTURES.exists():
        return []
    labels = json.loads(BLIND3.read_text())
    abstracts = _parsed_abstracts([FIXTURES, SEEDS], {lab["title"] for lab in labels})
    return [{"id": f"b3-{i:03d}", "title": lab["title"], "abstract": abstracts.get(lab["title"], ""),
             "topics": lab["topics"], "split": lab["split"], "source": lab["source"]}
            for i, lab in enumerate(labels) if split is None or lab["split"] == split]


# Fifth set (tests/data/topic_labels_blind4.json, v1.3): see the module docstring. Records with an
# "abstract" field carry it (feed items outside shared/); the others are joined to the seed dumps.
BLIND4 = ROOT / "tests" / "data" / "topic_labels_blind4.json"


def load_blind4_papers(split: str | None = None, path: Path = BLIND4, prefix: str = "b4") -> list[dict]:
    """Blind4 labels (optionally one split: "tune" / "lockbox") with their abstracts."""
    if not path.exists():
        return []
    labels = json.loads(path.read_text())
    want = {lab["title"] for lab in labels if "abstract" not in lab}
    abstracts = _parsed_abstracts([SEEDS, FIXTURES], want) if want else {}
    return [{"id": f"{prefix}-{i:03d}", "title": lab["title"],
             "abstract": lab.get("abstract", abstracts.get(lab["title"], "")),
             "topics": lab["topics"], "split": lab["split"], "source": lab["source"],
             "niche": lab.get("niche", not lab["source"].startswith("github:"))}
            for i, lab in enumerate(labels) if split is None or lab["split"] == split]


def _blind_loader(n: int):
    """load_blind<n>_papers: the labels of tests/data/topic_labels_blind<n>.json (optionally one split:
    "tune" / "lockbox") with their abstracts; same format as blind4 (records of feed items carry their
    abstract; seed-dump papers are joined to shared/seeds)."""
    path = ROOT / "tests" / "data" / f"topic_labels_blind{n}.json"
    return lambda split=None: load_blind4_papers(split, path, f"b{n}")


# The sixth to eleventh sets (blind5-blind10; see the module docstring). blind8 and blind10 are aggregate
# only (every record "lockbox").
(load_blind5_papers, load_blind6_papers, load_blind7_papers, load_blind8_papers, load_blind9_papers,
 load_blind10_papers) = map(_blind_loader, (5, 6, 7, 8, 9, 10))


def _scores(pred: dict[str, set[str]], gold: dict[str, set[str]]) -> dict:
    if score_topics is not None:
        return score_topics(pred, gold)
    tp = sum(len(pred.get(k, set()) & g) for k, g in gold.items())
    fp = sum(len(pred.get(k, set()) - g) for k, g in gold.items())
    fn = sum(len(g - pred.get(k, set())) for k, g in gold.items())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"micro_precision": p, "micro_recall": r, "micro_f1": 2 * p * r / (p + r) if p + r else 0.0,
            "macro_f1": float("nan"), "per_topic_f1": {}}


def _fmt(s: dict) -> str:
    return (f"P={s['micro_precision']:.3f} R={s['micro_recall']:.3f} "
            f"micro-F1={s['micro_f1']:.3f} macro-F1={s['macro_f1']:.3f}")


def load_gold() -> list[dict]:
    return json.loads(GOLD.read_text())


def is_lockbox(pid: str) -> bool:
    return int(pid[:8], 16) % 3 == 0


def frame(records: list[dict]) -> pl.DataFrame:
    return records_frame(records)


def predict(df: pl.DataFrame, tax: Taxonomy) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for pid, topic in select_topics(df, tax).select("paper_id", "topic").iter_rows():
        out[pid].add(topic)
    return out


def load_fixture_papers() -> list[dict]:
    """Title/abstract of the real fixture dumps that have sanity labels (minimal readers)."""
    papers: list[tuple[str, str]] = []
    try:
        for x in json.loads((FIXTURES / "hf_daily_papers_api_2024-10-25.json").read_text()):
            papers.append((x["paper"]["title"], x["paper"].get("summary") or ""))
        for name in ("jsonfeed_hf_papers_2025-02-04.json", "jsonfeed_hf_papers_2025-08-26.json"):
            for x in json.loads((FIXTURES / name).read_text())["items"]:
                papers.append((x["title"], x.get("content_text") or ""))
        for x in json.loads((FIXTURES / "scraped_hf_daily_2026-01-15.json").read_text()):
            papers.append((x["title"], (x.get("details") or {}).get("abstract") or ""))
    except FileNotFoundError:
        return []
    out = []
    for i, (title, abstract) in enumerate(papers):
        t = " ".join(title.split())
        labels = [v for k, v in FIXTURE_LABELS.items() if t.startswith(k)]
        if labels:
            out.append({"id": f"fx{i:03d}", "title": t, "abstract": " ".join(abstract.split()),
                        "topics": labels[0]})
    return out


def with_scoring(tax: Taxonomy, **kw) -> Taxonomy:
    return dataclasses.replace(tax, scoring=dataclasses.replace(tax.scoring, **kw))


def fit_platt(x: np.ndarray, y: np.ndarray, iters: int = 200, l2: float = 1e-3) -> np.ndarray:
    """Logistic regression (Newton) with a bias column already in x."""
    w = np.zeros(x.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-x @ w))
        g = x.T @ (p - y) + l2 * w
        h = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def cross_validate(tax: Taxonomy, gold: list[dict], fx: list[dict], k: int = 5, seed: int = 0) -> None:
    """k-fold CV of the [scoring] numbers over dev gold + fixture papers (folds mix them)."""
    records = gold + fx
    df = frame(records)
    gmap = {g["id"]: set(g["topics"]) for g in records}
    sources = {"dev gold": {g["id"] for g in gold},
               "fixtures": {g["id"] for g in fx if g["id"].startswith("fx")},
               "RSS even": {g["id"] for g in fx if g["id"].startswith("rss")},
               "b3 tune": {g["id"] for g in fx if g["id"].startswith("b3")},
               "b4 tune": {g["id"] for g in fx if g["id"].startswith("b4")},
               "b5 tune": {g["id"] for g in fx if g["id"].startswith("b5")}}
    ids = sorted(gmap)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(ids))
    folds = [set(ids[i] for i in order[j::k]) for j in range(k)]

    combos = [dict(zip(GRID, vals)) for vals in itertools.product(*GRID.values())]
    t0 = time.perf_counter()
    preds = [predict(df, with_scoring(tax, **c)) for c in combos]
    print(f"grid: {len(combos)} settings x {len(ids)} papers in {time.perf_counter() - t0:.1f}s")

    def sub(d: dict, keep: set[str]) -> dict:
        return {i: v for i, v in d.items() if i in keep}

    oof: dict[str, set[str]] = {}
    oof_rows = []  # (evidence, is_best, correct) for calibration
    for test in folds:
        train = set(ids) - test
        best = max(range(len(combos)),
                   key=lambda c: (_scores(sub(preds[c], train), sub(gmap, train))["micro_f1"], -c))
        print("   fold setting:", combos[best])
        oof.update(sub(preds[best], test))
        sel = select_topics(df.filter(pl.col("paper_id").is_in(sorted(test))),
                            with_scoring(tax, **combos[best]))
        for pid, topic, ev, rank in sel.iter_rows():
            if ev is not None:
                oof_rows.append((ev, rank == 0, topic in gmap[pid]))
    print(f"{k}-fold CV, [scoring] numbers tuned on {k - 1} folds, scored on the held-out fold:")
    for name, keep in sources.items():
        if keep:
            print(f"   {name:9s} {_fmt(_scores(sub(oof, keep), sub(gmap, keep)))}")
    full_best = max(range(len(combos)), key=lambda c: (_scores(preds[c], gmap)["micro_f1"], -c))
    print("setting tuned on everything (candidate; ship only if CV supports it):", combos[full_best])
    for name, keep in sources.items():
        if keep:
            print(f"   {name:9s} {_fmt(_scores(sub(preds[full_best], keep), sub(gmap, keep)))}")

    platt_report(oof_rows, "tags")


SELECTOR_L2 = 3.0        # ridge on the feature weights (features are O(1))
SELECTOR_TOPIC_L2 = 1.0  # ridge on the per-topic biases
SELECTOR_THRESHOLDS = (0.4, 0.45, 0.5)


def _selector_data(tax: Taxonomy, records: list[dict]):
    cf = candidate_features(frame(records), tax)
    gmap = {g["id"]: set(g["topics"]) for g in records}
    topics = list(tax.topics)
    x = cf.select(SELECTOR_FEATURES).to_numpy().astype(float)
    tb = np.zeros((cf.height, len(topics)))
    tb[np.arange(cf.height), [topics.index(t) for t in cf["topic"]]] = 1.0
    z = np.column_stack([np.ones(cf.height), x, tb])
    y = np.array([t in gmap[i] for i, t in cf.select("paper_id", "topic").iter_rows()], dtype=float)
    return cf, z, y


def _fit_selector(z: np.ndarray, y: np.ndarray, n_topics: int) -> np.ndarray:
    reg = np.r_[1e-4, np.full(z.shape[1] - 1 - n_topics, SELECTOR_L2), np.full(n_topics, SELECTOR_TOPIC_L2)]
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-z @ w))
        g = z.T @ (p - y) + reg * w
        h = (z * (p * (1 - p))[:, None]).T @ z + np.diag(reg)
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def _selector_of(tax: Taxonomy, w: np.ndarray, threshold: float) -> Selector:
    nf = len(SELECTOR_FEATURES)
    return Selector(threshold=threshold, bias=float(w[0]), weights=tuple(float(v) for v in w[1:1 + nf]),
                    topic_bias=tuple((t, float(v)) for t, v in zip(tax.topics, w[1 + nf:])))


def _source(pid: str) -> str:
    for prefix, name in (("b3-", "b3 tune"), ("b4-", "b4 tune"), ("b5-", "b5 tune"), ("fx", "fixtures"), ("rss", "RSS even")):
        if pid.startswith(prefix):
            return name
    return "dev look"


def cross_validate_selector(tax: Taxonomy, records: list[dict], k: int = 5) -> None:
    """k-fold CV of the learned [selector] over the pooled tune data (dev-gold look split, fixture
    papers, even RSS items, blind3/blind4 tune halves; folds by paper). On each fold the logistic
    regression is fitted on the other folds and the threshold picked by their (in-sample) F1.
    Then fits on everything and prints the [selector] block to paste into taxonomy.toml, and a
    Platt fit of `score` on the out-of-fold tags for [calibration]."""
    import hashlib

    base = dataclasses.replace(tax, selector=None, stacker=None)
    cf, z, y = _selector_data(base, records)
    nt = len(tax.topics)
    gmap = {g["id"]: set(g["topics"]) for g in records}
    pids = cf["paper_id"].to_list()
    fold = np.array([int(hashlib.md5(p.encode()).hexdigest(), 16) % k for p in pids])
    df = frame(records)
    fold_of = {r["id"]: int(hashlib.md5(r["id"].encode()).hexdigest(), 16) % k for r in records}
    oof: dict[str, set[str]] = {}
    oof_at: dict[float, dict[str, set[str]]] = {t: {} for t in SELECTOR_THRESHOLDS}
    oof_rows = []
    for f in range(k):
        w = _fit_selector(z[fold != f], y[fold != f], nt)
        train = {i for i, ff in fold_of.items() if ff != f}
        test = sorted(i for i, ff in fold_of.items() if ff == f)

        def taxed(t: float, w: np.ndarray = w) -> Taxonomy:
            return dataclasses.replace(tax, selector=_selector_of(tax, w, t), stacker=None)

        thr = max(SELECTOR_THRESHOLDS, key=lambda t: _scores(
            {i: v for i, v in predict(df.filter(pl.col("paper_id").is_in(sorted(train))), taxed(t)).items()},
            {i: gmap[i] for i in train})["micro_f1"])
        for t in SELECTOR_THRESHOLDS:  # out-of-fold predictions at every fixed threshold
            oof_at[t].update(predict(df.filter(pl.col("paper_id").is_in(test)), taxed(t)))
        sel = select_topics(df.filter(pl.col("paper_id").is_in(test)), taxed(thr))
        for pid, topic, ev, rank in sel.iter_rows():
            oof.setdefault(pid, set()).add(topic)
            if ev is not None:
                oof_rows.append((ev, rank == 0, topic in gmap[pid]))
        print(f"   fold {f}: threshold {thr}")
    print(f"{k}-fold CV of the learned selector (fitted on {k - 1} folds, scored on the held-out fold):")
    groups: dict[str, set[str]] = defaultdict(set)
    for r in records:
        groups[_source(r["id"])].add(r["id"])
    for g, keep in groups.items():
        print(f"   {g:9s} {_fmt(_scores({i: oof[i] for i in keep}, {i: gmap[i] for i in keep}))}")
    print(f"   {'all':9s} {_fmt(_scores(oof, gmap))}")
    # the printed threshold is the one with the best OUT-OF-FOLD F1 (an in-sample pick on
    # the fit's own training data favours admitting more topics); ties go to the higher one
    oof_f1 = {t: _scores(oof_at[t], gmap)["micro_f1"] for t in SELECTOR_THRESHOLDS}
    print("   out-of-fold micro-F1 at a fixed threshold: "
          + ", ".join(f"{t}: {v:.4f}" for t, v in oof_f1.items()))
    thr = max(SELECTOR_THRESHOLDS, key=lambda t: (round(oof_f1[t], 4), t))
    w = _fit_selector(z, y, nt)
    print(f"[selector] fitted on all {len(records)} tune papers ({len(y)} candidates), threshold {thr}:")
    print(f"threshold = {thr}\nbias = {w[0]:.3f}")
    nf = len(SELECTOR_FEATURES)
    print("[selector.weights]\n" + "\n".join(f"{n} = {v:.3f}" for n, v in zip(SELECTOR_FEATURES, w[1:1 + nf])))
    print("[selector.topic_bias]\n" + "\n".join(f'"{t}" = {v:.3f}' for t, v in zip(tax.topics, w[1 + nf:])))
    platt_report(oof_rows, "selector tags")


def platt_report(oof_rows: list, what: str) -> None:
    """Fit and print the out-of-fold Platt calibration of (evidence, is-best, correct) rows."""
    ev = np.array([r[0] for r in oof_rows])
    best = np.array([r[1] for r in oof_rows], dtype=float)
    y = np.array([r[2] for r in oof_rows], dtype=float)
    x = np.column_stack([np.log(ev), np.ones_like(ev), best])
    w = fit_platt(x, y)
    p = 1 / (1 + np.exp(-x @ w))
    print(f"out-of-fold Platt fit on {len(y)} {what}: a={w[0]:.3f} b={w[1]:.3f} c={w[2]:.3f} "
          f"(mean p={p.mean():.3f} vs precision={y.mean():.3f})")
    reliability(p, y)


def reliability(p: np.ndarray, y: np.ndarray) -> None:
    edges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01]
    for lo, hi in zip(edges, edges[1:]):
        m = (p >= lo) & (p < hi)
        if m.any():
            print(f"   p in [{lo:.2f},{hi:.2f}): n={m.sum():3d} mean p={p[m].mean():.2f} "
                  f"precision={y[m].mean():.2f}")


def shipped_calibration_check(tax: Taxonomy, records: list[dict], label: str) -> None:
    out = tag_papers(frame(records), tax)
    gmap = {g["id"]: set(g["topics"]) for g in records}
    p = out["score"].to_numpy()
    y = np.array([t in gmap[i] for i, t in out.select("paper_id", "topic").iter_rows()], dtype=float)
    print(f"calibration of shipped score on {label}: mean score={p.mean():.3f} precision={y.mean():.3f}")
    reliability(p, y)


def report(tax: Taxonomy, records: list[dict], label: str, errors: bool = False) -> dict:
    gmap = {g["id"]: set(g["topics"]) for g in records}
    pred = predict(frame(records), tax)
    s = _scores(pred, gmap)
    print(f"{label} (n={len(records)}): {_fmt(s)}")
    if errors:
        for g in records:
            p, t = pred.get(g["id"], set()), gmap[g["id"]]
            if p != t:
                print(f"   {g['title'][:80]!r}\n      missing={sorted(t - p)} extra={sorted(p - t)}")
    return s


def report_by_niche(tax: Taxonomy, records: list[dict], label: str, niche_name: str = "seed dumps") -> None:
    """Aggregate scores of the in-niche (seed-dump) and the out-of-niche papers of a set, separately."""
    for niche, name in ((True, niche_name), (False, "out of niche")):
        report(tax, [r for r in records if r["niche"] == niche], f"   {label}, {name}")


def throughput(tax: Taxonomy, gold: list[dict], n: int = 50_000) -> None:
    base = frame(gold)
    reps = n // base.height + 1
    big = pl.concat([base] * reps).head(n).with_columns(
        (pl.col("paper_id") + "-" + pl.int_range(pl.len()).cast(pl.String)).alias("paper_id")
    )
    tag_papers(big.head(1000), tax)  # warm-up
    t0 = time.perf_counter()
    out = tag_papers(big, tax)
    dt = time.perf_counter() - t0
    print(f"throughput: {n} papers -> {out.height} tags in {dt:.2f}s = {n / dt:,.0f} papers/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", action="store_true", help="print errors on the look split")
    ap.add_argument("--fixture-errors", action="store_true")
    ap.add_argument("--rss-errors", action="store_true", help="errors on the even RSS items only")
    ap.add_argument("--blind3-errors", action="store_true", help="errors on the blind3 tune half only")
    ap.add_argument("--blind4-errors", action="store_true", help="errors on the blind4 tune half only")
    ap.add_argument("--blind5-errors", action="store_true", help="errors on the blind5 tune half only")
    ap.add_argument("--blind6-errors", action="store_true", help="errors on the blind6 tune half only")
    ap.add_argument("--blind7-errors", action="store_true", help="errors on the blind7 tune half only")
    ap.add_argument("--blind9-errors", action="store_true", help="errors on the blind9 tune half only")
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    if not GOLD.exists():
        sys.exit(f"dev gold not found at {GOLD}: this script reads the team's shared/ folder (dev gold, the "
                 f"real fixture dumps and the seed dumps) beside the repo, as CI has it")

    tax = load_taxonomy()
    print("taxonomy", tax.version, "lexicon rows", len(tax.lexicon))
    gold = load_gold()
    look = [g for g in gold if not is_lockbox(g["id"])]
    lock = [g for g in gold if is_lockbox(g["id"])]
    s_all = report(tax, gold, "dev gold, all (shipped config)")
    per = sorted(s_all["per_topic_f1"].items(), key=lambda kv: kv[1])
    print("   weakest topics:", ", ".join(f"{t}={v:.2f}" for t, v in per[:8]))
    report(tax, look, "look split (errors inspected)", errors=args.errors)
    report(tax, lock, "lockbox split (errors never inspected)")
    fx = load_fixture_papers()
    if fx:
        s_fx = report(tax, fx, "out-of-niche fixture papers (1 annotator)", errors=args.fixture_errors)
        per = sorted(s_fx["per_topic_f1"].items(), key=lambda kv: kv[1])
        print("   weakest topics:", ", ".join(f"{t}={v:.2f}" for t, v in per[:8]))
    rss = load_rss_papers()
    if rss:
        report(tax, rss, "RSS papers, all (1 annotator, labelled blind)")
        rss_dev = [r for r in rss if int(r["id"][3:]) % 2 == 0]
        rss_lock = [r for r in rss if int(r["id"][3:]) % 2 == 1]
        report(tax, rss_dev, "   RSS even items (errors inspected after labelling)", errors=args.rss_errors)
        report(tax, rss_lock, "   RSS odd items (UNTOUCHED: errors never inspected)")
        shipped_calibration_check(tax, rss, "RSS papers")
    blind2 = load_blind2_papers()
    if blind2:
        report(tax, blind2, "blind2 papers (1 annotator, labelled blind; never tuned on)")
    b3_tune = load_blind3_papers("tune")
    if b3_tune:
        report(tax, b3_tune, "blind3 tune half (labelled blind; errors inspected)", errors=args.blind3_errors)
        report(tax, load_blind3_papers("lockbox"), "blind3 lockbox half (labelled blind; errors NEVER printed)")
    b4_tune = load_blind4_papers("tune")
    if b4_tune:
        report(tax, b4_tune, "blind4 tune half (labelled blind; errors inspected)", errors=args.blind4_errors)
        b4_lock = load_blind4_papers("lockbox")
        report(tax, b4_lock, "blind4 lockbox half (labelled blind; errors NEVER printed)")
        report_by_niche(tax, b4_lock, "blind4 lockbox")
    for name, load, show_errors in (("blind5", load_blind5_papers, args.blind5_errors),
                                    ("blind6", load_blind6_papers, args.blind6_errors),
                                    ("blind7", load_blind7_papers, args.blind7_errors),
                                    ("blind9", load_blind9_papers, args.blind9_errors)):
        tune_half, lock_half = load("tune"), load("lockbox")
        if tune_half:
            report(tax, tune_half + lock_half, f"{name} papers, all (labelled blind; aggregate only)")
            report(tax, tune_half, f"{name} tune half (labelled blind; errors inspected)", errors=show_errors)
            report_by_niche(tax, tune_half, f"{name} tune")
            report(tax, lock_half, f"{name} lockbox half (labelled blind; errors NEVER printed)")
            report_by_niche(tax, lock_half, f"{name} lockbox")
    b8 = load_blind8_papers()
    if b8:
        report(tax, b8, "blind8 papers (labelled blind after taxonomy-v1.3.1; errors NEVER printed)")
        report_by_niche(tax, b8, "blind8")
    b10 = load_blind10_papers()
    if b10:
        report(tax, b10, "blind10 papers (labelled blind after taxonomy-v1.4.2; errors NEVER printed)")
        report_by_niche(tax, b10, "blind10", "arXiv LLM efficiency")
    shipped_calibration_check(tax, gold, "dev gold")
    if fx:
        shipped_calibration_check(tax, fx, "fixture papers")
    if not args.no_cv:
        rss_even = [r for r in load_rss_papers() if int(r["id"][3:]) % 2 == 0]
        tune = (fx + rss_even + load_blind3_papers("tune") + load_blind4_papers("tune")
                + load_blind5_papers("tune"))
        print("--- v1.2 rule (selector switched off): grid CV of the [scoring] numbers ---")
        cross_validate(dataclasses.replace(tax, selector=None, stacker=None), gold, tune)
        # the dev-gold lockbox stays out of the selector's training data
        print("--- learned selector (v1.3) ---")
        cross_validate_selector(tax, look + tune)
    if not args.no_speed:
        throughput(tax, gold)


if __name__ == "__main__":
    main()
