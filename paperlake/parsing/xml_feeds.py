"""XML feeds: RSS 2.0 / RSS 1.0 (HF papers RSS with HTML descriptions), Atom (arXiv API) and
arXiv OAI-PMH harvests (ListRecords in the arXiv, arXivRaw or oai_dc metadata formats).

Each <item>/<entry> block is parsed on its own (wrapped with the root's namespace
declarations), so a truncated or partly malformed feed still yields its complete records.
Unit of accounting = item/entry.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from .ledger import RecordLedger, clip_raw
from .normalize import (
    abstract_junk_reason,
    arxiv_id_from,
    clean_text,
    collapse,
    dedupe,
    mostly_cjk,
    split_authors,
    to_date,
    urls_in,
)
from .records import AI_MARKER, StructuredResult, judge_abstract, listing_fields, most_common_date, split_ai_summary
from .xml_records import parse_xml_records

_ITEM = re.compile(r"<(item|entry)\b[^>]*>.*?</\1\s*>", re.S)
_ITEM_OPEN = re.compile(r"<(item|entry)\b[^>]*>", re.S)
_XMLNS = re.compile(r"""\sxmlns(?::[\w.-]+)?\s*=\s*("[^"]*"|'[^']*')""")
_ROOT = re.compile(r"<(rss|feed|rdf:RDF|RDF|channel)\b[^>]*>", re.S)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].split(":")[-1].lower()


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _text(el: ET.Element | None) -> str | None:
    if el is None:
        return None
    return "".join(el.itertext())


def _child_text(el: ET.Element, *names: str) -> str | None:
    for n in names:
        for c in el:
            if _local(c.tag) == n:
                t = _text(c)
                if t and t.strip():
                    return t
    return None


# ------------------------------------------------------------------ HTML description


class _Blocks(HTMLParser):
    """Split an HTML fragment into (kind, text, hrefs) blocks: headings and paragraphs."""

    BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "blockquote", "ul", "ol", "section", "article"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str, list[str]]] = []
        self.buf: list[str] = []
        self.hrefs: list[str] = []
        self.kind = "p"

    def _flush(self) -> None:
        text = "".join(self.buf)
        if text.strip() or self.hrefs:
            self.blocks.append((self.kind, text, self.hrefs))
        self.buf, self.hrefs, self.kind = [], [], "p"

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCK:
            self._flush()
            if tag[0] == "h" and tag[1:].isdigit():
                self.kind = "h"
        if tag == "a":
            for k, v in attrs:
                if k == "href" and v:
                    self.hrefs.append(v)

    def handle_endtag(self, tag):
        if tag in self.BLOCK:
            self._flush()

    def handle_data(self, data):
        self.buf.append(data)

    def close(self):
        super().close()
        self._flush()


def html_blocks(fragment: str) -> list[tuple[str, str, list[str]]]:
    p = _Blocks()
    try:
        p.feed(fragment)
        p.close()
    except Exception:  # malformed markup: fall back to one text block
        return [("p", clean_text(fragment, html_content=True) or "", [])]
    return p.blocks


def parse_html_description(fragment: str) -> dict:
    """Abstract / AI summary / authors / links out of an HF-papers style HTML description."""
    blocks = html_blocks(fragment)
    section = None
    out: dict = {"abstract": None, "ai_summary": None, "authors": None, "links": []}
    loose: list[str] = []
    for kind, text, hrefs in blocks:
        out["links"].extend(hrefs)
        t = collapse(text)
        if kind == "h":
            low = t.lower().rstrip(":")
            if "ai" in low.split() or "summary" in low or "tl;dr" in low or "tldr" in low:
                section = "ai"
            elif "abstract" in low:
                section = "abstract"
            elif "link" in low:
                section = "links"
            else:
                section = "other"
            continue
        if not t:
            continue
        m = re.match(r"^(?:authors?|by)\s*:\s*(.+)$", t, re.I)
        if m and out["authors"] is None:
            out["authors"] = split_authors(m.group(1))
            continue
        if mostly_cjk(t):
            continue  # translations (e.g. Chinese summary / abstract)
        if section == "ai":
            if out["ai_summary"] is None:
                ai, rest = split_ai_summary(text)
                if ai is None and AI_MARKER.search(text) is None:
                    ai = clean_text(re.sub(r"^\s*(?:abstract|summary)\s*[:\n\t]\s*", "", text, flags=re.I))
                out["ai_summary"] = ai
        elif section == "abstract":
            if out["abstract"] is None:
                out["abstract"] = clean_text(re.sub(r"^\s*abstract\s*[:\n\t]\s*", "", text, flags=re.I))
        elif section in (None, "other"):
            loose.append(text)
    if out["abstract"] is None and loose:
        joined = "\n".join(loose)
        ai, rest = split_ai_summary(joined)
        if ai is not None:
            out["ai_summary"] = out["ai_summary"] or ai
            out["abstract"] = clean_text(rest)
        else:
            # the longest prose paragraph is the abstract
            cands = [clean_text(x) for x in loose]
            cands = [c for c in cands if c and not re.match(r"^(?:arxiv|pdf|code|github|project)\b", c, re.I)]
            if cands:
                out["abstract"] = max(cands, key=len)
    return out


