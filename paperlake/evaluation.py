"""Scoring of topic tags and metric mentions against hand-labelled gold (pure, Dagster-free).

Implements "How extraction output is compared with labels" of
`shared/spec/annotation-guidelines.md`.
"""

from __future__ import annotations

import bisect
import difflib
import json
import re
from collections.abc import Mapping
from pathlib import Path

import polars as pl


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if (p + r) else 0.0


def score_topics(pred: Mapping[str, set[str]], gold: Mapping[str, set[str]]) -> dict:
    """Compare per-paper topic sets.

    Papers are those in `gold`; a paper missing from `pred` counts as an empty prediction.
    Returns micro precision/recall/F1, macro F1 (over topics present in gold or predictions),
    per-topic counts and n_papers.
    """
    tp = fp = fn = 0
    per_topic: dict[str, list[int]] = {}  # topic -> [tp, fp, fn]
    for pid, gold_set in gold.items():
        g = set(gold_set or ())
        p = set(pred.get(pid, ()) or ())
        for t in g | p:
            c = per_topic.setdefault(t, [0, 0, 0])
            if t in g and t in p:
                c[0] += 1
            elif t in p:
                c[1] += 1
            else:
                c[2] += 1
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    precision = tp / (tp + fp) if (tp + fp) else 0.0
    recall = tp / (tp + fn) if (tp + fn) else 0.0
    topic_f1 = {}
    for t, (a, b, c) in per_topic.items():
        tp_ = a
        topic_f1[t] = (2 * tp_ / (2 * tp_ + b + c)) if (2 * tp_ + b + c) else 0.0
    macro = sum(topic_f1.values()) / len(topic_f1) if topic_f1 else 0.0
    return {
        "micro_precision": precision,
        "micro_recall": recall,
        "micro_f1": _f1(precision, recall),
        "macro_f1": macro,
        "n_papers": len(gold),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "per_topic_f1": dict(sorted(topic_f1.items())),
    }


# ---------------------------------------------------------------------------------------------
# Metric mentions
# ---------------------------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")


def locate_gold_span(abstract: str, mention: str, occurrence: int | None = None) -> tuple[int, int] | None:
    """[start, end) of the `occurrence`-th (1-based, default 1) verbatim `mention` in `abstract`."""
    if not mention:
        return None
    n = occurrence or 1
    pos = -1
    for _ in range(n):
        pos = abstract.find(mention, pos + 1)
        if pos < 0:
            return None
    return pos, pos + len(mention)


def digit_span(abstract: str, start: int, end: int) -> tuple[int, int]:
    """Narrow [start, end) to the labelled number's digits (first to last digit inclusive)."""
    text = abstract[start:end]
    ds = [m.start() for m in _DIGIT.finditer(text)]
    if not ds:
        return start, end
    return start + ds[0], start + ds[-1] + 1


class SpanMapper:
    """Maps character offsets of `src` onto `dst` (e.g. warehouse abstract -> gold abstract).

    Built from difflib opcodes; offsets inside equal blocks map exactly, offsets inside edited
    blocks map to the edges of the corresponding block in `dst`.
    """

    def __init__(self, src: str, dst: str):
        self.identity = src == dst
        self._src_starts: list[int] = []
        self._ops: list[tuple[str, int, int, int, int]] = []
        if not self.identity:
            sm = difflib.SequenceMatcher(None, src, dst, autojunk=False)
            self._ops = sm.get_opcodes()
            self._src_starts = [op[1] for op in self._ops]
        self._dst_len = len(dst)

    def _op_for(self, i: int, *, is_end: bool):
        if not self._ops:
            return None
        k = bisect.bisect_right(self._src_starts, i) - 1
        if is_end:
            # an end offset belongs to the block that contains i-1
            k = bisect.bisect_right(self._src_starts, max(i - 1, 0)) - 1
        return self._ops[max(k, 0)]

    def map_start(self, i: int) -> int:
        if self.identity:
            return i
        op = self._op_for(i, is_end=False)
        if op is None:
            return 0
        tag, i1, i2, j1, j2 = op
        if tag == "equal":
            return j1 + (i - i1)
        return j1

    def map_end(self, i: int) -> int:
        if self.identity:
            return i
        op = self._op_for(i, is_end=True)
        if op is None:
            return 0
        tag, i1, i2, j1, j2 = op
        if tag == "equal":
            return min(j1 + (i - i1), j2)
        return j2

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        s, e = self.map_start(start), self.map_end(end)
        return (s, max(e, s))


