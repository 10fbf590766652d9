"""Saved HTML pages: arXiv listing and search pages, huggingface.co/papers pages, pages of paper links.

* arXiv ``/list/<category>/new`` (and ``/recent``, ``/pastweek``, monthly) pages: one ``<dt>``
  (the arXiv id) + ``<dd>`` (title, authors, subjects, and on ``new`` pages the abstract) per
  paper. Unit of accounting = entry.
* arXiv search results (``/search/?query=...``): one ``<li class="arxiv-result">`` per paper (its id link,
  subject tags, title, author links, the full abstract beside a shortened one, the submission date). Unit =
  result.
* huggingface.co/papers pages carry their papers as JSON in a ``data-props`` attribute
  (``{"dailyPapers": [{"paper": {...}, "title": ..., ...}]}``, the ``/api/daily_papers`` items;
  other paper pages: a list of such items under another key; a paper's own page: ``{"paper": {...},
  "comments": [...]}``): read like that API's JSON. Unit of accounting = paper record.

* Other pages of paper links (a curated list or reading list saved as HTML, a rendered README):
  each list item, table row, paragraph or ``<div>`` block that links to an arXiv or Hugging Face paper is a
  listing without abstract, read as the Markdown list reader reads its items; other items are
  page furniture when they are a word or two (navigation, table headers), else quarantined (the
  page's prose, as in the Markdown reader). Unit = item.

* A page about one paper with Highwire Press ``citation_*`` meta tags (an arXiv abstract page, ACL Anthology,
  OpenReview, PMLR, bioRxiv paper pages): that paper (title, authors, abstract, arXiv id, date, page link).
  Unit = the page.

Any other HTML page is quarantined whole, with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser

from .json_formats import emit_records, listing_date_of, records_from
from .ledger import RecordLedger, clip_raw
from .markdown_page import id_and_authors_item, linked_paper
from .normalize import arxiv_id_from, clean_text, parse_date_text, to_date
from .records import StructuredResult, listing_fields

# "(cs.CL)" in an arXiv subjects line; "6 January 2025" in an arXiv page heading
SUBJECT_CODE = re.compile(r"\(([a-z-]+(?:\.[A-Za-z-]+)?)\)")
DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+([A-Z][a-z]{2,8})\.?\s+(\d{4})\b")
_FIELDS = {"list-title": "title", "list-authors": "authors", "list-subjects": "subjects"}


class _ArxivList(HTMLParser):
    """Entries of an arXiv listing page, as raw text per field."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[dict] = []
        self.headings: list[str] = []
        self._entry: dict | None = None
        self._field: str | None = None  # the field whose text is being collected
        self._depth = 0  # open tags of that field's element
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._field is not None:
            self._depth += 1
            if tag == "br":
                self._depth -= 1  # a void element: no end tag
                self._entry[self._field].append(" ")
            return
        if tag == "h3":
            self._heading = []
        elif tag == "dt":
            self._entry = {"arxiv_id": None, "title": [], "authors": [], "subjects": [], "abstract": [], "_raw": []}
            self.entries.append(self._entry)
        elif self._entry is not None:
            href = a.get("href") or ""
            if tag == "a" and a.get("title") == "Abstract" and "/abs/" in href and self._entry["arxiv_id"] is None:
                self._entry["arxiv_id"] = arxiv_id_from(href) or arxiv_id_from(a.get("id"))
            classes = (a.get("class") or "").split()
            field = next((f for c, f in _FIELDS.items() if c in classes), None)
            if field is None and tag == "p" and "mathjax" in classes:
                field = "abstract"
            if field is not None:
                self._field, self._depth = field, 1

    def handle_endtag(self, tag):
        if self._field is not None:
            self._depth -= 1
            if self._depth == 0:
                self._field = None
            return
        if tag == "h3" and self._heading is not None:
            self.headings.append("".join(self._heading))
            self._heading = None

    def handle_data(self, data):
        if self._field is not None:
            self._entry[self._field].append(data)
        elif self._heading is not None:
            self._heading.append(data)
        if self._entry is not None:
            self._entry["_raw"].append(data)


