"""RIS files (reference-manager exports): ``TY  - `` opens a record, ``ER  - `` closes it; one
listing per record. Unit of accounting = record."""

from __future__ import annotations

import datetime as dt
import re

from .ledger import RecordLedger, clip_raw
from .normalize import arxiv_id_from, clean_text, to_date
from .records import StructuredResult, listing_fields

_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
_TITLE_TAGS, _AUTHOR_TAGS, _ABSTRACT_TAGS = ("TI", "T1", "CT", "BT"), ("AU", "A1", "A2"), ("AB", "N2")
_LINK_TAGS, _DATE_TAGS = ("UR", "L1", "L2", "DO", "M3", "N1"), ("DA", "Y1")


_FILE_START = re.compile(r"\ufeff?\s*TY  - ?\S")


def looks_like_ris(head: str) -> bool:
    return _FILE_START.match(head) is not None


def _listing(tags: list[tuple[str, str]]) -> tuple[dict | None, str | None]:
    def first(keys: tuple[str, ...]) -> str | None:
        return next((v for k, v in tags if k in keys and v.strip()), None)

    title = clean_text(first(_TITLE_TAGS))
    if not title:
        return None, "RIS record without title"
    links = [v.strip() for k, v in tags if k in _LINK_TAGS and v.strip().startswith("http")]
    ids = [v for k, v in tags if k in (*_LINK_TAGS, "JO", "T2", "ID")]
    authors = []
    for k, v in tags:
        if k in _AUTHOR_TAGS and v.strip():
            last, _, given = v.partition(",")
            authors.append(clean_text(f"{given.strip()} {last.strip()}" if given else last))
    date = first(_DATE_TAGS)
    return listing_fields(
        title, clean_text(first(_ABSTRACT_TAGS)), arxiv_id=next((a for a in map(arxiv_id_from, ids) if a), None),
        authors=authors, links=links,
        published_at=to_date(date.replace("/", "-").strip("-")) if date and date.count("/") >= 2 else None,
    ), None


def parse_ris(text: str, reference_date: dt.date | None, notes: tuple[str, ...] = ()) -> StructuredResult:
    ledger = RecordLedger()
    tags: list[tuple[str, str]] | None = None
    raw: list[str] = []
    for line in text.splitlines():
        m = _TAG.match(line.rstrip())
        if m is None:
            if tags is not None and line.strip() and tags:  # a wrapped value continues the last tag
                k, v = tags[-1]
                tags[-1] = (k, f"{v} {line.strip()}")
                raw.append(line)
            continue
        tag, value = m.group(1), m.group(2)
        if tag == "TY":
            if tags is not None:
                ledger.quarantine("RIS record without ER (end of record)", clip_raw("\n".join(raw), 2000))
            tags, raw = [], [line]
        elif tag == "ER":
            if tags is not None:
                fields, reason = _listing(tags)
                if fields is None:
                    ledger.quarantine(reason, clip_raw("\n".join(raw), 2000))
                else:
                    ledger.listing(**fields)
            tags, raw = None, []
        elif tags is not None:
            tags.append((tag, value))
            raw.append(line)
    if tags is not None:
        ledger.quarantine("truncated RIS record (no ER)", clip_raw("\n".join(raw), 2000))
    if ledger.n_listing == 0 and ledger.n_quarantine == 0:
        ledger.quarantine("RIS file without records", clip_raw(text, 2000))
    return StructuredResult("ris", None, False, ledger)
