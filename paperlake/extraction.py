"""Rule-based extraction of quantitative metric mentions from paper abstracts (Dagster-free).

Implements section 2 of `shared/spec/annotation-guidelines.md`: one entry per number written with
digits that states a quantitative result or claim, with its canonical value, unit, kind, metric,
benchmark and qualifier. Names, versions, years, citations, URLs and enumerations are skipped.

Spans are Python str offsets into the abstract exactly as given (LaTeX `\\%` or plain `%`).
"""

from __future__ import annotations

import re
from bisect import bisect_right

import polars as pl

from paperlake.extraction_lexicon import COUNT_NOUNS, EXAMPLE_NOUNS, NON_NAME_WORDS, benchmark_names

EXTRACTOR_VERSION = "metrics-1.0.0"

METRICS_SCHEMA: dict[str, pl.DataType] = {
    "paper_id": pl.String,
    "mention": pl.String,
    "span_start": pl.Int64,
    "span_end": pl.Int64,
    "value": pl.Float64,
    "unit": pl.String,
    "kind": pl.String,
    "metric": pl.String,
    "benchmark": pl.String,
    "qualifier": pl.String,
    "note": pl.String,
    "extractor_version": pl.String,
}

# ---------------------------------------------------------------------------------------------
# Regexes (compiled once)
# ---------------------------------------------------------------------------------------------

_NUM_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d])(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")

_SKIP_ZONE_RES = [
    re.compile(r"(?:https?://|www\.)\S+"),
    re.compile(r"\b[\w.-]+\.(?:com|org|net|io|ai|edu|dev|html|py|md)(?:/\S*)?"),
    re.compile(r"\([^()]*\bet\s+al\.?[^()]*\)"),
    re.compile(r"\[[^\[\]]*\d{4}[^\[\]]*\]"),
    re.compile(r"\([^()]{0,40}\b(?:19|20)\d\d[a-z]?(?:;[^()]*)?\)"),
    re.compile(r"~\w*\d{4}\w*"),
    re.compile(
        r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
        r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b"
    ),
    re.compile(r"\b(?:Section|Sec\.|Figure|Fig\.|Table|Tab\.|Eq\.|Equation|Appendix|Theorem|Lemma)\s*\d+(?:\.\d+)*"),
]

_SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}

# Units that directly follow a number. Group name tells the unit family.
_UNIT_RE = re.compile(
    r"""
    (?P<pct>\s?\\?%)
  | (?P<times>\s?(?:\$\\times\$|\\times|×)|[xX](?![\w])|\s?times\b|-?\s?fold\b)
  | (?P<tbtok>TB(?=\s+tokens))
  | (?P<mem>\s?(?:GB|Gb|GiB|MB|TB|KB)\b)
  | (?P<scale>[KkMBbT](?![A-Za-z0-9]))
  | (?P<scaleword>\s+(?:thousand|million|billion|trillion)\b)
  | (?P<bits>\s?-?\s?bits?\b)
  | (?P<ms>\s?(?:ms|milliseconds?)\b)
  | (?P<sec>\s?(?:s|sec|secs|seconds?)\b)
  | (?P<time>\s?-?\s?(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?|months?|GPU\s+hours|GPU-hours)\b)
  | (?P<fps>\s?(?:FPS|fps)\b)
  | (?P<hz>\s?(?:[kKM]?Hz)\b)
  | (?P<usd>\s+(?:dollars?|USD)\b)
  | (?P<shot>-shot\b)
    """,
    re.X,
)

_POINTS_RE = re.compile(r"(?:\s+[A-Za-z][\w-]*){0,3}?\s+(?:percentage\s+points?|points?|pp|pts)\b")
_PP_RE = re.compile(r"\s?(?:pp|pts)\b")
_NOUN_RE = re.compile(r"(?:\s+[A-Za-z(][\w()'-]*){0,3}?\s+([A-Za-z][\w-]*)")
_WORD_AFTER_RE = re.compile(r"\s+([A-Za-z][\w-]*)")
_TOKENS_AFTER_RE = re.compile(r"\s+(?:[A-Za-z][\w-]*\s+){0,2}?(tokens?|parameters?|params|weights)\b", re.I)

_QUAL_PATTERNS = [
    (re.compile(r"(?:\bup\s+to|\bas\s+(?:much|many|high)\s+as)\s*(?:~|sim|\\sim|\$\\sim\$)?\s*\$?$", re.I), "up to"),
    (re.compile(r"(?:\bmore\s+than|\bat\s+least|\bno\s+less\s+than)\s*\$?$", re.I), "more than"),
    (re.compile(r"(?:\bover|\bexceed(?:s|ed|ing)?|\babove|>|\\geq|≥|\$>\$)\s*\$?$", re.I), "over"),
    (re.compile(r"(?:\bless\s+than|\bfewer\s+than|\bunder|\bbelow|\bwithin|<|\\leq|≤|\$<\$|\bat\s+most)\s*\$?$", re.I), "less than"),
    (re.compile(r"(?:\babout|\baround|\bapproximately|\bnearly|\broughly|\balmost|~|\bsim|\\sim|\$\\sim\$|≈|\\approx)\s*\$?$", re.I), "about"),
    (re.compile(r"(?:\b(?:an?\s+)?average\s+(?:of\s+)?|\bon\s+average,?\s*)$", re.I), "average"),
]

_CONTEXT_CUES = re.compile(r"context|window|length|long|sequence|extrapolat|position|needle|input", re.I)
_DATA_CUES = re.compile(r"train|corpus|corpora|pre-?train|data|dataset|tokens? of|continual", re.I)
_USD_CUES = re.compile(r"budget|cost|dollar|USD|\$", re.I)


def _build_benchmark_index() -> dict[str, list[tuple[re.Pattern | None, str]]]:
    """First word of each known benchmark -> [(pattern for the remaining words or None, name)]."""
    index: dict[str, list] = {}
    for name in sorted(benchmark_names(), key=len, reverse=True):
        first, *rest = name.split()
        tail = re.compile(r"".join(r"\s+" + re.escape(w) for w in rest) + r"(?![\w-])") if rest else None
        index.setdefault(first, []).append((tail, name))
    return index


