"""Plain-text captures of a Hugging Face (Daily) Papers page.

Two layouts:
* ``hf_text_blank``   - blocks separated by blank lines: furniture, a page date (``Mar 21``),
  then title block / abstract block pairs (an abstract block may be hard-wrapped).
* ``hf_text_compact`` - no blank lines; furniture may be glued to the first title
  (``SubscribeA Thorough Examination ...``); title line / abstract line pairs.

Decisions are line-level: every line ends up in a listing, in a quarantine row, or is
furniture (blank lines, navigation, page date).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .ledger import LineLedger
from .normalize import MONTH_RE, abstract_junk_reasons, clean_texts, collapse, parse_date_text, urls_in

# Whole-line page furniture (matched case-insensitively on the whitespace-collapsed line).
_FURNITURE_PATTERNS = [
    r"new",
    r"get (?:the )?trending papers(?: in your (?:e-?mail )?inbox)?(?: once a (?:day|week))?[!.]?",
    r"subscribe(?: to (?:the )?newsletter)?",
    r"unsubscribe(?:\s*[|·•-]\s*manage (?:preferences|subscription|your subscription))?",
    r"(?:from|to|cc|bcc|reply-to|subject|date|sent|message-id):\s.{0,100}",  # e-mail headers (a digest saved as text)
    r"(?:hugging ?face )?(?:daily|weekly|monthly|trending) papers",
    r"papers",
    r"by\s*ak(?: and the research community)?",
    r"and the research community",
    r"the research community",
    r"(?:search|search papers|search any paper.*)",
    r"(?:previous|next|prev)(?: (?:day|week|month|page))?",
    r"[«‹←<]\s*(?:previous|prev|back)?(?: \w+)?",
    r"(?:next|more)?(?: \w+)?\s*[›»→>]",
    r"(?:submit|submit a paper|submit paper|view all|see all|load more|show more|show less)",
    r"(?:sign up|sign in|log ?in|log out)",
    r"(?:models|datasets|spaces|posts|docs|pricing|enterprise|solutions|community)",
    r"(?:day|week|month|daily|weekly|monthly)",
    r"(?:upvote|upvotes|comments?)\s*\d*",
    r"\d{1,6}",
    r"[-–—•·|*=_#~]+",
    r"(?:published|submitted)(?: on)? .{0,40}",
    r"(?:trending|most upvoted|latest|newest|top)",
    r"(?:©|copyright).{0,80}",
    r"(?:join the community|get started|sign up to join|hugging face)",
    r"(?:view|open) (?:pdf|abstract|paper).{0,20}",
    r"(?:no papers? (?:found|today).*)",
]
_FURNITURE = re.compile(r"^(?:" + "|".join(_FURNITURE_PATTERNS) + r")$", re.I)

# Furniture that may be glued to the first title on the same line ("SubscribeA Thorough ...").
_GLUED_PREFIX = re.compile(
    r"^(?i:subscribe|get trending papers in your email inbox(?: once a day)?!?|daily papers"
    r"|by\s*ak and the research community|new)"
    r"(?=[A-Z0-9\"'“(\[])"
)

_DATE_LINE = re.compile(
    rf"^(?:[A-Za-z]{{3,9}},?\s+)?(?:{MONTH_RE}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_RE}\.?,?(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})$",
    re.I,
)

# A line that is a metadata field of some other format, never a paper title.
_FIELD_LINE = re.compile(
    r"^(?:(?:authors?|subjects?|comments?|abstract|url|doi|journal(?:-ref)?|keywords|categories|pages|volume|publisher"
    r"|booktitle|eprint|archiveprefix|primaryclass)\s*(?::|=\s*[{\"])|[A-Z][A-Z0-9]  - |@\w+\{)",
    re.I,
)
_SENT_BREAK = re.compile(r"[a-z0-9)\]%][.!?]\s+[A-Z(]")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")
_MAX_TITLE = 300


_WS_RUN = re.compile(r"\s\s")


_FURNITURE_MAX = 120  # collapsed characters
_DATE_MAX = 40


def _short_collapsed(s: str, limit: int) -> str | None:
    """collapse(s) if it is at most ``limit`` characters long, else None (cheaply: without a
    run of two whitespace characters, collapsing does not shorten a stripped line; a printable
    line has no whitespace but spaces)."""
    s = s.strip()
    if len(s) > limit and ("  " not in s if s.isprintable() else not _WS_RUN.search(s)):
        return None
    c = collapse(s)
    return c if len(c) <= limit else None


def line_kind(s: str) -> tuple[bool, bool]:
    """(is_date_line(s), is_furniture_line(s)), collapsing the line once."""
    c = _short_collapsed(s, _FURNITURE_MAX)
    if c is None:
        return False, False
    return len(c) <= _DATE_MAX and bool(_DATE_LINE.match(c)), not c or bool(_FURNITURE.match(c))


def is_furniture_line(s: str) -> bool:
    return line_kind(s)[1]


def is_date_line(s: str) -> bool:
    return line_kind(s)[0]


def looks_like_abstract(s: str) -> bool:
    """Prose rather than a title: long, several sentences, or a long sentence ending in '.'."""
    n = len(s)
    if n >= _MAX_TITLE:
        return True
    words = len(s.split())
    breaks = _SENT_BREAK.findall(s)
    if words >= 12 and any(b[1] == "." for b in breaks):
        return True
    if words >= 25 and breaks:
        return True
    if words >= 18 and _TERMINAL.search(s):
        return True
    if words >= 45:
        return True
    return False


def looks_like_short_abstract(s: str) -> bool:
    """A short line that could still be a (short) abstract: ends like a sentence."""
    return len(s.split()) >= 6 and bool(_TERMINAL.search(s)) and not s.endswith("?")


def _title_before_abstract(s0: str, content: list, k: int) -> bool:
    """A borderline line directly followed by clear prose is taken as that prose's title."""
    if len(s0) >= _MAX_TITLE or _TERMINAL.search(s0) and not s0.endswith("?"):
        return False
    if k + 1 >= len(content):
        return False
    nxt = content[k + 1][2]
    return looks_like_abstract(nxt) and len(nxt) > 2 * len(s0)


