"""Rule-based extraction of quantitative metric mentions from paper abstracts (Dagster-free).

Implements section 2 of `shared/spec/annotation-guidelines.md`: one entry per number written with
digits that states a quantitative result or claim, with its canonical value, unit, kind, metric,
benchmark and qualifier. Names, versions, years, citations, URLs and enumerations are skipped.

Spans are Python str offsets into the abstract exactly as given (LaTeX `\\%` or plain `%`).

Performance (thousands of abstracts/s on one core): every regex is compiled once; whole-abstract scans are
few and written so that `re` can skip ahead (patterns starting with a literal or character class, one trie
regex for the benchmark lexicon); scans that cannot match are skipped by cheap necessary conditions
(literals that must occur, see `_Guarded`); case-insensitive patterns run as lower-cased patterns on lower-cased
ASCII text (`_CI`, about 3x faster than re.I). `extract_metrics` drops digit-free abstracts and looks up the
`_Guards` literals for all abstracts in one vectorised Polars pass, extracts each distinct abstract once (papers
listed in several dumps) and builds the frame once from column lists. `bench_extraction` measures throughput.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from pathlib import Path

import polars as pl

from paperlake.extraction_lexicon import (
    COUNT_NOUNS,
    EXAMPLE_NOUNS,
    NON_NAME_WORDS,
    benchmark_names,
)

EXTRACTOR_VERSION = "metrics-1.3.22"  # 1.3.5-1.3.22: kinds, ranges and benchmarks of out-of-niche papers (git log)

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


def _lower_pattern(pattern: str) -> str:
    """`pattern` with its literal letters lower-cased (escape sequences such as `\\S`, `\\W` kept as written)."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(pattern[i:i + 2])
            i += 2
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


class _CI:
    """A case-insensitive pattern that runs about 3x faster on ASCII strings.

    On ASCII strings re.I folds ASCII case only, so matching the lower-cased pattern (case-sensitive) against the
    lower-cased string gives the same matches at the same offsets; group texts come back lower-cased (every
    caller lower-cases them anyway). Non-ASCII strings use the re.I pattern itself.
    """

    __slots__ = ("lo", "rx")

    def __init__(self, pattern: str):
        self.rx = re.compile(pattern, re.IGNORECASE)
        self.lo = re.compile(_lower_pattern(pattern))

    def search(self, s: str, *args):
        return self.lo.search(s.lower(), *args) if s.isascii() else self.rx.search(s, *args)

    def match(self, s: str, *args):
        return self.lo.match(s.lower(), *args) if s.isascii() else self.rx.match(s, *args)

    def fullmatch(self, s: str, *args):
        return self.lo.fullmatch(s.lower(), *args) if s.isascii() else self.rx.fullmatch(s, *args)

    def finditer(self, s: str, *args):
        return self.lo.finditer(s.lower(), *args) if s.isascii() else self.rx.finditer(s, *args)


_ci = _CI


# Numbers: `\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+` (LaTeX's "2{,}676" too), written to start with one character
# class so that `re` can skip ahead to digits/dots quickly (same matches, same order of alternatives).
_NUM_RE = re.compile(r"[\d.](?:(?<=\d)(?:\d{0,2}(?:(?:,|\{,\})\d{3})+(?!\d)(?:\.\d+)?|\d*(?:\.\d+)?)|(?<=\.)\d+)")
# On ASCII text `\d` is `[0-9]`; a leading literal set (not a category) lets `re` skip ahead about twice as fast.
_NUM_RE_ASCII = re.compile(
    r"[0-9.](?:(?<=[0-9])(?:[0-9]{0,2}(?:(?:,|\{,\})[0-9]{3})+(?![0-9])(?:\.[0-9]+)?|[0-9]*(?:\.[0-9]+)?)|(?<=\.)[0-9]+)"
)

# `\b(?:19|20)\d\d`, starting with literals so that `re` can skip ahead quickly.
_YEAR_RE = re.compile(r"(?:1(?<!\w1)9|2(?<!\w2)0)\d\d")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
_DOMAIN_RE = re.compile(r"\b[\w.-]+\.(?:com|org|net|io|ai|edu|dev|html|py|md)(?:/\S*)?")
_TLD_RE = re.compile(r"\.(?:com|org|net|io|ai|edu|dev|html|py|md)")
_ETAL_RE = re.compile(r"\([^()]*\bet\s+al\.?[^()]*\)")
_ETAL_GUARD = re.compile(r"et\s+al")
_BRACKET_YEAR_RE = re.compile(r"\[[^\[\]]*\d{4}[^\[\]]*\]")
_PAREN_YEAR_RE = re.compile(r"\([^()]{0,40}\b(?:19|20)\d\d[a-z]?(?:;[^()]*)?\)")
_TILDE_REF_RE = re.compile(r"~(?=\w*[A-Za-z])\w*\d{4}\w*")  # "~Smith2020"-style references, not "~3000"
_DATE_RE = re.compile(
    r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b"
)
# Literals one of which every date / section-reference match holds. No literal starts inside another's
# occurrence (inner letters are lower case), so one scan finds which families occur.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SECTION_WORDS = ("Sec", "Fig", "Tab", "Eq", "Appendix", "Theorem", "Lemma")
_DATE_OR_SECTION_GUARD = re.compile("|".join(_MONTHS + _SECTION_WORDS))
_SECTION_RE = re.compile(r"\b(?:Section|Sec\.|Figure|Fig\.|Table|Tab\.|Eq\.|Equation|Appendix|Theorem|Lemma)\s*\d+(?:\.\d+)*")
_ARXIV_ID_RE = re.compile(r"(?i:arxiv)\s*[:/]?\s*\d{4}\.\d{4,5}(?:v\d+)?")  # "ArXiv: 2605.09530": an id, not a value
_SEGMENT_CHAR = re.compile(r"[\w.-]")

_SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}

# Units that directly follow a number. Group name tells the unit family.
_UNIT_RE = re.compile(
    r"""
    (?P<pct>\s?\\?%|\s(?:per\s?cent|percent)\b)
  | (?P<pp>pp(?![\w]))
  | (?P<times>\s?(?:\$\\times\$|\\times|×)|[xX](?![\w])|\s?times\b|-?\s?fold\b)
  | (?P<tbtok>TB(?=\s+tokens))
  | (?P<mem>\s?(?:GB|Gb|GiB|MB|TB|KB)\b)
  | (?P<scale>[KkMBbT](?![A-Za-z0-9]))
  | (?P<scaleword>(?:\s+|-(?=(?:thousand|million|billion|trillion)-))(?:thousand|million|billion|trillion)\b)
  | (?P<bits>\s?-?\s?bits?\b)
  | (?P<ms>\s?(?:ms|milliseconds?)\b|-(?:ms|milliseconds?)\b)
  | (?P<sec>\s?(?:s|sec|secs|seconds?)\b|-(?:secs?|seconds?)\b)
  | (?P<time>\s?-?\s?(?:hours?|hrs?|h|minutes?|mins?|days?|weeks?|months?|years?|GPU\s+hours|GPU-hours)\b)
  | (?P<fps>\s?(?:FPS|fps)\b)
  | (?P<hz>\s?(?:[kKMG]?Hz|[kKMG]?bps|[kKMG]b/s)(?![\w/]))
  | (?P<phys>\s?(?:[mµμ]K|[kMGT]?eV|[kM]?pc|Mpc|mas|arcsec|arcmin|deg|[nµμ]m|mm|cm|km|°C|dB|°|degrees?)(?![\w/])
      |\sK(?![\w/-])(?!\s+(?:tokens?|context|samples|examples|steps|images|words|instructions|questions|pairs|data)\b))
  | (?P<usd>\s+(?:dollars?|USD)\b)
  | (?P<shot>-shot\b)
    """,
    re.VERBOSE,
)

_POINTS_RE = re.compile(r"(?:\s+[A-Za-z][\w-]*){0,3}?\s+(?:percentage\s+points?|points?|pp|pts)\b")
# "<word> point(s)" that names a thing, not score points: "500 data points", "the 0.85 operating point"
_NOT_SCORE_POINTS_RE = _ci(r"\b(?:data|operating|set|break|check|end|starting|focal|vantage|decision|turning|reference|"
                           r"fixed|saddle|control|access|entry|floating|tipping|key|sample|time|grid|query|anchor|"
                           r"way|touch|branch|cut-?off)\s+points?$")
_PP_RE = re.compile(r"\s?(?:pp|pts)\b")
# "7B parameters", "a 19.2B-token corpus"
_TOKENS_AFTER_RE = _ci(r"(?:\s+(?:[A-Za-z][\w-]*\s+){0,2}?|-)(tokens?|parameters?|params|weights)\b")

# (pattern, qualifier, literals: for ASCII text at least one of them occurs (lowercased) wherever the
# pattern matches, so the search is skipped when none does).
_QUAL_PATTERNS = [
    (
        _ci(r"(?:\bup\s+to|\bas\s+(?:much|many|high)\s+as)\s*(?:~|sim|\\sim|\$\\sim\$)?\s*\$?$"),
        "up to",
        ("up", "as"),
    ),
    # "no more than", "not more than", "no greater than": an upper bound
    (_ci(r"\b(?:no|not)\s+(?:more|greater|higher|larger)\s+than\s*\$?$"), "less than", ("than",)),
    (_ci(r"(?:\bmore\s+than|\bat\s+least|\bno\s+less\s+than)\s*\$?$"), "more than", ("than", "least")),
    (
        _ci(r"(?:\bover|\bexceed(?:s|ed|ing)?|\babove|>|\\geq|≥|\$>\$)\s*\$?$"),
        "over",
        ("over", "exceed", "above", ">", "geq"),
    ),
    (
        _ci(r"(?:\bless\s+than|\bfewer\s+than|\bunder|\bbelow|\bwithin|<|\\leq|≤|\$<\$|\bat\s+most)\s*\$?$"),
        "less than",
        ("than", "under", "below", "within", "<", "leq", "most"),
    ),
    (
        _ci(r"(?:\babout|\baround|\bapproximately|\bnearly|\broughly|\balmost|~|\bsim|\\sim|\$\\sim\$|≈|\\approx)\s*\$?$"),
        "about",
        ("about", "around", "approx", "nearly", "roughly", "almost", "~", "sim"),
    ),
    (_ci(r"(?:\b(?:an?\s+)?average\s+(?:of\s+)?|\bon\s+average,?\s*)$"), "average", ("average",)),
]

_CONTEXT_CUES = _ci(r"context|window|length|long|sequence|extrapolat|position|needle|input")


def _build_benchmark_index() -> dict[str, list[tuple[re.Pattern | None, str]]]:
    """First word of each known benchmark -> [(pattern for the remaining words or None, name)]."""
    index: dict[str, list] = {}
    for name in sorted(benchmark_names(), key=len, reverse=True):
        first, *rest = name.split()
        tail = re.compile(r"".join(r"\s+" + re.escape(w) for w in rest) + r"(?![\w-])") if rest else None
        index.setdefault(first, []).append((tail, name))
    return index


_BENCH_INDEX = _build_benchmark_index()