def page_date(headings: list[str], reference_date: dt.date | None) -> dt.date | None:
    """The first date of an arXiv page's headings: "Showing new listings for Monday, 6 January
    2025", "Fri, 3 Jan 2025 (showing ...)"."""
    for h in headings:
        m = DAY_MONTH_YEAR.search(h)
        if m:
            d, _ = parse_date_text(m.group(0), reference_date)
            if d is not None:
                return d
    return None


def _arxiv_listing(entry: dict) -> tuple[dict | None, str | None]:
    title = clean_text(re.sub(r"^\s*Title:\s*", "", "".join(entry["title"])))
    if not title:
        return None, "arXiv list entry without title"
    authors_text = clean_text("".join(entry["authors"]).replace("\n", " "))
    return listing_fields(title, clean_text("".join(entry["abstract"])), arxiv_id=entry["arxiv_id"],
                          authors=[a.strip() for a in (authors_text or "").split(",")],
                          categories=SUBJECT_CODE.findall("".join(entry["subjects"]))), None


# the field a classed element of an arXiv search result holds (first class that names one wins)
_SEARCH_FIELDS = {"list-title": "idline", "authors": "authors", "abstract-full": "abstract",
                  "abstract-short": "short", "tag": "tags", "is-size-7": "dates", "title": "title"}
# "△ Less" / "▽ More" toggles and the ellipsis ending a shortened abstract
_TOGGLE = re.compile(r"\s*(?:[△▽]\s*(?:Less|More)|…)\s*$")
_SUBMITTED = re.compile(r"Submitted\s+(\d{1,2}\s+[A-Z][a-z]+),?\s+(\d{4})")


