"""arXiv listing pages (``/list/<category>/new``, ``recent``) copied or saved as text.

Each entry: ``[1] arXiv:2501.01234 [pdf, html, other]`` (optionally ``(cross-list from ...)`` or
``(replaced)``), ``Title: ...``, the authors line, descriptor lines (``Comments:``,
``Journal-ref:``, ``Subjects:``, ...), and on ``new`` pages the abstract paragraph. Page headings
(category, "Showing new listings for ...", section headings, totals, paging) are furniture.
Unit of accounting = line.
"""

from __future__ import annotations

import datetime as dt
import re

from .arxiv_mailing import MailingResult
from .html_pages import DAY_MONTH_YEAR, SUBJECT_CODE, page_date
from .ledger import LineLedger
from .normalize import arxiv_id_from, clean_text, split_authors
from .records import listing_fields

ENTRY = re.compile(r"^\s*\[\d+\]\s+arXiv:\s*(\S+)")
_DESCRIPTOR = re.compile(r"^\s*(Title|Authors|Comments|Journal-ref|Subjects|MSC-class|ACM-class|Report-number|DOI)\s*:\s*(.*)$",
                         re.I)


_ENTRY_ANYWHERE = re.compile(r"^[ \t]*\[\d+\][ \t]+arXiv:", re.M)
_TITLE_ANYWHERE = re.compile(r"^[ \t]*Title[ \t]*:", re.M)


def looks_like_arxiv_list_text(head: str) -> bool:
    return ("arXiv:" in head and _ENTRY_ANYWHERE.search(head) is not None
            and _TITLE_ANYWHERE.search(head) is not None)


def _entry(lines: list[str], i0: int, i1: int) -> dict | None:
    """Fields of the entry on lines i0..i1 (i0: the "[n] arXiv:..." line)."""
    arxiv_id = arxiv_id_from(ENTRY.match(lines[i0]).group(1))
    title, authors, subjects, abstract = None, None, "", []
    after_subjects = False
    for line in lines[i0 + 1:i1 + 1]:
        s = line.strip()
        if not s:
            continue
        d = _DESCRIPTOR.match(s)
        if d and not after_subjects:
            key = d.group(1).lower()
            if key == "title":
                title = d.group(2)
            elif key == "authors":
                authors = d.group(2)
            elif key == "subjects":
                subjects, after_subjects = d.group(2), True
            continue
        if title is not None and authors is None and not after_subjects:
            authors = s  # the authors line carries no descriptor on the list page
        elif after_subjects:
            abstract.append(s)
    title = clean_text(title)
    if not title:
        return None
    return listing_fields(title, clean_text(" ".join(abstract)) if abstract else None, arxiv_id=arxiv_id,
                          authors=split_authors(authors), categories=SUBJECT_CODE.findall(subjects))


def parse_arxiv_list_text(ledger: LineLedger, reference_date: dt.date | None) -> MailingResult:
    lines = ledger.lines
    starts = [i for i, s in enumerate(lines) if ledger.is_free(i) and ENTRY.match(s)]
    head = range(starts[0] if starts else 0)  # the page's headings above the first entry
    listing_date = page_date([lines[i] for i in head], reference_date)
    for i in head:
        ledger.furniture(i)
    for k, i0 in enumerate(starts):
        i1 = (starts[k + 1] if k + 1 < len(starts) else len(lines)) - 1
        # section headings and paging between entries are not part of the entry
        while i1 > i0 and (not lines[i1].strip() or _is_page_line(lines[i1])):
            ledger.furniture(i1)
            i1 -= 1
        fields = _entry(lines, i0, i1)
        if fields is None:
            ledger.quarantine(i0, i1, "arXiv list entry without title")
        else:
            ledger.listing(i0, i1, **fields)
    return MailingResult(listing_date, False)


def _is_page_line(s: str) -> bool:
    s = s.strip()
    return bool(
        re.match(r"^(?:new|cross|replacement)(?:-list)? submissions\b", s, re.I)
        or re.match(r"^(?:total of \d+ entries|showing (?:up to|new listings)|which authors of this paper)", s, re.I)
        or re.match(r"^(?:fewer|more|all)\s*(?:\|\s*(?:fewer|more|all)\s*)*$", s, re.I)
        or DAY_MONTH_YEAR.search(s) and len(s) <= 60 and not _DESCRIPTOR.match(s)
    )