def _trie_regex(words) -> str:
    """Alternation of literal words as a prefix trie (longer words are tried first)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict, after_first: str = "") -> str:
        alts = [re.escape(ch) + after_first + emit(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            alts.append("")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    # the token-start lookbehind sits after the first literal so that `re` can skip ahead quickly
    return emit(trie, r"(?<![\w-].)")


# A benchmark token is a whitespace/punctuation-delimited token `[A-Za-z0-9][\w+./-]*` (not preceded by a
# word char or "-") that, after stripping trailing ".,/", is a lexicon first word, optionally followed by
# one "+" ("GSM8K+" -> GSM8K). One regex finds exactly those tokens; group 1 is the lexicon key.
_TOKEN_CHARS = re.compile(r"[\w+./-]")
_WORD_OR_DASH = re.compile(r"[\w-]")
# Keys starting with a lower-case letter ("ogbn-arxiv") get their own regex, run only when their literal occurs:
# the main regex then starts with capitals and digits only, which `re` skips to quickly. Matches of the two never
# overlap (each is a whole token), so their union is what one regex over all keys finds.
_LOWER_KEYS = [k for k in _BENCH_INDEX if k[0].islower()]
# A numeric subset/resolution suffix belongs to the name: "ImageNet-256", "HealthBench-500" (group 3).
_LEXICON_TOKEN_RE = re.compile(
    r"(" + _trie_regex([k for k in _BENCH_INDEX if not k[0].islower()]) + r")(\+?)(-\d+[kK]?)?[.,/]*(?![\w+./-])"
)
_LEXICON_LOWER_RE = (
    re.compile(r"(" + _trie_regex(_LOWER_KEYS) + r")(\+?)(-\d+[kK]?)?[.,/]*(?![\w+./-])") if _LOWER_KEYS else None
)
_LOWER_KEY_PREFIXES = tuple(sorted({k[:4] for k in _LOWER_KEYS}))


def _inside_token(text: str, p: int) -> bool:
    """True when position p (after one of "+./") continues a token that started earlier."""
    r = p
    while r > 0 and _TOKEN_CHARS.match(text, r - 1):
        r -= 1
    for q in range(r, p):
        ch = text[q]
        if ch.isascii() and ch.isalnum() and (q == 0 or not _WORD_OR_DASH.match(text, q - 1)):
            return True
    return False


def _lexicon_matches(text: str):
    ms = list(_LEXICON_TOKEN_RE.finditer(text))
    if _LEXICON_LOWER_RE is not None and any(p in text for p in _LOWER_KEY_PREFIXES):
        low = list(_LEXICON_LOWER_RE.finditer(text))
        if low:
            ms = sorted(ms + low, key=lambda m: m.start())
    return ms


def _lexicon_benchmarks(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _lexicon_matches(text):
        s = m.start()
        if s > 0 and text[s - 1] in "+./" and _inside_token(text, s):
            continue
        key, plus, num = m.group(1, 2, 3)
        tok = key + plus
        if num and plus:
            continue
        for tail, name in _BENCH_INDEX[key]:
            if num:
                if tail is None:
                    out.append((s, s + len(tok) + len(num), tok + num))
                    break
                continue
            if tail is None:
                if not plus:
                    out.append((s, s + len(tok), tok))
                else:
                    out.append((s, s + len(tok) - 1, key))
                break
            tm = tail.match(text, s + len(tok))
            if tm:
                out.append((s, tm.end(), text[s:tm.end()]))
                break
    return out


# "the X benchmark/dataset", "benchmark(s) X"
_BENCH_PATTERN_RE = re.compile(
    r"(?=[A-Zbd])(?:(?<![\w-])([A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*){0,2})\s+(?:benchmark|dataset|datasets|benchmarks|test\s+set)\b"
    r"|\b(?:benchmarks?|datasets?)\s+(?:like\s+|such\s+as\s+|including\s+)?([A-Z][\w-]*[A-Z0-9][\w-]*))"
)
_WSD_RUN_RE = re.compile(r"[\w\s-]*")
# names built like benchmark names ("WebWalkerQA", "VisCog-Bench", "SpatialGenEval", "MT-Bench-101")
# (the token-start lookbehind sits after the first character so that `re` can skip ahead to capitals)
_SUFFIX_BENCH_RE = re.compile(
    r"([A-Z](?<![\w./-].)[A-Za-z0-9]*[-]?(?:QA|Bench|bench|BENCH|Eval|EVAL|Arena|GLUE|VQA|Gym)(?:-v?\d+(?:\.\d+)?)?"
    r"|[A-Z](?<![\w./-].)[A-Za-z0-9]*(?:-[A-Za-z0-9]+)+\sBench)(?![\w/-])"  # or a hyphenated name + " Bench"
)
_BENCH_SUFFIX_GUARD_RE = re.compile(r"(?:QA|Bench|bench|BENCH|Eval|EVAL|Arena|GLUE|Gym)(?![a-z])")
_NAME_CHAR_RE = re.compile(r"[A-Za-z0-9-]")
# task acronyms built like benchmark names
_GENERIC_TASK_NAMES = {"QA", "VQA", "KBQA", "ODQA", "LFQA", "VideoQA", "TableQA", "DocQA"}
_APPOSITION_GUARD_RE = re.compile(r",\s+(?:an?|the)\s")
# "on ABC, CADParser, and Automate, respectively": names (capitalised or with digits) listed after "on"
_LIST_ITEM = r"[A-Z][\w-]*(?:\s[A-Z][\w-]*)?"
_RESPECTIVELY_NAMES_RE = re.compile(
    r"\bon\s+(?:the\s+)?(" + _LIST_ITEM + r"(?:,\s+" + _LIST_ITEM + r")*,?\s+and\s+" + _LIST_ITEM + r")"
    r"(?:\s+(?:benchmarks|datasets))?,?\s+respectively\b"
)
_LIST_NAME_RE = re.compile(_LIST_ITEM)
# "79.2% and 90.7% average success rate on RoboCasa and RoboTwin": listed numbers, then as many names after "on"
# (spec: "53% and 55% on HumanEval and MBPP" pairs them in order without "respectively")
_LISTED_NUMBER = r"[+-]?\d+(?:[.,]\d+)*(?:\s?(?:\\?%|×|x\b|points?\b|pp\b))?"
_LISTED_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_LIST = _LISTED_NUMBER + r"(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)" + _LISTED_NUMBER + r")+"
_UP_TO_ON = r"(?:\s+[\w@-]+){0,5}?\s+on\s"  # a few words, then "on"
_NUMBERS_ON_NAMES_RE = re.compile(
    r"(?<![\w.])(" + _NUMBER_LIST + r")" + _UP_TO_ON + r"\s*(?:the\s+)?"
    r"(" + _LIST_ITEM + r"(?:,\s+" + _LIST_ITEM + r")*,?\s+and\s+" + _LIST_ITEM + r")(?![\w-])"
)
# "we introduce LitSearch, a retrieval benchmark": a name (with an inner capital or digit) in apposition
_APPOSITIVE_BENCH_RE = re.compile(
    r"([A-Z](?<![\w-].)[\w-]*[A-Z0-9][\w-]*|[A-Z](?<![\w-].)[a-z]+[A-Z][\w-]*)(?:\s*\([^()]{1,80}\))?,\s+(?:an?|the)\s+"
    r"(?:[\w-]+\s+){0,4}?"
    r"(?:benchmark|dataset|test\s?bed|suite)\b"
)
# "80.3 on ScreenSpotPro", "47.6 on OSWorld-MCP", "37.5 on OmniMMI Proactive Alerting": a name built like a
# benchmark's (inner capitals, or an acronym) right after a number's "on"; model and hardware names are not
_NUMBER_ON = r"\d(?:\s?%|\s+(?:percentage\s+)?points?|\s+pp)?(?:\s+[A-Z][A-Za-z0-9@-]*)?\s+on\s+(?:the\s+)?"  # "89.2 PDMS on"
_AFTER_NUMBER_NAME_RE = re.compile(
    _NUMBER_ON + r"((?:[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z]{2,}[a-z0-9]*)(?:-[A-Za-z0-9]+)*(?:\s[A-Z][a-z]+){0,2}"
    r"|[A-Z][a-z]+\s[vV]\d+(?:\.\d+)?)(?![\w/-])"  # "Navsim v1"
)
# "2% improvement on CTF-Code", "90.7% average success rate on RoboCasa": result words between the number and
# "on"; the name has 3+ characters, is not a metric's and is not the first word of a longer name
_RESULT_WORD = (r"(?:average|absolute|relative|overall|mean|performance|accuracy|success|pass|win|rate|score|"
                r"improvement|gain|boost)")
_RESULT_WORDS_ON = (r"\d(?:\s?\\?%|\s+(?:percentage\s+)?points?|\s+pp)?(?:\s+" + _RESULT_WORD + r"){1,3}"
                    r"\s+on\s+(?:the\s+)?")
_AFTER_RESULT_NAME_RE = re.compile(
    _RESULT_WORDS_ON + r"((?:[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z]{2,}[a-z0-9]*)(?:-[A-Za-z0-9]+)*)(?![\w/-]|\s[A-Z])"
)
# "On LoCoMo, F1 gains of 3.27%", "; on PERSONAMEM, total score improvements of 1.19%": a name built like a
# benchmark's opening a clause with "on"
_ON_NAME_LEAD_RE = re.compile(
    r"[Oo]n\s+(?:the\s+)?((?:[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z]{2,}[a-z0-9]*)(?:-[A-Za-z0-9]+)*(?:\s(?:19|20)\d\d)?)"
    r"(?:\s+(?:benchmark|dataset))?,"  # "On BraTS 2024, WFM achieves"
)


def _on_name_leads(text: str) -> list[re.Match]:
    """The :data:`_ON_NAME_LEAD_RE` matches that open a clause (after the start, ".;:," or "and"). Found from
    the literal "On "/" on " with a capital after it: a regex scan of every abstract costs 5x more."""
    out = []
    for lit, off in (("On ", 0), (" on ", 1)):
        i = text.find(lit)
        while i >= 0:
            j = i + len(lit)
            if text[j:j + 1].isupper() or (text.startswith("the ", j) and text[j + 4:j + 5].isupper()):
                head = text[:i + off].rstrip()
                m = _ON_NAME_LEAD_RE.match(text, i + off)
                if m is not None and (not head or head[-1] in ".;:," or head.endswith(" and")):
                    out.append(m)
            i = text.find(lit, j)
    return out


# "on the ISIC skin lesion dataset", "on the PRECISE 2025 breast ultrasound dataset": a name built like a
# benchmark's (an acronym or inner capitals, an optional year), then lower-case words naming what it holds, after
# "on/using/with/from the". The pattern starts at the literal "the" (which `re` skips to quickly; ~7x faster than
# starting at the preposition) and _described_datasets checks the preposition before it.
_DESCRIBED_DATASET_RE = re.compile(
    r"the\s+((?:[A-Z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Z]{3,}[a-z0-9]*)(?:-[A-Za-z0-9]+)*"
    r"(?:\s(?:19|20)\d\d)?)\s+(?:[a-z][a-z-]*\s+){1,3}(?:dataset|benchmark|corpus|challenge)\b"
)
_DESCRIBED_DATASET_PREP_RE = re.compile(r"\b(?:on|using|with|from)\Z")


def _described_datasets(text: str) -> list[re.Match]:
    """Matches of _DESCRIBED_DATASET_RE right after "on/using/with/from" and whitespace. (Skipping a match
    without one loses no other: inside a match, "the" is followed by a lower-case word, never a name.)"""
    out = []
    for m in _DESCRIBED_DATASET_RE.finditer(text):
        j = s = m.start()
        while j > 0 and text[j - 1].isspace():
            j -= 1
        if j < s and _DESCRIBED_DATASET_PREP_RE.search(text, max(0, j - 5), j):
            out.append(m)
    return out


# "VerilogEval v2", "Navsim v1": a version after a benchmark's name is part of it
_NAME_VERSION_AFTER_RE = re.compile(r"\s[vV]\d+(?:\.\d+)?(?!\w|\.\d)")
# "SWE-bench Verified", "HumanEval Plus": a variant's name after a benchmark's (a release number such as
# "Terminal-Bench 2.0" is left out: labellers of the blind sets disagree on it)
_BENCH_VARIANT_AFTER_RE = re.compile(r"\s(?:Verified|Lite|Pro|Plus|Hard|Live|Extended|Multimodal|Mini)(?![\w-])")
# "AIME 2025", "HMMT 2025": a yearly competition's year names which of its benchmarks it is
_YEARLY_COMPETITIONS = {"AIME", "HMMT", "AMC", "IMO", "CMO", "CNMO", "USAMO", "BRUMO", "OlymMATH"}
_YEAR_AFTER_RE = re.compile(
    r"\s(?:20\d\d|\d\d)(?![\w%]|\.\d|\s?%|\s*(?:,|/|&|and)\s*(?:20)?\d\d(?![\w%]|\.\d))"  # not "AIME 2024 and 2025"
)
# metric names (beside _METRIC_NAME_WORDS) that "2% improvement on <Name>" does not make a benchmark
_METRIC_NAMES_NOT_BENCH = {
    "AbsRel", "SqRel", "RMSE", "MAPE", "NDS", "ADE", "FDE", "CLIP", "GFLOPs", "TFLOPs", "FLOPs",
}
_MODEL_OR_DEVICE_PREFIXES = (
    "llama", "qwen", "gpt", "mistral", "mixtral", "gemma", "deepseek", "claude", "gemini", "vicuna", "falcon", "bloom",
    "internlm", "internvl", "llava", "phi", "opt", "glm", "chatglm", "baichuan", "yi-", "olmo", "bert", "roberta", "vit",
    "nvidia", "amd", "intel", "apple", "jetson", "snapdragon", "rtx", "gtx", "tpu", "gpu", "cpu", "npu", "a100", "h100",
    "h800", "a800", "v100", "l40", "mi300", "llm", "vlm", "mllm", "lvlm", "sdxl",
)


def _model_or_task(name: str) -> bool:
    """A model's or device's name ("Llama-3", "A100") or a task's ("VQA"): not a benchmark's."""
    return name.lower().startswith(_MODEL_OR_DEVICE_PREFIXES) or name in _GENERIC_TASK_NAMES


_NOT_BENCH = re.compile(
    r"^(?:The|This|Our|Their|Its|A|An|New|Novel|Large|Multiple|Several|Various|Standard|Public|Popular|Benchmark|"
    r"Extensive|Comprehensive|Existing|Real|These|Both|All|Each|Many|In|On|We|Code|Chinese|English|"
    r"LLM|LLMs|Evaluation|Experimental|Experiments|Empirical|Downstream|Other)$"
)

# Sentence boundaries are the match ends (`(?<=[.!?])\s+(?=[A-Z(\[])|(?<=;)\s+`); consuming the
# punctuation gives the same ends and lets `re` skip ahead to punctuation quickly.
_SENT_SPLIT_RE = re.compile(r"[.!?;](?:(?<=[.!?])\s+(?=[A-Z(\[])|(?<=;)\s+)")

# (pattern, metric name or None for the matched text, literals: for ASCII text at least one of them occurs
# in the lowercased text wherever the pattern matches, so the scan is skipped when none does).
_METRIC_WORDS = [
    (_ci(r"pass@\d+"), None, ("pass@",)),
    (_ci(r"\baccurac(?:y|ies)\b"), "accuracy", ("accurac",)),
    (_ci(r"\bperplexit(?:y|ies)\b|\bPPL\b"), "perplexity", ("perplexit", "ppl")),
    (re.compile(r"\bBLEU\b"), "BLEU", ("bleu",)),
    (re.compile(r"\bCodeBLEU\b"), "CodeBLEU", ("codebleu",)),
    (re.compile(r"\bROUGE(?:-[L12])?\b"), "ROUGE", ("rouge",)),
    (re.compile(r"\bF1\b"), "F1", ("f1",)),
    (_ci(r"\bWER\b|word error rate"), "WER", ("wer", "word error rate")),
    (_ci(r"\bwin[- ]rates?\b"), "win rate", ("win",)),
    (_ci(r"\bsuccess rates?\b"), "success rate", ("success rate",)),
    (_ci(r"\bexact match\b|\bEM\b"), "exact match", ("exact match", "em")),
    (re.compile(r"\bFID\b"), "FID", ("fid",)),
    (_ci(r"\bthroughput\b"), "throughput", ("throughput",)),
    (_ci(r"\blatenc(?:y|ies)\b"), "latency", ("latenc",)),
    (_ci(r"\bmemory\b"), "memory", ("memory",)),
    (re.compile(r"\bFLOPs\b"), "FLOPs", ("flops",)),
    (_ci(r"\bcompression(?: ratio| rate)?\b"), "compression ratio", ("compression",)),
    (_ci(r"\bspeed-?ups?\b|\bspeed up\b|\bfaster\b"), "speedup", ("speed", "faster")),
    (_ci(r"\bcosts?\b"), "cost", ("cost",)),
    (_ci(r"\bacceptance (?:rate|length)s?\b"), "acceptance rate", ("acceptance",)),
]


class _Guarded:
    """A compiled pattern plus literals of which one occurs (lowercased) in every match on ASCII text.

    `search` skips the regex scan when the text is ASCII (re.I then folds only ASCII case) and holds none
    of the literals; otherwise it is exactly `pattern.search`.
    """

    __slots__ = ("literals", "rx")

    def __init__(self, rx: re.Pattern, literals: tuple[str, ...]):
        self.rx, self.literals = rx, literals

    def search(self, s: str):
        if s.isascii():
            low = s.lower()
            for lit in self.literals:
                if lit in low:
                    break
            else:
                return None
        return self.rx.search(s)


# Cue words for deciding the kind of a %/x number (searched near the number).
_RED_AFTER = _ci(r"^\s*(?:[\w-]+\s+){0,2}?(?:fewer|less|lower|smaller|reduction|reductions|reduced|compression|cheaper|savings?|"
    r"decrease|cut|shorter|memory|cost|costs|storage|sparsity|of\s+(?:(?:the|its|their|our)\s+)?(?:parameters|compute|tokens|"
    r"training|pretraining|pre-training|original|model|weights|memory|cost|data|vocabulary|FLOPs))\b")
_SPEED_AFTER = _ci(r"^\s*(?:[\w-]+\s+){0,2}?(?:speed-?ups?|speed\s+up|faster|acceleration|accelerat\w*|throughput|speed|"
    r"tokens?/s|inference\s+speed|decoding\s+speed)\b")
_IMP_AFTER = _ci(r"^\s*(?:[\w-]+\s+){0,2}?(?:improvement|improvements|gain|gains|higher|better|boost|increase|increases|more|longer|"
    r"relative\s+improvement|absolute\s+improvement|uplift|lift|advantage)\b")
_OTHER_AFTER = _ci(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:loss|losses|drop|drops|degradation|degrade|penalty|penalties|gap|decline|worse)\b"
    r"|^[\s$]*(?:CL|C\.L\.|confidence)\b"
)
_IMP_BEFORE = _Guarded(
    _ci(r"\b(?:outperform\w*|improv\w*|surpass\w*|boost\w*|exceed\w*|beat\w*|gain\w*|increas\w*|enhanc\w*|rais\w*|"
        r"better|margin|lead\w*|ahead)\b[^;]{0,140}?\b(?:by|of)\s+(?:up\s+to\s+|over\s+|about\s+|around\s+|"
        r"approximately\s+|nearly\s+|at\s+least\s+|more\s+than\s+|an?\s+average\s+of\s+|~\s*)?[+]?$"
        r"|\b(?:gains?|improvements?|increases?|boosts?)\s+(?:of\s+)?(?:up\s+to\s+|about\s+|over\s+|approximately\s+)?[+]?$"
        r"|\b(?:gains?|improvements?)\b[^;()]{0,60}\(\s*(?:up\s+to\s+|about\s+|over\s+)?[+]?$"),
    (
        "outperform", "improv", "surpass", "boost", "exceed", "beat", "gain", "increas", "enhanc", "rais", "better",
        "margin", "lead", "ahead",
    ),
)
_RED_BEFORE = _Guarded(
    _ci(r"\b(?:reduc\w*|cut\w*|decreas\w*|lower\w*|sav\w*|compress\w*|shrink\w*|prun\w*|eliminat\w*|remov\w*|"
        r"shorten\w*|trim\w*|slash\w*)\b[^;]{0,40}?(?:\bby|\bto|\bof)?\s*(?:up\s+to\s+|over\s+|about\s+|around\s+|"
        r"approximately\s+|nearly\s+|at\s+least\s+|more\s+than\s+|only\s+|~\s*|sim)?[>]?$"
        r"|\b(?:using|uses|use|requiring|requires|only|just|with)\s+(?:only\s+|just\s+|less\s+than\s+|under\s+|"
        r"fewer\s+than\s+|about\s+|around\s+)?$"),
    (
        "reduc", "cut", "decreas", "lower", "sav", "compress", "shrink", "prun", "eliminat", "remov", "shorten", "trim",
        "slash", "us", "requir", "only", "just", "with",
    ),
)
_SPEED_BEFORE = _Guarded(
    _ci(r"\b(?:speed\w*\s+up|accelerat\w*|speed-?ups?\s+(?:ratio\s+)?(?:of|reach\w*|at|to))\b[^.;]{0,40}?(?:\bby\s+)?"
        r"(?:up\s+to\s+|over\s+|about\s+|around\s+|approximately\s+|~\s*)?$"),
    ("speed", "accelerat"),
)
_OTHER_BEFORE = _Guarded(
    _ci(r"\b(?:loss(?:es)?|drops?|degrad\w*|penalt\w*|gap|declin\w*|decrease\s+in\s+(?:accuracy|performance))\b[^;]{0,70}?"
        r"(?:\bby|\bof|\bto)?\s*(?:only\s+|less\s+than\s+|about\s+|under\s+)?$"),
    ("loss", "drop", "degrad", "penalt", "gap", "declin", "decrease"),
)
_X_REDUCTION = _ci(r"\b(?:compress\w*|reduc\w*|smaller|fewer|less|lower|cheaper|memory|cost|costs|storage|energy|saving|"
    r"savings|shrink\w*|footprint|size|parameters)\b")

_HAS_DIGIT = re.compile(r"\d")
_PLUS_BEFORE_RE = re.compile(r"(?:^|(?<=[\s(\[,;:]))\+ ?$")


def _plus_sign(text: str, pos: int) -> bool:
    """A "+" sign before the number at ``pos``: "+4.2%", "+ 6%" (not "3 + 4")."""
    return _PLUS_BEFORE_RE.search(text, max(0, pos - 3), pos) is not None


class _Guards:
    """Necessary conditions for some whole-abstract scans, computed for many abstracts at once in Polars.

    Each flag is False only when the scan it guards cannot match (a literal every match holds is absent), so
    skipping the scan changes nothing: `year` ("19"/"20"), `date_or_section` (a month/section guard literal),
    `lexicon` (the first word of a lexicon benchmark name as a word), `bench_suffix` (a benchmark-name suffix),
    `links` (what a URL, domain or "et al." citation needs), `on_name` (a number, " on " and a capital),
    `result_on` (a number, result words, " on " and a capital), `listed_on` (listed numbers, then " on ").
    """

    __slots__ = ("bench_suffix", "date_or_section", "lexicon", "links", "listed_on", "on_name", "result_on", "year")

    def __init__(self, year: bool, date_or_section: bool, lexicon: bool, bench_suffix: bool = True, links: bool = True,
                 on_name: bool = True, result_on: bool = True, listed_on: bool = True):
        self.year, self.date_or_section, self.lexicon = year, date_or_section, lexicon
        self.bench_suffix, self.links, self.on_name, self.result_on = bench_suffix, links, on_name, result_on
        self.listed_on = listed_on


def _parse_number(s: str) -> float:
    return float(s.replace("{,}", "").replace(",", ""))


def _in_zones(zones: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    k = bisect_right(starts, pos) - 1
    return k >= 0 and zones[k][0] <= pos < zones[k][1]


def _skip_zones(text: str, guards: _Guards | None = None) -> tuple[list[tuple[int, int]], list[int]]:
    """Spans of URLs, citations, arXiv ids, dates and section references (numbers inside are not mentions).

    Each zone regex is only run when a cheap necessary condition holds (a literal it needs, a year-like
    number); zones are only used as a union, so skipping scans that cannot match changes nothing.
    `guards` (computed for many abstracts at once by `extract_metrics`) holds such conditions.
    """
    zones = []
    if guards is None or guards.links:
        if "http" in text or "www." in text:
            zones.extend(m.span() for m in _URL_RE.finditer(text))
        tld = _TLD_RE.search(text)
        if tld is not None:
            # a domain match lies in a [\w.-]+ run holding ".com" etc.: start scanning at the first such run
            pos = tld.start()
            while pos > 0 and _SEGMENT_CHAR.match(text, pos - 1):
                pos -= 1
            zones.extend(m.span() for m in _DOMAIN_RE.finditer(text, pos))
        if _ETAL_GUARD.search(text):
            zones.extend(m.span() for m in _ETAL_RE.finditer(text))
    if "[" in text:
        zones.extend(m.span() for m in _BRACKET_YEAR_RE.finditer(text))
    if "rxiv" in text or "rXiv" in text or "RXIV" in text:
        zones.extend(m.span() for m in _ARXIV_ID_RE.finditer(text))
    # every year match holds "19" or "20"; every date/section match holds one of the guard literals
    if guards is None:
        year_possible = True
        found = set(_DATE_OR_SECTION_GUARD.findall(text))
    else:
        year_possible = guards.year
        found = set(_DATE_OR_SECTION_GUARD.findall(text)) if guards.date_or_section else set()
    has_year = year_possible and _YEAR_RE.search(text) is not None
    if has_year and "(" in text:
        zones.extend(m.span() for m in _PAREN_YEAR_RE.finditer(text))
    if "~" in text:
        zones.extend(m.span() for m in _TILDE_REF_RE.finditer(text))
    if has_year and not found.isdisjoint(_MONTHS):
        zones.extend(m.span() for m in _DATE_RE.finditer(text))
    if not found.isdisjoint(_SECTION_WORDS):
        zones.extend(m.span() for m in _SECTION_RE.finditer(text))
    zones.sort()
    merged: list[tuple[int, int]] = []
    for s, e in zones:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged, [z[0] for z in merged]


_RX_QUALIFIER_2 = _ci(r"\s*(?:\(?on\s+average\)?|in\s+average|averaged)\b")
_RX_QUALIFIER_3 = _ci(r"\(on average\)\s*$|\bon average,?\s+(?:\w+\s+){0,4}$")


def _qualifier(text: str, start: int, end: int) -> str | None:
    before = text[max(0, start - 30):start]
    # For ASCII text (re.I then folds only ASCII case) skip patterns whose literals are all absent.
    low = before.lower() if before.isascii() else None
    for rx, q, literals in _QUAL_PATTERNS:
        if low is not None:
            for lit in literals:
                if lit in low:
                    break
            else:
                continue
        if rx.search(before):
            return q
    after = text[end:end + 20]
    if after[:1] == "+":
        return "over"
    if (not after.isascii() or "average" in after.lower()) and _RX_QUALIFIER_2.match(after):
        return "average"
    before = text[max(0, start - 60):start]
    if (not before.isascii() or "on average" in before.lower()) and _RX_QUALIFIER_3.search(before):
        return "average"
    return None


_RX_METRIC_1 = _ci(r"compress")


_OWN_METRIC_AFTER = 20  # chars from the number's start: "4.7x higher decoding throughput"
_METRIC_CLAUSE_GAP_RE = re.compile(r",|\s(?:and|while|whereas|but)\s")


def _metric(text: str, start: int, end: int, unit: str, kind: str) -> str | None:
    if kind in ("model_size", "data_size", "context_length", "count"):
        return None
    window = text[max(0, start - 40):min(len(text), end + 45)]
    rel = start - max(0, start - 40)
    best = None
    best_d = 10**9
    after, after_d, before_end = None, 10**9, None
    # For ASCII text (re.I then folds only ASCII case) skip patterns whose literals are all absent.
    low = window.lower() if window.isascii() else None
    for rx, name, literals in _METRIC_WORDS:
        if low is not None:
            for lit in literals:
                if lit in low:
                    break
            else:
                continue
        for m in rx.finditer(window):
            d = m.start() - rel if m.start() >= rel else (rel - m.end()) + 5
            if d < best_d:
                best_d, best = d, (name or m.group(0).lower())
                before_end = m.end() if m.start() < rel else None
            if m.start() >= rel and d < after_d:
                after_d, after = d, (name or m.group(0).lower())
    # "47% lower latency and 4.7x higher throughput": a metric named right after the number beats
    # one that closes the previous clause
    if before_end is not None and after is not None and after_d <= _OWN_METRIC_AFTER \
            and _METRIC_CLAUSE_GAP_RE.search(window[before_end:rel]):
        best = after
    if best is None and kind == "speedup" and unit == "x":
        return "speedup"
    if best is None and unit == "x" and kind == "reduction":
        return "compression ratio" if _RX_METRIC_1.search(window) else None
    return best


class _Cand:
    """A number found in the abstract, being resolved into a mention."""

    __slots__ = (
        "bare",
        "benchmark",
        "end",
        "kind",
        "merged",
        "metric",
        "compound_noun",
        "name_key",
        "note",
        "num_end",
        "num_start",
        "qualifier",
        "range_partner",
        "range_start",
        "scale_only",
        "setup",
        "start",
        "unit",
        "value",
    )

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
        self.range_start = None
        self.compound_noun = None
        self.setup = False  # a setup quantity (resolution, scientific-notation value): never tied to a benchmark


_RX_CLASSIFY_PCT_X_1 = _ci(r"^[\s\w-]{0,25}?\b(?:speed-?ups?|faster|acceleration|throughput|speed)\b")
_RX_CLASSIFY_PCT_X_2 = _ci(r"^[\s\w-]{0,12}?\b(?:lower|less|fewer|smaller|cheaper|reduction)\b")
_RX_CLASSIFY_PCT_X_3 = _Guarded(
    _ci(r"\b(?:compress\w*|reduc\w*|sav\w*|shrink\w*|cut\w*|lower\w*)\b[^.;]{0,30}$"),
    ("compress", "reduc", "sav", "shrink", "cut", "lower"),
)
_RX_CLASSIFY_PCT_X_4 = _ci(r"\bcompression\b")
_RX_CLASSIFY_PCT_X_5 = _ci(r"speed|faster|throughput")
_RX_CLASSIFY_PCT_X_6 = _Guarded(
    _ci(
        r"\b(?:score|accuracy|rate|BLEU|F1|ROUGE\S*|reward|precision|recall)\s+(?:of\s+)?(?:up\s+to\s+|about\s+|over\s+|only\s+)?$"
        r"|\bperformance\s+of\s+(?:up\s+to\s+|about\s+|over\s+|only\s+)?$"
    ),
    ("score", "accuracy", "rate", "bleu", "f1", "rouge", "reward", "precision", "recall", "performance"),
)
_RX_CLASSIFY_PCT_X_7 = _ci(r"^[\s\w-]{0,12}?\b(?:lower|less|fewer)\b")
_RX_CLASSIFY_PCT_X_8 = _ci(r"^\s*(?:of\s+(?:the\s+)?cases)")
_CLAUSE_JOIN_RE = re.compile(r"\s(?:and|while|whereas|but|or)\s")
_RX_CLASSIFY_PCT_X_9 = _ci(
    r"^[\s\w-]{0,25}?\b(?:lower|less)\s+(?:[\w-]+\s+)?(?:error|hallucination|perplexity|WER|loss)"
    # "a 27% relative reduction in WER", "a 12% decrease of the hallucination rate": fewer errors are a gain
    r"|^[\s\w-]{0,25}?\b(?:reductions?|decreases?|drops?|declines?)\s+(?:in|of)\s+(?:the\s+)?(?:[\w-]+\s+)?"
    r"(?:errors?|hallucinations?|perplexity|WER|CER|toxicity|bias|violations?|failures?|mistakes?|attack\s+success|"
    r"(?:cross-entropy|training|validation|test)\s+loss)"
    # "37.7% ASR reduction", "a 12% WER drop": the error-like metric named before the decrease
    r"|^\s*(?:relative\s+)?(?:WER|CER|ASR|error(?:\s+rate)?|hallucination(?:\s+rate)?|attack\s+success\s+rate)"
    r"\s+(?:reductions?|decreases?|drops?|declines?)\b"
)
# "a reduction of up to 30% relative on Salient Term Error Rate": the error-like metric named after the number
_ERROR_METRIC_AFTER_RE = _ci(
    r"^\s*(?:relative\s+)?(?:on|in|of)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:errors?|error\s+rates?|WER|CER|hallucinations?|perplexity)\b"
)
_RX_CLASSIFY_PCT_X_10 = _ci(
    r"\b(?:error|hallucination|bias|toxicity|violation|attack\s+success|jailbreak|failure|mistake|leakage|forgetting|"
    r"perplexity|PPL|WER|CER|FID|RMSE|MAE|MSE|EER|collisions?|miss\s+rate)"
)
# a number with its unit ("40%", "2.3x", "1.5 points"): a cue before it belongs to that number, not to a later one
_UNIT_NUMBER_RE = re.compile(r"\d(?:\s?(?:\\?%|[x×](?![\w-])|times\b|-?fold\b|pp\b|points?\b))")
# "with 73.5% accuracy": a metric noun right after the percentage makes it a result, not a share used
_METRIC_NOUN_AFTER_RE = _ci(
    r"^\s*(?:[\w-]+\s+)?(?:accuracy|success\s+rates?|win\s+rates?|pass@\d+|F1|exact\s+match|BLEU|ROUGE\S*|precision|recall)\b"
)
# "2x higher accuracy", "3x better success rate"
_X_QUALITY_GAIN_AFTER_RE = _ci(
    r"^\s*(?:higher|better|greater)\s+(?:[\w-]+\s+){0,2}?(?:accuracy|success\s+rates?|win\s+rates?|pass@\d+|F1|"
    r"exact\s+match|BLEU|ROUGE\S*|precision|recall|reward)\b"
)
_WEAK_RED_BEFORE_RE = _ci(r"\b(?:using|uses|use|requiring|requires|only|just|with)\s+(?:only\s+|just\s+)?$")
# "a 7000x slowdown", "750 times the computational cost": an increase of a cost, not a speed-up or a saving
_X_OTHER_AFTER_RE = _ci(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:slow-?downs?|slower|overheads?|more\s+expensive|costlier|more\s+costly)\b"
    r"|^\s*(?:the|as\s+much)\s+(?:[\w-]+\s+){0,2}?(?:cost|costs|compute|computation|memory|latency|energy)\b"
)
# resources whose efficiency is less of them per result
_RESOURCE_WORD = r"(?:compute|computational|memory|parameters?|data|samples?|energy|cost|flops?|storage|tokens?|training)"
_X_LESS_RESOURCE_AFTER_RE = _ci(
    r"^\s*more\s+(?:compute|computationally|memory|parameter|data|sample|energy|cost|flops?)[\s-]+efficient"
    # "6.2× sample efficiency", "100× parameter efficiency", "a 1.52x efficiency gain"
    r"|^\s*(?:better\s+|higher\s+|greater\s+)?(?:" + _RESOURCE_WORD + r"[\s-]+)?efficiency\b"
)
_PCT_RESOURCE_EFFICIENCY_AFTER_RE = _ci(
    r"^\s*(?:better|higher|greater|improved|more)\s+" + _RESOURCE_WORD + r"[\s-]+efficien(?:cy|t)\b"
)
_X_REDUCTION_BEFORE_RE = _Guarded(
    _ci(r"\b(?:compress\w*|shrink\w*)\b[^.;]{0,60}?\bby\s+(?:a\s+)?(?:factor\s+of\s+)?(?:up\s+to\s+|about\s+|over\s+)?$"
        # "reduces latency and networking overhead, respectively, by up to 5x": no gain named in between
        r"|\b(?:reduc|cut|lower|decreas)\w*\b"
        r"(?:(?!improv|increas|boost|accelerat|speed|faster|higher|gain)[^.;]){0,80}?"
        r"\bby\s+(?:a\s+)?(?:factor\s+of\s+)?(?:up\s+to\s+|about\s+|over\s+|nearly\s+|approximately\s+|roughly\s+)?$"),
    ("compress", "shrink", "reduc", "cut", "lower", "decreas"),
)
# "by up to 5x and 2.5x": a multiplier listed after another takes the cue before the first
_X_LIST_BEFORE_RE = re.compile(r"\d(?:\.\d+)?\s?[x×]\s*(?:,\s*(?:and\s+)?|and\s+|or\s+)$")


# "N% of [the] [adj] <plural noun>"; nouns that make the share a resource saving or a success rate are excluded
_SHARE_OF_RE = _ci(
    r"^\s*of\s+(?:(?:the|these|those|all|our|its|their|such)\s+)?(?:[A-Za-z][\w-]*\s+){0,2}?([a-z][a-z-]{2,}[^s\W]s)\b"
)
_SHARE_RESOURCES = {
    # resources (kind reduction)
    "parameters", "params", "weights", "tokens", "flops", "layers", "heads", "experts", "activations", "channels",
    "computations", "operations", "resources", "costs", "gpus", "hours", "steps", "bits", "bytes",
}
_SHARE_OUTCOMES = {
    # outcomes over evaluated items (kind score)
    "cases", "instances", "examples", "samples", "problems", "questions", "tasks", "queries", "trials", "tests",
    "prompts", "benchmarks", "datasets", "settings", "languages", "evaluations", "games", "episodes", "runs",
    "matches", "pairs", "comparisons", "scenarios", "responses", "answers", "outputs", "generations", "predictions",
}
_SHARE_NOT_POPULATION = _SHARE_RESOURCES | _SHARE_OUTCOMES
# "passes on only 15% of questions": a success share, unless the items are a resource used ("using only 10% of the
# examples", "trained on 5% of the samples")
_SHARE_USE_BEFORE_RE = _ci(
    r"\b(?:us\w*|requir\w*|need\w*|train\w*|fine-?tun\w*|annotat\w*|label\w*|sampl\w*|select\w*|with|keep\w*|"
    r"retain\w*|access\w*)\b[^.;]{0,25}$"
)
# "from 83.2% to 96.0%": both ends are absolute results
_FROM_PCT_BEFORE_RE = _ci(r"\bfrom\s+$")
_TO_PCT_AFTER_RE = re.compile(r"\s+to\s+[+]?\d[\d.,]*\s?\\?%")
_FROM_TO_PCT_BEFORE_RE = _ci(r"\bfrom\s+[+]?\d[\d.,]*\s?\\?%\s+to\s+$")
_STRONG_REDUCTION_BEFORE = _ci(
    r"\b(?:reduc|cut|decreas|lower|sav|compress|shrink|prun|eliminat|remov|shorten|trim|drop|discard|skip|evict|"
    r"sparsif|quantiz)\w*\b[^.;]{0,40}$"
)


_PCT_LIST_AFTER_RE = re.compile(r"(?:\s*(?:,\s*(?:and\s+)?|and\s+|or\s+|/)[+]?\d+(?:\.\d+)?\s?\\?%)+")
# the spread of an estimate, not a result: "an uncertainty of 19%", "fluctuations within 2%-4%"
_SPREAD_BEFORE_RE = _ci(r"\b(?:uncertaint(?:y|ies)|fluctuations?|scatter|dispersion|standard\s+deviations?|error\s+bars?)"
                        r"\s+(?:(?:of|within|around|about|at|is|are|was|were|below|under|only|roughly|approximately)\s+){0,3}$")
_ACHIEVES_ONLY_BEFORE_RE = _ci(r"\b(?:achiev|reach|scor|attain|obtain)\w*\s+(?:only|just|merely)\s+$")
_PLUS_MINUS_BEFORE_RE = re.compile(r"(?:\+/-|±|\\pm)\s*$")
_SURPASS_BY_BEFORE_RE = _ci(
    r"\b(?:surpass\w*|outperform\w*|exceed\w*|beat(?:s|ing)?)\s+(?:[\w.-]+\s+){0,4}?by\s+"
    r"(?:up\s+to\s+|about\s+|over\s+|nearly\s+|around\s+|roughly\s+)?$"
)
_RESULT_VERB_RE = _ci(r"\b(?:achiev|reach|attain|obtain|scor|yield)\w*\b")
_SPEED_GAIN_BY_BEFORE_RE = _ci(
    r"\b(?:improv|increas|boost|rais|enhanc)\w*\s+(?:(?:the|its|their|our)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:throughput|speed|speed-?ups?|tokens?\s+per\s+second|tokens?/s)\b"
    r"(?:(?!\b(?:while|and|but|whereas|reduc\w*|lower\w*|cut\w*|decreas\w*)\b)[^.;%\d]){0,40}?\bby\s+"
    r"(?:up\s+to\s+|about\s+|over\s+|nearly\s+|approximately\s+|roughly\s+|~\s*)?$"
)
_IMP_BY_METRIC_RE = _ci(r"\bby\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}?of\s+(?:up\s+to\s+|about\s+|over\s+)?$")
_RETAIN_BEFORE_RE = _ci(
    r"\b(?:maintain|retain|preserv|recover|achiev)\w*\s+(?:at\s+least\s+|over\s+|about\s+|up\s+to\s+|nearly\s+|roughly\s+|"
    r"approximately\s+|only\s+|more\s+than\s+)?$"
)
_RESOURCE_AFTER_RE = _ci(
    r"^\s*(?:of\s+)?(?:(?:the|its|their|our)\s+)?(?:\w+\s+)?(?:parameters|params|compute|tokens|FLOPs|memory|KV|cache|weights|"
    r"sparsity|size)\b"
)
_OF_AFTER_RE = re.compile(r"\s*of\b")
_RECALL_VERB_BEFORE_RE = _ci(r"\b(?:detect|identif|solv|answer|pass|correct|recogni|classif|catch|flag)\w*\b[^.;]{0,25}$")


def _own_clause(after: str) -> str:
    """The text after a number up to the next clause ("by 40-60% and increases throughput": a cue
    after the conjunction is the next clause's)."""
    cm = _CLAUSE_JOIN_RE.search(after)
    return after if cm is None else after[:cm.start()]


def _classify_pct_x(text: str, c: _Cand, sent_start: int) -> str:
    first = c.num_start if c.range_start is None else c.range_start  # "by a factor of 2-4x", "by 5-10%"
    before = text[max(sent_start, first - 150):first]
    # strip a qualifier right before the number so "by up to" / "reduces ... by >" still match
    after = text[c.end:c.end + 50]
    if c.unit == "x":
        after = _own_clause(after)
        lm = _X_LIST_BEFORE_RE.search(before)
        if lm is not None:
            before = before[:lm.start()].rstrip("0123456789.")
        if _X_OTHER_AFTER_RE.match(after) and not _RX_CLASSIFY_PCT_X_2.match(after):
            return "other"  # "a 7000x slowdown"; but "30x cheaper overhead" is a saving
        if _X_QUALITY_GAIN_AFTER_RE.match(after):
            return "improvement"  # "up to 1.5x higher accuracy": a gain in quality, not in speed
        rm = _X_REDUCTION_BEFORE_RE.search(before)
        if rm is not None:  # "compress the model family by a factor of 2-4x"
            # "reducing false positive rates by up to 40x": fewer errors are a gain
            last = max((m.end() for m in _UNIT_NUMBER_RE.finditer(before, rm.start())), default=rm.start())
            return "improvement" if _RX_CLASSIFY_PCT_X_10.search(before, last) else "reduction"
        if _X_LESS_RESOURCE_AFTER_RE.match(after):
            return "reduction"  # "10× more compute-efficient": less compute for the same work
        if _RX_CLASSIFY_PCT_X_1.match(after):
            if not _RX_CLASSIFY_PCT_X_2.match(after):
                return "speedup"
        win = text[max(sent_start, c.num_start - 40):c.end + 40]
        if _RX_CLASSIFY_PCT_X_9.match(after):
            return "improvement"  # "a 100 times reduction in perplexity": fewer errors are a gain
        if _X_REDUCTION.search(after[:40]) or _RX_CLASSIFY_PCT_X_3.search(before):
            return "reduction"
        if _RX_CLASSIFY_PCT_X_4.search(win) and not _RX_CLASSIFY_PCT_X_5.search(after[:30]):
            return "reduction"
        return "speedup"
    # percentages
    if _plus_sign(text, c.num_start):
        return "improvement"  # "+4.2%"
    lm = _PCT_LIST_AFTER_RE.match(after)
    if lm is not None:  # "7.8% and 2.0% improvements": a listed number shares the cue after the list
        after = text[c.end + lm.end():c.end + lm.end() + 50]
    after = _own_clause(after)
    if _SPREAD_BEFORE_RE.search(text, max(sent_start, first - 60), first) or _PLUS_MINUS_BEFORE_RE.search(
            text, max(0, first - 4), first):
        return "other"  # "+20% (+/-3%)": the spread of an estimate
    if _ACHIEVES_ONLY_BEFORE_RE.search(before[-40:]):
        return "score"  # "the best model achieves only 57.2%": a low score, not a reduction
    if "by" in before[-24:] and _SPEED_GAIN_BY_BEFORE_RE.search(before):
        return "speedup"  # "improves decoding throughput by 20%": a speed gain written in %
    if "by" in before[-24:] and _SURPASS_BY_BEFORE_RE.search(before):
        return "improvement"  # "..., surpassing SpinQuant by 7.5%": the nearest cue, not an earlier "drop"
    if _IMP_BY_METRIC_RE.search(before):
        return "improvement"  # "surpasses existing methods by an average accuracy of 0.77%"
    if _FROM_TO_PCT_BEFORE_RE.search(before) or (
        _FROM_PCT_BEFORE_RE.search(before) and _TO_PCT_AFTER_RE.match(text, c.end)
    ):
        return "score"  # "improves accuracy from 83.2% to 96.0%"
    if _RETAIN_BEFORE_RE.search(before) and _OF_AFTER_RE.match(after) and not _RESOURCE_AFTER_RE.match(after):
        return "score"  # "maintaining at least 88.8% of original preferences"
    if _RX_CLASSIFY_PCT_X_6.search(before):
        return "score"
    if _SPEED_AFTER.match(after) and not _RX_CLASSIFY_PCT_X_7.match(after):
        return "speedup"
    if _OTHER_AFTER.match(after) and not _IMP_AFTER.match(after[:12]):
        return "other"
    if _RED_AFTER.match(after) and not _RX_CLASSIFY_PCT_X_8.match(after):
        if _RX_CLASSIFY_PCT_X_9.match(after):
            return "improvement"
        return "reduction"
    if _PCT_RESOURCE_EFFICIENCY_AFTER_RE.match(after):
        return "reduction"  # "47% better parameter efficiency", as "6.2× sample efficiency"
    if _IMP_AFTER.match(after):
        return "improvement"
    sm = _SHARE_OF_RE.match(after)
    if (
        sm is not None
        and sm.group(1).lower() in _SHARE_OUTCOMES
        and not _STRONG_REDUCTION_BEFORE.search(before)
        and not _SHARE_USE_BEFORE_RE.search(before[-40:])
        and not _IMP_BEFORE.search(before)
    ):
        return "score"  # "passes validation on only 15% of questions"
    if (
        sm is not None
        and sm.group(1).lower() not in _SHARE_NOT_POPULATION
        and sm.group(1).lower() not in _NOT_PLURAL
        and not _STRONG_REDUCTION_BEFORE.search(before)
        and not _RECALL_VERB_BEFORE_RE.search(before[-40:])
    ):
        return "other"
    # a cue before the number counts only within its own clause: "memory is reduced by 2.3x while accuracy
    # increases by 1.2%" -> the cues after the last number with a unit are tried first
    last = None
    for last in _UNIT_NUMBER_RE.finditer(before):
        pass
    if last is not None:
        kind = _before_cue_kind(before[last.end():], after)
        if kind is not None:
            return kind
    if last is None or not _RESULT_VERB_RE.search(before, last.end()):
        # "reduces redundancy to below 1% and achieves about 98% agreement": a result verb after the last
        # number starts a new claim, so an earlier cue is not this number's
        kind = _before_cue_kind(before, after)
        if kind is not None:
            return kind
    return "improvement" if text[c.start:c.start + 1] == "+" else "score"


def _before_cue_kind(before: str, after: str) -> str | None:
    """Kind given by a cue word before a percentage (None when there is none)."""
    if _SPEED_BEFORE.search(before):
        return "speedup"
    om = _OTHER_BEFORE.search(before)
    if om is not None:
        if _RX_CLASSIFY_PCT_X_10.search(before, max(0, om.start() - 40), om.start() + 1):
            return "improvement"  # "the hallucination rate drops by 12%": fewer errors are a gain
        return "other"
    if _RED_BEFORE.search(before):
        if _RX_CLASSIFY_PCT_X_10.search(before[-60:]) or _ERROR_METRIC_AFTER_RE.match(after):
            return "improvement"
        if _WEAK_RED_BEFORE_RE.search(before[-30:]) and _METRIC_NOUN_AFTER_RE.match(after):
            return "score"  # "with 73.5% accuracy"
        return "reduction"
    if _IMP_BEFORE.search(before):
        return "improvement"
    return None


_RX_CANDIDATES_1 = re.compile(r"[\s-]?(?:seconds?|secs?|s)\b")
_RX_CANDIDATES_2 = re.compile(r"\s")
# datasets named after their size: "LAION-5B", "JFT-300M", "SA-1B", "DataComp-1B", "WebVid-10M"
_SIZED_DATASET_BEFORE_RE = re.compile(r"\b(?:LAION|JFT|SA|DataComp|WebVid|COYO|WebLI|RedPajama|SlimPajama|InternVid|Panda|"
                                      r"Wukong|MINT|Infinity-MM|FineWeb)-$")
_VIDEO_LINES = {"144", "240", "360", "480", "540", "576", "720", "1080", "1440", "2160", "4320"}
_PANORAMIC_AFTER_RE = _ci(r"\s*(?:panoram\w*|videos?|images?|imagery|cameras?|views?|scenes?|content|photos?|vision|inputs?|interpolation|"
                         r"spherical|omnidirectional|environments?|worlds?|perception|generation|depth)\b")
_GLUED_SECONDS_BEFORE_RE = _ci(r"\b(?:latency|latencies|runtime|run\s+time|wall-?clock|duration|delay|takes?|took|"
                               r"seconds?|per\s+(?:sample|image|step|query|video))\b(?:[^.;]|\.\d)*$")
# "N times" counting occurrences rather than multiplying ("returned nothing 14 times, a wrong page 24 times")
_MULTIPLIER_BEFORE_RE = _ci(r"speed|faster|ratio|factor|compress|reduc|fewer|less|more|larger|smaller|higher|lower|up\s+to|by\s+$")
_OCCURRENCES_AFTER_RE = re.compile(r"\s*(?:[,.;:)]|and\b|or\b|per\b|in\s+(?:a|the|each|total)\b|$)")
# "a 10.33 times and 2.72 times speedup": the list's last item says whether they count or multiply
_TIMES_LIST_AFTER_RE = re.compile(r"(?:\s*(?:,\s*(?:and\s+)?|and\s+|or\s+)\d[\d.,]*\s+times\b)+")
_SCI_TIMES_TAIL_RE = re.compile(r"\s*10\s*\^\s*(?:\{\s*([-−]?\d{1,3})\s*\}|([-−]?\d{1,3}))")
_SCI_POWER_RE = re.compile(r"\^\s*(?:\{\s*([-−]?\d{1,3})\s*\}|([-−]?\d{1,3}))")
_RESOLUTION_TAIL_RE = re.compile(r"[x×](\d{2,5})(?![\w.])")
_RES_TIMES_TAIL_RE = re.compile(r"\s?(\d{2,5})(?![\w^%]|\.\d)")
_RES_CONTEXT_RE = _ci(r"resolution|pixel|\bpx\b|image|frame|video|patch|grid")
_COUNT_COMPOUND_RE = re.compile(r"-([a-z]{3,})\s+[a-z]")
_SCALE_COMPOUND_RE = re.compile(r"-([a-z]{3,})(?![\w-])")  # "1.6M-example"
_COMPOUND_ARTICLE_BEFORE_RE = re.compile(r"(?<![\w-])(?:an?|A|An|the|The)\s(?:[a-z]{3,}\s)?$")  # "a novel 3-phase", "the 8-benchmark"
_COMPOUND_NOT_COUNT = {"shot", "hour", "minute", "second", "day", "time", "way", "stage", "phase", "level"}
# any other compound is a count too ("our 2-step student", "149-team registrations", "56-layer models") unless its
# word is read by other rules (multiples, bits, scale words), names a method ("2-model speculative decoding") or
# is no count at all ("1-best hypothesis", "LLaMA 2-based")
_LOOSE_COMPOUND_NOT_COUNT = _COMPOUND_NOT_COUNT | {
    "times", "fold", "bit", "bits", "model", "billion", "million", "thousand", "trillion", "percent", "best", "based",
    "like", "wise", "style", "specific", "only", "free", "aware", "symbol", "complex", "manifold",
}
# "a 10-point gain" is a score difference; "a 5-point grading rubric" counts a scale's steps
_POINT_CHANGE_AFTER_RE = re.compile(r"\s+(?:[a-z]+\s+){0,2}?(?:improvements?|gains?|increases?|boosts?|drops?|decreases?|margin)\b")
# compounds that measure rather than count: "a 10-meter resolution", "a 32-dimensional descriptor"
_COMPOUND_MEASURES = {"dimensional", "degree", "meter", "fps", "byte", "bytes"}


def _compound_count(text: str, s: int, value: float, word: str) -> bool:
    """Whether ``<number>-<word>`` starting at ``s`` is a mention (see :data:`_LOOSE_COMPOUND_NOT_COUNT`)."""
    known = word + "s" in COUNT_NOUNS or word + "s" in EXAMPLE_NOUNS
    if known and word not in _COMPOUND_NOT_COUNT and _COMPOUND_ARTICLE_BEFORE_RE.search(text, max(0, s - 20), s):
        return True  # "a 900-prompt benchmark", "a 37-model lineup"
    if word == "dimensional":
        return value > 4  # "3-dimensional geometry" is "3D", a name; "a 384-dimensional embedding" is a size
    # adjectives are not nouns counted ("2-simplicial attention"), unless known ("a 3-trial study")
    return word not in _LOOSE_COMPOUND_NOT_COUNT and (known or word in _COMPOUND_MEASURES or not word.endswith("al"))


_PCT_SLASH_BEFORE_RE = re.compile(r"\d\s?%/$")
_PCT_SLASH_AFTER_RE = re.compile(r"\s?%")
_SIZE_SLASH_BEFORE_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[BM]/$|[\w.-]\d+(?:\.\d+)?[BM]/$")
_SIZE_SLASH_AFTER_RE = re.compile(r"[BM](?![\w]|\.\w|/[A-Za-z])")


def _add_resolution(out: list, s: int, e: int, value: float, rm: re.Match) -> None:
    """A resolution "<value>x<rm.group(1)>": one mention when square, else one per side."""
    v2 = _parse_number(rm.group(1))
    if v2 == value:
        out.append(_Cand(s, rm.end(), value, "res", None, s, e))
    else:
        out.append(_Cand(s, e, value, "res", None, s, e))
        out.append(_Cand(rm.start(1), rm.end(), v2, "res", None, rm.start(1), rm.end()))


def _candidates(text: str, guards: _Guards | None = None) -> list[_Cand]:
    zones, zstarts = _skip_zones(text, guards)
    out: list[_Cand] = []
    n = len(text)
    skip_until = 0
    for m in (_NUM_RE_ASCII if text.isascii() else _NUM_RE).finditer(text):
        s, e = m.span()
        if zones and _in_zones(zones, zstarts, s):
            continue
        if s < skip_until:  # inside a scientific-notation mention already taken
            continue
        raw = m.group(0)
        p = text[s - 1] if s > 0 else " "
        p2 = text[s - 2] if s > 1 else " "
        prefix_sim = False
        glued_size = False
        if p.isalpha():
            if text[max(0, s - 3):s] == "sim" and (s < 4 or not text[s - 4].isalpha() or text[s - 4] == "\\"):
                prefix_sim = True
            elif (
                text[m.end():m.end() + 1] == "B"
                and (m.end() + 1 >= len(text) or not text[m.end() + 1].isalnum())
                and not (p in "xX" and p2.isdigit())
            ):
                glued_size = True  # a model size glued to its name ("TinyLlama1.1B"), not "Mixtral8x7B"
            else:
                continue
        if p == "/" and _SIZE_SLASH_BEFORE_RE.search(text, max(0, s - 10), s) and _SIZE_SLASH_AFTER_RE.match(text, m.end()):
            glued_size = True  # model sizes listed with slashes: "Qwen2.5-1.5B/7B/32B"
        elif p == "/" and _PCT_SLASH_BEFORE_RE.search(text, max(0, s - 12), s) and _PCT_SLASH_AFTER_RE.match(text, m.end()):
            pass  # percentages listed with slashes: "a 2.7%/4.3% accuracy boost"
        elif p == "=" and _VAR_ASSIGN_BEFORE_RE.search(text, max(0, s - 12), s):
            pass  # a parameter setting glued to its variable: "R=2", "p=4"
        elif p in "_/@#=^&|" or p.isdigit():
            continue
        if p == "." and p2.isalnum():
            continue
        name_attached = glued_size
        range_partner = False
        if p == "-" and p2.isalnum():
            if p2.isdigit() or p2 in "%xX" or (p2 in "kKMBbT" and s > 2 and text[s - 3].isdigit()):
                range_partner = True
            else:
                name_attached = True
        if p in "-–" and s > 2 and text[s - 2] == " " and s > 3 and text[s - 3] in "0123456789%xXBMKkb":
            range_partner = True
        value = _parse_number(raw)
        negative = (
            p in "-−"
            and not range_partner
            and not name_attached
            and (p2 in "({[=$" or (p2 == " " and s > 2 and text[s - 3] in "~=<>(:"))
        )
        nxt = text[e] if e < n else " "
        # version-like "3.1.2" or number glued to a dot-number
        if nxt == "." and e + 1 < n and text[e + 1].isdigit():
            continue
        um = _UNIT_RE.match(text, e)
        unit = None
        end = e
        scale = 1.0
        scale_only = False
        if um:
            g = um.lastgroup
            uend = um.end()
            if g == "pct":
                unit = "%"
            elif g == "pp":
                unit = "pp"  # glued "1.4pp"
            elif g == "times":
                unit = "x"
                listed = _TIMES_LIST_AFTER_RE.match(text, um.end())
                if (
                    um.group(0).startswith(" times")
                    and "." not in raw  # "2.5 times" multiplies
                    and _OCCURRENCES_AFTER_RE.match(text, listed.end() if listed else um.end())
                    and not _MULTIPLIER_BEFORE_RE.search(text, max(0, s - 40), s)
                ):
                    unit = "occurrences"
            elif g == "tbtok":
                unit, scale, scale_only = "tokens", 1e12, True
            elif g == "mem":
                unit = "GB"
            elif g == "scale":
                scale = _SCALE_SUFFIX[text[e].lower()]
                unit = "scale"
                scale_only = True
            elif g == "scaleword":
                scale = _SCALE_WORDS[um.group(0).strip(" \t\n-").lower()]
                unit = "scale"
                scale_only = True
            elif g == "bits":
                unit = "bits"
            elif g == "ms":
                unit = "ms"
            elif g == "sec":
                unit = "seconds"
                if not _RX_CANDIDATES_1.match(text[e:uend]) or (
                    text[e:uend].strip() == "s" and not _RX_CANDIDATES_2.match(text[e:e + 1])
                ):
                    # "1990s", "4s" (plural) -> not a unit; "0.6s", "a latency of 20s" are seconds
                    if text[e:uend] == "s" and not (
                        "." in raw or _GLUED_SECONDS_BEFORE_RE.search(text, max(0, s - 50), s)
                    ):
                        continue
            elif g == "time":
                unit = "time"
            elif g == "hz":
                unit = "hz"
            elif g == "phys":
                unit = "phys"
                if value == 360 and _PANORAMIC_AFTER_RE.match(text, uend):
                    continue  # "360° video": panoramic, a name for the medium
            elif g == "fps":
                unit = "fps"
            elif g == "usd":
                unit = "USD"
            elif g == "shot":
                unit = "shot"
            end = uend
        if unit == "x" or (unit is None and raw == "10" and nxt == "^"):
            sm = _SCI_TIMES_TAIL_RE.match(text, end) if unit == "x" else _SCI_POWER_RE.match(text, e)
            if sm is not None and (unit is None or um.group(0).strip() in ("\\times", "$\\times$", "×")):
                # scientific notation: "5 \times 10^4", "2×10^{6}", "10^4"
                exp = int((sm.group(1) or sm.group(2)).replace("−", "-"))
                value = (value if unit == "x" else 1.0) * 10.0**exp
                c = _Cand(s, sm.end(), value, "sci", None, s, e)
                out.append(c)
                skip_until = sm.end()
                continue
        if unit == "x" and "." not in raw and value >= 16 and um.group(0).strip() in ("times", "×", "\\times"):
            rm = _RES_TIMES_TAIL_RE.match(text, end)
            if (
                rm is not None
                and _parse_number(rm.group(1)) >= 16
                and (_parse_number(rm.group(1)) == value or _RES_CONTEXT_RE.search(text[max(0, s - 40):rm.end() + 25]))
            ):
                # resolution written with "times"/"×" and a space: "1008times 1008", "224 × 224"
                _add_resolution(out, s, e, value, rm)
                skip_until = rm.end()
                continue
        if unit is None and nxt in "x×" and "." not in raw:
            rm = _RESOLUTION_TAIL_RE.match(text, e)
            if rm is not None and value >= 16 and _parse_number(rm.group(1)) >= 16:
                # image/video resolution "256x256" (one mention) or "672x1088" (one per side)
                _add_resolution(out, s, e, value, rm)
                continue
        if unit is None and raw in _VIDEO_LINES and text[end:end + 1] == "p" and not text[end + 1:end + 2].isalnum():
            out.append(_Cand(s, end + 1, value, "res", None, s, e))  # a video resolution: "480p", "1080p"
            continue
        # number directly followed by letters that are not a unit -> a name (2D, 4G, 3rd, 2023a)
        if unit is None and end < n and (text[end].isalpha()) and not prefix_sim:
            continue
        if unit is None and end < n and text[end] == "-" and end + 1 < n and text[end + 1].isalpha():
            tm = None if name_attached else _TOKENS_AFTER_RE.match(text, end)
            if tm is not None:  # "a 146,505-parameter model", "a 4,096-token window"
                c = _Cand(s, tm.end(), value, "compound", None, s, e)
                c.compound_noun = tm.group(1).lower().rstrip("s") + "s"
                out.append(c)
                continue
            cm = _COUNT_COMPOUND_RE.match(text, end)
            if cm is not None and "." not in raw and not name_attached and _compound_count(text, s, value, cm.group(1)):
                # "a 900-prompt benchmark", "56-layer and 112-layer models": a count written as a compound adjective
                c = _Cand(s, cm.end(1), value, "compound", None, s, e)
                c.compound_noun = cm.group(1) + "s"
                out.append(c)
            continue  # "2-model speculative decoding", "2-simplicial attention": compound adjectives, not counts
        if name_attached:
            # only model sizes survive inside names (Llama2-7B, Qwen2.5-72B-Instruct), not in dataset names
            if not (unit == "scale" and text[e].lower() in "bm" and scale >= 1e6) or _SIZED_DATASET_BEFORE_RE.search(
                text, max(0, s - 12), s
            ):
                continue
        if unit is None and nxt in "-–" and e + 1 < n and (text[e + 1].isdigit() or text[e + 1] == " "):
            pass  # first part of a range; handled at merge time
        if negative and unit is None:
            value = -value
        c = _Cand(s, end, value * scale, unit, None, s, e)
        c.scale_only = scale_only
        c.bare = unit is None
        if prefix_sim:
            c.qualifier = "about"
        if unit == "scale" and (name_attached or p in " -"):
            c.name_key = _name_key(text, s, e + 1, value * scale)
            if c.name_key is None and (name_attached or p == "-"):
                ts = text.rfind(" ", 0, s) + 1
                c.name_key = ("token:" + text[ts:s], value * scale, "")
        c.range_partner = range_partner
        out.append(c)
    return out


_MODEL_TAIL_RE = _ci(r"[\s-](instruct|chat|base|it|coder|math|vision|code)\b")


_RX_NAME_KEY_1 = re.compile(r"([\w.]+)([\s-])$")
_RX_NAME_KEY_2 = re.compile(r"[\d.]+")
_RX_NAME_KEY_3 = re.compile(r"([A-Za-z][\w.]*)[\s-]$")
_RX_NAME_KEY_4 = re.compile(r"[^a-z0-9]")


def _name_key(text: str, s: int, e: int, value: float):
    """Identity of a model size written next to a name ("GEB-1.3B", "Llama 3.1 8B"), or None."""
    before = text[max(0, s - 40):s]
    m = _RX_NAME_KEY_1.search(before)
    if not m:
        return None
    word = m.group(1)
    if not word[0].isalpha() and not _RX_NAME_KEY_2.fullmatch(word):
        return None
    if m.group(2) == " ":
        if word.lower() in NON_NAME_WORDS or not (word[0].isupper() or any(ch.isdigit() for ch in word)):
            return None
    seg = word.split("-")[-1] if m.group(2) == "-" else word
    if _RX_NAME_KEY_2.fullmatch(seg):
        m2 = _RX_NAME_KEY_3.search(before[: m.start()])
        if m2:
            seg = m2.group(1).split("-")[-1] + seg
    seg = _RX_NAME_KEY_4.sub("", seg.lower())
    tail = _MODEL_TAIL_RE.match(text, e)
    return (seg, value, tail.group(1).lower() if tail else "")


_RX_IS_VERSION_CONTEXT_1 = re.compile(r"([A-Za-z][\w.'-]*)\s$")
# metric names that a score follows directly ("FID 2.42", "ROUGE-L 41.2", "BLEU 35.1"): not product names
_METRIC_NAME_WORDS = {
    "BLEU", "SacreBLEU", "CodeBLEU", "ROUGE", "ROUGE-L", "ROUGE-1", "ROUGE-2", "ROUGE-Lsum", "FID", "FVD", "KID", "F1",
    "EM", "AUC", "AUROC", "AUPRC", "mAP", "AP", "PSNR", "SSIM", "LPIPS", "WER", "CER", "METEOR", "chrF", "chrF++",
    "CIDEr", "SPICE", "BERTScore", "MRR", "NDCG", "nDCG", "IoU", "mIoU", "Dice", "PPL", "MAE", "RMSE", "MSE", "Elo",
    "CLIPScore", "HPS", "ImageReward", "COMET", "TER", "EER", "DER", "MOS", "UTMOS",
}
# "by up to 3 chrF++", "+2 mAP": a metric's name right after a bare integer
_METRIC_NAME_AFTER_RE = re.compile(
    r"\s(?:" + "|".join(re.escape(w) for w in sorted(_METRIC_NAME_WORDS, key=len, reverse=True)) + r")(?![\w-])"
)
_METRIC_NAME_BEFORE_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(_METRIC_NAME_WORDS, key=len, reverse=True))
    + r"|[Pp]erplexity|[Aa]ccuracy)(?:\s+(?:score|of))?\s+$"
)


