"""Mapping of one structured record (JSON object, feed item...) to a listing row."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .ledger import RecordLedger
from .normalize import (
    abstract_junk_reason,
    arxiv_id_from,
    clean_text,
    dedupe,
    split_authors,
    to_date,
    to_int,
    urls_in,
)

# "AI summary <marker> abstract" as shown on huggingface.co/papers pages
AI_MARKER = re.compile(r"\s*AI[- ]generated summary\s*", re.I)
_AI_PREFIX = re.compile(r"^\s*(?:abstract|summary|ai summary)\s*[:\n\t]\s*", re.I)

# junk reasons for which the text is not kept as the abstract (see README of the package)
DROP_JUNK_PREFIXES = ("junk abstract", "abstract repeats the title", "abstract is only links")


@dataclass
class StructuredResult:
    format: str
    listing_date: dt.date | None
    listing_date_inferred: bool
    ledger: RecordLedger
    extra: dict = field(default_factory=dict)


def split_ai_summary(text: str | None) -> tuple[str | None, str | None]:
    """Split "AI summary + 'AI-generated summary' marker + abstract" -> (ai_summary, abstract)."""
    if not text:
        return None, text
    parts = AI_MARKER.split(text, maxsplit=1)
    if len(parts) == 2:
        ai, rest = parts
        ai = _AI_PREFIX.sub("", ai)
        return clean_text(ai), clean_text(rest)
    return None, text


def judge_abstract(abstract: str | None, title: str | None) -> tuple[str | None, str | None]:
    """(abstract to keep, flag). Bot text / link-only / title-repeat junk is dropped (None)."""
    if abstract is None or not abstract.strip():
        return None, "missing abstract"
    stripped = re.sub(r"https?://\S+", "", abstract)
    stripped = re.sub(r"\b(?:project|repo|repository|code|github|paper|page|model|huggingface|hf|demo|dataset|website|link|links)\b", "", stripped, flags=re.I)
    if urls_in(abstract) and len(re.findall(r"[A-Za-z]{2,}", stripped)) <= 3:
        return None, "abstract is only links"
    flag = abstract_junk_reason(abstract, title)
    if flag and flag.startswith(DROP_JUNK_PREFIXES):
        return None, flag
    return abstract, flag


def listing_fields(title: str, abstract: str | None, *, arxiv_id: str | None = None, authors: list[str] | None = None,
                   published_at: dt.date | None = None, links: list[str] | None = None,
                   categories: list[str] | None = None) -> dict:
    """A listing of a bibliographic record (arXiv pages and harvests, reference files): the abstract
    judged, the arXiv abstract page as the link when the record gives none."""
    abstract, flag = judge_abstract(abstract, title)
    return {
        "title": title,
        "abstract": abstract,
        "abstract_flag": flag,
        "arxiv_id": arxiv_id,
        "authors": [a for a in authors or [] if a] or None,
        "published_at": published_at,
        "links": [u for u in links or [] if u] or ([f"https://arxiv.org/abs/{arxiv_id}"] if arxiv_id else []),
        "categories": [c for c in categories or [] if c] or None,
    }


def _first(d: dict, *keys: str) -> Any:
    for k in keys:
        v = d.get(k)
        if v not in (None, "", [], {}):
            return v
    return None


def _url_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v] if v.startswith(("http://", "https://")) else []
    if isinstance(v, dict):
        return _url_list(v.get("url") or v.get("href"))
    if isinstance(v, (list, tuple)):
        out: list[str] = []
        for x in v:
            out.extend(_url_list(x))
        return out
    return []


_TITLE_KEYS = ("title", "paper_title", "name_of_paper", "headline")
_ABSTRACT_KEYS = ("abstract", "summary", "content_text", "paper_abstract", "description", "abstract_text")
_HTML_KEYS = ("content_html", "summary_html", "abstract_html", "description_html")
_AI_KEYS = ("ai_summary", "aiSummary", "ai_generated_summary", "tldr", "summary_ai")
_ID_KEYS = ("arxiv_id", "arxivId", "arxiv", "paper_id", "id")
_URL_KEYS = ("url", "URL", "paper_url", "link", "arxiv_page_url", "arxiv_url", "page_url", "external_url", "pdf_url",
             "abs_url", "hf_url", "doi", "DOI")
# nested id maps of bibliographic APIs (Semantic Scholar "externalIds", OpenAlex "ids")
_ID_MAP_KEYS = ("externalIds", "external_ids", "ids")
_LINK_KEYS = (
    "github_links", "githubRepo", "github_repo", "github", "code", "code_url", "repo", "repository",
    "projectPage", "project_page", "project_url", "homepage", "links", "pdf_url", "pdf", "url",
    "paper_url", "arxiv_page_url", "arxiv_url", "page_url", "external_url",
)
_DATE_KEYS = ("publishedAt", "published_at", "published", "date_published", "publication_date", "publicationDate",
              "submittedOnDailyAt", "date", "issued")
_UPVOTE_KEYS = ("upvotes", "upvote", "votes", "likes", "num_upvotes", "upvote_count")


def _first_converted(layers, keys, convert):
    """First value under `keys` (layer by layer, key by key) that `convert` turns into non-None."""
    for layer in layers:
        for k in keys:
            if k in layer and (v := convert(layer.get(k))) is not None:
                return v
    return None


def record_to_listing(rec: dict, outer: dict | None = None) -> tuple[dict | None, str | None]:
    """Listing fields from a record (and its wrapper, e.g. HF API {paper: {...}, title}).

    Returns (fields, None) or (None, reason) when the record cannot be a listing.
    """
    layers = [x for x in (rec, outer) if isinstance(x, dict)]
    details = rec.get("details") if isinstance(rec.get("details"), dict) else None
    if details:
        layers.append(details)

    def pick(*keys: str) -> Any:
        for layer in layers:
            v = _first(layer, *keys)
            if v is not None:
                return v
        return None

    title_raw = None
    # prefer the wrapper's title (HF API outer title has no hard wraps)
    for layer in ([outer] if isinstance(outer, dict) else []) + [rec] + ([details] if details else []):
        v = _first(layer, *_TITLE_KEYS)
        if isinstance(v, str) and v.strip():
            title_raw = v
            break
    title = clean_text(title_raw, html_content=False) if isinstance(title_raw, str) else None
    if not title:
        return None, "record without title"

    ai_summary = None
    abstract = None
    for layer in layers:
        v = _first(layer, *_ABSTRACT_KEYS)
        if isinstance(v, str):
            abstract = v
            break
        if isinstance(v, dict):  # e.g. {"abstract": {"text": ...}}
            t = v.get("text") or v.get("value")
            if isinstance(t, str):
                abstract = t
                break
    if abstract is None:  # OpenAlex: {"word": [positions], ...}
        v = pick("abstract_inverted_index")
        if isinstance(v, dict):
            at = {i: w for w, positions in v.items() if isinstance(positions, list) for i in positions if isinstance(i, int)}
            abstract = " ".join(at[i] for i in sorted(at)) or None
    if abstract is None:
        for layer in layers:
            v = _first(layer, *_HTML_KEYS)
            if isinstance(v, str):
                abstract = clean_text(v, html_content=True)
                break
    if isinstance(abstract, str):
        ai_summary, abstract = split_ai_summary(abstract)
        abstract = clean_text(abstract)
    v = pick(*_AI_KEYS)
    if isinstance(v, str) and not ai_summary:
        ai_summary = clean_text(v)
    abstract, flag = judge_abstract(abstract, title)

    arxiv_id = None
    for layer in list(layers):
        for k in _ID_MAP_KEYS:
            if isinstance(layer.get(k), dict):
                layers.append({"arxiv_id": layer[k].get("ArXiv") or layer[k].get("arxiv"),
                               "doi": layer[k].get("DOI") or layer[k].get("doi")})
    for layer in layers:
        for k in _ID_KEYS + _URL_KEYS:
            v = layer.get(k)
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                s = str(v)
                if k in _ID_KEYS and isinstance(v, float):
                    s = f"{v:.5f}".rstrip("0") if v < 10000 else s
                a = arxiv_id_from(s)
                if a:
                    arxiv_id = a
                    break
        if arxiv_id:
            break

    authors = None
    for layer in layers:
        v = _first(layer, "authors", "author", "creators", "author_names", "authorships")
        if v is not None:
            authors = split_authors(v)
            if authors:
                break

    published = _first_converted(layers, _DATE_KEYS, to_date)
    upvotes = _first_converted(layers, _UPVOTE_KEYS, to_int)

    links: list[str] = []
    for layer in layers:
        for k in _LINK_KEYS:
            links.extend(_url_list(layer.get(k)))
    links.extend(urls_in(abstract))
    links = [u for u in dedupe(links) if not re.search(r"/(?:avatars?|thumbnails?|social-thumbnails)/|\.(?:png|jpe?g|gif|svg|webp)$", u, re.I)]

    cats = pick("categories", "category", "arxiv_categories")
    categories = None
    if isinstance(cats, str):
        categories = [c for c in re.split(r"[\s,;]+", cats) if c]
    elif isinstance(cats, list):
        categories = [c if isinstance(c, str) else (c.get("term") if isinstance(c, dict) else None) for c in cats]
        categories = [c for c in categories if isinstance(c, str) and c] or None

    return (
        {
            "title": title,
            "abstract": abstract,
            "ai_summary": ai_summary,
            "abstract_flag": flag,
            "arxiv_id": arxiv_id,
            "authors": authors,
            "published_at": published,
            "upvotes": upvotes,
            "links": links or None,
            "categories": categories,
        },
        None,
    )


def most_common_date(values) -> dt.date | None:
    dates = [d for d in (to_date(v) for v in values) if d is not None]
    if not dates:
        return None
    return Counter(dates).most_common(1)[0][0]
