"""Hand-written reference pipeline: listing dumps -> Delta tables, the plain way.

This is the "straightforward hand-written pipeline" of issue #8 and the reference that
``paperlake bench --baseline`` compares the Dagster asset graph against.  It is the kind of
code a competent data engineer writes in an afternoon without optimising: plain Python
line-by-line parsing, pandas, datasketch MinHash + LSH, ``re`` for topics and metrics, and
``deltalake.write_deltalake`` for the outputs.  No Polars, no Dagster, no paperlake imports
(only the read-only topic lexicon ``paperlake/config/taxonomy.toml`` is loaded).

Stages (each timed):

1. parse     read every ``*.txt`` dump in the landing folder (both Hugging Face Daily Papers
             text layouts), skip page furniture, pair title / abstract lines -> pandas frame
2. dedupe    exact normalised title (+ arXiv id when present), then MinHash (128 perms,
             word 3-shingles of title + abstract) with MinHashLSH (threshold 0.8) and a
             Jaccard check on candidates; union-find clusters -> paper ids; canonical row per
             paper with a pandas groupby
3. topics    keyword regexes per topic built from the taxonomy lexicon; weighted hit count
4. metrics   regex for numbers with units plus a small context window for metric/benchmark
5. write     listings, papers, paper_topics, paper_metrics and gold_topic_counts (topic
             counts per first listing date) as Delta tables under ``--out``

Run::

    .venv/bin/python -c "from paperlake.synthetic import generate_corpus; \\
        generate_corpus(10000, seed=7, out_dir='/tmp/bl10k/landing')"
    .venv/bin/python scripts/baseline_pipeline.py --landing /tmp/bl10k/landing --out /tmp/bl10k/out

It prints one JSON line: ``{"seconds", "stages_s", "listings", "papers", "topics_rows",
"metric_rows"}``.  Importable as ``run_baseline(landing, out) -> dict``.
Needs: pandas, pyarrow, deltalake, datasketch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
import sys
import time
import tomllib
from pathlib import Path

import pandas as pd
import pyarrow as pa
from datasketch import MinHash, MinHashLSH
from deltalake import write_deltalake

TAXONOMY_PATH = Path(__file__).resolve().parent.parent / "paperlake" / "config" / "taxonomy.toml"

# ----------------------------------------------------------------------------- 1. parse
FURNITURE = {
    "new",
    "subscribe",
    "daily papers",
    "get trending papers in your email inbox!",
    "get trending papers in your email inbox once a day!",
    "byak and the research community",
}
MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
DATE_LINE = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (\d{1,2})(?:, (\d{4}))?$")
UPVOTES_LINE = re.compile(r"^[\d,.]+k?$|^\d+ (upvotes?|comments?|authors?)$|^·$|^Submitted by .*$")
ARXIV_RE = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:\s*)(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)


def parse_file(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8", errors="replace")
    mtime = dt.date.fromtimestamp(path.stat().st_mtime)
    listing_date = None
    content = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("Subscribe") and line != "Subscribe":
            line = line[len("Subscribe"):].strip()  # layout 2 glues the first title to it
        if line.lower() in FURNITURE:
            continue
        m = DATE_LINE.match(line)
        if m:
            if listing_date is None:
                year = int(m.group(3)) if m.group(3) else mtime.year
                try:
                    listing_date = dt.date(year, MONTHS[m.group(1).lower()[:3]], int(m.group(2)))
                    if not m.group(3) and listing_date > mtime:  # "Dec 30" seen in January
                        listing_date = listing_date.replace(year=year - 1)
                except ValueError:
                    pass
            continue
        if UPVOTES_LINE.match(line):
            continue
        content.append(line)
    if listing_date is None:
        listing_date = mtime

    records = []
    # titles and abstracts alternate; a title is a short line without a final period
    i = 0
    position = 0
    while i < len(content):
        title = content[i]
        abstract = content[i + 1] if i + 1 < len(content) else ""
        if len(title) > 300 and i + 1 < len(content):  # lost sync: a lone abstract line
            i += 1
            continue
        records.append({
            "listing_id": f"{path.name}:{position}",
            "file_name": path.name,
            "position": position,
            "listing_date": listing_date,
            "title": title,
            "abstract": abstract,
        })
        position += 1
        i += 2
    return records


def parse_landing(landing: Path) -> pd.DataFrame:
    rows = []
    for path in sorted(landing.iterdir()):
        if not path.is_file() or path.suffix != ".txt":
            continue
        rows.extend(parse_file(path))
    df = pd.DataFrame(rows, columns=["listing_id", "file_name", "position", "listing_date", "title", "abstract"])
    df["listing_date"] = pd.to_datetime(df["listing_date"])
    ids = []
    for t, a in zip(df["title"], df["abstract"]):
        m = ARXIV_RE.search(t + " " + a)
        ids.append(m.group(1) if m else None)
    df["arxiv_id"] = ids
    return df


# ----------------------------------------------------------------------------- 2. dedupe
def normalize(text: str) -> str:
    text = text.lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def shingles(text: str, k: int = 3) -> set[str]:
    words = text.split()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def dedupe(listings: pd.DataFrame, threshold: float = 0.8, num_perm: int = 128) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(listings)
    uf = UnionFind(n)
    norm_titles = [normalize(t) for t in listings["title"]]
    norm_abstracts = [normalize(a) for a in listings["abstract"]]

    # exact: same normalised title, same arXiv id
    first_by_title: dict[str, int] = {}
    first_by_arxiv: dict[str, int] = {}
    for i, (t, ax) in enumerate(zip(norm_titles, listings["arxiv_id"])):
        if t:
            if t in first_by_title:
                uf.union(first_by_title[t], i)
            else:
                first_by_title[t] = i
        if ax:
            if ax in first_by_arxiv:
                uf.union(first_by_arxiv[ax], i)
            else:
                first_by_arxiv[ax] = i

    # near duplicates: MinHash + LSH over word 3-shingles of title + abstract
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = []
    for i in range(n):
        m = MinHash(num_perm=num_perm)
        m.update_batch([s.encode("utf-8") for s in shingles(norm_titles[i] + " " + norm_abstracts[i])])
        hashes.append(m)
        lsh.insert(str(i), m)
    for i in range(n):
        for key in lsh.query(hashes[i]):
            j = int(key)
            if j != i and uf.find(i) != uf.find(j) and hashes[i].jaccard(hashes[j]) >= threshold:
                uf.union(i, j)

    out = listings.copy()
    roots = [uf.find(i) for i in range(n)]
    root_ids = {}
    for i, r in enumerate(roots):
        if r not in root_ids:
            root_ids[r] = "P" + hashlib.sha1(listings["listing_id"].iloc[r].encode()).hexdigest()[:16]
    out["paper_id"] = [root_ids[r] for r in roots]

    # canonical row per paper: the longest abstract, ties -> earliest listing
    out["abstract_len"] = out["abstract"].str.len()
    canon = (out.sort_values(["paper_id", "abstract_len", "listing_date", "listing_id"],
                             ascending=[True, False, True, True])
             .groupby("paper_id", as_index=False).first())
    stats = out.groupby("paper_id").agg(first_seen=("listing_date", "min"), last_seen=("listing_date", "max"),
                                        n_listings=("listing_id", "count"))
    papers = canon[["paper_id", "title", "abstract", "arxiv_id"]].merge(stats, on="paper_id")
    out = out.drop(columns=["abstract_len"])
    return out, papers


# ----------------------------------------------------------------------------- 3. topics
TIER_WEIGHTS = {"title": 3.0, "strong": 3.0, "medium": 1.5}
MIN_SCORE = 6.0
MAX_TOPICS = 4


def term_to_regex(term: str) -> str:
    term = term.split("=")[0].strip()  # drop explicit weights ("x=2.5")
    prefix = term.startswith("*")
    suffix = term.endswith("*")
    core = re.escape(term.strip("*"))
    return (r"\w*" if prefix else "") + core + (r"\w*" if suffix else r"\b")


def load_topic_patterns(path: Path = TAXONOMY_PATH) -> dict[str, dict[str, re.Pattern]]:
    with open(path, "rb") as f:
        tax = tomllib.load(f)
    patterns = {}
    for topic, spec in tax["topics"].items():
        patterns[topic] = {}
        for tier in ("title", "strong", "medium", "negative"):
            terms = spec.get(tier, [])
            if terms:
                patterns[topic][tier] = re.compile(r"\b(?:" + "|".join(term_to_regex(t) for t in terms) + ")")
    return patterns


def tag_topics(papers: pd.DataFrame, patterns: dict[str, dict[str, re.Pattern]]) -> pd.DataFrame:
    rows = []
    for pid, title, abstract in zip(papers["paper_id"], papers["title"], papers["abstract"]):
        t = normalize(title)
        a = normalize(abstract)
        scores = {}
        for topic, pats in patterns.items():
            score = 0.0
            for tier in ("title", "strong", "medium"):
                if tier not in pats:
                    continue
                if pats[tier].search(t):
                    score += 2 * TIER_WEIGHTS[tier]
                if tier != "title":
                    score += TIER_WEIGHTS[tier] * min(len(pats[tier].findall(a)), 3)
            if "negative" in pats:
                score -= 3.0 * len(pats["negative"].findall(t + " " + a))
            if score >= MIN_SCORE:
                scores[topic] = score
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:MAX_TOPICS]
        for rank, (topic, score) in enumerate(best, 1):
            rows.append({"paper_id": pid, "topic": topic, "score": score, "rank": rank})
    return pd.DataFrame(rows, columns=["paper_id", "topic", "score", "rank"])


# ----------------------------------------------------------------------------- 4. metrics
NUMBER_UNIT = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*"
    r"(%|percent\b|percentage points?\b|pp\b|×|x\b|times\b|[BMKT]\b|billion\b|million\b|thousand\b|"
    r"points?\b|tokens?\b|ms\b|seconds?\b|hours?\b|GB\b|TB\b|MB\b|GPUs?\b|parameters?\b|params?\b)",
)
UNIT_MAP = {"percent": "%", "percentage point": "pp", "percentage points": "pp", "×": "x", "times": "x",
            "billion": "B", "million": "M", "thousand": "K", "point": "points", "token": "tokens",
            "second": "s", "seconds": "s", "hour": "h", "hours": "h", "gpu": "GPUs", "gpus": "GPUs",
            "parameter": "params", "parameters": "params", "param": "params"}
METRIC_WORDS = re.compile(
    r"\b(accuracy|acc|f1|bleu|rouge(?:-[l12])?|exact match|em|pass@\d+|perplexity|ppl|win rate|speedup|speed-up|"
    r"throughput|latency|memory|error rate|wer|cer|recall|precision|auc|success rate|score|improvement|"
    r"reduction|compression|parameters|params|tokens|gain)\b", re.IGNORECASE)
BENCHMARK_WORDS = re.compile(
    r"\b(GSM8K|MATH(?:500)?|MMLU(?:-Pro)?|HumanEval\+?|MBPP|BBH|BIG-Bench(?: Hard)?|ARC(?:-[CE])?|HellaSwag|"
    r"TruthfulQA|WinoGrande|AlpacaEval(?: 2\.0)?|MT-Bench|Arena-Hard|AIME|LongBench|SWE-bench|ImageNet|"
    r"COCO|VQAv2|MMMU|GPQA|LiveCodeBench|SQuAD|Natural Questions|TriviaQA|HotpotQA|WikiText(?:-103)?|C4)\b")


def extract_metrics(papers: pd.DataFrame, window: int = 60) -> pd.DataFrame:
    rows = []
    for pid, abstract in zip(papers["paper_id"], papers["abstract"]):
        for m in NUMBER_UNIT.finditer(abstract):
            value = float(m.group(1).replace(",", ""))
            unit = m.group(2)
            unit = UNIT_MAP.get(unit.lower(), unit)
            if unit in ("x",) and value > 1000:
                continue
            left = abstract[max(0, m.start() - window):m.start()]
            right = abstract[m.end():m.end() + window]
            metric_hits = METRIC_WORDS.findall(left) or METRIC_WORDS.findall(right)
            bench_hits = BENCHMARK_WORDS.findall(left + " " + right)
            rows.append({
                "paper_id": pid,
                "mention": m.group(0),
                "span_start": m.start(),
                "span_end": m.end(),
                "value": value,
                "unit": unit,
                "metric": metric_hits[-1].lower() if metric_hits else None,
                "benchmark": bench_hits[0] if bench_hits else None,
                "context": abstract[max(0, m.start() - window):m.end() + window],
            })
    cols = ["paper_id", "mention", "span_start", "span_end", "value", "unit", "metric", "benchmark", "context"]
    return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------- 5. write
def write_table(df: pd.DataFrame, path: Path) -> None:
    for col in df.columns:  # all-None object columns would become Arrow's null type
        if df[col].dtype == object and df[col].isna().all():
            df = df.assign(**{col: df[col].astype("string")})
    write_deltalake(str(path), pa.Table.from_pandas(df, preserve_index=False), mode="overwrite")


def gold_topic_counts(papers: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    j = topics.merge(papers[["paper_id", "first_seen"]], on="paper_id")
    j["listing_date"] = j["first_seen"].dt.date
    g = j.groupby(["listing_date", "topic"]).size().reset_index(name="papers")
    return g.sort_values(["listing_date", "topic"]).reset_index(drop=True)


# ----------------------------------------------------------------------------- driver
def run_baseline(landing: Path, out: Path) -> dict:
    landing, out = Path(landing), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stages = {}
    t_start = time.perf_counter()

    t = time.perf_counter()
    listings = parse_landing(landing)
    stages["parse"] = time.perf_counter() - t

    t = time.perf_counter()
    listings, papers = dedupe(listings)
    stages["dedupe"] = time.perf_counter() - t

    t = time.perf_counter()
    topics = tag_topics(papers, load_topic_patterns())
    stages["topics"] = time.perf_counter() - t

    t = time.perf_counter()
    metrics = extract_metrics(papers)
    stages["metrics"] = time.perf_counter() - t

    t = time.perf_counter()
    gold = gold_topic_counts(papers, topics)
    write_table(listings, out / "listings")
    write_table(papers, out / "papers")
    write_table(topics, out / "paper_topics")
    write_table(metrics, out / "paper_metrics")
    write_table(gold, out / "gold_topic_counts")
    stages["write"] = time.perf_counter() - t

    return {
        "seconds": round(time.perf_counter() - t_start, 3),
        "stages_s": {k: round(v, 3) for k, v in stages.items()},
        "listings": len(listings),
        "papers": len(papers),
        "topics_rows": len(topics),
        "metric_rows": len(metrics),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--landing", type=Path, required=True, help="folder of listing dumps (*.txt)")
    ap.add_argument("--out", type=Path, required=True, help="output folder for the Delta tables")
    args = ap.parse_args(argv)
    print(json.dumps(run_baseline(args.landing, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