def _is_version_context(text: str, s: int) -> bool:
    """True when a bare number follows a product/model name ("Llama 2", "GPT 3.5", "Stable Diffusion 3")."""
    m = _RX_IS_VERSION_CONTEXT_1.search(text[max(0, s - 40):s])
    if not m:
        return False
    w = m.group(1)
    if w.lower() in NON_NAME_WORDS or w in _METRIC_NAME_WORDS:
        return False
    if w in ("No.", "No"):
        return False
    if _score_after_benchmark(text, s, w, max(0, s - 40) + m.start(1)):
        return False
    return w[0].isupper() or any(ch.isdigit() for ch in w) or any(ch.isupper() for ch in w[1:])


_SCORE_DECIMAL_RE = re.compile(r"(\d+)\.(\d+)(?!\d|\.\d)")
_BENCH_VERSION_TAG_RE = re.compile(r"[vV]\d+")


def _score_after_benchmark(text: str, s: int, w: str, w_start: int) -> bool:
    """A score written right after a known benchmark's name ("WikiText-2 5.47", "LiveCodeBench v6 76.4"): a
    decimal that does not read as a version (two or more decimals, or at least 10)."""
    d = _SCORE_DECIMAL_RE.match(text, s)
    if d is None or (len(d.group(2)) < 2 and int(d.group(1)) < 10):
        return False
    if _BENCH_VERSION_TAG_RE.fullmatch(w):
        b = _RX_IS_VERSION_CONTEXT_1.search(text, max(0, w_start - 40), w_start)  # the word before the tag
        w = b.group(1) if b is not None else ""
    return w in _BENCH_INDEX


