"""Synthetic corpus generator + pairwise clustering scores (Dagster-free).

``generate_corpus`` recombines the seed dumps in ``data/samples/`` into new plausible
papers (titles from recombined title words, abstracts from spliced sentences), renders
them as listings in the two seed text layouts (~250 listings per dump), and injects

* exact duplicates (the same paper in another dump, sometimes twice in a row on a page),
* near duplicates (case / punctuation / whitespace changes, v2 title tweaks, trimmed or
  revised abstracts, combinations),
* hard negatives (shared boilerplate abstract openings; "X 2.0" / "X v2" / "X: Part II"
  follow-up papers that share the first sentence of X).

The truth is a frame / CSV ``file_name, position -> paper_key``.  ``pair_scores`` computes
pairwise co-clustering precision / recall from the contingency table (no O(n^2)).

Bench helper: ``python -m paperlake.synthetic --n 140000`` (see ``bench_identity``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "samples"
UTC = dt.timezone.utc

HEADER_LINES = {
    "new",
    "Get trending papers in your email inbox!",
    "Get trending papers in your email inbox once a day!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
}
_DATE_RE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}$")
_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")

BOILERPLATE_OPENINGS = [
    "Large language models (LLMs) have shown remarkable capabilities across a wide range of natural language processing tasks.",
    "Large language models (LLMs) have demonstrated remarkable performance on a variety of reasoning and generation benchmarks.",
    "Recent advances in large language models (LLMs) have opened new possibilities for building capable and general assistants.",
    "Diffusion models have emerged as a powerful class of generative models for high-fidelity image and video synthesis.",
    "Multimodal large language models (MLLMs) have recently attracted significant attention from both academia and industry.",
    "Reinforcement learning from human feedback (RLHF) has become a standard technique for aligning language models with human preferences.",
]
FOLLOWUP_SUFFIXES = [" 2.0", " v2", ": Part II", " 3", " II", "-2"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LISTINGS_PER_DUMP = 250
LAST_DAY = dt.date(2026, 6, 30)  # the day of a corpus's last dump (fixed: corpora are deterministic)


# ----------------------------------------------------------------------------- seeds
def read_seed_dump(text: str) -> list[tuple[str, str]]:
    """(title, abstract) pairs of a seed dump, in either layout."""
    lines = [ln.strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if not ln:
            continue
        if ln in HEADER_LINES or _DATE_RE.match(ln):
            continue
        if ln.startswith("Subscribe"):
            ln = ln[len("Subscribe") :].strip()
        out.append(ln)
    return [(out[i], out[i + 1]) for i in range(0, len(out) - 1, 2)]


@dataclass
class Seeds:
    title_words: list[str]
    title_templates: list[list[str]]
    sentences: list[list[str]]  # tokenised seed sentences


def load_seeds(samples_dir: Path = SAMPLES_DIR) -> Seeds:
    pairs: list[tuple[str, str]] = []
    for p in sorted(Path(samples_dir).glob("*.txt")):
        pairs.extend(read_seed_dump(p.read_text(encoding="utf-8")))
    templates, words, sents = [], set(), []
    for t, a in pairs:
        toks = [w for w in t.split() if not re.search(r"\d", w)]
        if len(toks) >= 3:
            templates.append(toks)
        words.update(w.strip(":,;()") for w in toks if len(w.strip(":,;()")) > 2)
        for s in _SENT_RE.split(a):
            toks = s.split()
            if 6 <= len(toks) <= 60:
                sents.append(toks)
    return Seeds(sorted(words), templates, sents)


# ----------------------------------------------------------------------------- corpus
@dataclass
class Corpus:
    listings: pl.DataFrame  # listing_id, file_name, dump_index, position, title, abstract,
    #                         paper_key, kind, first_seen, arxiv_id (null), published_at (null)
    truth: pl.DataFrame  # file_name, position, paper_key, kind
    n_papers: int
    dump_files: list[Path] = field(default_factory=list)
    truth_path: Path | None = None


class _PaperFactory:
    def __init__(self, seeds: Seeds, rng: np.random.Generator):
        self.s = seeds
        self.rng = rng
        self.tw = np.array(seeds.title_words, dtype=object)

    def name(self) -> str:
        a, b = self.rng.choice(self.tw, 2)
        return (a[:4].capitalize() + b[:4].capitalize()).replace("-", "")

    def title(self) -> str:
        r = self.rng
        tpl = list(self.s.title_templates[r.integers(len(self.s.title_templates))])
        j = next((i for i, w in enumerate(tpl) if w.endswith(":")), None)
        if j is not None:  # keep the part after the colon, new name before it
            tpl = tpl[j + 1 :] or tpl
        k = max(1, len(tpl) // 2)
        for i in r.choice(len(tpl), size=min(k, len(tpl)), replace=False):
            tpl[i] = str(r.choice(self.tw))
        body = " ".join(tpl)
        if r.random() < 0.6:
            return f"{self.name()}: {body[0].upper() + body[1:]}"
        return body[0].upper() + body[1:]

    def sentence(self) -> str:
        r = self.rng
        ss = self.s.sentences
        a = ss[r.integers(len(ss))]
        b = ss[r.integers(len(ss))]
        i = int(r.integers(2, max(3, len(a) - 2)))
        j = int(r.integers(1, max(2, len(b) - 3)))
        toks = a[:i] + b[j:]
        # substitute a few words so that sentences are (almost) never reused verbatim
        for p in r.choice(len(toks), size=max(1, len(toks) // 8), replace=False):
            toks[p] = str(r.choice(self.tw)).lower()
        s = " ".join(toks)
        s = s[0].upper() + s[1:]
        return s if s[-1] in ".!?" else s + "."

    def abstract(self, boiler: bool) -> list[str]:
        k = int(self.rng.integers(4, 10))
        sents = [self.sentence() for _ in range(k)]
        if boiler:
            sents[0] = BOILERPLATE_OPENINGS[self.rng.integers(len(BOILERPLATE_OPENINGS))]
        return sents


def _case_variant(t: str, r: np.random.Generator) -> str:
    m = r.integers(5)
    if m == 0:
        return t.upper()
    if m == 1:
        return t.lower()
    if m == 2:
        return t.replace(":", " -").replace("-", " ")
    if m == 3:
        return "  " + re.sub(r" ", "   ", t) + " "
    return t.title()


def _title_v2(t: str, tw: np.ndarray, r: np.random.Generator) -> str:
    toks = t.split()
    m = r.integers(3)
    if m == 0 and len(toks) > 3:  # replace one word
        toks[int(r.integers(1, len(toks)))] = str(r.choice(tw))
    elif m == 1:  # insert one word
        toks.insert(int(r.integers(1, len(toks) + 1)), str(r.choice(tw)))
    else:  # drop a word / change the subtitle punctuation
        if len(toks) > 4:
            del toks[int(r.integers(1, len(toks)))]
        else:
            toks.append(str(r.choice(tw)))
    return " ".join(toks)


def _near_variant(title: str, sents: list[str], kind: str, f: _PaperFactory) -> tuple[str, str]:
    r = f.rng
    if "title" in kind:
        title = _title_v2(title, f.tw, r)
    if "case" in kind:
        title = _case_variant(title, r)
    s = list(sents)
    if "trim" in kind:
        keep = max(2, int(np.ceil(len(s) * r.uniform(0.6, 0.9))))
        s = s[:keep]
        if r.random() < 0.5:
            s[-1] = s[-1][: max(10, len(s[-1]) // 2)].rstrip() + "..."
    if "revise" in kind:
        i = int(r.integers(1, len(s)))
        s[i] = f.sentence()
        if r.random() < 0.5:
            s.append(f.sentence()) if len(s) < 5 else s.pop()
    abstract = " ".join(s)
    if "case" in kind:
        abstract = abstract.replace(", ", " , ") if r.random() < 0.5 else "  ".join(abstract.split(" "))
    return title, abstract


NEAR_KINDS = ["case", "title", "trim", "revise", "title+trim", "title+revise", "case+trim"]


def generate_corpus(
    n_listings: int,
    *,
    seed: int,
    dup_rate: float = 0.3,
    near_dup_rate: float = 0.1,
    hard_negative_rate: float = 0.05,
    boilerplate_rate: float = 0.2,
    out_dir: Path | None = None,
    per_dump: int = LISTINGS_PER_DUMP,
    samples_dir: Path = SAMPLES_DIR,
) -> Corpus:
    """Deterministic (given ``seed``) synthetic corpus; writes dumps + truth if out_dir."""
    rng = np.random.default_rng(seed)
    seeds = load_seeds(samples_dir)
    f = _PaperFactory(seeds, rng)
    n_dup = int(round(n_listings * dup_rate))
    n_near = int(round(n_listings * near_dup_rate))
    n_papers = max(1, n_listings - n_dup - n_near)
    n_dup = n_listings - n_papers - n_near

    # ---- unique papers
    titles: list[str] = []
    abstracts: list[list[str]] = []
    kinds: list[str] = []
    seen: set[str] = set()
    from paperlake.identity import title_key  # local import: identity is the consumer

    boiler = rng.random(n_papers) < boilerplate_rate
    follow = rng.random(n_papers) < hard_negative_rate
    for i in range(n_papers):
        if follow[i] and i > 0:
            base = int(rng.integers(i))
            t = titles[base].rstrip() + FOLLOWUP_SUFFIXES[rng.integers(len(FOLLOWUP_SUFFIXES))]
            a = f.abstract(False)
            a[0] = abstracts[base][0]  # shares the opening sentence of X
            kind = "followup"
        else:
            t = f.title()
            a = f.abstract(bool(boiler[i]))
            kind = "boilerplate" if boiler[i] else "original"
        k = title_key(t)
        while k in seen:
            t = t + " " + str(rng.choice(f.tw))
            k = title_key(t)
        seen.add(k)
        titles.append(t)
        abstracts.append(a)
        kinds.append(kind)

    # ---- listings: originals, exact duplicates, near duplicates
    src_dup = np.minimum((n_papers * rng.random(n_dup) ** 1.5).astype(np.int64), n_papers - 1)
    src_near = np.minimum((n_papers * rng.random(n_near) ** 1.5).astype(np.int64), n_papers - 1)
    t_paper = rng.random(n_papers)
    delay_dup = rng.exponential(0.05, n_dup)
    adjacent = rng.random(n_dup) < 0.1
    delay_dup[adjacent] = 1e-12
    t_dup = t_paper[src_dup] + delay_dup
    t_near = t_paper[src_near] + rng.exponential(0.05, n_near)

    L_title: list[str] = [titles[i] for i in range(n_papers)]
    L_abs: list[str] = [" ".join(a) for a in abstracts]
    L_kind: list[str] = list(kinds)
    L_title += [titles[i] for i in src_dup.tolist()]
    L_abs += [L_abs[i] for i in src_dup.tolist()]
    L_kind += ["adjacent_duplicate" if a else "duplicate" for a in adjacent.tolist()]
    near_kind = rng.integers(len(NEAR_KINDS), size=n_near)
    for i, kk in zip(src_near.tolist(), near_kind.tolist()):
        own = title_key(titles[i])
        for _ in range(10):  # a tweaked title must not collide with another paper's title
            t, a = _near_variant(titles[i], abstracts[i], NEAR_KINDS[kk], f)
            k = title_key(t)
            if k == own or k not in seen:
                break
        L_title.append(t)
        L_abs.append(a)
        L_kind.append("near:" + NEAR_KINDS[kk])
    paper_idx = np.concatenate([np.arange(n_papers), src_dup, src_near])
    tkey = np.concatenate([t_paper, t_dup, t_near])
    order = np.lexsort((np.arange(len(tkey)), tkey))

    dump_index = np.arange(n_listings) // per_dump
    position = np.arange(n_listings) % per_dump
    n_dumps = int(dump_index.max()) + 1 if n_listings else 0
    dump_hash = [hashlib.sha256(f"{seed}:{d}".encode()).hexdigest()[:16] for d in range(n_dumps)]
    # one dump a day up to LAST_DAY, named by its day as archives of daily pages are (the page
    # itself shows "Mar 21" without the year, or no date at all)
    days = [LAST_DAY - dt.timedelta(days=n_dumps - 1 - d) for d in range(n_dumps)]
    file_names = [f"{d:06d}_{days[d]:%Y-%m-%d}_{dump_hash[d]}.txt" for d in range(n_dumps)]
    layouts = rng.integers(2, size=n_dumps)
    base = dt.datetime(2024, 1, 1, tzinfo=UTC)

    pkey = np.array([f"P{seed}_{i:08d}" for i in range(n_papers)], dtype=object)
    listings = pl.DataFrame(
        {
            "file_name": pl.Series([file_names[d] for d in dump_index.tolist()], dtype=pl.String),
            "dump_index": dump_index,
            "position": position,
            "title": pl.Series(L_title, dtype=pl.String)[order],
            "abstract": pl.Series(L_abs, dtype=pl.String)[order],
            "paper_key": pl.Series(pkey[paper_idx[order]].tolist(), dtype=pl.String),
            "kind": pl.Series(L_kind, dtype=pl.String)[order],
        }
    ).with_columns(
        (pl.col("file_name") + ":" + pl.col("position").cast(pl.String)).alias("listing_id"),
        (pl.lit(base) + pl.duration(hours=pl.col("dump_index"))).dt.cast_time_unit("us").alias("first_seen"),
        pl.lit(None, pl.String).alias("arxiv_id"),
        pl.lit(None, pl.Date).alias("published_at"),
    )
    truth = listings.select("file_name", "position", "paper_key", "kind")
    corpus = Corpus(listings=listings, truth=truth, n_papers=n_papers)

    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        tl = listings["title"].to_list()
        al = listings["abstract"].to_list()
        for d in range(n_dumps):
            lo, hi = d * per_dump, min((d + 1) * per_dump, n_listings)
            date = f"{_MONTHS[days[d].month - 1]} {days[d].day}"
            if layouts[d] == 0:
                parts = ["new", "Get trending papers in your email inbox!", "Subscribe",
                         "byAK and the research community", date]
                for i in range(lo, hi):
                    parts += [tl[i], al[i]]
                text = "\n\n".join(parts)
            else:
                lines = ["Get trending papers in your email inbox once a day!",
                         "Get trending papers in your email inbox!"]
                for j, i in enumerate(range(lo, hi)):
                    lines += [("Subscribe" + tl[i]) if j == 0 else tl[i], al[i]]
                text = "\n".join(lines) + "\n"
            p = out / file_names[d]
            p.write_text(text, encoding="utf-8")
            corpus.dump_files.append(p)
        corpus.truth_path = out / "truth.csv"
        truth.write_csv(corpus.truth_path)
    return corpus


# ----------------------------------------------------------------------------- scores
def pair_scores(pred_paper_ids, true_paper_ids) -> dict[str, float]:
    """Pairwise co-clustering precision / recall / f1 from the contingency table.

    precision = (# listing pairs together in both) / (# pairs together in pred)
    recall    = (# listing pairs together in both) / (# pairs together in truth)
    """
    df = pl.DataFrame({"p": pl.Series(pred_paper_ids).cast(pl.String), "t": pl.Series(true_paper_ids).cast(pl.String)})

    def pairs(cols: list[str]) -> float:
        c = df.group_by(cols).len()["len"].cast(pl.Float64)
        return float((c * (c - 1) / 2).sum())

    both, pp, tp = pairs(["p", "t"]), pairs(["p"]), pairs(["t"])
    precision = both / pp if pp else 1.0
    recall = both / tp if tp else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pred_pairs": pp, "true_pairs": tp}


def bench_identity(n_listings: int = 140_000, *, seed: int = 7) -> dict[str, float]:
    """Generate a corpus, time ``assign_papers`` on it, score it.  For bench commands."""
    from paperlake.identity import assign_papers

    t0 = time.perf_counter()
    c = generate_corpus(n_listings, seed=seed)
    t1 = time.perf_counter()
    res = assign_papers(c.listings)
    t2 = time.perf_counter()
    j = c.listings.select("listing_id", "paper_key").join(res, on="listing_id")
    sc = pair_scores(j["paper_id"], j["paper_key"])
    return {"n_listings": n_listings, "generate_s": t1 - t0, "assign_s": t2 - t1,
            "n_papers_true": c.n_papers, "n_papers_pred": res["paper_id"].n_unique(), **sc}


if __name__ == "__main__":  # pragma: no cover
    import argparse
    import json

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=140_000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print(json.dumps(bench_identity(a.n, seed=a.seed), indent=2))