# ------------------------------------------------------------------ records


# arXiv's older RSS 1.0 feeds end each title with the id and category (its current feeds open each
# description with an announcement, see records.judge_abstract):
# "Title. (arXiv:2306.01234v1 [cs.CL])", "... [cs.CL] UPDATED)" for a new version.
_ARXIV_TITLE_TAIL = re.compile(r"\.?\s*\(arXiv:\S+\s*\[([^\]]+)\](?:\s+UPDATED)?\)\s*$", re.I)


def _rss_item(el: ET.Element) -> tuple[dict | None, str | None]:
    title = clean_text(_child_text(el, "title"), html_content=True)
    tail = _ARXIV_TITLE_TAIL.search(title or "")
    if tail:
        title = title[: tail.start()].strip()
    if not title:
        return None, "item without title"
    link = _child_text(el, "link")
    guid = _child_text(el, "guid")
    desc = _child_text(el, "encoded") or _child_text(el, "description") or _child_text(el, "summary")
    info: dict = {"abstract": None, "ai_summary": None, "authors": None, "links": []}
    if desc:
        if re.search(r"<[a-zA-Z][^>]*>", desc):
            info = parse_html_description(desc)
        else:
            ai, rest = split_ai_summary(desc)
            info["ai_summary"], info["abstract"] = ai, clean_text(rest, html_content=True)
    authors = info["authors"]
    creators = [clean_text(_text(c)) for c in el if _local(c.tag) in ("creator", "author")]
    creators = [c for c in creators if c]
    if not authors and creators:
        authors = creators if len(creators) > 1 else split_authors(creators[0])
    abstract, flag = judge_abstract(info["abstract"], title)
    links = [u for u in [link, guid] if u and u.strip().startswith("http")] + info["links"]
    links += urls_in(abstract)
    arxiv_id = None
    for cand in [link, guid, *info["links"]]:
        arxiv_id = arxiv_id_from(cand)
        if arxiv_id:
            break
    cats = [clean_text(_text(c)) for c in _children(el, "category")] or ([tail.group(1).strip()] if tail else [])
    return (
        {
            "title": title,
            "abstract": abstract,
            "ai_summary": info["ai_summary"],
            "abstract_flag": flag,
            "arxiv_id": arxiv_id,
            "authors": authors,
            "published_at": to_date(_child_text(el, "pubdate", "date", "published")),
            "links": [u.strip() for u in dedupe(links) if u.strip().startswith("http")],
            "categories": [c for c in cats if c] or None,
        },
        None,
    )


def _atom_entry(el: ET.Element) -> tuple[dict | None, str | None]:
    title = clean_text(_child_text(el, "title"))
    if not title:
        return None, "entry without title"
    if "/api/errors" in (_child_text(el, "id") or ""):  # the arXiv API reports a bad query as an entry
        return None, f"arXiv API error: {clean_text(_child_text(el, 'summary')) or title}"
    summary_el = next((c for c in el if _local(c.tag) in ("summary", "content")), None)
    raw = _text(summary_el) if summary_el is not None else None
    is_html = summary_el is not None and (summary_el.get("type") or "").lower() in ("html", "xhtml")
    ai, rest = split_ai_summary(raw) if raw else (None, None)
    abstract = clean_text(rest, html_content=is_html)
    abstract, flag = judge_abstract(abstract, title)
    entry_id = _child_text(el, "id")
    links = []
    for c in _children(el, "link"):
        href = c.get("href")
        if href:
            links.append(href.strip())
    comment = _child_text(el, "comment")
    links += urls_in(abstract) + urls_in(comment)
    arxiv_id = arxiv_id_from(entry_id)
    if not arxiv_id:
        for u in links:
            arxiv_id = arxiv_id_from(u)
            if arxiv_id:
                break
    authors = []
    for a in _children(el, "author"):
        name = _child_text(a, "name") or _text(a)
        name = clean_text(name)
        if name:
            authors.append(name)
    cats = [c.get("term") for c in el if _local(c.tag) in ("category", "primary_category") and c.get("term")]
    links = [u for u in dedupe(links) if not u.startswith("http://dx.doi.org") or True]
    return (
        {
            "title": title,
            "abstract": abstract,
            "ai_summary": ai,
            "abstract_flag": flag,
            "arxiv_id": arxiv_id,
            "authors": authors or None,
            "published_at": to_date(_child_text(el, "published", "updated", "date")),
            "links": links or None,
            "categories": dedupe(cats) or None,
        },
        None,
    )