def _sentence_bounds(text: str) -> list[int]:
    return [0] + [m.end() for m in _SENT_SPLIT_RE.finditer(text)]


_NOT_PLURAL = {
    "across", "various", "previous", "versus", "thus", "less", "unless", "plus", "minus", "bonus", "status",
    "corpus", "focus", "consensus", "process", "access", "success", "address", "analysis", "basis", "hypothesis",
    "emphasis", "synthesis", "always", "perhaps", "whereas", "towards", "afterwards", "times", "bits", "hours",
    "tokens", "params", "yields", "achieves", "improves", "reduces", "outperforms", "shows", "requires", "uses",
    "gains", "points", "series", "species", "means", "news", "physics", "mathematics", "linguistics", "ones",
}


# a word may hold "&" between letters: "Q&A pairs", "R&D"
_RX_HEAD_NOUN_1 = re.compile(r"((?:\s+(?!(?:and|or|to|on|in|of|with|for|by|than|the|from|at)\b)[A-Za-z](?:[\w'-]|&(?=[A-Za-z]))*){1,4})")
_RX_HEAD_NOUN_2 = re.compile(r"\s+([A-Za-z](?:[\w'-]|&(?=[A-Za-z]))*)")
_RX_HEAD_NOUN_3 = re.compile(r"[A-Z]{2,}s")
_RX_HEAD_NOUN_4 = re.compile(r"[a-z]{3,}[^s]s")
_PLURAL_WORD_RE = re.compile(r"[a-z][a-z-]{2,}[^s\W]s")
_ADJ_WORD_RE = re.compile(r"[a-z][a-z-]+")
_CAPITALISED_ADJ_RE = re.compile(r"[A-Z][a-z]{2,}")
_RX_HEAD_NOUN_5 = re.compile(r"\s+(pairs|types|families)\b")