_BENCH_INDEX = _build_benchmark_index()
_TOKEN_RE = re.compile(r"(?<![\w-])[A-Za-z0-9][\w+./-]*")


def _lexicon_benchmarks(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _TOKEN_RE.finditer(text):
        tok = m.group(0).rstrip(".,/")
        entries = _BENCH_INDEX.get(tok) or (_BENCH_INDEX.get(tok[:-1]) if tok.endswith("+") else None)
        if not entries:
            continue
        s = m.start()
        for tail, name in entries:
            if tail is None:
                if tok in _BENCH_INDEX:
                    out.append((s, s + len(tok), tok))
                else:
                    out.append((s, s + len(tok) - 1, tok[:-1]))
                break
            tm = tail.match(text, s + len(tok))
            if tm:
                out.append((s, tm.end(), text[s:tm.end()]))
                break
    return out


# "the X benchmark/dataset", "benchmark(s) X"
_BENCH_PATTERN_RE = re.compile(
    r"(?<![\w-])([A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*){0,2})\s+(?:benchmark|dataset|datasets|benchmarks|test\s+set)\b"
    r"|\b(?:benchmarks?|datasets?)\s+(?:like\s+|such\s+as\s+|including\s+)?([A-Z][\w-]*[A-Z0-9][\w-]*)"
)
_NOT_BENCH = re.compile(
    r"^(?:The|This|Our|Their|Its|A|An|New|Novel|Large|Multiple|Several|Various|Standard|Public|Popular|Benchmark|"
    r"Extensive|Comprehensive|Existing|Real|These|Both|All|Each|Many|In|On|We|Code|Chinese|English|"
    r"LLM|LLMs|Evaluation|Experimental|Experiments|Empirical|Downstream|Other)$"
)

_SENT_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])|(?<=;)\s+")
_CLAUSE_SPLIT_RE = re.compile(r",\s+(?:while|whilst|whereas|and\s+(?:with|on|in)|but)\b|;\s+|\s+while\s+|\s+whereas\s+")

_METRIC_WORDS = [
    (re.compile(r"pass@\d+", re.I), None),
    (re.compile(r"\baccurac(?:y|ies)\b", re.I), "accuracy"),
    (re.compile(r"\bperplexit(?:y|ies)\b|\bPPL\b", re.I), "perplexity"),
    (re.compile(r"\bBLEU\b"), "BLEU"),
    (re.compile(r"\bCodeBLEU\b"), "CodeBLEU"),
    (re.compile(r"\bROUGE(?:-[L12])?\b"), "ROUGE"),
    (re.compile(r"\bF1\b"), "F1"),
    (re.compile(r"\bWER\b|word error rate", re.I), "WER"),
    (re.compile(r"\bwin[- ]rates?\b", re.I), "win rate"),
    (re.compile(r"\bsuccess rates?\b", re.I), "success rate"),
    (re.compile(r"\bexact match\b|\bEM\b", re.I), "exact match"),
    (re.compile(r"\bFID\b"), "FID"),
    (re.compile(r"\bthroughput\b", re.I), "throughput"),
    (re.compile(r"\blatenc(?:y|ies)\b", re.I), "latency"),
    (re.compile(r"\bmemory\b", re.I), "memory"),
    (re.compile(r"\bFLOPs\b"), "FLOPs"),
    (re.compile(r"\bcompression(?: ratio| rate)?\b", re.I), "compression ratio"),
    (re.compile(r"\bspeed-?ups?\b|\bspeed up\b|\bfaster\b", re.I), "speedup"),
    (re.compile(r"\bcosts?\b", re.I), "cost"),
    (re.compile(r"\bacceptance (?:rate|length)s?\b", re.I), "acceptance rate"),
]