def map_mentions(mentions: list[dict], src: str, dst: str) -> list[dict]:
    """Copy of `mentions` with span_start/span_end re-expressed as offsets into `dst`."""
    if src == dst:
        return [dict(m) for m in mentions]
    mapper = SpanMapper(src, dst)
    out = []
    for m in mentions:
        s, e = mapper.map_span(int(m["span_start"]), int(m["span_end"]))
        mm = dict(m)
        mm["span_start"], mm["span_end"] = s, e
        out.append(mm)
    return out


def _norm_bench(b) -> str | None:
    if b is None:
        return None
    s = re.sub(r"\s+", "", str(b)).lower()
    return s or None


def _value_ok(p, g) -> bool:
    if p is None or g is None:
        return p is None and g is None
    p, g = float(p), float(g)
    if g == 0:
        return abs(p) < 1e-9
    return abs(p - g) <= 1e-3 * abs(g)


def match_paper(pred: list[dict], gold_metrics: list[dict], abstract: str) -> tuple[list[tuple[int, int]], int]:
    """One-to-one matching of predictions to gold mentions of one paper.

    Returns (pairs of (pred_index, gold_index), number of gold mentions that could not be located).
    A pair is possible when the prediction's [span_start, span_end) overlaps the gold number's
    digits. Pairs are assigned greedily by largest overlap, then closest start.
    """
    gold_spans: list[tuple[int, int] | None] = []
    unlocated = 0
    for g in gold_metrics:
        sp = locate_gold_span(abstract, g.get("mention") or "", g.get("occurrence"))
        if sp is None:
            unlocated += 1
            gold_spans.append(None)
        else:
            gold_spans.append(digit_span(abstract, *sp))
    cands = []
    for pi, p in enumerate(pred):
        ps, pe = int(p["span_start"]), int(p["span_end"])
        for gi, gs in enumerate(gold_spans):
            if gs is None:
                continue
            ov = min(pe, gs[1]) - max(ps, gs[0])
            if ov > 0:
                cands.append((-ov, abs(ps - gs[0]), pi, gi))
    cands.sort()
    used_p, used_g, pairs = set(), set(), []
    for _, _, pi, gi in cands:
        if pi in used_p or gi in used_g:
            continue
        used_p.add(pi)
        used_g.add(gi)
        pairs.append((pi, gi))
    return pairs, unlocated


def score_metrics(pred: Mapping[str, list[dict]], gold_records: list[dict], *, details: bool = False) -> dict:
    """Score predicted metric mentions against gold records (spec: "How extraction output is compared").

    `pred` maps paper id -> mentions whose spans are offsets into that gold record's abstract
    (use `map_mentions` first if they were computed on a different string). Gold records lacking
    from `pred` count as papers with no predictions.
    """
    tp = n_pred = n_gold = unlocated = 0
    v_ok = k_ok = b_ok = 0
    errors = []
    for rec in gold_records:
        pid = rec["id"]
        gm = rec.get("metrics") or []
        pm = list(pred.get(pid, []) or [])
        pairs, unl = match_paper(pm, gm, rec["abstract"])
        unlocated += unl
        n_pred += len(pm)
        n_gold += len(gm)
        tp += len(pairs)
        for pi, gi in pairs:
            p, g = pm[pi], gm[gi]
            vo = _value_ok(p.get("value"), g.get("value"))
            ko = p.get("kind") == g.get("kind")
            bo = _norm_bench(p.get("benchmark")) == _norm_bench(g.get("benchmark"))
            v_ok += vo
            k_ok += ko
            b_ok += bo
            if details and not (vo and ko and bo):
                errors.append({"id": pid, "type": "mismatch", "pred": p, "gold": g})
        if details:
            mp = {pi for pi, _ in pairs}
            mg = {gi for _, gi in pairs}
            errors += [{"id": pid, "type": "fp", "pred": p} for i, p in enumerate(pm) if i not in mp]
            errors += [{"id": pid, "type": "fn", "gold": g} for i, g in enumerate(gm) if i not in mg]
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    out = {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "value_accuracy": v_ok / tp if tp else 0.0,
        "kind_accuracy": k_ok / tp if tp else 0.0,
        "benchmark_accuracy": b_ok / tp if tp else 0.0,
        "n_papers": len(gold_records),
        "n_pred": n_pred,
        "n_gold": n_gold,
        "n_matched": tp,
        "n_gold_unlocated": unlocated,
    }
    if details:
        out["errors"] = errors
    return out