def _head_noun(text: str, end: int, generic: bool = False, max_modifiers: int = 1) -> tuple[str | None, int]:
    """First known count noun within the next few words: (noun lowercased, end offset). ``generic``:
    or any plural after at most ``max_modifiers`` modifiers."""
    m = _RX_HEAD_NOUN_1.match(text[end:end + 60])
    if not m:
        return None, end
    pos = end
    modifiers: list[str] = []  # the words before this one
    for i, wm in enumerate(_RX_HEAD_NOUN_2.finditer(m.group(1))):
        w = wm.group(1)
        lw = w.lower().rstrip("'")
        if lw in COUNT_NOUNS or lw in EXAMPLE_NOUNS or _RX_HEAD_NOUN_3.fullmatch(w) or (
            generic
            and lw not in _NOT_PLURAL
            and (
                (i == 0 and (_RX_HEAD_NOUN_4.fullmatch(w) or _PLURAL_WORD_RE.fullmatch(w)))
                # "22 Indian cities", "13 representative attack techniques": up to two modifiers
                or (0 < i <= max_modifiers and _PLURAL_WORD_RE.fullmatch(w) and all(map(_is_modifier, modifiers)))
            )
        ):
            nxt = _RX_HEAD_NOUN_5.match(text[end + wm.end():end + wm.end() + 12])
            if nxt:
                return lw + " " + nxt.group(1), end + wm.end() + nxt.end()
            return lw, end + wm.end()
        modifiers.append(w)
    return None, pos


def _is_modifier(w: str) -> bool:
    """A word that can stand between a count and its noun ("22 Indian cities")."""
    return bool(_ADJ_WORD_RE.fullmatch(w) or _CAPITALISED_ADJ_RE.fullmatch(w)) and w not in _CLAUSE_WORDS \
        and w not in _NOT_PLURAL and not w.endswith("ly")


_GPU_NAME_BEFORE_RE = re.compile(r"\b(?:[AHBLV]\d{2,4}|RTX\s?\d{3,4}\w*|TPU\s?v?\d\w*|MI\d{3}\w*)[\s-]?$")
_GPU_COUNT_AFTER_RE = re.compile(
    r"(?:\s+(?:or|and|to)\s+\d+)?\s+(?:NVIDIA\s+)?(?:[AHBLV]\d{2,4}|RTX\s?\d{3,4}\w*|TPU\s?v?\d\w*|MI\d{3}\w*)\b"
)
_DATA_AMOUNT_RE = _ci(r"\b(?:corpus|corpora|dataset|data|subset|texts?|web|crawl\w*)\b")
_BATCH_SIZE_BEFORE_RE = _ci(r"\bbatch(?:[\s-]+sizes?)?\s+(?:of\s+)?(?:up\s+to\s+)?(?:[\w.]+\s+(?:or|and|to)\s+)?$")
_SAMPLES_BEFORE_RE = _ci(r"\b(?:sampl\w*|exampl\w*|instanc\w*|dataset\s+size|data)\b[^.;]{0,25}$")


_RX_RESOLVE_1 = re.compile(r"\bof\s+(?:the\s+)?(?:total\s+)?[\w\s-]{0,20}tokens?\b")
_RX_RESOLVE_2 = _ci(r"\bcorpus|corpora|pre-?training data|training data")
_RX_RESOLVE_3 = _ci(r"\b(?:budget|cost)\s+(?:of\s+)?(?:about\s+|around\s+|only\s+)?\$?$|\$$")
_RX_RESOLVE_4 = re.compile(r"\s+(?:budget|USD|dollars?)\b")
_RX_RESOLVE_5 = _ci(r"param")
_RX_RESOLVE_6 = re.compile(r"TB\s+tokens")
_RX_RESOLVE_7 = _ci(r"reduc|lower|less|faster|sav")
_RX_RESOLVE_8 = _ci(
    r"\s+of\s+(?:[\w,-]+\s+){0,4}?(?:data|speech|audio|videos?|recordings?|transcribed|footage|clips|gameplay|"
    r"demonstrations?|trajectories|conversations|dialogues?|lectures?|podcasts?|music|driving)\b"
)
_RX_RESOLVE_9 = _ci(
    r"\b(?:trained|pre-?trained|training)\s+on\s+(?:only\s+|about\s+|around\s+|over\s+|more\s+than\s+)?$"
    # "155 videos totaling 146.8 hours", "a dataset of over 8,300 hours", "a MEG dataset (50h)": amounts of data
    r"|\b(?:total(?:l?ing)?|spanning|(?:dataset|corpus|collection)\s+of)\s+(?:over\s+|about\s+|approximately\s+|nearly\s+|"
    r"more\s+than\s+)?$|\b(?:dataset|corpus)\s*\(\s*$"
)
_RX_RESOLVE_10 = _ci(r"reduc|lower|less|sav|fewer")
_RX_RESOLVE_11 = re.compile(r"\bNo\.\s?$")
_RX_RESOLVE_12 = re.compile(r"No\.\s?$")
_RX_RESOLVE_13 = re.compile(r"(?:^|[.:;,]\s*|\s)$")
_RX_RESOLVE_14 = re.compile(r"\d\s*(?:vs\.?|to|and)\s*$")
_RX_RESOLVE_15 = re.compile(r"\s[A-Z][a-z]+\)")
_RX_RESOLVE_16 = _ci(r"\b(?:(?:drop|los|degrad|lower|decreas|reduc|collaps)\w*|fall(?:s|ing)?|fell)\b[^.;]{0,30}$")
# points that are a shortfall, not a gain: "lagging behind X by 32 points", "1.81 points from FP16"
_PP_GAP_BEFORE_RE = _ci(r"\b(?:lag\w*|behind|trail\w*|below|short\s+of|worse|underperform\w*)\b[^.;]{0,40}$")
_PP_GAP_AFTER_RE = _ci(r"^\s*(?:from|away\s+from|behind|below|short\s+of|lower|worse|less)\b")
_RX_RESOLVE_17 = re.compile(r"\s+(?:out\s+)?of\s+(?:the\s+|all\s+)?(\d[\d,]*)(?![\d.%])")
_RX_RESOLVE_18 = _ci(
    r"speed-?up\s+(?:ratio\s+)?(?:of\s+)?(?:up\s+to\s+|about\s+|around\s+)?$"
    r"|\b(?:outperform\w*|faster|accelerat\w*)\b[^.;]{0,60}?\bby\s+a\s+factor\s+(?:of\s+)?(?:up\s+to\s+|about\s+)?$"
)
_RX_RESOLVE_19 = _ci(r"^\s*(?:\w+\s+){0,1}(?:improvement|gain|higher|better|increase)\b")
_RX_RESOLVE_20 = _ci(r"\b(?:by|outperform\w*|surpass\w*|improv\w*)\s+(?:at\s+least\s+|up\s+to\s+|over\s+|about\s+)?$")
_RX_RESOLVE_21 = _ci(r"sampl|negativ|exampl|instanc")
_RX_RESOLVE_22 = _ci(r"\b(?:score\s+of|accuracy\s+of)\s*$")
_RX_RESOLVE_23 = re.compile(r"\bfrom\s*$")
_RX_RESOLVE_24 = re.compile(r"\s+to\s+\d")
_RX_RESOLVE_25 = re.compile(r"\bfrom\s+\d[\d.]*\s*%?\s+to\s*$")
_RX_RESOLVE_26 = re.compile(r"\d\s*%?\s+(?:vs\.?|versus)\s*$")


_BARE_TOKENS_AFTER_RE = re.compile(r"\s+tokens?\b")
# "26.8 dB PSNR" (not "a 9.93 dB PSNR gain"); "at 30 dB SNR" is a condition; "by 2.1dB and 1.2dB PSNR" a list of gains
_DB_QUALITY_RE = re.compile(r"\s*(?:PSNR|SNR|SI-S[DN]R|SDR)\b(\s+(?:gains?|improvements?|increases?|boosts?)\b)?")
_DB_CONDITION_BEFORE_RE = re.compile(r"\b(?:at|under|with|from)\s+(?:an?\s+)?$")
_DB_LIST_BEFORE_RE = re.compile(r"(?:\d[\d.]*\s?dB\s*(?:,\s*(?:and\s+)?|and\s+))+$")
_CV_FOLD_RE = _ci(r"[\s-]?fold\s+(?:stratified\s+)?(?:cross[\s-]?validat\w*|CV)\b")
# "8× A100 GPUs", "4x RTX 4090": a number of devices, not a speedup
_X_HARDWARE_AFTER_RE = _ci(
    r"\s*(?:NVIDIA\s+|AMD\s+)?(?:(?:[AHLV]\d{2,3}S?|GH200|B[12]00|MI\d{3}X?)(?![\w-])|(?:RTX|GTX)\s|Ascend\s|[GTN]PUs\b)"
)
_RATE_AFTER_RE = _ci(r"\s*(?:tokens?|tok|samples?|images?|frames?|queries|requests)\s*(?:per\s+second|/\s?s(?:ec)?\b|/second)")
_LM_AFTER_RE = _ci(r"[\s-]*models?\b")
_MODEL_VARIANT_NOUNS = {"variants", "versions", "checkpoints", "backbones", "families", "configurations", "architectures"}


