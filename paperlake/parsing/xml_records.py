"""XML documents of paper records that are not feeds: ACL Anthology volumes (<paper>), PubMed
(<PubmedArticle>), JATS-like and other bibliographic exports.

A record is the repeated element holding a title: from each title element, the nearest ancestor
that has same-named siblings (or is a child of the root); every element of that name is a record.
Inside a record, the shallowest title is the paper's (a journal's <Title> lies deeper than
<ArticleTitle>); abstract, authors, ids and the publication date are read from descendants by
their usual names. Unit of accounting = record.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter

from .ledger import RecordLedger, clip_raw
from .normalize import arxiv_id_from, clean_text, collapse, to_date
from .records import StructuredResult, listing_fields

_TITLES = ("articletitle", "article-title", "title")  # preferred first at the same depth
_FIRST_NAMES = ("first", "forename", "given", "given-names", "firstname")
_LAST_NAMES = ("last", "lastname", "family", "surname")
_ID_NAMES = ("doi", "url", "eprint", "articleid", "elocationid", "arxiv", "id", "identifier")
_DATE_NAMES = ("pubdate", "date", "publicationdate", "published", "articledate")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), 1)}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _text(el: ET.Element) -> str | None:
    return clean_text(collapse("".join(el.itertext())))


def _records(root: ET.Element, parent: dict[ET.Element, ET.Element]) -> list[ET.Element]:
    child_tags: dict[int, Counter] = {}  # per element: how many children of each name
    found: dict[int, ET.Element] = {}
    for el in root.iter():
        if _local(el.tag) not in _TITLES or el is root:
            continue
        node = el
        while node in parent and parent[node] is not root:
            up = parent[node]
            if id(up) not in child_tags:
                child_tags[id(up)] = Counter(_local(c.tag) for c in up)
            if child_tags[id(up)][_local(node.tag)] > 1:
                break
            node = up
        if node is not root:
            found.setdefault(id(node), node)
    # every element named like a record is one (a <paper> without <title> is quarantined, not lost)
    tags = {_local(n.tag) for n in found.values()}
    records: list[ET.Element] = []
    inside: set[int] = set()
    for el in root.iter():
        if el in parent and id(parent[el]) in inside:
            inside.add(id(el))  # a descendant of a record
        elif _local(el.tag) in tags and el is not root:
            records.append(el)
            inside.add(id(el))
    return records


def _shallowest(rec: ET.Element, names: tuple[str, ...]) -> ET.Element | None:
    level = [rec]
    while level:
        hits = [c for name in names for el in level for c in el if _local(c.tag) == name]
        if hits:
            return hits[0]
        level = [c for el in level for c in el]
    return None


def _authors(rec: ET.Element) -> list[str]:
    names = []
    for a in rec.iter():
        if _local(a.tag) not in ("author", "contrib"):
            continue
        parts = {_local(c.tag): _text(c) for c in a.iter() if c is not a}
        first = next((parts[k] for k in _FIRST_NAMES if parts.get(k)), None)
        last = next((parts[k] for k in _LAST_NAMES if parts.get(k)), None)
        name = " ".join(p for p in (first, last) if p) if (first or last) else _text(a)
        if name:
            names.append(name)
    return names


def _year_month_day(el: ET.Element) -> dt.date | None:
    """The date of an element with <Year>, <Month> (number or name), <Day> children (first of the
    month or year when those are missing)."""
    parts = {_local(c.tag): (c.text or "").strip() for c in el}
    if not parts.get("year", "").isdigit():
        return None
    month = parts.get("month", "1")
    m = int(month) if month.isdigit() else _MONTHS.get(month[:3].lower(), 1)
    try:
        return dt.date(int(parts["year"]), m, int(parts["day"]) if parts.get("day", "").isdigit() else 1)
    except ValueError:
        return None


def _date(rec: ET.Element, parent: dict[ET.Element, ET.Element]) -> dt.date | None:
    for el in rec.iter():
        if _local(el.tag) in _DATE_NAMES:
            d = _year_month_day(el) or to_date((el.text or "").strip())
            if d is not None:
                return d
    # a proceedings volume dates its papers: <volume><meta><month>July</month><year>2023</year>
    up = parent.get(rec)
    meta = next((c for c in up if _local(c.tag) == "meta"), None) if up is not None else None
    return _year_month_day(meta) if meta is not None else None


def parse_xml_records(text: str) -> StructuredResult | None:
    """The listings of an XML document of paper records; None when it holds none."""
    try:
        root = ET.fromstring(text)
    except (ET.ParseError, RecursionError):
        return None
    parent = {c: p for p in root.iter() for c in p}
    records = _records(root, parent)
    if not records:
        return None
    ledger = RecordLedger()
    for rec in records:
        title_el = _shallowest(rec, _TITLES)
        title = _text(title_el) if title_el is not None else None
        if not title:
            ledger.quarantine("record without title", clip_raw(ET.tostring(rec, encoding="unicode"), 2000))
            continue
        parts = [_text(el) for el in rec.iter() if _local(el.tag) == "abstracttext"]
        if not parts:
            parts = [_text(el) for el in rec.iter() if _local(el.tag) == "abstract"]
        abstract = " ".join(p for p in parts if p) or None
        ids = [(_local(el.tag), (el.text or "").strip()) for el in rec.iter() if _local(el.tag) in _ID_NAMES]
        dois = [f"https://doi.org/{v}" for k, v in ids if k == "doi" and v.startswith("10.")]
        ledger.listing(**listing_fields(title, abstract, arxiv_id=next((a for _, v in ids if (a := arxiv_id_from(v))), None),
                                        authors=_authors(rec), published_at=_date(rec, parent), links=dois))
    return StructuredResult("xml_records", None, False, ledger)