def _wrap(block: str, ns_decls: str) -> str:
    return f"<wrapper{ns_decls}>{block}</wrapper>"


def parse_xml_dump(text: str, reference_date: dt.date | None, notes: tuple[str, ...] = ()) -> StructuredResult:
    ledger = RecordLedger()
    if re.search(r"<!ENTITY", text[:65536]):
        ledger.quarantine("XML with entity declarations is not supported (unsafe)", clip_raw(text, 2000))
        return StructuredResult("unknown", None, False, ledger)
    head = text[:65536]
    if _OAI_ROOT.search(head):
        return _parse_oai(text, ledger)
    root_m = _ROOT.search(head)
    first_item = _ITEM_OPEN.search(text)
    prefix = text[: first_item.start()] if first_item else text
    low_prefix = prefix[:65536].lower()
    is_atom = "<feed" in low_prefix and (first_item is None or first_item.group(1) == "entry")
    if is_atom:
        fmt = "arxiv_atom" if ("arxiv.org" in low_prefix or "arxiv.org/abs" in text[:200000]) else "atom"
    elif "<rss" in low_prefix or "<rdf" in low_prefix or "<channel" in low_prefix or (first_item and first_item.group(1) == "item"):
        fmt = "rss"
    else:
        fmt = "unknown"
    if root_m is None and first_item is None:
        records = parse_xml_records(text)  # not a feed: a document of paper records?
        if records is not None:
            return records
        ledger.quarantine("unknown format (XML without feed items)", clip_raw(text, 2000))
        return StructuredResult("unknown", None, False, ledger)

    ns_src = root_m.group(0) if root_m else ""
    if is_atom:
        fm = re.search(r"<feed\b[^>]*>", prefix, re.S)
        ns_src = fm.group(0) if fm else ns_src
    ns_decls = "".join(" " + m.group(0).strip() for m in _XMLNS.finditer(ns_src))
    # RSS 1.0 puts the default namespace on rdf:RDF; add declarations from channel too
    for extra in re.finditer(r"<(?:rdf:RDF|channel)\b[^>]*>", prefix, re.S):
        for m in _XMLNS.finditer(extra.group(0)):
            if m.group(0).strip() not in ns_decls:
                ns_decls += " " + m.group(0).strip()

    pos = 0
    for m in _ITEM.finditer(text):
        block = m.group(0)
        pos = m.end()
        try:
            el = ET.fromstring(_wrap(block, ns_decls))[0]
        except ET.ParseError as exc:
            ledger.quarantine(f"malformed XML {m.group(1)}: {exc}", clip_raw(block, 2000))
            continue
        except RecursionError:
            ledger.quarantine(f"malformed XML {m.group(1)}: nested too deeply", clip_raw(block, 2000))
            continue
        if _local(el.tag) == "entry":
            fields, reason = _atom_entry(el)
        else:
            fields, reason = _rss_item(el)
        if fields is None:
            ledger.quarantine(reason or "unusable item", clip_raw(block, 2000))
        else:
            ledger.listing(**fields)

    tail = text[pos:]
    open_m = _ITEM_OPEN.search(tail)
    if open_m:
        ledger.quarantine(
            f"truncated XML at byte {len(text[: pos + open_m.start()].encode('utf-8', 'replace'))}: "
            f"incomplete <{open_m.group(1)}>",
            clip_raw(tail[open_m.start():], 2000),
        )
    elif not re.search(r"</(?:rss|feed|rdf:RDF|RDF)\s*>\s*$", text.strip()[-200:]) and root_m:
        ledger.quarantine(
            "truncated XML: document end tag missing (all complete items were parsed)",
            clip_raw(tail.strip()[-2000:], 2000),
            units=0,
        )

    listing_date = None
    if fmt == "rss":
        listing_date = to_date(_tag_value(prefix, "lastBuildDate") or _tag_value(prefix, "pubDate") or _tag_value(prefix, "dc:date"))
        if listing_date is None:  # a channel without its own date: the day most of its items carry
            listing_date = most_common_date(r.get("published_at") for r in ledger.rows)
    elif fmt == "atom":
        listing_date = to_date(_tag_value(prefix, "updated"))
    if ledger.n_listing == 0 and ledger.n_quarantine == 0:
        ledger.quarantine("feed without items", clip_raw(text, 2000))
    return StructuredResult(fmt, listing_date, False, ledger)