# points on an error-like metric named just before the number: its fall is a gain, its rise a loss
_PP_ERROR_METRIC_RE = _ci(
    r"\b(?:WER|CER|(?:word|character)\s+error\s+rates?|error\s+rates?|perplexity|hallucination\s+rates?)"
    r"(?:\s*\((?:WER|CER)\))?(?=[^.;,]{0,30}$)")
_PP_RISE_RE = _ci(r"\b(?:increas\w*|ris(?:e|es|ing)|rose|grow\w*|higher|worse)\b")
_PP_FALL_RE = _ci(r"\b(?:decreas\w*|reduc\w*|drop\w*|fall\w*|fell|lower|less|fewer)\b")


def _error_points_kind(text: str, c: _Cand, before: str) -> str | None:
    tail = before[-80:]
    metrics = list(_PP_ERROR_METRIC_RE.finditer(tail))
    if not metrics:
        return None
    around = tail[metrics[-1].end():] + " " + text[c.end:c.end + 12]  # "WER increasing by 14pp", "WER 5.4pp lower"
    rise, fall = bool(_PP_RISE_RE.search(around)), bool(_PP_FALL_RE.search(around))
    if rise != fall:
        return "other" if rise else "improvement"
    return None


def _points_kind(text: str, c: _Cand, before: str) -> str:
    """Kind of a score difference in points, glued ("3.5pp") or spaced ("3.5 points"): a gain
    unless a loss is said and no gain cue is ("drops 2.1pp ... but gains 3.2pp"); on an error
    metric named just before, a fall is the gain ("WER 5.4pp lower") and a rise the loss ("WER
    increasing by 14pp")."""
    if (err := _error_points_kind(text, c, before)) is not None:
        return err
    gain = (_IMP_AFTER.match(text[c.end:c.end + 30]) or _IMP_BEFORE.search(before)
            or _plus_sign(text, c.num_start))
    return "other" if not gain and _pp_is_loss(text, c, before) else "improvement"


def _pp_is_loss(text: str, c: _Cand, before: str) -> bool:
    """A difference in points that is a drop or a shortfall (kind other) rather than a gain."""
    after = text[c.end:c.end + 40]
    return bool(
        _RX_RESOLVE_16.search(before)
        or _OTHER_AFTER.match(after)
        or _OTHER_BEFORE.search(before)
        or _PP_GAP_BEFORE_RE.search(before[-60:])
        or _PP_GAP_AFTER_RE.match(after)
    )


def _resolve(text: str, c: _Cand, sent_start: int) -> bool:
    """Fill unit/kind of a candidate; False when it is not a mention."""
    n = len(text)
    before = text[max(sent_start, c.num_start - 150):c.num_start]
    after = text[c.end:c.end + 60]
    u = c.unit
    if u == "%":
        c.kind = _classify_pct_x(text, c, sent_start)
        if _RX_RESOLVE_1.search(after[:40]) and _RX_RESOLVE_2.search(after[:80]):
            c.kind = "data_size"
        return True
    if u == "x":
        if _CV_FOLD_RE.match(text[c.num_end:c.num_end + 40]):
            c.unit, c.kind, c.setup = "count", "count", True  # "5-fold cross-validation": folds of the setup
            return True
        if _X_HARDWARE_AFTER_RE.match(text, c.end):
            c.unit, c.kind, c.setup = "count", "count", True  # "an 8× RTX 4090 server": devices of the setup
            return True
        c.kind = _classify_pct_x(text, c, sent_start)
        return True
    if u == "scale":
        letter = text[c.num_end].lower() if not text[c.num_end].isspace() else ""
        word = text[c.num_end:c.end].strip(" \t\n-").lower()
        tm = _TOKENS_AFTER_RE.match(text, c.end)
        noun, nend = _head_noun(text, c.end)
        plus = c.end < n and text[c.end] == "+"
        if plus:
            c.end += 1
            noun, nend = _head_noun(text, c.end)
        usd_before = text[max(0, c.num_start - 1):c.num_start] == "$" or _RX_RESOLVE_3.search(before)
        usd_after = _RX_RESOLVE_4.match(after)
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
        cm = _SCALE_COMPOUND_RE.match(text, c.end)
        if cm is not None and cm.group(1) + "s" in EXAMPLE_NOUNS:
            c.end = cm.end()  # "a 1.6M-example mixture", "a 2M-sample dataset": an amount of data as a compound
            c.unit, c.kind = "examples", "data_size"
            return True
        if noun is not None and letter in ("b", "m") and noun.startswith("language") and _LM_AFTER_RE.match(text, nend):
            c.unit, c.kind = "params", "model_size"  # "a 1.8B language model": not 1.8B languages
            return True
        if noun is not None and letter in ("b", "m") and noun in _MODEL_VARIANT_NOUNS:
            c.unit, c.kind = "params", "model_size"  # "7B/13B variants", "the 1.3B checkpoints"
            return True
        if noun is not None and letter in ("b", "m") and c.num_start >= 2 and (
            text[c.num_start - 1].isalpha() or (text[c.num_start - 1] == "-" and text[c.num_start - 2].isalpha())
        ):
            c.unit, c.kind = "params", "model_size"  # "Steerling-8B attributes the output": a size in a name
            return True
        if noun is not None and noun not in ("models", "model", "llms", "lms"):
            c.end = nend
            if noun.startswith("language") and " " not in noun:
                c.unit, c.kind = "languages", "count"
            elif noun in EXAMPLE_NOUNS or noun in ("data",) or _is_data_items(text, noun, c.value, sent_start, c.num_start, nend):
                c.unit, c.kind = "examples", "data_size"
            elif noun in ("hours", "minutes"):
                c.unit, c.kind = "other", "data_size"
            else:
                c.unit, c.kind = "count", "count"
            return True
        if letter in ("k", "m") or word in ("thousand", "million"):
            gnoun, gend = _head_noun(text, c.end, generic=True)
            if gnoun is not None and gnoun not in ("models", "model", "llms", "lms") and not gnoun.startswith("parameter"):
                c.end = gend
                data = gnoun in EXAMPLE_NOUNS or _is_data_items(text, gnoun, c.value, sent_start, c.num_start, gend)
                c.unit, c.kind = ("examples", "data_size") if data else ("count", "count")
                return True
        dm = _SCALE_DATA_AFTER_RE.match(text[c.end:c.end + 40])
        if dm is not None and not (c.num_start and (text[c.num_start - 1] == "-" or text[c.num_start - 1].isalpha())):
            # "1.2B word corpora", "5M documents of web text": an amount of text, not a parameter count
            c.unit = "tokens" if dm.group(1).lower().startswith(("word", "corp", "text")) else "examples"
            c.kind = "data_size"
            return True
        if letter in ("b",) or word == "billion":
            c.unit, c.kind = "params", "model_size"
            return True
        if letter == "t" or word == "trillion":
            c.unit, c.kind = "tokens", "data_size"
            return True
        if _BATCH_SIZE_BEFORE_RE.search(before):
            c.unit, c.kind = "count", "count"  # "a batch size of 4M or 12M"
            return True
        if (letter == "k" or word == "thousand") and _SAMPLES_BEFORE_RE.search(before[-40:]):
            c.unit, c.kind = "examples", "data_size"  # "training sample size from 158k to 14k"
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
            if _CONTEXT_CUES.search(win) and not _RX_RESOLVE_5.search(win):
                c.unit, c.kind = "tokens", "context_length"
            elif word == "million":
                c.unit, c.kind = "count", "count"
            else:
                c.unit, c.kind = "params", "model_size"
            return True
        return False
    if u == "tokens":  # "0.31TB tokens"
        m = _RX_RESOLVE_6.match(text[c.num_end:])
        c.end = c.num_end + m.end() if m else c.end
        c.kind = _tokens_kind(text, c, sent_start)
        return True
    if u == "compound":  # "a 900-prompt benchmark"
        if c.compound_noun in ("parameters", "params", "weights"):
            c.unit, c.kind = "params", "model_size"
            return True
        if c.compound_noun == "tokens":
            c.unit = "tokens"
            c.kind = _tokens_kind(text, c, sent_start)
            return True
        if c.compound_noun == "points" and _POINT_CHANGE_AFTER_RE.match(text, c.end):  # "10-point average improvements"
            c.unit, c.kind = "pp", _points_kind(text, c, before)
            return True
        if c.compound_noun[:-1] in _COMPOUND_MEASURES:
            c.unit, c.kind = "other", "other"
            return True
        data = c.compound_noun in EXAMPLE_NOUNS and c.value >= 100
        c.unit, c.kind = ("examples", "data_size") if data else ("count", "count")
        return True
    if u == "pp":  # glued "3.5pp" (spaced "3.5 pp" / "points" are handled with the bare numbers)
        c.kind = _points_kind(text, c, before)
        return True
    if u == "bits":
        c.kind = "other"
        c.setup = True  # a bit-width describes the setup; it is not reported on a benchmark
        return True
    if u in ("ms", "seconds"):
        c.kind = "reduction" if _RX_RESOLVE_7.search(before[-40:] + after[:20]) else "other"
        return True
    if u == "time":
        c.unit, c.kind = "other", "other"
        if _RX_RESOLVE_8.match(text, c.end) or _RX_RESOLVE_9.search(before):
            c.kind = "data_size"
        return True
    if u == "GB":
        if _GPU_NAME_BEFORE_RE.search(text, max(0, c.num_start - 12), c.num_start):
            return False  # memory size in a GPU name ("A800 80GB", "A100-40GB")
        if _RX_RESOLVE_10.search(before[-40:] + after[:20]):
            c.kind = "reduction"
        elif _DATA_AMOUNT_RE.search(before[-30:] + " " + after[:40]):
            c.kind = "data_size"  # "a 500GB subset of the corpus"
        else:
            c.kind = "other"
        return True
    if u == "hz":
        c.unit, c.kind = "other", "other"
        return True
    if u == "phys":  # physical quantities: "2.17 K", "150 MHz", "25 deg", "1.31 dB"
        c.unit = "other"
        db = _DB_QUALITY_RE.match(text, c.end) if text[c.num_end:c.end].strip() == "dB" else None
        listed = _DB_LIST_BEFORE_RE.search(before)  # "by 2.1dB and 1.2dB PSNR": the list's change
        if (_IMP_BEFORE.search(before) or _plus_sign(text, c.num_start) or (db and db.group(1))
                or (listed and _IMP_BEFORE.search(before[:listed.start()]))):
            c.kind = "improvement"
        elif db and not listed and not _DB_CONDITION_BEFORE_RE.search(before):
            c.kind = "score"  # "26.8 dB PSNR": a result in decibels
        else:
            c.kind = "other"
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
    if u == "occurrences":
        c.unit, c.kind = "count", "count"
        return True
    if u in ("sci", "res"):  # "5 \\times 10^4", "256x256"
        c.unit, c.kind, c.setup = "other", "other", True
        return True
    # ---- bare numbers ----
    raw = text[c.num_start:c.num_end]
    if c.end < n and text[c.end] == "+" and (c.end + 1 >= n or not text[c.end + 1].isdigit()):
        c.end += 1
        after = text[c.end:c.end + 60]
    if text[max(0, c.num_start - 1):c.num_start] == "$" and not _in_math(text, c.end):
        c.start = c.num_start - 1
        c.unit, c.kind = "USD", "other"
        return True
    if _RX_RESOLVE_11.search(text[max(0, c.num_start - 5):c.num_start]):
        c.start = c.num_start - len(_RX_RESOLVE_12.search(text[:c.num_start]).group(0))
        c.unit, c.kind = "other", "other"
        return True
    # enumerations "(1)", "1)" and list markers
    if c.end < n and text[c.end] == ")" and "." not in raw:
        if c.num_start == 0 or text[c.num_start - 1] in "( \n" and (
            c.num_start < 2 or text[c.num_start - 1] == "(" or text[c.num_start - 2] in ".:;,\n" or c.num_start < 2
        ):
            if text[c.num_start - 1] == "(" or _RX_RESOLVE_13.search(text[:c.num_start]):
                if not _RX_RESOLVE_14.search(text[max(0, c.num_start - 12):c.num_start]):
                    return False
    if _is_version_context(text, c.num_start):
        return False
    if text[c.num_start - 1:c.num_start] == "(" and _RX_RESOLVE_15.match(text[c.end:c.end + 20]):
        return False
    if "." not in raw and "," not in raw and 1900 <= c.value <= 2100:
        noun, nend = _head_noun(text, c.end)
        if noun is None:
            return False
        # the noun must belong to the number's own phrase ("2027 production rules"), not to a later clause
        # ("spanning 2023 to 2025 that systematically reviews 260+ papers")
        between = text[c.end:nend].split()[:-1]
        if len(between) > 2 or any(w.lower() in _CLAUSE_WORDS or w.lower().endswith("ly") for w in between):
            return False
    pm = _POINTS_RE.match(text, c.end) or _PP_RE.match(text, c.end)
    if pm and _NOT_SCORE_POINTS_RE.search(pm.group()):
        pm = None
    if pm:
        c.end = pm.end()
        c.unit = "pp"
        c.kind = _points_kind(text, c, before)
        return True
    if "." not in raw and _GPU_COUNT_AFTER_RE.match(text, c.end):
        c.unit, c.kind = "count", "count"  # "8 or 32 A800 GPUs"
        return True
    window = text[c.end:c.end + 30]
    rm = _RATE_AFTER_RE.match(window) if "/" in window or "per" in window else None
    if rm is not None:
        c.end += rm.end()
        c.unit, c.kind = "other", "score"  # "40 tokens per second", "1,200 tokens/s": a throughput reached
        return True
    tk = _BARE_TOKENS_AFTER_RE.match(text, c.end)
    if tk is not None and "." not in raw:
        c.end = tk.end()
        c.unit = "tokens"  # "sequences of up to 512 tokens"
        c.kind = _tokens_kind(text, c, sent_start) if c.value >= 100 else "count"
        return True
    noun, nend = _head_noun(text, c.end, generic=True, max_modifiers=2)  # "13 representative attack techniques"
    va = _VAR_ASSIGN_BEFORE_RE.search(text, max(0, c.num_start - 12), c.num_start) if noun is None else None
    if va is not None and _METRIC_NAME_ASSIGNED_RE.match(text, va.start()):
        c.unit, c.kind = "score", "score"  # "κ=0.907", "R2=0.86", "F1=0.82": a result, not a setting
        return True
    if va is not None and not _CORRELATION_BEFORE_RE.search(before[-40:]):
        # a parameter setting "R=2", "p = 4", "K = 30": a setup value (a count for K/N)
        counted = "." not in raw and text[va.start()] in "KkNn"
        c.unit, c.kind = ("count", "count") if counted else ("other", "other")
        c.setup = True
        return True
    if noun is None:
        om = _RX_RESOLVE_17.match(text[c.end:c.end + 30])
        if om and "." not in raw and c.value <= _parse_number(om.group(1)):  # "42 of the 50 tasks"
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
        elif _is_data_items(text, noun, c.value, sent_start, c.num_start, nend):
            c.unit, c.kind = "examples", "data_size"
        elif noun in ("hours", "minutes"):  # "17+ hours of synthetic videos": an amount of data, as "17 hours of"
            c.unit, c.kind = "other", "data_size" if _RX_RESOLVE_8.match(text, nend) else "other"
        else:
            c.unit, c.kind = "count", "count"
        return True
    if "." in raw:
        # a bare decimal: a score, a score change, or a speed-up ratio
        if _RX_RESOLVE_18.search(before):
            c.unit, c.kind = "x", "speedup"
            return True
        if _VAR_BOUND_BEFORE_RE.search(text, max(0, c.num_start - 30), c.num_start):
            c.unit, c.kind = "other", "other"  # "$z < 0.1$", "p < 0.05"
            return True
        c.unit = "score"
        c.kind = "improvement" if _RX_RESOLVE_19.match(after) else "score"
        if _RX_RESOLVE_20.search(before):
            c.kind = "improvement"
            c.unit = "pp" if c.value < 100 else "score"
        elif _plus_sign(text, c.num_start):
            c.kind = "improvement"  # "EM score +8.6"
        return True
    if text[c.end - 1:c.end] == "+" and "." not in raw and c.value >= 10:
        c.unit, c.kind = "count", "count"  # "supports 100+ 3D assets": a count written with a trailing "+"
        return True
    if "," in raw and c.value >= 1000:
        if _DATASET_CONTEXT_RE.search(text, sent_start, c.num_start):
            c.unit, c.kind = "examples", "data_size"  # "our dataset comprises approximately 7,500 Persian and ..."
            return True
        c.unit, c.kind = ("examples", "count") if _RX_RESOLVE_21.search(before[-60:] + after[:40]) else ("count", "count")
        return True
    if c.value <= 100 and _METRIC_NAME_AFTER_RE.match(text, c.num_end) and (
            _RX_RESOLVE_20.search(before) or _plus_sign(text, c.num_start)):
        c.unit, c.kind = "pp", "improvement"  # "outperforms supervised prompting by up to 3 chrF++"
        return True
    # bare integer: keep only with an explicit score context
    if c.value <= 100 and (
        _RX_RESOLVE_22.search(before)
        or _METRIC_NAME_BEFORE_RE.search(before[-30:])
        or (_RX_RESOLVE_23.search(before) and _RX_RESOLVE_24.match(after))
        or _RX_RESOLVE_25.search(before)
        or _RX_RESOLVE_26.search(before)
    ):
        c.unit, c.kind = "score", "score"
        return True
    if _COMPARISON_BEFORE_RE.search(text, max(0, c.num_start - 12), c.num_start):
        c.unit, c.kind = "other", "other"  # a bound or estimate: "\\lesssim 1000", "~ 900", "(> 30"
        return True
    return False


_MATH_CHARS_RE = re.compile(r"[\\^_{}]")


def _in_math(text: str, end: int) -> bool:
    """True when the "$" before a number opens LaTeX math: a closing "$" follows with a command/sub/superscript."""
    close = text.find("$", end, end + 80)
    return close >= 0 and _MATH_CHARS_RE.search(text, end, close) is not None