# ---------------------------------------------------------------------------------------------
# Warehouse evaluation
# ---------------------------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_title(title: str | None) -> str:
    """Lowercase, collapse every run of non-alphanumerics to one space."""
    return _NON_ALNUM.sub(" ", (title or "").lower()).strip()


def _abstract_key(abstract: str | None, n: int = 120) -> str:
    return normalise_title((abstract or "").replace("\\%", "%"))[:n]


def load_gold(gold_path: str | Path) -> list[dict]:
    """The labelled records of a file in the spec's format (a list, or {"records": [...]}).
    ValueError with a readable message when the file is missing or not in that format."""
    path = Path(gold_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"labelled file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: not a JSON file of labelled papers ({e})") from None
    records = data["records"] if isinstance(data, dict) and "records" in data else data
    if not isinstance(records, list) or not all(isinstance(r, dict) and "id" in r and "title" in r for r in records):
        raise ValueError(f"{path}: expected a list of labelled papers, each with id, title, abstract, "
                         f"topics and/or metrics")
    return records


TEXT_PREFIX = "labelled-text:"  # paper_id of a labelled record tagged from its own text


def records_frame(records: list[dict], id_prefix: str = "") -> pl.DataFrame:
    """A papers frame (paper_id, title, abstract: strings) of labelled records; paper_id = id_prefix + id."""
    return pl.DataFrame(
        {"paper_id": [f"{id_prefix}{r['id']}" for r in records], "title": [r.get("title") for r in records],
         "abstract": [r.get("abstract") for r in records]},
        schema={"paper_id": pl.String, "title": pl.String, "abstract": pl.String},
    )