# ------------------------------------------------------------------ OAI-PMH

_OAI_ROOT = re.compile(r"<OAI-PMH\b[^>]*>", re.S)
_OAI_RECORD = re.compile(r"<record\b[^>]*>.*?</record\s*>", re.S)
_OAI_RECORD_OPEN = re.compile(r"<record\b[^>]*>")


def _oai_record(el: ET.Element) -> tuple[dict | None, str | None]:
    """One OAI-PMH <record>: its metadata in the arXiv, arXivRaw or oai_dc format."""
    header = next((c for c in el if _local(c.tag) == "header"), None)
    if header is not None and header.get("status") == "deleted":
        return None, "deleted record (OAI-PMH)"
    meta = next((c for c in el if _local(c.tag) == "metadata"), None)
    body = next(iter(meta), None) if meta is not None else None
    if body is None:
        return None, "record without metadata"
    fields = {_local(c.tag): c for c in body}
    title = clean_text(_text(fields.get("title")))
    if not title:
        return None, "record without title"
    if _local(body.tag) == "dc":  # oai_dc: repeated dc:creator "Keyname, Forenames", dc:description
        authors = [clean_text(_text(c)) for c in body if _local(c.tag) == "creator"]
        authors = [" ".join(reversed([p.strip() for p in a.split(",", 1)])) for a in authors if a]
        descriptions = [_text(c) or "" for c in body if _local(c.tag) == "description"]
        raw = next((d for d in descriptions if not re.match(r"\s*comment:", d, re.I)), None)
        ids = [_text(c) for c in body if _local(c.tag) == "identifier"]
        cats = [clean_text(_text(c)) for c in body if _local(c.tag) == "subject"]
        day = next((_text(c) for c in body if _local(c.tag) == "date"), None)
    else:  # arXiv / arXivRaw
        people = fields.get("authors")
        if people is not None and len(people):
            authors = [clean_text(" ".join(filter(None, (_child_text(a, "forenames"), _child_text(a, "keyname")))))
                       for a in people]
        else:
            authors = split_authors(_text(people)) or []
        raw = _text(fields.get("abstract"))
        ids = [_text(fields.get("id"))]
        cats = (_text(fields.get("categories")) or "").split()
        version = next((c for c in body if _local(c.tag) == "version"), None)
        day = _text(fields.get("created")) or (_child_text(version, "date") if version is not None else None)
    header_id = _child_text(header, "identifier") if header is not None else None
    arxiv_id = next((a for a in (arxiv_id_from(i) for i in [*ids, header_id]) if a), None)
    return listing_fields(title, clean_text(raw), arxiv_id=arxiv_id, authors=authors, published_at=to_date(day),
                          categories=cats), None


def _parse_oai(text: str, ledger: RecordLedger) -> StructuredResult:
    ns_decls = "".join(" " + m.group(0).strip() for m in _XMLNS.finditer(_OAI_ROOT.search(text).group(0)))
    pos = 0
    for m in _OAI_RECORD.finditer(text):
        block, pos = m.group(0), m.end()
        try:
            el = ET.fromstring(_wrap(block, ns_decls))[0]
        except (ET.ParseError, RecursionError) as exc:
            ledger.quarantine(f"malformed XML record: {exc}", clip_raw(block, 2000))
            continue
        fields, reason = _oai_record(el)
        if fields is None:
            ledger.quarantine(reason or "unusable record", clip_raw(block, 2000))
        else:
            ledger.listing(**fields)
    open_m = _OAI_RECORD_OPEN.search(text, pos)
    if open_m:
        ledger.quarantine("truncated XML: incomplete <record>", clip_raw(text[open_m.start():], 2000))
    if ledger.n_listing == 0 and ledger.n_quarantine == 0:
        error = re.search(r"<error\b[^>]*>(.*?)</error\s*>", text, re.S)
        ledger.quarantine(f"OAI-PMH response without records{': ' + collapse(error.group(1)) if error else ''}",
                          clip_raw(text, 2000))
    return StructuredResult("arxiv_oai", to_date(_tag_value(text[:4096], "responseDate")), False, ledger)


def _tag_value(prefix: str, tag: str) -> str | None:
    m = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}\s*>", prefix, re.S | re.I)
    return m.group(1).strip() if m else None


__all__ = ["parse_xml_dump", "parse_html_description", "abstract_junk_reason"]