# a one-letter variable (optionally subscripted) set to the number: "R=2", "p = 4", "$k=5$", "T_{max}=8"
# "R=2", "p = 4", "κ=0.907", "R2=0.86", "cosine=95.3%": a value given to a short name
_VAR_ASSIGN_BEFORE_RE = re.compile(
    r"(?<![\w\\.@-])(?:[A-Za-z][A-Za-z0-9]{0,11}|[α-ωΑ-Ω])(?:_\{?\w{1,4}\}?)?\s*=\s*\$?\s*$"
)
_CORRELATION_BEFORE_RE = _ci(r"correlat|pearson|spearman|kendall|agreement")
_METRIC_NAME_ASSIGNED_RE = re.compile(
    r"(?:[κρτ]|kappa|rho|tau|R2|R\^2|F1|AUC|AUROC|acc\w*|cosine|corr\w*|BLEU|ROUGE\w*|EM|mAP|IoU|PSNR|SSIM|FID|"
    r"WER|CER|SR|pass@\d+)(?:_\{?\w{1,4}\}?)?\s*=", re.IGNORECASE
)
_VAR_BOUND_BEFORE_RE = re.compile(
    r"(?:(?<![\w\\])[A-Za-z]\w{0,3}|\})[\s$]*(?:[<>]=?|[≤≥]|\\(?:l(?:eq|t|esssim)|g(?:eq|t|trsim)))[\s$]*$"
)
_CLAUSE_WORDS = {
    "that", "which", "who", "whom", "whose", "where", "when", "while", "whereas", "because", "since", "is", "are",
    "was", "were", "has", "have", "had", "it", "we", "they", "this", "these",
}
_COMPARISON_BEFORE_RE = re.compile(r"(?:(?<![\w~])(?:[<>]=?|[≤≥≈~])|\\(?:lesssim|gtrsim|leq|geq|simeq|approx|sim|lt|gt))[\s$]*(?:\\[ ,;]\s*)*$")


# a scaled number followed (within two words) by a unit of text: "1.2B word corpora", "5M web documents"
_SCALE_DATA_AFTER_RE = _ci(r"[\s-]+(?:[a-z][\w-]*\s+)?(words?|corpus|corpora|texts|documents?|web\s?pages?|sentences?)\b")
_DATASET_CONTEXT_RE = _ci(
    r"\b(?:dataset|benchmark|corpus|corpora|collection|test\s?bed|suite)s?\b[^.;]{0,80}?"
    r"\b(?:compris\w*|consist\w*|contain\w*|includ\w*|featur\w*|with|of|totall?ing|cover\w*|involv\w*)\b"
    r"|\b(?:contain|compris|consist|encompass)\w*\b"
)
_COLLECTED_BEFORE_RE = _ci(r"\b(?:collect|curat|gather)\w*\s+(?:[\w-]+\s+){0,2}$")  # "we collect 41K frames"
# "pretrained on 35,309 volumes", "fine-tuned on 800 dialogues": what a model learns from is data
_TRAINED_ON_BEFORE_RE = _ci(
    r"\b(?:pre-?)?(?:train\w*|fine-?tun\w*)\s+(?:only\s+)?(?:on|with)\s+(?:over\s+|about\s+|~\s*|more\s+than\s+|only\s+|just\s+)?$"
)
# counted things that are items of a data set (as opposed to categories or setup: tasks, languages, domains, GPUs)
_DATA_ITEM_NOUNS = EXAMPLE_NOUNS | {
    "pairs", "charts", "tables", "figures", "equations", "theorems", "proofs", "puzzles", "facts", "triples", "chunks",
    "files", "functions", "repositories", "commits", "issues", "bugs", "molecules", "proteins", "entities", "words",
    "frames", "cases",
}


def _is_data_items(text: str, noun: str, value: float, sent_start: int, num_start: int, nend: int) -> bool:
    """"597 queries" in "a benchmark comprising 597 queries", "100K examples": an amount of data."""
    head = noun.split()[-1]
    if head == "pairs" and "language" in text[num_start:nend].lower():
        return False  # "2,500 language pairs" counts languages
    if (noun in EXAMPLE_NOUNS or head == "pairs") and value >= 10000:
        return True
    if head in _DATA_ITEM_NOUNS and value >= 1e6:
        return True  # "1.2 million words", "3M files": millions of items are data
    if value < 100:
        return False
    if head in EXAMPLE_NOUNS and head not in _SURVEYED_NOUNS:
        return True  # "yielding 641 verified items", "we generate 2,000 documents": hundreds of data items
    itemish = head in _DATA_ITEM_NOUNS or not (noun in COUNT_NOUNS or noun.split()[0] in COUNT_NOUNS)
    return itemish and (_DATASET_CONTEXT_RE.search(text, sent_start, num_start) is not None
                        or _COLLECTED_BEFORE_RE.search(text, max(sent_start, num_start - 40), num_start) is not None
                        or _TRAINED_ON_BEFORE_RE.search(text, max(sent_start, num_start - 40), num_start) is not None)


_SURVEYED_NOUNS = {"papers", "articles", "reports", "books"}  # "reviews 260+ papers": a survey's scope, not data


_RX_TOKENS_KIND_1 = _ci(r"\b(?:train\w*|pre-?train\w*|corpus|corpora|data|on)\s+(?:\w+\s+){0,2}$")
_RX_TOKENS_KIND_2 = _ci(r"context|window|length|sequence")
_DATA_CUES = _ci(r"train|corpus|corpora|data|crawl|web|collect|curat|mixture|dedup")


def _tokens_kind(text: str, c: _Cand, sent_start: int) -> str:
    if c.value >= 1e9:
        return "data_size"  # a billion tokens or more is an amount of data, never a context length
    win_before = text[max(sent_start, c.num_start - 60):c.num_start]
    win_after = text[c.end:c.end + 40]
    if _RX_TOKENS_KIND_1.search(win_before) and not _RX_TOKENS_KIND_2.search(win_before[-40:] + win_after[:25]):
        return "data_size"
    if _CONTEXT_CUES.search(win_before[-50:] + win_after[:30]) or c.value <= 2e6:
        return "context_length"
    rest = text[c.end:c.end + 60]
    cut = _SENT_SPLIT_RE.search(rest)
    if not _DATA_CUES.search(text[sent_start:c.num_start] + (rest[:cut.start()] if cut else rest)):
        return "context_length"  # "language modeling with up to 4 million tokens"
    return "data_size"


# ---------------------------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------------------------


_RX_FIND_BENCHMARKS_1 = re.compile(r"[A-Z0-9-]")


def _find_benchmarks(text: str, guards: _Guards | None = None) -> list[tuple[int, int, str]]:
    found: dict[tuple[int, int], str] = {}

    def add(s: int, e: int, name: str) -> None:
        """Keep a name unless it overlaps one found by an earlier (more trusted) pass."""
        if not any(s < fe and fs < e for fs, fe in found):
            found[(s, e)] = name

    if guards is None or guards.lexicon:
        for bs, be, name in _lexicon_benchmarks(text):
            found[(bs, be)] = name
    # Every pattern match holds a keyword ("benchmark", "dataset", "test set"); the part before it is made of
    # [\w\s-] characters only. So no match starts before the [\w\s-] run that leads to the first keyword.
    kw = min((i for i in (text.find("benchmark"), text.find("dataset"), text.find("test")) if i >= 0), default=-1)
    g = _BENCH_SUFFIX_GUARD_RE.search(text) if guards is None or guards.bench_suffix else None
    if g is not None:
        # a match holds a suffix literal; its name starts at most one [A-Za-z0-9-] run before the first one
        start = g.start()
        while start > 0 and _NAME_CHAR_RE.match(text, start - 1):
            start -= 1
        if start > 1 and text[start - 1] == " " and _NAME_CHAR_RE.match(text, start - 2):
            start -= 1  # "All-Angles Bench": the name may be one space-separated run longer
            while start > 0 and _NAME_CHAR_RE.match(text, start - 1):
                start -= 1
        for m in _SUFFIX_BENCH_RE.finditer(text, start):
            s, e = m.span(1)
            if m.group(1) in _GENERIC_TASK_NAMES:
                continue  # "3D VQA data": a task, not a benchmark
            add(s, e, m.group(1))
    if kw >= 0 and _APPOSITION_GUARD_RE.search(text):
        for m in _APPOSITIVE_BENCH_RE.finditer(text):
            name = m.group(1)
            if _NOT_BENCH.match(name) or name.lower() in NON_NAME_WORDS:
                continue
            for om in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text):
                add(*om.span(), name)
    listed: list[tuple[int, int]] = []
    if "respectively" in text:
        # "by 40.4%, 22.0%, and 23.9% on ABC, CADParser, and Automate, respectively": the listed names
        listed += (m.span(1) for m in _RESPECTIVELY_NAMES_RE.finditer(text))
    if (guards is None or guards.listed_on) and " and " in text and " on " in text:
        for m in _NUMBERS_ON_NAMES_RE.finditer(text):
            if len(_LISTED_NUMBER_RE.findall(m.group(1))) == len(_LIST_NAME_RE.findall(m.group(2))):
                listed.append(m.span(2))
    for ls, le in listed:
        for nm in _LIST_NAME_RE.finditer(text, ls, le):
            name = nm.group(0)
            if _NOT_BENCH.match(name) or name.lower() in NON_NAME_WORDS or _model_or_task(name):
                continue
            add(*nm.span(), name)
    if (guards is None or guards.on_name) and " on " in text:
        for m in _AFTER_NUMBER_NAME_RE.finditer(text):
            if not _model_or_task(m.group(1)):
                add(*m.span(1), m.group(1))
    if (guards is None or guards.result_on) and " on " in text:
        for m in _AFTER_RESULT_NAME_RE.finditer(text):
            name = m.group(1)
            if not (len(name) < 3 or _model_or_task(name) or name in _METRIC_NAME_WORDS
                    or name in _METRIC_NAMES_NOT_BENCH):
                add(*m.span(1), name)
    # names opening an "On <Name>," clause, then "on the <Name> <description> dataset" ones
    named: list[re.Match] = []
    if (guards is None or guards.on_name) and ("On " in text or " on " in text):
        named += _on_name_leads(text)
    if kw >= 0 and " the " in text:
        named += _described_datasets(text)
    for m in named:
        if not (_model_or_task(m.group(1)) or _NOT_BENCH.match(m.group(1))):
            add(*m.span(1), m.group(1))
    pos = len(text) if kw < 0 else kw - _WSD_RUN_RE.match(text[kw - 1::-1] if kw else "").end()
    for m in _BENCH_PATTERN_RE.finditer(text, pos):
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
        if len(name) < 2 or _NOT_BENCH.match(name) or not _RX_FIND_BENCHMARKS_1.search(name) or name in _GENERIC_TASK_NAMES:
            continue  # "seven QA benchmarks": a task, not a benchmark's name
        add(s, e, name)
    out = []
    for (s, e), name in sorted(found.items()):
        if text.startswith("++", e) and not name.endswith("+"):
            e, name = e + 2, name + "++"  # "SWE-Bench++" is not SWE-bench
        vm = (_YEAR_AFTER_RE if name in _YEARLY_COMPETITIONS else _NAME_VERSION_AFTER_RE).match(text, e)
        if vm is None:
            vm = _BENCH_VARIANT_AFTER_RE.match(text, e)
        if vm is not None and not name.endswith(vm.group(0)[1:]):
            e, name = vm.end(), name + vm.group(0)
        out.append((s, e, name))
    return out


_BENCH_KINDS = {"score", "improvement", "speedup", "other", "reduction", "count"}
# "68.3 on MRCR (+18.1)": a number in parentheses right after a benchmark's name is about that benchmark
_PAREN_AFTER_NAME_RE = re.compile(r"\s*\(\s*[+-]?")


_RX_ASSIGN_BENCHMARKS_1 = re.compile(r"\s+")
_RX_ASSIGN_BENCHMARKS_2 = _ci(r"benchmark")
# "We evaluate Mastermind on CyberGym": the sentence up to the name evaluates on it
_EVALUATED_ON_RE = _ci(r"\b(?:evaluat\w*|experiments?|tested|assess\w*)\b[^.;]{0,60}\s(?:on|across)\s+(?:the\s+)?\S+$")


_RESOURCE_UNITS = {"ms", "seconds", "GB"}


def _assign_benchmarks(text: str, cands: list[_Cand], bounds: list[int], guards: _Guards | None = None) -> None:
    if not any(c.kind in _BENCH_KINDS for c in cands):
        return
    benches = _find_benchmarks(text, guards)
    if not benches:
        return
    sent_of = lambda pos: bisect_right(bounds, pos) - 1
    by_sent: dict[int, list[tuple[int, int, str]]] = {}
    for b in benches:
        by_sent.setdefault(sent_of(b[0]), []).append(b)
    cands_by_sent: dict[int, list[_Cand]] = {}
    for c in cands:
        # "31.2 ms inference latency, and 0.9 GB inference VRAM": the cost of running, not a result on the benchmark
        if c.kind in _BENCH_KINDS and not (c.kind == "other" and c.unit in _RESOURCE_UNITS):
            cands_by_sent.setdefault(sent_of(c.num_start), []).append(c)
    distinct = {_RX_ASSIGN_BENCHMARKS_1.sub("", b[2]).lower() for b in benches}
    for si, cs in cands_by_sent.items():
        bs = by_sent.get(si, [])
        s_start = bounds[si]
        s_end = bounds[si + 1] if si + 1 < len(bounds) else len(text)
        sent = text[s_start:s_end]
        if not bs:
            # inherit the paper's single benchmark when an earlier sentence evaluated on it
            if len(distinct) == 1 and benches[0][0] < s_start:
                b_sent = bounds[sent_of(benches[0][0])]
                prev = text[b_sent:benches[0][1] + 40]
                if _RX_ASSIGN_BENCHMARKS_2.search(prev) or _EVALUATED_ON_RE.search(text, b_sent, benches[0][1]):
                    for c in cs:
                        if c.kind in ("score", "improvement") and c.unit in ("%", "score", "pp"):
                            c.benchmark = benches[0][2]
            continue
        names = []
        for b in bs:
            if not names or _RX_ASSIGN_BENCHMARKS_1.sub("", names[-1][2]).lower() != _RX_ASSIGN_BENCHMARKS_1.sub("", b[2]).lower():
                names.append(b)
        eligible = [c for c in cs if c.kind != "count" or _count_bench_ok(text, c, names)]
        resp = "respectively" in sent
        if len(names) > 1 and len(eligible) > 1:
            # numbers listed right before as many listed names: "+5.5% and +6% for segmentation on ADE20k and
            # Pascal VOC, and ...", "gains of 2.8% and 0.7% are attained on DomainNet-126 and VisDA-C"
            paired = _listed_pairs(text, eligible, names)
            if len(paired) < len(eligible):
                # numbers listed together followed by as many benchmarks ("53% and 55% on HumanEval and MBPP")
                k = len(eligible) // len(names) if len(eligible) % len(names) == 0 else 0
                if not paired and k and (resp or _paired_list(text, eligible, names)):
                    for i, c in enumerate(eligible):
                        c.benchmark = names[i // k][2]
                    continue
            for c, b in paired:
                c.benchmark = None if b is None else b[2]
            done = {id(c) for c, _ in paired}
            eligible = [c for c in eligible if id(c) not in done]
        for c in eligible:
            c.benchmark = _nearest_bench(text, c, names, s_start)


_LIST_SEP_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)[+-]?\s?")
_LIST_TO_NAMES_RE = re.compile(r"\s*(?:[\w@-]+\s+){0,6}?on\s+(?:the\s+)?")


_NAME_LIST_SEP_RE = re.compile(r",?\s+and\s+|,\s+")
# "on TAT-QA, TableBench, and \\method": the list goes on with an item that is not a benchmark's name
_NAME_LIST_MORE_RE = re.compile(r",?\s+and\s+\S")


def _listed_pairs(text: str, cands: list[_Cand], names) -> list[tuple[_Cand, tuple[int, int, str] | None]]:
    """(number, name) pairs of a list of names that follows a list of as many numbers ("40.4%, 22.0%, and 23.9%
    on ABC, CADParser, and Automate"); the name is None for a last item that is not one ("8.43, 5.96 and 10.60 on
    MMLU-Pro, SuperGPQA and math average"). Names joined by "," / "and" are a list; else all of them are."""
    groups = [[names[0]]]
    for b in names[1:]:
        if _NAME_LIST_SEP_RE.fullmatch(text, groups[-1][-1][1], b[0]):
            groups[-1].append(b)
        else:
            groups.append([b])
    pairs = []
    for g in [g for g in groups if len(g) > 1] or [names]:
        before = [c for c in cands if c.end <= g[0][0]]
        if not before or not _LIST_TO_NAMES_RE.fullmatch(text, before[-1].end, g[0][0]):
            continue
        run = [before[-1]]
        for c in reversed(before[:-1]):
            if not _LIST_SEP_RE.fullmatch(text, c.end, run[0].start):
                break
            run.insert(0, c)
        items = [*g, None] if len(run) == len(g) + 1 and _NAME_LIST_MORE_RE.match(text, g[-1][1]) else g
        if len(run) == len(items):
            pairs += zip(run, items)
    return pairs


_RX_COUNT_BENCH_OK_1 = re.compile(r"\s*(?:on|in)\s+(?:the\s+)?$")


def _count_bench_ok(text: str, c: _Cand, names) -> bool:
    return any(0 <= b[0] - c.end <= 25 and _RX_COUNT_BENCH_OK_1.match(text[c.end:b[0]]) for b in names)


def _paired_list(text: str, cs: list[_Cand], names) -> bool:
    """Numbers joined by 'and'/',' followed by benchmarks joined the same way."""
    if len(cs) != len(names):
        return False
    last = max(c.end for c in cs)
    return all(b[0] > last for b in names) and names[0][0] - last < 40


_RX_NEAREST_BENCH_1 = re.compile(r"\b(?:on|in|for|across|of)\b")
_RX_NEAREST_BENCH_2 = re.compile(r"[;]|\bwhile\b|\bwhereas\b|\bwhilst\b")
_RX_NEAREST_BENCH_3 = re.compile(r"\s*(?:,|and|,\s*and|&|/)\s*")
_RX_NEAREST_BENCH_4 = _ci(r"\b(?:using|with|from|via)\s+(?:the\s+)?$")
_RX_NEAREST_BENCH_5 = re.compile(r"[;]|\bwhile\b|\bwhereas\b|\bwhilst\b|\bcompared\b")


_ON_AFTER_NUMBER_RE = re.compile(r"(?:\s+[\w@-]+)?\s+(?:on|in)\s")