# Cue words for deciding the kind of a %/x number (searched near the number).
_RED_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:fewer|less|lower|smaller|reduction|reductions|reduced|compression|cheaper|savings?|"
    r"decrease|cut|shorter|memory|cost|costs|storage|sparsity|of\s+(?:the\s+)?(?:parameters|compute|tokens|"
    r"training|pretraining|pre-training|original|model|weights|memory|cost|data|vocabulary|FLOPs))\b",
    re.I,
)
_SPEED_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:speed-?ups?|speed\s+up|faster|acceleration|accelerat\w*|throughput|speed|"
    r"tokens?/s|inference\s+speed|decoding\s+speed)\b",
    re.I,
)
_IMP_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:improvement|improvements|gain|gains|higher|better|boost|increase|increases|more|longer|"
    r"relative\s+improvement|absolute\s+improvement|uplift|lift|advantage)\b",
    re.I,
)
_OTHER_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:loss|losses|drop|drops|degradation|degrade|penalty|penalties|gap|decline|worse)\b", re.I
)
_SCORE_AFTER = re.compile(
    r"^\s*(?:on|in)\b|^[\s\w-]{0,20}?\b(?:accuracy|success\s+rates?|win\s+rates?|pass@\d+|score|scores|"
    r"agreement|precision|recall|F1|exact\s+match|BLEU|ROUGE)\b",
    re.I,
)
_IMP_BEFORE = re.compile(
    r"\b(?:outperform\w*|improv\w*|surpass\w*|boost\w*|exceed\w*|beat\w*|gain\w*|increas\w*|enhanc\w*|rais\w*|"
    r"better|margin|lead\w*|ahead)\b[^;]{0,140}?\b(?:by|of)\s+(?:up\s+to\s+|over\s+|about\s+|around\s+|"
    r"approximately\s+|nearly\s+|at\s+least\s+|more\s+than\s+|an?\s+average\s+of\s+|~\s*)?[+]?$"
    r"|\b(?:gains?|improvements?|increases?|boosts?)\s+(?:of\s+)?(?:up\s+to\s+|about\s+|over\s+|approximately\s+)?[+]?$"
    r"|\b(?:gains?|improvements?)\b[^;()]{0,60}\(\s*(?:up\s+to\s+|about\s+|over\s+)?$",
    re.I,
)
_RED_BEFORE = re.compile(
    r"\b(?:reduc\w*|cut\w*|decreas\w*|lower\w*|sav\w*|compress\w*|shrink\w*|prun\w*|eliminat\w*|remov\w*|"
    r"shorten\w*|trim\w*)\b[^;]{0,40}?(?:\bby|\bto|\bof)?\s*(?:up\s+to\s+|over\s+|about\s+|around\s+|"
    r"approximately\s+|nearly\s+|at\s+least\s+|more\s+than\s+|only\s+|~\s*|sim)?[>]?$"
    r"|\b(?:using|uses|use|requiring|requires|only|just|with)\s+(?:only\s+|just\s+|less\s+than\s+|under\s+|"
    r"fewer\s+than\s+|about\s+|around\s+)?$",
    re.I,
)
_SPEED_BEFORE = re.compile(
    r"\b(?:speed\w*\s+up|accelerat\w*|speedups?\s+of|speed-?up\s+(?:ratio\s+)?of)\b[^.;]{0,40}?(?:\bby\s+)?"
    r"(?:up\s+to\s+|over\s+|about\s+|around\s+|approximately\s+|~\s*)?$",
    re.I,
)
_OTHER_BEFORE = re.compile(
    r"\b(?:loss|drop|degrad\w*|penalt\w*|gap|declin\w*|decrease\s+in\s+(?:accuracy|performance))\b[^;]{0,70}?"
    r"(?:\bby|\bof|\bto)?\s*(?:only\s+|less\s+than\s+|about\s+|under\s+)?$",
    re.I,
)
_SCORE_BEFORE = re.compile(
    r"\b(?:accuracy|score|scores|rate|rates|achiev\w*|attain\w*|reach\w*|obtain\w*|yield\w*|get\w*|record\w*|"
    r"of|at|with|from|to|vs\.?|versus|and|solv\w*|pass@\d+|F1|BLEU|ROUGE\S*|EM)\s*(?:an?\s+)?(?:of\s+)?"
    r"(?:up\s+to\s+|over\s+|about\s+|around\s+|approximately\s+|nearly\s+|~\s*)?[(]?$",
    re.I,
)
_X_REDUCTION = re.compile(
    r"\b(?:compress\w*|reduc\w*|smaller|fewer|less|lower|cheaper|memory|cost|costs|storage|energy|saving|"
    r"savings|shrink\w*|footprint|size|parameters)\b",
    re.I,
)

_HAS_DIGIT = re.compile(r"\d")
_ENUM_BEFORE = re.compile(r"(?:^|[\s(:;,])\($|(?:^|[:;.]\s*|\s)$")


def _parse_number(s: str) -> float:
    return float(s.replace(",", ""))