@dataclass
class TextResult:
    format: str
    listing_date: dt.date | None
    listing_date_inferred: bool


def sniff_text_page(lines: list[str], max_lines: int = 400) -> tuple[int, int, int]:
    """(furniture hits, abstract-like lines, blank lines) among the first lines."""
    furn = abst = blank = 0
    for s in lines[:max_lines]:
        if len(s) > 200_000:
            continue
        if not s.strip():
            blank += 1
        elif any(line_kind(s)) or _GLUED_PREFIX.match(s.strip()):
            furn += 1
        elif looks_like_abstract(s):
            abst += 1
    return furn, abst, blank


def parse_text_page(
    ledger: LineLedger, reference_date: dt.date | None, *, long_lines: set[int] | frozenset[int] = frozenset()
) -> TextResult:
    lines = ledger.lines
    n = len(lines)

    # 1. content lines (with block ids), furniture, page date
    content: list[tuple[int, int, str]] = []  # (line index, block id, text)
    listing_date: dt.date | None = None
    inferred = False
    block = 0
    prev_blank = True
    blank_between_content = 0
    seen_content = False
    for i in range(n):
        if i in long_lines or not ledger.is_free(i):
            prev_blank = True
            block += 1
            continue
        raw = lines[i]
        s = raw.strip()
        if not s:
            ledger.furniture(i)
            if not prev_blank:
                block += 1
            if seen_content:
                blank_between_content += 1
            prev_blank = True
            continue
        prev_blank = False
        date_line, furniture_line = line_kind(s)
        if date_line:
            d, inf = parse_date_text(s, reference_date)
            if d is not None and listing_date is None and not content:
                listing_date, inferred = d, inf
            if d is not None:
                ledger.furniture(i)
                block += 1
                continue
        if furniture_line:
            ledger.furniture(i)
            block += 1
            continue
        m = _GLUED_PREFIX.match(s)
        if m and not content:
            s = s[m.end():].strip()
        seen_content = True
        content.append((i, block, s))

    blank_layout = blank_between_content >= max(1, len(content) // 4)
    fmt = "hf_text_blank" if blank_layout else "hf_text_compact"

    # 2. pair titles with abstracts
    k = 0
    nc = len(content)

    def abstract_extent(k0: int) -> int:
        """Last content index of the abstract starting at k0 (hard-wrapped continuation)."""
        k1 = k0
        while k1 + 1 < nc:
            i_prev, b_prev, s_prev = content[k1]
            i_next, b_next, s_next = content[k1 + 1]
            if i_next != i_prev + 1:  # a blank/furniture line in between ends the paragraph
                if blank_layout:
                    break
                if b_next != b_prev:
                    break
            if blank_layout:
                k1 += 1
                continue
            # compact layout: a continuation only if the previous line was hard-wrapped
            if len(s_prev) > 160 or _TERMINAL.search(s_prev):
                break
            # ...and the next line does not start a title/abstract pair
            if k1 + 2 < nc and not looks_like_abstract(s_next) and looks_like_abstract(content[k1 + 2][2]):
                if not s_next[:1].islower():
                    break
            k1 += 1
        return k1

    def title_extent(k0: int) -> int:
        """Titles wrapped over two lines inside one block (blank layout only)."""
        if not blank_layout:
            return k0
        k1 = k0
        while (
            k1 + 1 < nc
            and content[k1 + 1][1] == content[k0][1]
            and content[k1 + 1][0] == content[k1][0] + 1
            and not looks_like_abstract(content[k1 + 1][2])
            and len(" ".join(c[2] for c in content[k0 : k1 + 2])) <= _MAX_TITLE
        ):
            k1 += 1
        return k1

    while k < nc:
        i0, b0, s0 = content[k]
        if looks_like_abstract(s0) and not _title_before_abstract(s0, content, k):
            # prose with no title before it
            ke = abstract_extent(k)
            ledger.quarantine(i0, content[ke][0], "abstract without title")
            k = ke + 1
            continue
        kt = title_extent(k)
        title_text = " ".join(c[2] for c in content[k : kt + 1])
        if _FIELD_LINE.match(title_text):  # "Subjects: ...", "AU  - ...", "url={...}": another format's fields
            ledger.quarantine(i0, content[kt][0], "metadata field line, not a title")
            k = kt + 1
            continue
        nxt = kt + 1
        if nxt >= nc:
            ledger.quarantine(i0, content[kt][0], "title without abstract")
            k = nxt
            continue
        i1, b1, s1 = content[nxt]
        if blank_layout:  # judge the whole paragraph, not its first (hard-wrapped) line
            s1 = " ".join(c[2] for c in content[nxt : abstract_extent(nxt) + 1])
        if looks_like_abstract(s1):
            is_abstract = True
        else:
            # title followed by a short line: a short abstract, or the next title?
            after = nxt + 1
            follows_abstract = after < nc and looks_like_abstract(content[after][2])
            is_abstract = looks_like_short_abstract(s1) and not follows_abstract
        if not is_abstract:
            ledger.quarantine(i0, content[kt][0], "title without abstract")
            k = nxt
            continue
        ke = abstract_extent(nxt)
        abstract_raw = "\n".join(c[2] for c in content[nxt : ke + 1])
        ledger.listing(i0, content[ke][0], title=title_text, abstract=abstract_raw)
        k = ke + 1

    # every listing row of this ledger is from this page: clean and judge them in one pass
    rows = ledger.rows
    titles = clean_texts([r["title"] for r in rows])
    abstracts = clean_texts([r["abstract"] for r in rows])
    for r, title, abstract, flag in zip(rows, titles, abstracts, abstract_junk_reasons(abstracts, titles)):
        r.update(title=title, abstract=abstract, abstract_flag=flag, links=urls_in(abstract) or None)
    return TextResult(fmt, listing_date, inferred)