def _nearest_bench(text: str, c: _Cand, names, s_start: int) -> str | None:
    after = [b for b in names if b[0] >= c.end]
    before = [b for b in names if b[1] <= c.num_start]
    # joined benchmark lists "on RULER and InfiniteBench"
    def joined(group):
        return ", ".join(b[2] for b in group)

    if before and _PAREN_AFTER_NAME_RE.fullmatch(text, before[-1][1], c.num_start):
        return before[-1][2]
    # "MuSiQue 59.8 F1": a score right after a name is on it; not "LiveCodeBench v6 76.4 on IMO-AnswerBench"
    if before and text[before[-1][1]:c.num_start] == " " and not _ON_AFTER_NUMBER_RE.match(text, c.end):
        return before[-1][2]

    if after:
        first = after[0]
        gap = text[c.end:first[0]]
        if len(gap) <= 90 and _RX_NEAREST_BENCH_1.search(gap) and not _RX_NEAREST_BENCH_2.search(gap):
            group = [first]
            for b in after[1:]:
                if _RX_NEAREST_BENCH_3.fullmatch(text[group[-1][1]:b[0]]):
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
            if _RX_NEAREST_BENCH_3.fullmatch(text[b[1]:group[0][0]]):
                group.insert(0, b)
            else:
                break
        if _RX_NEAREST_BENCH_4.search(text[max(0, group[0][0] - 12):group[0][0]]) and len(gap) > 15:
            return None
        return joined(group)
    if after and c.kind not in ("reduction", "speedup"):
        first = after[0]
        gap = text[c.end:first[0]]
        if len(gap) <= 80 and not _RX_NEAREST_BENCH_5.search(gap):
            return first[2]
    return None


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


_RX_MERGE_RANGES_1 = re.compile(r"\s*(?:-{1,3}|[–—~]|\\?sim|\$\\sim\$)\s*")  # "1.48--2.16×": LaTeX dashes
_RX_MERGE_RANGES_2 = re.compile(r"\s+to\s+")
_INEQ_RANGE_GAP_RE = re.compile(
    r"[\s$]*(?:<|≤|\\l(?:t|eq|esssim))[\s$]*\\?[A-Za-z][\w{}\\]{0,12}[\s$]*(?:<|≤|\\l(?:t|eq|esssim))[\s$]*"
)
_RANGING_FROM_RE = _ci(r"\b(?:rang\w*|var(?:y|ies|ied|ying))\s+from\s+$")
_RX_MERGE_RANGES_3 = _ci(r"\b(?:from|between)\s+(?:\S+\s+){0,1}$")


# "95% CI: 4.69--5.78": two decimals joined by a dash are one range even without a unit
_DECIMAL_RANGE_RE = re.compile(r"\d+\.\d+\s*(?:-{1,3}|[–—])\s*\d+\.\d+")


_BY_BEFORE_RE = re.compile(r"\bby\s+(?:up\s+to\s+|about\s+|around\s+|nearly\s+|approximately\s+)?$")


def _merge_ranges(text: str, cands: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        if i + 1 < len(cands):
            b = cands[i + 1]
            gap = text[a.end:b.start]
            dash = _RX_MERGE_RANGES_1.fullmatch(gap) is not None
            # "WikiText-2 5.47 to 4.91": a change from one value to another, not a range (whose ends rise)
            to = _RX_MERGE_RANGES_2.fullmatch(gap) is not None and a.value <= b.value
            from_before = _RX_MERGE_RANGES_3.search(text[max(0, a.start - 25):a.start])
            ranging = False
            if from_before and _RANGING_FROM_RE.search(text, max(0, a.start - 30), a.start):
                from_before = None  # "ranging from 1B to 8B parameters": one range
                ranging = True
            # "5 \\times 10^4 < z < 2 \\times 10^6": bounds of one variable
            ineq = a.value < b.value and _INEQ_RANGE_GAP_RE.fullmatch(gap) is not None
            if (
                dash
                or ineq
                or (to and not from_before and (a.unit is None or a.unit == "scale"))
                or (to and ranging and a.unit is not None and a.unit == b.unit)  # "ranging from 1.4pp to 3.5pp"
                # "improves the baselines by 2% to 11%": a change given as a range
                or (to and a.unit in ("%", "pp", "x") and a.unit == b.unit
                    and _BY_BEFORE_RE.search(text, max(0, a.start - 25), a.start) is not None)
            ) and (
                a.unit is None or a.unit == b.unit or (a.unit == "scale" and b.unit == "scale")
            ) and (
                b.unit is not None
                or (a.unit is None and (dash and _DECIMAL_RANGE_RE.fullmatch(text, a.start, b.end)
                                        # "by 50-64 percentage points", "by 0.5 to 3.5 points"
                                        or (dash or to) and _POINTS_RE.match(text, b.end)))
            ):
                m = _Cand(a.start, b.end, b.value, b.unit, None, b.num_start, b.num_end)
                m.scale_only, m.compound_noun = b.scale_only, b.compound_noun  # "4-8-step generation"
                m.note = text[a.start:b.end]
                m.range_start = a.num_start
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


_PAREN_OPEN_GAP_RE = re.compile(r"\s*\(\s*(?:i\.e\.,?\s*)?[+]?")
_PAREN_LIST_GAP_RE = re.compile(r"\s*\(\s*(?:[+]?\d+(?:\.\d+)?\s?\\?%\s*(?:,\s*(?:and\s+)?|and\s+|or\s+|/\s*))*[+]?")
_PAREN_LIST_END_RE = re.compile(r"(?:\s*(?:,\s*(?:and\s+)?|and\s+|or\s+|/\s*)[+]?\d+(?:\.\d+)?\s?\\?%)*[^()%\d]{0,30}\)")
# "reduces the norm by 15.97% and the average kurtosis by 91.09%": the second change shares the first one's kind
_PARALLEL_BY_GAP_RE = _ci(
    r"\s*(?:,\s*(?:and\s+|while\s+)?|\s+and\s+|\s+while\s+)(?:(?:its|the|their|our)\s+)?(?:[\w-]+\s+){0,4}?"
    r"by\s+(?:up\s+to\s+|about\s+|over\s+|nearly\s+|around\s+)?[+]?"
)
# "by 35% over A and 6% over B", "a 0.7%/0.8% gain", "gains of 1.19% (MemoryOS) and 2.55% (Mem0)": the gap
# between two listed numbers of one phrase
_LIST_GAP_RE = re.compile(
    r"^(?:\s+(?:on|for|in|with|of|over|than|against|across)\s+[^,;:()]{1,40}?|\s*\([^()]{1,40}\))?"
    r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)"
    r"(?:up\s+to\s+|by\s+(?:up\s+to\s+)?|about\s+|around\s+|nearly\s+|as\s+much\s+as\s+)?$"  # "and up to 9.2%"
    r"|^/$"
)


_RX_CONTINUE_LIST_1 = re.compile(r"\b(?:respectively|while|whereas)\b")


def _continue_list(text: str, kept: list[_Cand], c: _Cand) -> None:
    """"by 91% on A and 146% on B": a number listed after one of the same unit shares its kind."""
    if not kept or c.unit not in ("%", "x", "pp", "score"):
        return
    prev = next((k for k in reversed(kept) if k.unit == c.unit), None)
    # a bare number right after a number with a unit can take that unit too: a decimal after an "x" ("by a factor
    # of up to 2.84 in inference and 1.75 in training"), or one joined by "and" to a bare change in points ("by up
    # to 6.45 and 7.21")
    last = kept[-1]
    takes_unit = prev is None and c.unit == "score" and (
        (last.unit == "x" and "." in text[c.num_start:c.num_end])
        or (last.unit == "pp" and c.bare and last.bare and " and " in text[last.end:c.start])
    )
    if takes_unit:
        prev = last
    if prev is None or (prev.kind == c.kind and not takes_unit):
        return
    gap = text[prev.end:c.start]
    if _LIST_GAP_RE.match(gap) and not _RX_CONTINUE_LIST_1.search(gap):
        after = text[c.end:c.end + 30]
        if not (_IMP_AFTER.match(after) or _RED_AFTER.match(after) or _SPEED_AFTER.match(after) or _OTHER_AFTER.match(after)):
            c.kind = prev.kind
            if takes_unit:
                c.unit = prev.unit


def _share_list_unit(text: str, kept: list[_Cand]) -> None:
    """"reductions of 1.6, 1.8, and 4.7 points", "by 1.6, 1.8, and 4.7%": bare numbers listed right before one
    with a unit share its unit, and the list one kind (the first number's change, else the last one's)."""
    def bare_before(j: int) -> bool:
        c = kept[j - 1]
        return c.end == c.num_end and c.unit in ("score", "pp") and bool(_LIST_SEP_RE.fullmatch(text, c.end, kept[j].start))

    i = len(kept) - 1
    while i > 0:
        last, j = kept[i], i
        if last.unit in ("%", "pp") and last.end > last.num_end:
            while j > 0 and bare_before(j):
                j -= 1
        if j < i:
            kind = kept[j].kind if kept[j].kind in ("improvement", "reduction", "speedup", "other") else last.kind
            for c in kept[j:i + 1]:
                c.unit, c.kind = last.unit, kind
        i = j - 1


def extract_mentions(abstract: str) -> list[dict]:
    """All metric mentions of one abstract, in text order (see module docstring)."""
    text = abstract or ""
    if not _HAS_DIGIT.search(text):
        return []
    return _mentions(text)


# LaTeX math around a plain number ("a $7$B model", "$4.1$ points", "$85.3\\%$", "$2\\times$"): the "$"
# are delimiters, not dollars. They are dropped before the scan and spans mapped back to the abstract.
_MATH_NUMBER_RE = re.compile(r"\$(\s*[+\-\u2212]?\d[\d.,]*\s*(?:\\?%|\\times)?\s*)\$")


def _unwrap_math_numbers(text: str) -> tuple[str, list[int] | None]:
    """(text without the "$" around plain numbers, offset in ``text`` of each kept character)."""
    if "$" not in text:
        return text, None
    pieces, index, pos = [], [], 0
    for m in _MATH_NUMBER_RE.finditer(text):
        pieces += [text[pos:m.start()], m.group(1)]
        index += [*range(pos, m.start()), *range(m.start(1), m.end(1))]
        pos = m.end()
    if not pieces:
        return text, None
    pieces.append(text[pos:])
    index += range(pos, len(text))
    return "".join(pieces), index


def _mentions(text: str, guards: _Guards | None = None) -> list[dict]:
    """`extract_mentions` for a text known to hold a digit (`guards`: see `_Guards`)."""
    scanned, index = _unwrap_math_numbers(text)
    out = _scan_mentions(scanned, guards)
    if index is not None:
        for m in out:
            m["span_start"], m["span_end"] = index[m["span_start"]], index[m["span_end"] - 1] + 1
            m["mention"] = text[m["span_start"]:m["span_end"]]
    return out


_BY_BEFORE_RE = _ci(r"\bby\s+(?:up\s+to\s+|over\s+|about\s+|around\s+|nearly\s+|approximately\s+|roughly\s+|~\s*)?$")


def _scan_mentions(text: str, guards: _Guards | None) -> list[dict]:
    cands = _merge_ranges(text, _candidates(text, guards))
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
        if kept and c.unit == "%" and c.kind == "score":
            for k in reversed(kept[-4:]):
                if k.kind in ("improvement", "reduction", "speedup") and (
                    (_PAREN_OPEN_GAP_RE.fullmatch(text, k.end, c.start) and text[c.end:c.end + 1] == ")")
                    or (_PAREN_LIST_GAP_RE.fullmatch(text, k.end, c.start) and _PAREN_LIST_END_RE.match(text, c.end))
                ):
                    # "+0.088 (12%)", "by up to 15.0% and 57.5% (3.8% and 21.6% on average)": the same changes
                    # restated in other terms
                    c.kind = k.kind
                    break
        if (
            kept
            and c.kind == "score"
            and c.unit == kept[-1].unit
            and c.unit in ("%", "x", "pp")
            and kept[-1].kind in ("improvement", "reduction", "speedup")
            and _PARALLEL_BY_GAP_RE.fullmatch(text, kept[-1].end, c.start)
        ):
            c.kind = kept[-1].kind
        if c.kind == "score" and _BY_BEFORE_RE.search(text, max(0, c.start - 40), c.start):
            c.kind = "improvement"  # "(NQ-Open by 2.4%)": a number after "by" is a change, never a score
        kept.append(c)
    _share_list_unit(text, kept)
    _assign_benchmarks(text, kept, bounds, guards)
    out = []
    for c in kept:
        if c.kind in ("model_size", "data_size", "context_length") or c.setup:
            c.benchmark = None
        q = c.qualifier or _qualifier(text, c.start if c.range_start is None else c.range_start, c.end)
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


_MENTION_FIELDS = ("mention", "span_start", "span_end", "value", "unit", "kind", "metric", "benchmark", "qualifier", "note")


_LEXICON_KEYS = sorted(_BENCH_INDEX)
_DATE_OR_SECTION_LITERALS = list(_MONTHS + _SECTION_WORDS)
# Polars (Rust) regexes that match wherever the Python scans they guard can match (no look-around in Rust):
# a lexicon token starts after a non-word character, and a key ending in a word character ends before one.
_LEXICON_GUARD_PL = (
    r"\b(?:"
    + "|".join(re.escape(k) for k in sorted(_LEXICON_KEYS, key=len, reverse=True) if k[-1].isalnum() or k[-1] == "_")
    + r")\b|\b(?:"
    + "|".join(re.escape(k) for k in _LEXICON_KEYS if not (k[-1].isalnum() or k[-1] == "_"))
    + r")"
)
# Python's \s also matches \x1c-\x1f, Rust's does not
_LINKS_GUARD_PL = r"http|www\.|\.(?:com|org|net|io|ai|edu|dev|html|py|md)|et[\s\x1c-\x1f]+al"
_BENCH_SUFFIX_GUARD_PL = r"(?:QA|Bench|bench|BENCH|Eval|EVAL|Arena|GLUE|Gym)(?:[^a-z]|$)"
# what _AFTER_NUMBER_NAME_RE and _on_name_leads need (their own prefixes), and what _AFTER_RESULT_NAME_RE needs
_ON_NAME_GUARD_PL = f"(?:{_NUMBER_ON}|(?:^|[.;:,]|\\band)\\s*[Oo]n\\s+(?:the\\s+)?)[A-Z]"
_RESULT_ON_GUARD_PL = _RESULT_WORDS_ON + "[A-Z]"
# what _NUMBERS_ON_NAMES_RE needs before its names
_LISTED_ON_GUARD_PL = (_NUMBER_LIST + _UP_TO_ON).replace(r"\s", r"[\s\x1c-\x1f]")


def extract_metrics(papers: pl.DataFrame) -> pl.DataFrame:
    """One row per mention for a frame with columns paper_id, abstract (schema: METRICS_SCHEMA).

    Vectorised pre-pass (Polars): abstracts without any digit (or null/empty) are dropped, and the `_Guards`
    literals are looked up for all abstracts at once. Identical abstracts (the same paper listed in several
    dumps) are extracted once.
    """
    cols: dict[str, list] = {k: [] for k in METRICS_SCHEMA}
    if papers.height:
        a = pl.col("abstract")
        rows = (
            papers.select("paper_id", a.cast(pl.String))
            .filter(a.str.contains(r"\d"))
            .with_columns(
                a.str.contains_any(["19", "20"]).alias("_g_year"),
                a.str.contains_any(_DATE_OR_SECTION_LITERALS).alias("_g_ds"),
                a.str.contains(_LEXICON_GUARD_PL).alias("_g_lex"),
                a.str.contains(_BENCH_SUFFIX_GUARD_PL).alias("_g_suffix"),
                a.str.contains(_LINKS_GUARD_PL).alias("_g_links"),
                a.str.contains(_ON_NAME_GUARD_PL).alias("_g_on"),
                a.str.contains(_RESULT_ON_GUARD_PL).alias("_g_result_on"),
                a.str.contains(_LISTED_ON_GUARD_PL).alias("_g_listed_on"),
            )
        )
        paper_ids = cols["paper_id"]
        field_cols = [cols[k] for k in _MENTION_FIELDS]
        cache: dict[str, list[dict]] = {}
        for pid, abstract, *flags in rows.iter_rows():
            mentions = cache.get(abstract)
            if mentions is None:
                mentions = cache[abstract] = _mentions(abstract, _Guards(*flags))
            if not mentions:
                continue
            pid = None if pid is None else str(pid)
            for m in mentions:
                paper_ids.append(pid)
                for col, k in zip(field_cols, _MENTION_FIELDS):
                    col.append(m[k])
        cols["extractor_version"] = [EXTRACTOR_VERSION] * len(paper_ids)
    return pl.DataFrame(cols, schema=METRICS_SCHEMA)


# ---------------------------------------------------------------------------------------------
# Benchmark (called by `paperlake bench`; not a unit test)
# ---------------------------------------------------------------------------------------------

_SAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "samples"


def _sample_abstracts(samples_dir: Path = _SAMPLES_DIR) -> list[str]:
    from paperlake.parsing import parse_dump

    abstracts: list[str] = []
    for path in sorted(p for p in samples_dir.iterdir() if p.is_file()):
        listings = parse_dump(path.read_bytes(), path.name).listings
        if "abstract" in listings.columns:
            abstracts.extend(a for a in listings.get_column("abstract").to_list() if a)
    if not abstracts:
        raise FileNotFoundError(f"no sample abstracts found under {samples_dir}")
    return abstracts


def bench_extraction(n: int = 20000) -> dict:
    """Throughput of `extract_metrics` on the sample dumps' abstracts replicated to n rows (one process)."""
    abstracts = _sample_abstracts()
    reps = -(-n // len(abstracts))
    papers = pl.DataFrame(
        {"paper_id": [f"bench-{i}" for i in range(n)], "abstract": (abstracts * reps)[:n]},
        schema={"paper_id": pl.String, "abstract": pl.String},
    )
    t0 = time.perf_counter()
    out = extract_metrics(papers)
    seconds = time.perf_counter() - t0
    return {
        "abstracts": n,
        "seconds": round(seconds, 4),
        "abstracts_per_s": round(n / seconds, 1) if seconds > 0 else float("inf"),
        "mentions": out.height,
    }
