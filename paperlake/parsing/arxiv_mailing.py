"""arXiv daily "new submissions" e-mail listings.

Entries are delimited by ``\\\\`` lines: ``\\\\``, the id line (``arXiv:2303.00769`` or
``Paper: astro-ph/0601001``), a date/replacement line, header fields (Title/Authors/
Categories/Comments/...; continuation lines are indented), ``\\\\``, the wrapped abstract,
``\\\\ ( https://arxiv.org/abs/... , 32kb)``. Replacements usually carry no abstract; they are
still listings (abstract null, flag "no abstract in listing (replacement)").
Unit of accounting = line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .ledger import LineLedger
from .normalize import arxiv_id_from, clean_text, dedupe, split_authors, tex_accents, to_date, urls_in
from .records import judge_abstract

_ID_LINE = re.compile(r"^(?:arXiv|Paper)(?:\s*\(\*cross-listing\*\))?:\s*(\S+)(.*)$")  # "Paper (*cross-listing*): ..." too
_FIELD = re.compile(r"^([A-Z][A-Za-z-]{1,20}):\s?(.*)$")
_END_LINK = re.compile(r"^\\\\\s*\(\s*(https?://\S+)\s*,?\s*([^)]*)\)\s*$")
_SEP = re.compile(r"^[-%=*~]{10,}\s*$")
_HEADER_NEXT = re.compile(r"^(?:From|Date|Title|Authors?):")


@dataclass
class MailingResult:
    listing_date: dt.date | None
    listing_date_inferred: bool


def _mail_date(text: str) -> dt.date | None:
    """'Fri,  3 Mar 23 01:36:02 GMT' (two-digit year) or RFC-822 dates."""
    m = re.search(r"(\d{1,2})\s+([A-Z][a-z]{2})\s+(\d{2,4})\b", text)
    if m:
        year = int(m.group(3))
        if year < 100:
            year += 2000 if year < 90 else 1900
        d = to_date(f"{m.group(1)} {m.group(2)} {year}")
        if d:
            return d
    return to_date(text)


def parse_arxiv_mailing(ledger: LineLedger, reference_date: dt.date | None) -> MailingResult:
    lines = ledger.lines
    n = len(lines)
    listing_date = None
    for s in lines[:30]:
        if s.startswith("Date:"):
            listing_date = _mail_date(s[5:])
            break

    # entry starts: id lines preceded by a "\\" line
    # (an abstract line may start with "arXiv:..." too: an id line opens an entry after a "\\"
    # line or before the entry's header fields)
    starts = [i for i in range(n) if ledger.is_free(i) and _ID_LINE.match(lines[i]) and (
        (i > 0 and lines[i - 1].strip() == "\\\\") or (i + 1 < n and _HEADER_NEXT.match(lines[i + 1])))]
    bounds = []
    for k, i in enumerate(starts):
        s = i - 1 if i > 0 and lines[i - 1].strip() == "\\\\" else i
        bounds.append((s, i))
    for k, (s, i) in enumerate(bounds):
        end_limit = bounds[k + 1][0] - 1 if k + 1 < len(bounds) else n - 1
        # the entry ends at its "\\ ( url , size)" line, else before a separator line
        e = None
        for j in range(i + 1, end_limit + 1):
            if _END_LINK.match(lines[j].strip()):
                e = j
                break
            if _SEP.match(lines[j]):
                e = j - 1
                break
        if e is None:
            e = end_limit
            while e > i and (not lines[e].strip() or _SEP.match(lines[e])):
                e -= 1
        _entry(ledger, s, i, e)
    # everything else: separators, header, footer are furniture; unexpected prose is quarantined
    for j in range(n):
        if ledger.is_free(j):
            t = lines[j].strip()
            if not t or _SEP.match(t) or t == "\\\\" or j < (bounds[0][0] if bounds else n) or _is_footer(t):
                ledger.furniture(j)
    return MailingResult(listing_date, False)


def _is_footer(t: str) -> bool:
    return bool(
        re.match(r"^(?:for (?:subscribe|help|general information)|e-mail to:|to unsubscribe|archives at|"
                 r"send any comments|http|keyword subject classification)", t, re.I)
        or re.fullmatch(r"/\*.*\*/", t)  # day markers of "pastweek" listings: /* Thu, 2 Mar 2023 */
    )


def _entry(ledger: LineLedger, s: int, i: int, e: int) -> None:
    lines = ledger.lines
    m = _ID_LINE.match(lines[i])
    ident = m.group(1)
    fields: dict[str, str] = {}
    cur = None
    j = i + 1
    # header fields until the "\\" line that opens the abstract
    abstract_lines: list[str] = []
    in_abstract = False
    end_url = None
    replaced = "replaced with revised version" in " ".join(lines[i : min(e + 1, i + 3)]).lower()
    while j <= e:
        t = lines[j]
        st = t.strip()
        em = _END_LINK.match(st)
        if em:
            end_url = em.group(1)
            break
        if st == "\\\\":
            in_abstract = True
            j += 1
            continue
        if in_abstract:
            abstract_lines.append(t)
        else:
            fm = _FIELD.match(t)
            if fm and not t.startswith(" "):
                cur = fm.group(1).lower()
                fields[cur] = fm.group(2)
            elif cur and t.startswith((" ", "\t")) and st:
                fields[cur] += "\n" + t
            elif st.lower().startswith("replaced with revised version"):
                replaced = True
        j += 1

    title = clean_text(fields.get("title"))
    if not title:
        ledger.quarantine(s, e, "arXiv entry without title")
        return
    abstract = clean_text("\n".join(abstract_lines)) if abstract_lines else None
    if abstract is None:
        flag = "no abstract in listing (replacement)" if replaced else "missing abstract"
    else:
        abstract, flag = judge_abstract(abstract, title)
    authors_raw = fields.get("authors")
    authors = split_authors(clean_text(tex_accents(authors_raw)) if authors_raw else None)
    cats = fields.get("categories")
    links = []
    if end_url:
        links.append(end_url)
    links += urls_in(fields.get("comments")) + urls_in(abstract)
    date = None
    for t in lines[i + 1 : min(e + 1, i + 3)]:
        dm = re.match(r"^(?:Date:|replaced with revised version)\s*(.*)$", t.strip())
        if dm:
            date = to_date(re.sub(r"\s+\(.*$", "", dm.group(1)).strip())
            break
    ledger.listing(
        s,
        e,
        title=title,
        abstract=abstract,
        abstract_flag=flag,
        arxiv_id=arxiv_id_from(ident) or arxiv_id_from(end_url),
        authors=authors,
        published_at=date,
        links=dedupe(links) or None,
        categories=cats.split() if cats else None,
    )