def _in_zones(zones: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    k = bisect_right(starts, pos) - 1
    return k >= 0 and zones[k][0] <= pos < zones[k][1]


def _skip_zones(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    zones = []
    for rx in _SKIP_ZONE_RES:
        zones.extend(m.span() for m in rx.finditer(text))
    zones.sort()
    merged: list[tuple[int, int]] = []
    for s, e in zones:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged, [z[0] for z in merged]


def _prev_word(text: str, pos: int) -> str:
    m = re.search(r"([\w.+-]+)\s*$", text[max(0, pos - 40):pos])
    return m.group(1) if m else ""


def _qualifier(text: str, start: int, end: int) -> str | None:
    before = text[max(0, start - 30):start]
    for rx, q in _QUAL_PATTERNS:
        if rx.search(before):
            return q
    after = text[end:end + 20]
    if re.match(r"\+", after):
        return "over"
    if re.match(r"\s*(?:\(?on\s+average\)?|in\s+average|averaged)\b", after, re.I):
        return "average"
    if re.search(r"\(on average\)\s*$|\bon average,?\s+(?:\w+\s+){0,4}$", text[max(0, start - 60):start], re.I):
        return "average"
    return None


def _metric(text: str, start: int, end: int, unit: str, kind: str) -> str | None:
    if kind in ("model_size", "data_size", "context_length", "count"):
        return None
    window = text[max(0, start - 40):min(len(text), end + 45)]
    rel = start - max(0, start - 40)
    best = None
    best_d = 10**9
    for rx, name in _METRIC_WORDS:
        for m in rx.finditer(window):
            d = m.start() - rel if m.start() >= rel else (rel - m.end()) + 5
            if d < best_d:
                best_d, best = d, (name or m.group(0).lower())
    if best is None and kind == "speedup" and unit == "x":
        return "speedup"
    if best is None and unit == "x" and kind == "reduction":
        return "compression ratio" if re.search(r"compress", window, re.I) else None
    return best


class _Cand:
    """A number found in the abstract, being resolved into a mention."""

    def __init__(self, start, end, value, unit, kind, num_start, num_end):
        self.start, self.end, self.value, self.unit, self.kind = start, end, value, unit, kind
        self.num_start, self.num_end = num_start, num_end
        self.note = None
        self.name_key = None
        self.bare = False
        self.scale_only = False
        self.qualifier = None
        self.metric = None
        self.benchmark = None
        self.range_partner = False
        self.merged = False


def _classify_pct_x(text: str, c: _Cand, sent_start: int) -> str:
    before = text[max(sent_start, c.num_start - 150):c.num_start]
    # strip a qualifier right before the number so "by up to" / "reduces ... by >" still match
    after = text[c.end:c.end + 50]
    if c.unit == "x":
        if re.match(r"^[\s\w-]{0,25}?\b(?:speed-?ups?|faster|acceleration|throughput|speed)\b", after, re.I):
            if not re.match(r"^[\s\w-]{0,12}?\b(?:lower|less|fewer|smaller|cheaper|reduction)\b", after, re.I):
                return "speedup"
        win = text[max(sent_start, c.num_start - 40):c.end + 40]
        if _X_REDUCTION.search(after[:40]) or re.search(
            r"\b(?:compress\w*|reduc\w*|sav\w*|shrink\w*|cut\w*|lower\w*)\b[^.;]{0,30}$", before, re.I
        ):
            return "reduction"
        if re.search(r"\bcompression\b", win, re.I) and not re.search(r"speed|faster|throughput", after[:30], re.I):
            return "reduction"
        return "speedup"
    # percentages
    if re.search(r"\b(?:score|accuracy|rate|BLEU|F1|ROUGE\S*)\s+(?:of\s+)?(?:up\s+to\s+|about\s+|over\s+|only\s+)?$", before, re.I):
        return "score"
    if _SPEED_AFTER.match(after) and not re.match(r"^[\s\w-]{0,12}?\b(?:lower|less|fewer)\b", after, re.I):
        return "speedup"
    if _OTHER_AFTER.match(after) and not _IMP_AFTER.match(after[:12]):
        return "other"
    if _RED_AFTER.match(after) and not re.match(r"^\s*(?:of\s+(?:the\s+)?cases)", after, re.I):
        if re.match(r"^[\s\w-]{0,25}?\b(?:lower|less)\s+(?:error|hallucination|perplexity|WER|loss)", after, re.I):
            return "improvement"
        return "reduction"
    if _IMP_AFTER.match(after):
        return "improvement"
    if _SPEED_BEFORE.search(before):
        return "speedup"
    if _OTHER_BEFORE.search(before):
        return "other"
    if _RED_BEFORE.search(before):
        if re.search(r"\b(?:error|hallucination)", before[-60:], re.I):
            return "improvement"
        return "reduction"
    if _IMP_BEFORE.search(before):
        return "improvement"
    if text[c.start:c.start + 1] == "+":
        return "improvement"
    if _SCORE_AFTER.match(after) or _SCORE_BEFORE.search(before):
        return "score"
    return "score"


def _candidates(text: str) -> list[_Cand]:
    zones, zstarts = _skip_zones(text)
    out: list[_Cand] = []
    n = len(text)
    for m in _NUM_RE.finditer(text):
        s, e = m.span()
        if zones and _in_zones(zones, zstarts, s):
            continue
        raw = m.group(0)
        p = text[s - 1] if s > 0 else " "
        p2 = text[s - 2] if s > 1 else " "
        prefix_sim = False
        if p.isalpha():
            if text[max(0, s - 3):s] == "sim" and (s < 4 or not text[s - 4].isalpha() or text[s - 4] == "\\"):
                prefix_sim = True
            else:
                continue
        if p in "_/@#=^&|" or p.isdigit():
            continue
        if p == "." and p2.isalnum():
            continue
        name_attached = False
        range_partner = False
        if p == "-" and p2.isalnum():
            if p2.isdigit() or p2 in "%xX" or (p2 in "kKMBbT" and s > 2 and text[s - 3].isdigit()):
                range_partner = True
            else:
                name_attached = True
        if p in "-–" and s > 2 and text[s - 2] == " " and s > 3 and text[s - 3] in "0123456789%xXBMKkb":
            range_partner = True
        value = _parse_number(raw)
        nxt = text[e] if e < n else " "
        # version-like "3.1.2" or number glued to a dot-number
        if nxt == "." and e + 1 < n and text[e + 1].isdigit():
            continue
        um = _UNIT_RE.match(text, e)
        unit = kind = None
        end = e
        scale = 1.0
        scale_only = False
        if um:
            g = um.lastgroup
            uend = um.end()
            if g == "pct":
                unit = "%"
            elif g == "times":
                unit = "x"
            elif g == "tbtok":
                unit, scale, scale_only = "tokens", 1e12, True
            elif g == "mem":
                unit = "GB"
            elif g == "scale":
                scale = _SCALE_SUFFIX[text[e].lower()]
                unit = "scale"
                scale_only = True
            elif g == "scaleword":
                scale = _SCALE_WORDS[um.group(0).strip().lower()]
                unit = "scale"
                scale_only = True
            elif g == "bits":
                unit = "bits"
            elif g == "ms":
                unit = "ms"
            elif g == "sec":
                unit = "seconds"
                if not re.match(r"\s?(?:seconds?|secs?|s)\b", text[e:uend]) or (
                    text[e:uend].strip() == "s" and not re.match(r"\s", text[e:e + 1])
                ):
                    if text[e:uend] == "s":  # "1990s", "4s" (plural) -> not a unit
                        continue
            elif g == "time":
                unit = "time"
            elif g == "hz":
                unit = "hz"
            elif g == "fps":
                unit = "fps"
            elif g == "usd":
                unit = "USD"
            elif g == "shot":
                unit = "shot"
            end = uend
        # number directly followed by letters that are not a unit -> a name (2D, 4G, 3rd, 2023a)
        if unit is None and end < n and (text[end].isalpha()) and not prefix_sim:
            continue
        if unit is None and end < n and text[end] == "-" and end + 1 < n and text[end + 1].isalpha():
            continue  # "2-model", "3-layer": compound adjectives
        if name_attached:
            # only model sizes survive inside names (Llama2-7B, Qwen2.5-72B-Instruct)
            if not (unit == "scale" and text[e].lower() in "bm" and scale >= 1e6):
                continue
        if unit is None and nxt in "-–" and e + 1 < n and (text[e + 1].isdigit() or text[e + 1] == " "):
            pass  # first part of a range; handled at merge time
        c = _Cand(s, end, value * scale, unit, None, s, e)
        c.scale_only = scale_only
        c.bare = unit is None
        if prefix_sim:
            c.qualifier = "about"
        if unit == "scale" and (name_attached or p == " "):
            c.name_key = _name_key(text, s, e + 1, value * scale)
        c.range_partner = range_partner
        out.append(c)
    return out


_MODEL_TAIL_RE = re.compile(r"^[\s-](instruct|chat|base|it|coder|math|vision|code)\b", re.I)


def _name_key(text: str, s: int, e: int, value: float):
    """Identity of a model size written next to a name ("GEB-1.3B", "Llama 3.1 8B"), or None."""
    before = text[max(0, s - 40):s]
    m = re.search(r"([\w.]+)([\s-])$", before)
    if not m:
        return None
    word = m.group(1)
    if not word[0].isalpha() and not re.fullmatch(r"[\d.]+", word):
        return None
    if m.group(2) == " ":
        if word.lower() in NON_NAME_WORDS or not (word[0].isupper() or any(ch.isdigit() for ch in word)):
            return None
    seg = word.split("-")[-1] if m.group(2) == "-" else word
    if re.fullmatch(r"[\d.]+", seg):
        m2 = re.search(r"([A-Za-z][\w.]*)[\s-]$", before[: m.start()])
        if m2:
            seg = m2.group(1).split("-")[-1] + seg
    seg = re.sub(r"[^a-z0-9]", "", seg.lower())
    tail = _MODEL_TAIL_RE.match(text, e)
    return (seg, value, tail.group(1).lower() if tail else "")


def _is_version_context(text: str, s: int) -> bool:
    """True when a bare number follows a product/model name ("Llama 2", "GPT 3.5", "Stable Diffusion 3")."""
    m = re.search(r"([A-Za-z][\w.'-]*)\s$", text[max(0, s - 40):s])
    if not m:
        return False
    w = m.group(1)
    if w.lower() in NON_NAME_WORDS:
        return False
    if w in ("No.", "No"):
        return False
    return w[0].isupper() or any(ch.isdigit() for ch in w) or any(ch.isupper() for ch in w[1:])


def _sentence_bounds(text: str) -> list[int]:
    return [0] + [m.end() for m in _SENT_SPLIT_RE.finditer(text)]


_NOT_PLURAL = {
    "across", "various", "previous", "versus", "thus", "less", "unless", "plus", "minus", "bonus", "status",
    "corpus", "focus", "consensus", "process", "access", "success", "address", "analysis", "basis", "hypothesis",
    "emphasis", "synthesis", "always", "perhaps", "whereas", "towards", "afterwards", "times", "bits", "hours",
    "tokens", "params", "yields", "achieves", "improves", "reduces", "outperforms", "shows", "requires", "uses",
    "gains", "points", "series", "species", "means", "news", "physics", "mathematics", "linguistics", "ones",
}


def _head_noun(text: str, end: int, generic: bool = False) -> tuple[str | None, int]:
    """First known count noun within the next few words: (noun lowercased, end offset)."""
    m = re.match(r"((?:\s+(?!(?:and|or|to|on|in|of|with|for|by|than|the|from|at)\b)[A-Za-z][\w'-]*){1,4})", text[end:end + 60])
    if not m:
        return None, end
    pos = end
    for wm in re.finditer(r"\s+([A-Za-z][\w'-]*)", m.group(1)):
        w = wm.group(1)
        lw = w.lower().rstrip("'")
        if lw in COUNT_NOUNS or re.fullmatch(r"[A-Z]{2,}s", w) or (
            generic and wm.start() == 0 and re.fullmatch(r"[a-z]{3,}[^s]s", w) and lw not in _NOT_PLURAL
        ):
            nxt = re.match(r"\s+(pairs|types|families)\b", text[end + wm.end():end + wm.end() + 12])
            if nxt:
                return lw + " " + nxt.group(1), end + wm.end() + nxt.end()
            return lw, end + wm.end()
    return None, pos


def _resolve(text: str, c: _Cand, sent_start: int) -> bool:
    """Fill unit/kind of a candidate; False when it is not a mention."""
    n = len(text)
    before = text[max(sent_start, c.num_start - 150):c.num_start]
    after = text[c.end:c.end + 60]
    u = c.unit
    if u == "%":
        c.kind = _classify_pct_x(text, c, sent_start)
        if re.search(r"\bof\s+(?:the\s+)?(?:total\s+)?[\w\s-]{0,20}tokens?\b", after[:40]) and re.search(
            r"\bcorpus|corpora|pre-?training data|training data", after[:80], re.I
        ):
            c.kind = "data_size"
        return True
    if u == "x":
        c.kind = _classify_pct_x(text, c, sent_start)
        return True
    if u == "scale":
        letter = text[c.num_end].lower() if not text[c.num_end].isspace() else ""
        word = text[c.num_end:c.end].strip().lower()
        tm = _TOKENS_AFTER_RE.match(text, c.end)
        noun, nend = _head_noun(text, c.end)
        plus = c.end < n and text[c.end] == "+"
        if plus:
            c.end += 1
            noun, nend = _head_noun(text, c.end)
        usd_before = text[max(0, c.num_start - 1):c.num_start] == "$" or re.search(
            r"\b(?:budget|cost)\s+(?:of\s+)?(?:about\s+|around\s+|only\s+)?\$?$|\$$", before, re.I
        )
        usd_after = re.match(r"\s+(?:budget|USD|dollars?)\b", after)
        if usd_before or usd_after:
            c.unit, c.kind = "USD", "other"
            if text[max(0, c.num_start - 1):c.num_start] == "$":
                c.start = c.num_start - 1
            return True
        if tm:
            w = tm.group(1).lower()
            if w.startswith("token"):
                c.unit = "tokens"
                c.end = tm.end()
                c.kind = _tokens_kind(text, c, sent_start)
            else:
                c.unit, c.kind = "params", "model_size"
                if tm.start(1) - c.end <= 1:
                    c.end = tm.end()
            return True
        if noun is not None and noun not in ("models", "model", "llms", "lms"):
            c.end = nend
            if noun.startswith("language") and " " not in noun:
                c.unit, c.kind = "languages", "count"
            elif noun in EXAMPLE_NOUNS or noun in ("data",):
                c.unit, c.kind = "examples", "data_size"
            elif noun in ("hours", "minutes"):
                c.unit, c.kind = "other", "data_size"
            else:
                c.unit, c.kind = "count", "count"
            return True
        if letter in ("b",) or word == "billion":
            c.unit, c.kind = "params", "model_size"
            return True
        if letter == "t" or word == "trillion":
            c.unit, c.kind = "tokens", "data_size"
            return True
        if letter == "k" or word == "thousand":
            win = text[max(sent_start, c.num_start - 60):c.end + 40]
            if _CONTEXT_CUES.search(win):
                c.unit, c.kind = "tokens", "context_length"
            else:
                c.unit, c.kind = "count", "count"
            return True
        if letter == "m" or word == "million":
            win = text[max(sent_start, c.num_start - 60):c.end + 40]
            if _CONTEXT_CUES.search(win) and not re.search(r"param", win, re.I):
                c.unit, c.kind = "tokens", "context_length"
            elif word == "million":
                c.unit, c.kind = "count", "count"
            else:
                c.unit, c.kind = "params", "model_size"
            return True
        return False
    if u == "tokens":  # "0.31TB tokens"
        m = re.match(r"TB\s+tokens", text[c.num_end:])
        c.end = c.num_end + m.end() if m else c.end
        c.kind = _tokens_kind(text, c, sent_start)
        return True
    if u == "bits":
        c.kind = "other"
        return True
    if u in ("ms", "seconds"):
        c.kind = "reduction" if re.search(r"reduc|lower|less|faster|sav", before[-40:] + after[:20], re.I) else "other"
        return True
    if u == "time":
        c.unit, c.kind = "other", "other"
        if re.match(r"\s+of\s+(?:\w+\s+){0,2}?(?:data|speech|audio|video|recordings?|transcribed)\b", after, re.I) or re.search(
            r"\b(?:trained|pre-?trained|training)\s+on\s+(?:only\s+|about\s+|around\s+|over\s+|more\s+than\s+)?$", before, re.I
        ):
            c.kind = "data_size"
        return True
    if u == "GB":
        c.kind = "reduction" if re.search(r"reduc|lower|less|sav|fewer", before[-40:] + after[:20], re.I) else "other"
        return True
    if u == "hz":
        c.unit, c.kind = "other", "other"
        return True
    if u == "fps":
        c.unit, c.kind = "other", "score"
        return True
    if u == "USD":
        c.kind = "other"
        return True
    if u == "shot":
        c.unit, c.kind = "count", "count"
        return True
    # ---- bare numbers ----
    raw = text[c.num_start:c.num_end]
    if c.end < n and text[c.end] == "+" and (c.end + 1 >= n or not text[c.end + 1].isdigit()):
        c.end += 1
        after = text[c.end:c.end + 60]
    if text[max(0, c.num_start - 1):c.num_start] == "$":
        c.start = c.num_start - 1
        c.unit, c.kind = "USD", "other"
        return True
    if re.search(r"\bNo\.\s?$", text[max(0, c.num_start - 5):c.num_start]):
        c.start = c.num_start - len(re.search(r"No\.\s?$", text[:c.num_start]).group(0))
        c.unit, c.kind = "other", "other"
        return True
    # enumerations "(1)", "1)" and list markers
    if c.end < n and text[c.end] == ")" and "." not in raw:
        if c.num_start == 0 or text[c.num_start - 1] in "( \n" and (
            c.num_start < 2 or text[c.num_start - 1] == "(" or text[c.num_start - 2] in ".:;,\n" or c.num_start < 2
        ):
            if text[c.num_start - 1] == "(" or re.search(r"(?:^|[.:;,]\s*|\s)$", text[:c.num_start]):
                if not re.search(r"\d\s*(?:vs\.?|to|and)\s*$", text[max(0, c.num_start - 12):c.num_start]):
                    return False
    if _is_version_context(text, c.num_start):
        return False
    if text[c.num_start - 1:c.num_start] == "(" and re.match(r"\s[A-Z][a-z]+\)", text[c.end:c.end + 20]):
        return False
    if "." not in raw and "," not in raw and 1900 <= c.value <= 2100:
        noun, nend = _head_noun(text, c.end)
        if noun is None:
            return False
    pm = _POINTS_RE.match(text, c.end) or _PP_RE.match(text, c.end)
    if pm:
        c.end = pm.end()
        c.unit = "pp"
        if _IMP_AFTER.match(text[c.end:c.end + 30]) or _IMP_BEFORE.search(before):
            c.kind = "improvement"
        elif re.search(r"\b(?:drop|los|degrad|lower|decreas|reduc)\w*\b[^.;]{0,30}$", before, re.I):
            c.kind = "other"
        else:
            c.kind = "other"
        return True
    noun, nend = _head_noun(text, c.end, generic=True)
    if noun is None:
        om = re.match(r"\s+out\s+of\s+(?:the\s+)?\d[\d,]*", text[c.end:c.end + 30])
        if om:
            noun, _ = _head_noun(text, c.end + om.end())
            c.unit = "languages" if noun and noun.startswith("language") else "count"
            c.kind = "count"
            return True
    if noun is not None and "." not in raw:
        c.end = nend
        if noun.startswith("token"):
            c.unit = "tokens"
            c.kind = _tokens_kind(text, c, sent_start)
        elif noun.startswith("parameter"):
            c.unit, c.kind = "params", "model_size"
        elif noun.startswith("language") and " " not in noun:
            c.unit, c.kind = "languages", "count"
        elif noun in EXAMPLE_NOUNS and c.value >= 10000:
            c.unit, c.kind = "examples", "data_size"
        elif noun in ("hours", "minutes"):
            c.unit, c.kind = "other", "other"
        else:
            c.unit, c.kind = "count", "count"
        return True
    if "." in raw:
        # a bare decimal: a score, a score change, or a speed-up ratio
        if re.search(r"speed-?up\s+(?:ratio\s+)?(?:of\s+)?(?:up\s+to\s+|about\s+|around\s+)?$", before, re.I):
            c.unit, c.kind = "x", "speedup"
            return True
        c.unit = "score"
        c.kind = "improvement" if re.match(r"^\s*(?:\w+\s+){0,1}(?:improvement|gain|higher|better|increase)\b", after, re.I) else "score"
        if re.search(r"\b(?:by|outperform\w*|surpass\w*|improv\w*)\s+(?:at\s+least\s+|up\s+to\s+|over\s+|about\s+)?$", before, re.I):
            c.kind = "improvement"
            c.unit = "pp" if c.value < 100 else "score"
        return True
    if "," in raw and c.value >= 1000:
        c.unit, c.kind = ("examples", "count") if re.search(r"sampl|negativ|exampl|instanc", before[-60:] + after[:40], re.I) else ("count", "count")
        return True
    # bare integer: keep only with an explicit score context
    if c.value <= 100 and (
        re.search(r"\b(?:score\s+of|accuracy\s+of)\s*$", before, re.I)
        or (re.search(r"\bfrom\s*$", before) and re.match(r"\s+to\s+\d", after))
        or re.search(r"\bfrom\s+\d[\d.]*\s*%?\s+to\s*$", before)
        or re.search(r"\d\s*%?\s+(?:vs\.?|versus)\s*$", before)
    ):
        c.unit, c.kind = "score", "score"
        return True
    return False


def _tokens_kind(text: str, c: _Cand, sent_start: int) -> str:
    win_before = text[max(sent_start, c.num_start - 60):c.num_start]
    win_after = text[c.end:c.end + 40]
    if re.search(r"\b(?:train\w*|pre-?train\w*|corpus|corpora|data|on)\s+(?:\w+\s+){0,2}$", win_before, re.I) and not re.search(
        r"context|window|length|sequence", win_before[-40:] + win_after[:25], re.I
    ):
        return "data_size"
    if _CONTEXT_CUES.search(win_before[-50:] + win_after[:30]) or c.value <= 2e6:
        return "context_length"
    return "data_size"


# ---------------------------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------------------------


def _find_benchmarks(text: str) -> list[tuple[int, int, str]]:
    found: dict[tuple[int, int], str] = {}
    for bs, be, name in _lexicon_benchmarks(text):
        found[(bs, be)] = name
    for m in _BENCH_PATTERN_RE.finditer(text):
        g = 1 if m.group(1) else 2
        name = m.group(g)
        if not name:
            continue
        # drop leading generic words ("Extensive MMLU benchmark" -> "MMLU")
        parts = name.split()
        while parts and (_NOT_BENCH.match(parts[0]) or parts[0].lower() in NON_NAME_WORDS):
            parts = parts[1:]
        if not parts:
            continue
        name = " ".join(parts)
        s = m.start(g) + m.group(g).index(parts[0])
        e = s + len(name)
        if len(name) < 2 or _NOT_BENCH.match(name) or not re.search(r"[A-Z0-9-]", name):
            continue
        if any(s < fe and fs < e for fs, fe in found):
            continue
        found[(s, e)] = name
    return sorted((s, e, name) for (s, e), name in found.items())


_BENCH_KINDS = {"score", "improvement", "speedup", "other", "reduction", "count"}


def _assign_benchmarks(text: str, cands: list[_Cand], bounds: list[int]) -> None:
    if not any(c.kind in _BENCH_KINDS for c in cands):
        return
    benches = _find_benchmarks(text)
    if not benches:
        return
    sent_of = lambda pos: bisect_right(bounds, pos) - 1  # noqa: E731
    by_sent: dict[int, list[tuple[int, int, str]]] = {}
    for b in benches:
        by_sent.setdefault(sent_of(b[0]), []).append(b)
    cands_by_sent: dict[int, list[_Cand]] = {}
    for c in cands:
        if c.kind in _BENCH_KINDS:
            cands_by_sent.setdefault(sent_of(c.num_start), []).append(c)
    distinct = {re.sub(r"\s+", "", b[2]).lower() for b in benches}
    for si, cs in cands_by_sent.items():
        bs = by_sent.get(si, [])
        s_start = bounds[si]
        s_end = bounds[si + 1] if si + 1 < len(bounds) else len(text)
        sent = text[s_start:s_end]
        if not bs:
            # inherit the paper's single benchmark when an earlier sentence evaluated on it
            if len(distinct) == 1 and benches[0][0] < s_start:
                prev = text[bounds[sent_of(benches[0][0])]:benches[0][1] + 40]
                if re.search(r"benchmark", prev, re.I):
                    for c in cs:
                        if c.kind in ("score", "improvement") and c.unit in ("%", "score", "pp"):
                            c.benchmark = benches[0][2]
            continue
        names = []
        for b in bs:
            if not names or re.sub(r"\s+", "", names[-1][2]).lower() != re.sub(r"\s+", "", b[2]).lower():
                names.append(b)
        eligible = [c for c in cs if c.kind != "count" or _count_bench_ok(text, c, names)]
        resp = "respectively" in sent
        # numbers listed together followed by as many benchmarks ("53% and 55% on HumanEval and MBPP")
        if len(names) > 1 and len(eligible) > 1 and (resp or _paired_list(text, eligible, names)):
            k = len(eligible) // len(names) if len(eligible) % len(names) == 0 else 0
            if k:
                for i, c in enumerate(eligible):
                    c.benchmark = names[i // k][2]
                continue
        for c in eligible:
            c.benchmark = _nearest_bench(text, c, names, s_start)


def _count_bench_ok(text: str, c: _Cand, names) -> bool:
    return any(0 <= b[0] - c.end <= 25 and re.match(r"\s*(?:on|in)\s+(?:the\s+)?$", text[c.end:b[0]]) for b in names)


def _paired_list(text: str, cs: list[_Cand], names) -> bool:
    """Numbers joined by 'and'/',' followed by benchmarks joined the same way."""
    if len(cs) != len(names):
        return False
    last = max(c.end for c in cs)
    return all(b[0] > last for b in names) and names[0][0] - last < 40


def _nearest_bench(text: str, c: _Cand, names, s_start: int) -> str | None:
    after = [b for b in names if b[0] >= c.end]
    before = [b for b in names if b[1] <= c.num_start]
    # joined benchmark lists "on RULER and InfiniteBench"
    def joined(group):
        return ", ".join(b[2] for b in group)

    if after:
        first = after[0]
        gap = text[c.end:first[0]]
        if len(gap) <= 90 and re.search(r"\b(?:on|in|for|across|of)\b", gap) and not re.search(r"[;]|\bwhile\b|\bwhereas\b|\bwhilst\b", gap):
            group = [first]
            for b in after[1:]:
                if re.fullmatch(r"\s*(?:,|and|,\s*and|&|/)\s*", text[group[-1][1]:b[0]]):
                    group.append(b)
                else:
                    break
            return joined(group)
    if before and c.kind not in ("reduction", "speedup"):
        last = before[-1]
        gap = text[last[1]:c.num_start]
        if ";" in gap:
            return None
        group = [last]
        for b in reversed(before[:-1]):
            if re.fullmatch(r"\s*(?:,|and|,\s*and|&|/)\s*", text[b[1]:group[0][0]]):
                group.insert(0, b)
            else:
                break
        if re.search(r"\b(?:using|with|from|via)\s+(?:the\s+)?$", text[max(0, group[0][0] - 12):group[0][0]], re.I) and len(gap) > 15:
            return None
        return joined(group)
    if after and c.kind not in ("reduction", "speedup"):
        first = after[0]
        gap = text[c.end:first[0]]
        if len(gap) <= 80 and not re.search(r"[;]|\bwhile\b|\bwhereas\b|\bwhilst\b|\bcompared\b", gap):
            return first[2]
    return None


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def _merge_ranges(text: str, cands: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            gap = text[a.end:b.start]
            dash = re.fullmatch(r"\s*(?:[-–—~]|\\?sim|\$\\sim\$)\s*", gap) is not None
            to = re.fullmatch(r"\s+to\s+", gap) is not None
            from_before = re.search(r"\b(?:from|between)\s+(?:\S+\s+){0,1}$", text[max(0, a.start - 25):a.start], re.I)
            if (dash or (to and not from_before and (a.unit is None or a.unit == "scale"))) and (
                a.unit is None or a.unit == b.unit or (a.unit == "scale" and b.unit == "scale")
            ) and b.unit is not None:
                m = _Cand(a.start, b.end, b.value, b.unit, None, b.num_start, b.num_end)
                m.scale_only = b.scale_only
                m.note = text[a.start:b.end]
                m.range_start = a.num_start  # type: ignore[attr-defined]
                m.qualifier = a.qualifier
                m.merged = True
                out.append(m)
                i += 2
                continue
        if a.range_partner:
            # "GPT-4-128K": not a range, the number belongs to a name
            if not (a.unit == "scale" and text[a.num_end].lower() in "bm"):
                i += 1
                continue
        out.append(a)
        i += 1
    return out


_LIST_GAP_RE = re.compile(
    r"^(?:\s+(?:on|for|in|with|of)\s+[^,;:()]{1,40}?)?\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)$"
)


def _continue_list(text: str, kept: list[_Cand], c: _Cand) -> None:
    """"by 91% on A and 146% on B": a number listed after one of the same unit shares its kind."""
    if not kept or c.unit not in ("%", "x", "pp", "score"):
        return
    prev = next((k for k in reversed(kept) if k.unit == c.unit), None)
    if prev is None or prev.kind == c.kind:
        return
    gap = text[prev.end:c.start]
    if _LIST_GAP_RE.match(gap) and not re.search(r"\b(?:respectively|while|whereas)\b", gap):
        after = text[c.end:c.end + 30]
        if not (_IMP_AFTER.match(after) or _RED_AFTER.match(after) or _SPEED_AFTER.match(after) or _OTHER_AFTER.match(after)):
            c.kind = prev.kind


def extract_mentions(abstract: str) -> list[dict]:
    """All metric mentions of one abstract, in text order (see module docstring)."""
    text = abstract or ""
    if not _HAS_DIGIT.search(text):
        return []
    cands = _merge_ranges(text, _candidates(text))
    bounds = _sentence_bounds(text)
    kept: list[_Cand] = []
    seen_names: set = set()
    plain_sizes: set = set()
    seen_other: set = set()
    for c in cands:
        si = bisect_right(bounds, c.num_start) - 1
        if not _resolve(text, c, bounds[si]):
            continue
        if c.kind == "model_size":
            if c.name_key is not None:
                if c.name_key in seen_names:
                    continue
                seen_names.add(c.name_key)
            else:
                plain_sizes.add(c.value)
        if c.unit in ("USD", "GB"):
            if (c.unit, c.value) in seen_other:
                continue
            seen_other.add((c.unit, c.value))
        _continue_list(text, kept, c)
        kept.append(c)
    _assign_benchmarks(text, kept, bounds)
    out = []
    for c in kept:
        if c.kind in ("model_size", "data_size", "context_length"):
            c.benchmark = None
        q = c.qualifier or _qualifier(text, getattr(c, "range_start", c.start), c.end)
        if q is None and text[c.num_end:c.num_end + 1] == "+":
            q = "over"
        note = c.note
        if note is not None:
            note = "range " + note
        out.append(
            {
                "mention": text[c.start:c.end],
                "span_start": c.start,
                "span_end": c.end,
                "value": float(c.value),
                "unit": c.unit,
                "kind": c.kind,
                "metric": _metric(text, c.start, c.end, c.unit, c.kind),
                "benchmark": c.benchmark,
                "qualifier": q,
                "note": note,
            }
        )
    return out


def extract_metrics(papers: pl.DataFrame) -> pl.DataFrame:
    """One row per mention for a frame with columns paper_id, abstract (schema: METRICS_SCHEMA)."""
    cols: dict[str, list] = {k: [] for k in METRICS_SCHEMA}
    if papers.height:
        for pid, abstract in zip(papers.get_column("paper_id").to_list(), papers.get_column("abstract").to_list()):
            if not abstract:
                continue
            for m in extract_mentions(abstract):
                cols["paper_id"].append(None if pid is None else str(pid))
                for k in ("mention", "span_start", "span_end", "value", "unit", "kind", "metric", "benchmark", "qualifier", "note"):
                    cols[k].append(m[k])
                cols["extractor_version"].append(EXTRACTOR_VERSION)
    return pl.DataFrame(cols, schema=METRICS_SCHEMA)