class _ArxivSearch(HTMLParser):
    """Results of an arXiv search page, as raw text per field (author links and tags one piece each)."""

    _VOID = {"br", "img", "input", "hr", "meta", "link", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[dict] = []
        self._entry: dict | None = None
        self._open: list[tuple[str, str | None]] = []  # (tag, field it opens) inside the current result
        self._piece: list[str] | None = None  # an author link or a tag being read

    def _field(self) -> str | None:
        return next((f for _, f in reversed(self._open) if f), None)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "li" and "arxiv-result" in classes:
            self._entry = {f: [] for f in (*_SEARCH_FIELDS.values(), "_raw")} | {"arxiv_id": None}
            self.entries.append(self._entry)
            self._open = [("li", None)]
            return
        if self._entry is None or tag in self._VOID:
            return
        field = next((f for c, f in _SEARCH_FIELDS.items() if c in classes), None)
        if field == "title" and "is-5" not in classes and "mathjax" not in classes:
            field = None  # a heading's "title is-clearfix" is no result's title
        self._open.append((tag, field))
        inner = self._field()
        href = a.get("href") or ""
        if tag == "a" and inner == "idline" and self._entry["arxiv_id"] is None and "/abs/" in href:
            self._entry["arxiv_id"] = arxiv_id_from(href)
        if (tag == "a" and inner == "authors") or field == "tags":
            self._piece = []

    def handle_endtag(self, tag):
        if self._entry is None or tag not in (t for t, _ in self._open):
            return
        while self._open:  # close up to the matching tag (an unclosed inner one is closed with it)
            t, field = self._open.pop()
            if self._piece is not None and ((t == "a" and self._field() == "authors") or field == "tags"):
                self._entry["authors" if t == "a" else "tags"].append("".join(self._piece))
                self._piece = None
            if t == tag:
                break
        if not self._open:  # the result's own </li>
            self._entry = None

    def handle_data(self, data):
        if self._entry is None:
            return
        self._entry["_raw"].append(data)
        field = self._field()
        if self._piece is not None:
            self._piece.append(data)
        elif field not in (None, "authors", "tags"):
            self._entry[field].append(data)


def _search_listing(entry: dict) -> tuple[dict | None, str | None]:
    title = clean_text("".join(entry["title"]))
    if not title:
        return None, "arXiv search result without title"
    abstract = _TOGGLE.sub("", clean_text("".join(entry["abstract"]) or "".join(entry["short"])) or "")
    m = _SUBMITTED.search(" ".join("".join(entry["dates"]).split()))
    published = parse_date_text(f"{m.group(1)} {m.group(2)}")[0] if m else None
    return listing_fields(title, abstract or None, arxiv_id=entry["arxiv_id"], published_at=published,
                          authors=[clean_text(x) for x in entry["authors"]],
                          categories=[clean_text(x) for x in entry["tags"]]), None


class _DataProps(HTMLParser):
    """JSON values of ``data-props`` attributes (Hugging Face pages hydrate from them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.docs: list = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "data-props" and v and v.lstrip()[:1] in "{[":
                try:
                    self.docs.append(json.loads(v))
                except (json.JSONDecodeError, RecursionError):
                    pass


def _hf_papers(text: str, ledger: RecordLedger) -> dt.date | None | bool:
    """Emit the papers of a huggingface.co/papers page; False when the page has none."""
    props = _DataProps()
    props.feed(text)
    props.close()
    for doc in props.docs:
        if not isinstance(doc, dict):
            continue
        # "dailyPapers" on the daily page; other paper lists (trending, search) by their shape
        lists = [doc["dailyPapers"]] if isinstance(doc.get("dailyPapers"), list) else [
            v for v in doc.values() if isinstance(v, list)]
        for candidate in lists:
            fmt, records, _ = records_from(candidate)
            if fmt == "hf_api_json":
                emit_records(ledger, records, fmt)
                return listing_date_of(fmt, records, doc)
    for doc in props.docs:
        # a paper's own page (huggingface.co/papers/<id>): {"paper": {...}, "comments": [...]}, like a daily item
        if isinstance(doc, dict) and isinstance(doc.get("paper"), dict) and doc["paper"].get("title"):
            emit_records(ledger, [doc], "hf_api_json")
            return to_date(doc["paper"].get("submittedOnDailyAt"))
    return False


class _Meta(HTMLParser):
    """``<meta name|property=... content=...>`` values (a name may repeat: citation_author) and the canonical link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("content") is not None:
            key = (a.get("name") or a.get("property") or "").lower()
            if key:
                self.values.setdefault(key, []).append(a["content"])
        elif tag == "link" and (a.get("rel") or "").lower() == "canonical" and a.get("href"):
            self.values.setdefault("canonical", []).append(a["href"])


_SLASH_DATE = re.compile(r"\d{4}[/-]\d{1,2}[/-]\d{1,2}")  # "2025/01/02"; a month-only "2023/7" gives no date


def _paper_meta(text: str) -> dict | None:
    """The listing of a page about one paper that carries Highwire Press ``citation_*`` metadata (arXiv abstract
    pages, ACL Anthology, OpenReview, PMLR and bioRxiv paper pages), None without a ``citation_title``."""
    meta = _Meta()
    meta.feed(text)
    meta.close()
    v = meta.values

    def first(*keys: str) -> str | None:
        return next((c for k in keys if v.get(k) for c in [clean_text(v[k][0])] if c), None)

    title = first("citation_title")
    if not title:
        return None
    # "Lovelace, Ada" -> "Ada Lovelace" (one comma: surname first, as Highwire writes it)
    authors = [" ".join(p.strip() for p in reversed(a.split(","))) if a.count(",") == 1 else a
               for a in (clean_text(x) for x in v.get("citation_author", [])) if a]
    page = first("citation_abstract_html_url", "canonical", "og:url")
    arxiv_id = arxiv_id_from(first("citation_arxiv_id")) or next(
        (arxiv_id_from(u) for u in (page, first("citation_pdf_url")) if u and "arxiv.org" in u), None)
    m = _SLASH_DATE.search(first("citation_date", "citation_publication_date", "citation_online_date") or "")
    published = to_date(m.group(0).replace("/", "-")) if m else None  # to_date reads "2025-1-2" too
    return listing_fields(title, first("citation_abstract", "dc.description"), arxiv_id=arxiv_id, authors=authors,
                          published_at=published, links=[page] if page else None)


def _read_entries(parser: _ArxivList | _ArxivSearch, text: str, to_listing, ledger: RecordLedger) -> list[dict]:
    """Feed the page to an entry reader; each entry becomes a listing or is quarantined with its text."""
    parser.feed(text)
    parser.close()
    for entry in parser.entries:
        fields, reason = to_listing(entry)
        if fields is None:
            ledger.quarantine(reason, clip_raw(" ".join(" ".join(entry["_raw"]).split()), 2000))
        else:
            ledger.listing(**fields)
    return parser.entries


def parse_html_dump(text: str, reference_date: dt.date | None, notes: tuple[str, ...] = ()) -> StructuredResult:
    ledger = RecordLedger()
    if "data-props" in text:
        date = _hf_papers(text, ledger)
        if date is not False:
            return StructuredResult("hf_papers_html", date, False, ledger)
    if "list-title" in text and "/abs/" in text:
        page = _ArxivList()
        if _read_entries(page, text, _arxiv_listing, ledger):
            return StructuredResult("arxiv_list_html", page_date(page.headings, reference_date), False, ledger)
    if "arxiv-result" in text and _read_entries(_ArxivSearch(), text, _search_listing, ledger):
        return StructuredResult("arxiv_search_html", None, False, ledger)
    if "citation_title" in text and (paper := _paper_meta(text)) is not None:
        ledger.listing(**paper)
        return StructuredResult("html_paper_meta", None, False, ledger)
    items = _Items()
    items.feed(text)
    items.close()
    papers = [linked_paper("- " + item) for item in items.items]
    if any(papers):
        for item, paper, header in zip(items.items, papers, items.headers):
            if paper is not None:
                title, url, aid = paper
                ledger.listing(**listing_fields(title, None, arxiv_id=aid, links=[url]))
            elif id_and_authors_item("- " + item):  # "arxiv:2604.21192 · Varun Bhatt et al." under the title's heading
                ledger.quarantine("paper item without a title (its id, then its authors)", clip_raw(item, 2000))
            elif header or len(item.split()) <= 2:
                ledger.furniture()
            else:
                ledger.quarantine("list item, table row or paragraph without a link to an arXiv or Hugging Face "
                                  "paper", clip_raw(item, 2000))
        return StructuredResult("html_list", None, False, ledger)
    ledger.quarantine("unknown format (HTML page that is neither an arXiv listing, a huggingface.co/papers "
                      "page nor a list of paper links; save the page as text or use a feed)", clip_raw(text, 2000))
    return StructuredResult("unknown", None, False, ledger)


class _Items(HTMLParser):
    """The text of every ``<li>``, ``<tr>``, ``<p>`` and ``<div>`` (a nested one is its own item), links written
    as Markdown ``[text](href)``, and whether it is a table's header row; scripts and styles skipped."""

    # a '<div>' is an item too (a digest's paper block: its title line, its authors line)
    _ITEM, _SKIP = {"li", "tr", "p", "div"}, {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.headers: list[bool] = []
        self._open: list[list[str]] = []  # text of the items being read, innermost last
        self._cells: list[set[str]] = []  # their cell tags (th, td)
        self._href: list[str | None] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._ITEM:
            self._open.append([])
            self._cells.append(set())
        elif tag == "a" and self._open:
            self._href.append(dict(attrs).get("href"))
            self._open[-1].append("[")
        elif tag in ("td", "th", "br") and self._open:
            self._open[-1].append(" | " if tag in ("td", "th") else " ")
            self._cells[-1].add(tag)

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._ITEM and self._open:
            text = " ".join("".join(self._open.pop()).split()).strip(" |")
            cells = self._cells.pop()
            if text:
                self.items.append(text)
                self.headers.append("th" in cells and "td" not in cells)
        elif tag == "a" and self._open and self._href:
            href = self._href.pop()
            self._open[-1].append(f"]({href})" if href else "]")

    def handle_data(self, data):
        if self._open and not self._skip:
            self._open[-1].append(data.replace("[", "(").replace("]", ")"))