def enrich_records(records: list[dict]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(papers, topics, metrics) frames for labelled records, tagged and extracted from their own
    title and abstract by this code and the packaged taxonomy, as the silver assets do."""
    from paperlake.extraction import extract_metrics
    from paperlake.tagging import tag_papers

    papers = records_frame(records, TEXT_PREFIX)
    return papers, tag_papers(papers), extract_metrics(papers.select("paper_id", "abstract"))


def _stacked(table: pl.DataFrame, more: pl.DataFrame) -> pl.DataFrame:
    """``table``'s rows and then ``more``'s, in the columns both have (``more``'s alone if ``table`` is empty)."""
    if not table.height:
        return more
    shared = [c for c in more.columns if c in table.columns]
    return pl.concat([table.select(shared), more.select(shared)], how="vertical_relaxed")


def evaluate_warehouse(gold_path, papers: pl.DataFrame, topics: pl.DataFrame, metrics: pl.DataFrame,
                       *, missing: str = "skip") -> dict:
    """Score warehouse tables (papers, topics, metrics) against a gold file.

    Gold records are matched to warehouse papers by normalised title, falling back to the first
    120 normalised characters of the abstract. Metric spans are mapped from the warehouse abstract
    onto the gold abstract before scoring. Records not in the warehouse are left out and listed
    (``missing="skip"``), or tagged and extracted from their own text (``missing="text"``).
    """
    if missing not in ("skip", "text"):
        raise ValueError(f"missing must be 'skip' or 'text', not {missing!r}")
    gold = load_gold(gold_path)
    by_title: dict[str, dict] = {}
    by_abs: dict[str, dict] = {}
    for row in papers.select("paper_id", "title", "abstract").iter_rows(named=True):
        t = normalise_title(row["title"])
        if t and t not in by_title:
            by_title[t] = row
        a = _abstract_key(row["abstract"])
        if a and a not in by_abs:
            by_abs[a] = row
    matched: list[tuple[dict, dict]] = []
    absent: list[dict] = []
    for rec in gold:
        row = by_title.get(normalise_title(rec.get("title")))
        if row is None:
            row = by_abs.get(_abstract_key(rec.get("abstract")))
        if row is None:
            absent.append(rec)
        else:
            matched.append((rec, row))
    from_text = absent if missing == "text" else []
    if from_text:
        text_papers, text_topics, text_metrics = enrich_records(from_text)
        matched += [(rec, row) for rec, row in zip(from_text, text_papers.iter_rows(named=True))]
        topics, metrics = _stacked(topics, text_topics), _stacked(metrics, text_metrics)

    wanted = {str(row["paper_id"]) for _, row in matched}
    topic_sets: dict[str, set[str]] = {}
    if topics.height:
        for pid, topic in topics.select("paper_id", "topic").iter_rows():
            if pid is not None and str(pid) in wanted and topic is not None:
                topic_sets.setdefault(str(pid), set()).add(topic)
    mention_lists: dict[str, list[dict]] = {}
    if metrics.height:
        sub = metrics.filter(pl.col("paper_id").cast(pl.String).is_in(list(wanted)))
        for m in sub.iter_rows(named=True):
            mention_lists.setdefault(str(m["paper_id"]), []).append(m)

    # a file may label only topics or only metrics: each is scored on the records that label it
    gold_topics, pred_topics, pred_metrics, gold_recs = {}, {}, {}, []
    for rec, row in matched:
        pid = str(row["paper_id"])
        if "topics" in rec:
            gold_topics[rec["id"]] = set(rec.get("topics") or [])
            pred_topics[rec["id"]] = topic_sets.get(pid, set())
        if "metrics" in rec:
            preds = mention_lists.get(pid, [])
            pred_metrics[rec["id"]] = map_mentions(preds, row["abstract"] or "", rec.get("abstract") or "")
            gold_recs.append(rec)
    return {
        "gold_path": str(gold_path),
        "n_gold": len(gold),
        "n_found": len(matched) - len(from_text),
        "n_from_text": len(from_text),
        "missing_ids": [rec["id"] for rec in absent if not from_text],
        "topics": score_topics(pred_topics, gold_topics) if gold_topics else None,
        "metrics": score_metrics(pred_metrics, gold_recs) if gold_recs else None,
    }


def format_report(result: dict) -> str:
    """Human-readable summary of `evaluate_warehouse` (or a dict with 'topics'/'metrics')."""
    lines = []
    if "n_gold" in result:
        line = f"gold records: {result['n_gold']}  found in warehouse: {result.get('n_found', 0)}"
        if result.get("n_from_text"):
            line += f"  tagged and extracted from the file's own text: {result['n_from_text']}"
        lines.append(line)
        if result.get("missing_ids"):
            shown = ", ".join(result["missing_ids"][:10])
            more = " ..." if len(result["missing_ids"]) > 10 else ""
            lines.append(f"  missing (left out of the scores): {shown}{more}")
            lines.append("  land the dumps that list them and run the job, or pass --missing text to tag and "
                         "extract them from the file's own title and abstract")
    for part in ("topics", "metrics"):
        if "n_gold" in result and result.get(part) is None:
            lines.append(f"{part:<7}: not available (no record of the file labels {part})")
    t = result.get("topics")
    if t:
        lines.append(
            "topics : micro P {micro_precision:.3f} R {micro_recall:.3f} F1 {micro_f1:.3f} | macro F1 {macro_f1:.3f}"
            " | papers {n_papers}".format(**t)
        )
    m = result.get("metrics")
    if m and not (m["n_gold"] or m["n_pred"]):
        n = m["n_papers"]
        lines.append(f"metrics: nothing to score ({n} paper{'' if n == 1 else 's'}, no labelled or predicted mention)")
    elif m:
        lines.append(
            "metrics: P {precision:.3f} R {recall:.3f} F1 {f1:.3f} | on matched: value {value_accuracy:.3f}"
            " kind {kind_accuracy:.3f} benchmark {benchmark_accuracy:.3f}".format(**m)
        )
        lines.append(
            "         predicted {n_pred}, gold {n_gold}, matched {n_matched}, gold unlocated {n_gold_unlocated}".format(**m)
        )
    return "\n".join(lines)
