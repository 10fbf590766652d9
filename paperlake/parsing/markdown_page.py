"""Markdown pages: (web-clipper) captures of huggingface.co/papers pages, reading notes and
curated lists of papers.

An entry is anchored on a heading whose text is (or links to) a paper title, e.g.
``### [Title](https://huggingface.co/papers/2606.00683)``. Around it:
an upvote counter line before it (``[101](https://huggingface.co/login?next=...)``), the
abstract paragraph after it (often wrapped in a link and hard-broken with ``\\\\``),
then avatars / author count / organisation, ``·``, and a date line (``May 29[6](...#community)``).

Reading notes: a heading (or a ``**Title:**`` line) per paper followed by labelled lines,
``**Link:** https://arxiv.org/abs/...``, ``**Authors:** ...``, ``**Abstract:** ...`` (the text on that
line or in the paragraph below it) or an "Abstract" sub-heading, and any notes of the reader's own;
the entry runs to the next heading of its level; an HTML toolbar of links may sit between the heading
and the labels, and a translated abstract section gives way to the original's. A note on one paper may
keep its link and authors in the front matter, or its title too (then the page is its entry): a front matter
naming one paper (title and arXiv id or URL) makes the page its entry, the body's headings its sections.
A digest of HTML paper cards: a heading over an HTML block naming the paper ('<span>arXiv 2502.02061</span>')
is an entry, the prose of its summary block its summary; lines of bare HTML tags are furniture.
Curated lists: a list item or table row linking to an arXiv / Hugging Face paper is a listing
without abstract; in a digest report that lists its papers so ("## Sources"),
other headings over prose are its sections, and a row naming its paper by id ("| `2607.18703` | ...")
or relating two papers is no listing.
Unit of accounting = line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .ledger import LineLedger
from .normalize import (
    MD_TABLE_RULE,
    MORE_AUTHORS,
    arxiv_id_from,
    clean_text,
    collapse,
    dedupe,
    mostly_cjk,
    parse_date_text,
    split_authors,
    to_date,
    to_int,
    urls_in,
)
from .records import TITLE_KEYS, judge_abstract, listing_fields, split_ai_summary
from .text_pages import is_date_line, is_furniture_line, line_kind, looks_like_abstract

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\s*\)")
_PAPER_URL = re.compile(r"(?:https?://(?:www\.)?(?:huggingface\.co|hf\.co))?/papers/(\d{4}\.\d{4,5})|arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.I)
_UPVOTE = re.compile(r"^\s*\[?\s*(\d[\d,.]*[kK]?|-)\s*\]?(?:\(\s*[^)]*\))?\s*$")
_DATE_META = re.compile(
    r"^\s*(?:(?:published|submitted)(?: on)?\s*)?((?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)|(?:\d{4}-\d{2}-\d{2}))\s*(?:\[\s*(\d+)\s*\]\([^)]*\))?\s*$"
)
_FRONT_DATE = re.compile(r"^(?:retrieved|date|captured|saved|created)\s*:\s*(\S+)", re.I)
# the header a reader / clipper tool writes above the page ("Title: ...", "URL Source: ...", "Markdown Content:")
_READER_HEADER = re.compile(r"^(?:title|url source|markdown content|published time|source|url)\s*:", re.I)
# a labelled line of reading notes: "**Link:** ...", "**Authors**: ...", "- Abstract: ..."
# (labels in English or Chinese, "**摘要：**", with a full-width colon)
_FIELD = re.compile(r"^\s*(?:[-*+]\s+)?(\*\*|__)?([A-Za-z\u4e00-\u9fff][A-Za-z\u4e00-\u9fff ;./&-]{0,28}?)\s*"
                    r"(?:[:：]\s*(?:\*\*|__)|(?:\*\*|__)\s*[:：]|[:：])\s*(.*)$")
_NOTE_LINK_LABELS = {"link", "links", "url", "paper", "paper link", "arxiv", "arxiv link", "pdf", "source", "doi",
                     "hf", "hugging face", "huggingface", "链接", "论文链接", "原文链接", "论文地址"}
_LABEL_SEPARATOR = re.compile(r"\s+\|\s+(?=\*\*|__)")  # "... | **日期**: ...": one more label on the line
_PAPER_REF = re.compile(r"https?://|\b\d{4}\.\d{4,5}\b")  # a link field that names a paper: a URL or an arXiv id
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+|^\s*\|")
_GENERIC_LINK_TEXT = re.compile(r"^(?:paper|pdf|arxiv|abs|abstract|link|hf|hugging ?face|project|code|page)\b", re.I)
# headings of a paper's sections, never a paper's title
_SECTIONS = {"abstract", "summary", "tl;dr", "tldr", "notes", "my notes", "key points", "takeaways", "introduction",
             "method", "methods", "results", "conclusion", "conclusions", "references", "related work", "links"}
_NOTE_LABELS = {"abstract": "abstract", "authors": "authors", "author": "authors", "by": "authors",
                "date": "date", "published": "date", "published on": "date", "submitted": "date",
                "摘要": "abstract", "原文摘要": "abstract", "原始摘要": "abstract", "作者": "authors", "发布日期": "date",
                "日期": "date", "original title": "original_title", "原文标题": "original_title", "英文标题": "original_title",
                **{k: "link" for k in _NOTE_LINK_LABELS}}


@dataclass
class MarkdownResult:
    listing_date: dt.date | None
    listing_date_inferred: bool
    # hf_markdown (page captures), markdown_notes (reading notes), markdown_list (curated lists):
    # the kind most listings came from
    format: str = "hf_markdown"


def md_to_text(s: str) -> str:
    """Strip markdown links/images/emphasis/escapes from a fragment, keeping link text."""
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)  # images
    for _ in range(3):
        s2 = _LINK.sub(lambda m: m.group(1), s)
        if s2 == s:
            break
        s = s2
    s = re.sub(r"\\\\\s*$", "", s, flags=re.M)  # hard line breaks "\\" at line end
    s = re.sub(r"\\\s*$", "", s, flags=re.M)
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<> ])", r"\1", s)  # backslash escapes
    s = re.sub(r"(\*\*|__)(.+?)\1", r"\2", s)
    return re.sub(r"^[ \t]{0,3}>[ \t]?", "", s, flags=re.M)  # blockquote markers


def _link_urls(s: str) -> list[str]:
    return [m.group(2).strip("<>") for m in _LINK.finditer(s)]


# a digest's numbering before a title ("### 1. [Title](...)") and its id or separator after one
# ("- **Title** (`2607.05394`) — [arXiv](...)", "- Title — `2608.05987` — [arXiv](...)")
_TITLE_NUMBER = re.compile(r"^\d{1,3}[.)]\s+(?=\S)")
_ID_IN_TITLE = r"`?(?:arXiv:)?\d{4}\.\d{4,5}(?:v\d+)?`?"
_TITLE_TAIL = re.compile(rf"(?:\s*\(\s*{_ID_IN_TITLE}\s*\)|\s+[—–]\s*{_ID_IN_TITLE})?[\s—–·|:-]*$")
# a bare arXiv id in text or a URL: a table's paper cell naming the paper by it ("`2607.18703`",
# "`2608.05987` AgentOPSD", "LongStraw (`2607.14952`)") gives no title; a line naming two relates papers
_BARE_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d.])")


# a "Title:" label before the title, after an emoji or not ("## 📌 Title: Attention Is All You Need")
_TITLE_LABEL = re.compile(r"^(?:[^\w\s\x00-\x7f]\ufe0f?\s*)*(?:(?:paper\s+)?title|(?:论文)?标题)\s*[:：]\s*(?=\S)", re.I)


def _digest_title(text: str) -> str:
    text = _TITLE_LABEL.sub("", text, count=1)
    text = _TITLE_TAIL.sub("", _TITLE_NUMBER.sub("", text, count=1), count=1)
    return text[1:-1].strip() if text[:1] == "[" and text[-1:] == "]" and "[" not in text[1:-1] else text


def _heading_paper(line: str) -> tuple[str, str | None] | None:
    """(title text, arxiv id) when the line is an entry heading."""
    m = _HEADING.match(line)
    if not m:
        return None
    body = m.group(2)
    urls = _link_urls(body)
    aid = None
    for u in urls:
        pm = _PAPER_URL.search(u)
        if pm:
            aid = pm.group(1) or pm.group(2)
            break
    text = _digest_title(collapse(md_to_text(body)))
    if not text:
        return None
    return text, aid


def parse_markdown_page(ledger: LineLedger, reference_date: dt.date | None) -> MarkdownResult:
    lines = ledger.lines
    n = len(lines)
    i = 0
    ref = reference_date
    # YAML front matter
    yaml: dict[str, str] = {}  # its top-level keys
    front: dict[str, str] = {}  # its title and known labels (a note on one paper: its link, authors)
    if n and lines[0].strip() == "---":
        for j in range(1, min(n, 200)):
            if lines[j].strip() == "---":
                yaml = yaml_keys(lines, j)
                front = {_NOTE_LABELS.get(k, k): v for k, v in reversed(yaml.items()) if k in _NOTE_LABELS or k == "title"}
                for k in range(0, j + 1):
                    fm = _FRONT_DATE.match(lines[k].strip())
                    if fm and ref is None:
                        ref = to_date(fm.group(1)) or ref
                    ledger.furniture(k)
                i = j + 1
                break

    # entry headings: link to a paper, a heading directly followed by prose, or reading notes
    anchors: list[tuple[int, str, str | None, tuple[dict[str, str], int] | None]] = []
    covered = -1  # last line of the reading-notes entry before: its sub-headings are not entries
    over_prose: list[int] = []  # anchors of headings directly over prose (no link, no labels)
    if i and (note := _front_matter_note(lines, i - 1, n, front) or _front_matter_paper(lines, i, n, yaml, front)):
        anchors.append(note)  # a note on one paper titled in its front matter: the page is its entry
        covered = note[3][1]
    for j in range(i, n):
        if j <= covered or not ledger.is_free(j):
            continue
        hp = _heading_paper(lines[j])
        if hp is None:
            f = _field(lines[j])
            if f is None or f[0] != "title" or not f[1] or (notes := _notes_entry(lines, j, n)) is None:
                continue
            hp = _heading_paper("# " + f[1])  # "- **Title:** ..." opening a record of labelled lines
            anchors.append((j, *hp, notes))
            covered = notes[1]
            continue
        title, aid = hp
        notes = _notes_entry(lines, j, n)
        if notes is None and aid is None and (card := _card_id(lines, j + 1, n)):
            aid = card  # "#### [Title](page.md)" over '<div class="...-meta"><span>arXiv 2502.02061</span>'
        if notes is None and aid is None:
            if is_furniture_line(title) or re.match(r"^by\b", title, re.I) or _is_section_title(title):
                continue
            nxt = _next_nonblank(lines, j + 1, n)
            if (nxt is None or _LIST_ITEM.match(lines[nxt]) or _HEADING.match(lines[nxt])  # "## Vision" over "### 1. Title"
                    or not looks_like_abstract(collapse(md_to_text(lines[nxt])))):
                continue
            over_prose.append(len(anchors))
        anchors.append((j, title, aid, notes))
        covered = notes[1] if notes else covered
    if over_prose and sum(linked_paper(line) is not None or id_and_authors_item(line) for line in lines) > len(over_prose):
        # a digest listing its papers as linked items / rows: "## Coverage and uncertainty" over prose is a section
        drop = set(over_prose)
        anchors = [a for x, a in enumerate(anchors) if x not in drop]

    listing_date = None
    inferred = False
    first_anchor = anchors[0][0] if anchors else n
    for j in range(i, first_anchor):
        t = lines[j].strip()
        if not t:
            continue
        plain = collapse(md_to_text(t))
        if listing_date is None and is_date_line(plain):
            listing_date, inferred = parse_date_text(plain, ref)
    published_ref = listing_date or ref

    kinds = {"hf_markdown": 0, "markdown_notes": 0, "markdown_list": 0}  # listings by the kind of entry
    for a, (j, title_text, aid, notes) in enumerate(anchors):
        limit = anchors[a + 1][0] if a + 1 < len(anchors) else n
        if notes is not None:
            fields, end = notes
            if len(anchors) == 1:
                fields = {**front, **fields}
            _notes_listing(ledger, j, title_text, aid, fields, end, published_ref)
            kinds["markdown_notes"] += 1
            continue
        start = j
        upvotes = None
        # upvote counter right before the heading (blank lines allowed)
        p = j - 1
        while p >= i and not lines[p].strip() and ledger.is_free(p):
            p -= 1
        if p >= i and ledger.is_free(p) and _UPVOTE.match(lines[p]):
            upvotes = to_int(_UPVOTE.match(lines[p]).group(1))
            start = p
        # next entry's upvote line is not ours
        next_start = limit
        if a + 1 < len(anchors):
            q = limit - 1
            while q > j and not lines[q].strip():
                q -= 1
            if q > j and _UPVOTE.match(lines[q]):
                next_start = q
        # paragraphs after the heading
        blocks: list[tuple[int, int]] = []
        k = j + 1
        while k < next_start:
            if not lines[k].strip():
                k += 1
                continue
            b0 = k
            k += 1
            while k < next_start and lines[k].strip() and not _LIST_ITEM.match(lines[k]):
                k += 1  # a list item ends the paragraph before it ("...abstract.\n- [arXiv](...)")
            blocks.append((b0, k - 1))
        abstract_raw = None
        ai_raw = None
        end = j
        published = None
        links = []
        card_summary = None
        in_summary = False  # prose inside '<div class="...summary">': the digest's summary, not the abstract
        for b0, b1 in blocks:
            raw = "\n".join(lines[b0 : b1 + 1])
            if all(_TAGS_ONLY.fullmatch(lines[x].strip()) for x in range(b0, b1 + 1)) or (
                    b0 == b1 and _CARD_ID.search(_TAG.sub(" ", raw)) and raw.lstrip().startswith("<")):
                in_summary = bool(re.search(r"class=\"[^\"]*\b(?:summary|tldr)\b", raw, re.I))
                end = b1
                continue
            if in_summary and card_summary is None:
                card_summary = clean_text(md_to_text(raw))
                end = b1
                continue
            if aid is not None and any((m := _PAPER_URL.search(u)) and aid not in m.groups() for u in _link_urls(raw)):
                break  # a link to another paper (its thumbnail): the next entry's preamble
            plain = collapse(md_to_text(raw))
            links.extend(u for u in _link_urls(raw) if u.startswith("http"))
            dm = _DATE_META.match(raw.strip()) if b0 == b1 else None
            in_slot = (
                aid is not None
                and not raw.lstrip().startswith(("[- ", "- ", "[![", "!["))
                and any(aid in u for u in _link_urls(raw))
                and len(plain) >= 40
                and not re.search(r"\b\d+\s+authors?\b", plain)
            )
            if abstract_raw is None and (in_slot or looks_like_abstract(plain)) and not plain.startswith("- "):
                abstract_raw = md_to_text(raw)
                end = b1
                continue
            if abstract_raw is None and ai_raw is None and re.search(r"AI[- ]generated summary", plain, re.I):
                ai_raw = md_to_text(raw)
                end = b1
                continue
            if dm:
                published, _ = parse_date_text(dm.group(1), published_ref)
                end = b1
                break  # the date line closes the entry
            if _is_meta_block(raw, plain):
                end = b1
                continue
            break  # unknown content: leave it for the quarantine pass
        ai_summary = None
        if ai_raw is not None:
            ai_summary, rest = split_ai_summary(ai_raw)
            if rest and abstract_raw is None:
                abstract_raw = rest
        ai_summary = ai_summary or card_summary
        abstract = None
        if abstract_raw is not None:
            ai2, rest = split_ai_summary(abstract_raw)
            ai_summary = ai_summary or ai2
            abstract = clean_text(rest)
        title = clean_text(title_text)
        if abstract is None and aid is None:
            ledger.quarantine(start, j, "title without abstract")
            if end > j:
                for x in range(j + 1, end + 1):
                    ledger.furniture(x) if _is_meta_line(lines[x]) else None
            continue
        abstract, flag = judge_abstract(abstract, title)
        paper_links = [u for u in dedupe(links + urls_in(abstract)) if not _is_noise_url(u)]
        ledger.listing(
            start,
            end,
            title=title,
            abstract=abstract,
            ai_summary=ai_summary,
            abstract_flag=flag,
            arxiv_id=aid or arxiv_id_from(" ".join(paper_links)),
            published_at=published,
            upvotes=upvotes,
            links=paper_links or None,
        )

    # leftovers: a list item or table row linking to a paper (a curated list of papers), page
    # furniture (navigation, headings, links, dates, a reader tool's header) vs unrecognised prose
    title_column = None  # of the Markdown table being read, when its header names one
    for j in range(n):
        row = lines[j].strip()
        if not row.startswith("|"):
            title_column = None
        elif _is_table_header(lines, j) and not MD_TABLE_RULE.fullmatch(row):
            title_column = _title_column(row)
        if not ledger.is_free(j):
            continue
        if j >= first_anchor or not anchors:
            linked = linked_paper(lines[j])
            if linked is not None:
                title, url, aid = linked
                if title_column is not None and title_column < len(cells := _cells(row)):
                    # "|2026-05-13|**Title**|Authors|[2605.13855](...)|": the title cell, not the whole row
                    cell = collapse(md_to_text(cells[title_column]))
                    if _BARE_ID.search(cell):  # "| `2607.18703` | <contribution> | ... |": no title here
                        ledger.quarantine(j, j, "paper row without a title (named by its id)")
                        continue
                    title = _digest_title(cell) or title
                ledger.listing(j, j, **listing_fields(title, None, arxiv_id=aid, links=[url]))
                kinds["markdown_list"] += 1
                continue
            if id_and_authors_item(lines[j]):
                ledger.quarantine(j, j, "paper item without a title (its id, then its authors)")
                continue
        t = lines[j].strip()
        plain = collapse(md_to_text(t))
        if not t or _is_nav_line(t, plain) or _is_table_header(lines, j) or (
                j < first_anchor and _READER_HEADER.match(plain)):
            ledger.furniture(j)
    kinds["hf_markdown"] = len(ledger.rows) - kinds["markdown_notes"] - kinds["markdown_list"]
    return MarkdownResult(listing_date, inferred, max(kinds, key=kinds.get))


_INLINE_TAG = re.compile(r"</?(?:font|span|b|strong|em|i|u|small|sup|sub)\b[^>]*>", re.I)


def _field(line: str) -> tuple[str, str, bool] | None:
    """(label, value, label in bold) of a labelled line ("**<font color=#1a73e8>作者：</font>** ...":
    inline HTML around a label is dropped)."""
    if "<" in line:
        line = _INLINE_TAG.sub("", line)
    m = _FIELD.match(line)
    if m is None or (m.group(1) is None and "**" in m.group(2)):
        return None
    return m.group(2).strip().lower(), m.group(3).strip(), m.group(1) is not None


def _is_title_field(line: str) -> bool:
    f = _field(line)
    return f is not None and f[0] == "title"


def _section_name(text: str) -> str:
    """A heading's text as a section name: lower-cased, without its colon; "📄 摘要（原文）" -> abstract,
    "Original Abstract" -> abstract."""
    label = text.rstrip(":：").strip().lower()
    bare = _SECTION_NOISE.sub("", label).strip()
    if bare in _CJK_SECTIONS:
        return "abstract"
    words = bare.split()
    if len(words) == 2 and words[0] == "original" and words[1] in _SECTIONS:
        return words[1]
    return bare if bare in _SECTIONS else label


def _section_label(line: str) -> str | None:
    """The section name of a heading line ("## Abstract", "### Notes:") or of a collapsible block's
    summary ("<summary>Abstract</summary>"), None for another line."""
    m = _HEADING.match(line) or _SUMMARY.match(line)
    return _section_name(collapse(md_to_text(m.group(m.lastindex)))) if m else None


def _is_section_title(title: str) -> bool:
    """A heading of a paper's sections ("Abstract", "Original Abstract", "📄 摘要（原文）"), not a paper's title."""
    return _section_name(title) in _SECTIONS


_SECTION_NOISE = re.compile(r"[（(][^（）()]*[）)]|[^\w\s]")  # "(original)", emoji
_CJK_SECTIONS = {"摘要", "原文摘要", "原始摘要", "英文摘要", "论文摘要"}
# a collapsible block of a digest: "<details>", "<summary>原始摘要</summary>" (the section's name), the
# section's paragraphs, "</details>"
_SUMMARY = re.compile(r"^\s*(?:<details[^>]*>\s*)?<summary>(.*?)</summary>\s*$", re.I)
_DETAILS_END = re.compile(r"^\s*</details>\s*$", re.I)


def _notes_entry(lines: list[str], j: int, limit: int, level: int | None = None) -> tuple[dict[str, str], int] | None:
    """Reading notes under the heading at ``j``: its labelled fields (the first of each kind) and
    its last non-blank line, when the heading is directly followed by a known label (a labelled
    line or an "Abstract" sub-heading), after a toolbar of HTML links if any, and the fields give
    an abstract or a link. The entry runs to the next heading of the same or a higher level (or
    ``limit``; ``level`` 0: to ``limit``); the paragraphs under an "Abstract" sub-heading are the
    abstract (a translation, mostly CJK, gives way to the original in a later section)."""
    first = _next_nonblank(lines, j + 1, limit)
    toolbar: list[str] = []  # '<div class="paper-toolbar"><a href="https://arxiv.org/abs/...">'
    while first is not None and lines[first].lstrip().startswith("<") and _SUMMARY.match(lines[first]) is None:
        while first < limit and lines[first].strip():
            toolbar += urls_in(lines[first])
            first += 1
        first = _next_nonblank(lines, first, limit)
    if first is None:
        return None
    if _field(lines[first]) is None and _section_label(lines[first]) != "abstract":
        return None
    heading = _HEADING.match(lines[j])
    if level is None:
        level = len(heading.group(1)) if heading else 6  # under a "Title:" line: up to any heading
    fields: dict[str, str] = {}
    end, k = j, first
    while k < limit:
        line = lines[k]
        h = _HEADING.match(line)
        if h and len(h.group(1)) <= level or _is_title_field(line):
            break
        k += 1
        if not line.strip():
            continue
        end = k - 1
        summary = _SUMMARY.match(line)
        if h or summary:
            if _section_label(line) == "abstract" and ("abstract" not in fields or mostly_cjk(fields["abstract"])):
                body = []
                while k < limit and not _HEADING.match(lines[k]):
                    if summary and _DETAILS_END.match(lines[k]):  # the collapsible block ends the section
                        end = k
                        k += 1
                        break
                    if lines[k].strip():
                        body.append(lines[k])
                        end = k
                    k += 1
                if "abstract" not in fields or not mostly_cjk(md_to_text("\n".join(body))):
                    fields["abstract"] = "\n".join(body)
            continue
        f = _field(line)
        if f is None or (kind := _NOTE_LABELS.get(f[0])) is None:
            # the reader's own notes, or another label: part of the entry; known labels later on the
            # same line ("- **评分**: ⭐ 78/100 | **日期**: 2026-08-20") are read
            for part in _LABEL_SEPARATOR.split(line)[1:] if f is not None else ():
                g = _field(part)
                if g is not None and _NOTE_LABELS.get(g[0]) not in (None, "abstract"):
                    fields.setdefault(_NOTE_LABELS[g[0]], g[1])
            continue
        if kind != "abstract":
            value = f[1]
            while k < limit and lines[k][:1].isspace() and lines[k].strip() and _field(lines[k]) is None:
                value += " " + lines[k].strip()  # a value wrapped onto an indented line
                end = k
                k += 1
            fields.setdefault(kind, value)
            continue
        # the abstract: the rest of its line, then lines up to a blank line (or the paragraph
        # below an empty label) or the next known or bold label
        parts = [f[1]] if f[1] else []
        while k < limit and not _HEADING.match(lines[k]):
            t = lines[k]
            if not t.strip():
                if parts:
                    break
                k += 1
                continue
            g = _field(t)
            if g is not None and (g[2] or g[0] in _NOTE_LABELS or g[0] == "title"):
                break
            parts.append(t)
            end = k
            k += 1
        fields.setdefault("abstract", "\n".join(parts))
    if toolbar:  # beside a labelled link ("**DOI**: ..."), if any
        fields["link"] = " ".join([fields.get("link", ""), *toolbar]).strip()
    if not fields.get("abstract") and not _PAPER_REF.search(fields.get("link", "")):
        return None  # "- Links: blue-400" under a heading of some other document is no paper
    return fields, end


def _front_matter_note(lines: list[str], j: int, n: int, front: dict[str, str]) -> tuple | None:
    """The entry of a note on one paper titled in its front matter ("title: ...", "pdf: <arXiv URL>") and
    closed at line ``j``, its abstract in a section of the body ("## Abstract"): the rest of the page,
    when it gives an abstract and a link."""
    if not front.get("title") or (notes := _notes_entry(lines, j, n, level=0)) is None:
        return None
    if not notes[0].get("abstract") or not _PAPER_REF.search(notes[0].get("link") or front.get("link", "")):
        return None
    return j, front["title"], None, notes


# a YAML front matter's top-level key ("arxiv_abstract: >-", "canonical_id: \"arxiv:2606.16944\"")
_YAML_KEY = re.compile(r"^([^\W\d_][\w -]*?)\s*[:：]\s*(.*)$")
_FRONT_ID_KEYS = ("arxiv_id", "arxiv", "canonical_id", "id", "arxiv_url", "url", "link", "abs_url", "paper_url", "pdf")
_FRONT_ABSTRACT_KEYS = ("abstract", "arxiv_abstract", "abstract_en", "original_abstract")


def yaml_keys(lines: list[str], end: int, start: int = 1) -> dict[str, str]:
    """Top-level scalar keys of the YAML in lines ``start``..``end`` (a front matter closed at line ``end``): quotes
    dropped, a block scalar (">-", "|") read from its indented lines, an inline list ("[\"A\", \"B\"]") joined by commas."""
    out: dict[str, str] = {}
    k = start
    while k < end:
        m = _YAML_KEY.match(lines[k])
        k += 1
        if m is None:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if value in (">", ">-", "|", "|-", ">+", "|+"):
            body = []
            while k < end and (lines[k][:1].isspace() or not lines[k].strip()):
                body.append(lines[k].strip())
                k += 1
            value = " ".join(b for b in body if b)
        elif value.startswith("[") and value.endswith("]"):
            value = ", ".join(v.strip().strip("\"'") for v in value[1:-1].split(",") if v.strip())
        out.setdefault(key, value.strip("\"'"))
    return out


def _front_matter_paper(lines: list[str], i: int, n: int, yaml: dict[str, str], front: dict[str, str]) -> tuple | None:
    """A page on one paper whose front matter names it: a title and its arXiv id or URL ("arxiv_id:",
    "canonical_id: arxiv:...", "url: https://arxiv.org/abs/..."), with its abstract there ("arxiv_abstract:")
    or in an "Abstract" section of the body, if anywhere: one entry covering the page, the body's other
    headings ("## Problem", "## 書誌情報") its sections. Not when the body links several other papers (a digest).
    ``yaml``: the front matter's keys; ``front``: its known labels."""
    title = yaml.get("title", "")
    aid = next((a for key in _FRONT_ID_KEYS if (a := arxiv_id_from(yaml.get(key)))), None)
    last = next((k for k in range(n - 1, i - 1, -1) if lines[k].strip()), None)
    if not title or aid is None or last is None:
        return None
    others = {m.group(1) or m.group(2) for line in lines[i:] for u in _link_urls(line) if (m := _PAPER_URL.search(u))}
    if len(others - {aid}) > 2:
        return None
    for k in range(i, n):  # "[论文解读] PilotRL: ..." in the front matter, "# PilotRL: ..." on the page
        h = _HEADING.match(lines[k])
        if h and len(h.group(1)) == 1:
            text = collapse(md_to_text(h.group(2)))
            title = text if len(text) > 10 and title.endswith(text) else title
            break
    fields = {"link": f"https://arxiv.org/abs/{aid}", **{k: v for k, v in front.items() if k in ("authors", "date") and v}}
    if abstract := next((yaml[key] for key in _FRONT_ABSTRACT_KEYS if yaml.get(key)), None):
        fields["abstract"] = abstract
    else:
        for k in range(i, n):
            if _section_label(lines[k]) == "abstract":
                body = []
                for t in lines[k + 1:]:
                    if _HEADING.match(t):
                        break
                    body.append(t)
                fields["abstract"] = "\n".join(body).strip()
                break
    return _next_nonblank(lines, i, n), title, aid, (fields, last)


def _notes_listing(ledger: LineLedger, j: int, title_text: str, aid: str | None, fields: dict[str, str], end: int,
                   published_ref: dt.date | None) -> None:
    # a translated digest's "**原文标题：** <English title>": the paper's own title, as other dumps list it
    title = clean_text(md_to_text(fields["original_title"]) if fields.get("original_title") else title_text)
    abstract, flag = judge_abstract(clean_text(md_to_text(fields["abstract"])) if fields.get("abstract") else None,
                                    title)
    link = fields.get("link", "")
    links = dedupe([u for u in _link_urls(link) if u.startswith("http")] + urls_in(md_to_text(link)) + urls_in(abstract))
    aid = aid or next((m.group(1) or m.group(2) for u in links if (m := _PAPER_URL.search(u))), None)
    date_text = md_to_text(fields.get("date") or "")
    published = parse_date_text(date_text, published_ref)[0] if date_text else None
    if published is None and date_text.isdigit():
        published = to_date(date_text)  # "date: 20170612"
    ledger.listing(
        j,
        end,
        title=title,
        abstract=abstract,
        abstract_flag=flag,
        arxiv_id=aid or arxiv_id_from(link),
        authors=split_authors(md_to_text(fields["authors"])) if fields.get("authors") else None,
        published_at=published,
        links=links or None,
    )


_BOLD_TITLE = re.compile(r"(?:\*\*|__)([^*_\n]+?\s[^*_\n]+?\s[^*_\n]+?)(?:\*\*|__)")  # three words or more


# name-like words of an author list: capitalised, or a particle ("de Gouveia Dal Pino", "van de Meent")
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_NAME_PARTICLES = {"de", "del", "della", "der", "den", "di", "da", "dos", "du", "la", "le", "van", "von", "y"}


def _is_author_list(text: str) -> bool:
    """'Brunello, Mandal, Di Russo', '· Varun Bhatt et al.': names (1-4 name-like words each) between commas."""
    byline = text.lstrip().startswith(("·", "•"))  # "· Jnaneshwar Das": a byline's separator
    text = text.strip(" .;·•|—–-")
    et_al = MORE_AUTHORS.search(text)
    parts = re.split(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+", text[:et_al.start()] if et_al else text)
    # one name alone only in a byline or with "et al.": a short Title Case phrase after an id may be a title
    return (len(parts) >= 2 or byline or et_al is not None) and all(
        1 <= len(w := p.split()) <= 4 and any(x[0].isupper() for x in w)
        and all(_NAME_WORD.fullmatch(x) and (x[0].isupper() or x in _NAME_PARTICLES) for x in w) for p in parts)


def id_and_authors_item(line: str) -> bool:
    """'- [2604.14134](https://arxiv.org/abs/2604.14134) — Brunello, Mandal, ...' or '- [arxiv:2604.21192](...) · Varun
    Bhatt et al.': an item naming a paper by its id, then its author(s): no title in it (the bold line above may be the
    digest's own headline)."""
    m = re.match(r"\s*(?:[-*+]|\d{1,3}[.)])\s+", line)
    link = _LINK.match(line, m.end()) if m else None
    return bool(link and _PAPER_URL.search(link.group(2))
                and _BARE_ID.fullmatch(re.sub(r"(?i)^arxiv:\s*", "", link.group(1).strip("` ")))
                and _is_author_list(md_to_text(_LINK.split(line[link.end():], maxsplit=1)[0])))


def linked_paper(line: str) -> tuple[str, str, str] | None:
    """(title, paper URL, arXiv id) of a list item or table row whose link goes to an arXiv or
    Hugging Face paper page: "- [Title](https://arxiv.org/abs/...) ...", or a title before a
    "[paper](...)" link."""
    if not _LIST_ITEM.match(line) or len(set(_BARE_ID.findall(line))) > 1 or id_and_authors_item(line):
        return None  # not an item, one relating papers ("| `2607.19139` | `2605.16147` | ... |"), or one without title
    for m in _LINK.finditer(line):
        url = m.group(2).strip("<>")
        pm = _PAPER_URL.search(url)
        if pm is None:
            continue
        title = collapse(md_to_text(m.group(1))).strip(" .:-")
        if len(title.split()) < 3 or (len(title.split()) <= 3 and _GENERIC_LINK_TEXT.match(title)):
            before = _LIST_ITEM.sub("", line[: m.start()], count=1)
            bold = _BOLD_TITLE.search(before)  # "- 2022-11-30, **Title**, Authors et.al., Paper: [url](url)"
            title = collapse(md_to_text(bold.group(1) if bold else re.sub(r"\[\s*$", "", before))).strip(" |.:-[(")
            if not title:  # "[paper](...) Title": the text up to the next link
                after = _LINK.split(line[m.end():], maxsplit=1)[0]
                title = collapse(md_to_text(after)).strip(" |.:-[]()—–·•")  # "[2401.00001](...) — Title"
        title = _digest_title(title)
        if len(title.split()) < 3:
            return None
        return title, url, pm.group(1) or pm.group(2)
    return None


def _next_nonblank(lines: list[str], j: int, n: int) -> int | None:
    while j < n and not lines[j].strip():
        j += 1
    return j if j < n else None


def _is_noise_url(u: str) -> bool:
    return bool(
        re.search(r"/login\b|/avatars?/|cdn-avatars|\.(?:png|jpe?g|gif|svg|webp)(?:\?|$)|#community$", u, re.I)
        or re.match(r"^https?://(?:www\.)?huggingface\.co/(?!papers/|datasets/|spaces/)[^/]+/?$", u, re.I)
    )


# HTML in a Markdown digest: a line of tags only, and a card's id badge ('<span class="paper-id">arXiv 2502.02061</span>')
_TAG = re.compile(r"<[^<>]*>")
_TAGS_ONLY = re.compile(r"(?:\s*<[^<>]*>)+\s*")
_CARD_ID = re.compile(r"\barXiv\s*:?\s*(\d{4}\.\d{4,5})(?:v\d+)?\b|arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})", re.I)


def _card_id(lines: list[str], j: int, n: int) -> str | None:
    """The arXiv id named by the HTML block right under an entry heading (a digest's paper card), if any."""
    k = _next_nonblank(lines, j, n)
    while k is not None and lines[k].lstrip().startswith("<") and not _HEADING.match(lines[k]):
        if m := _CARD_ID.search(lines[k]):
            return m.group(1) or m.group(2)
        if not _TAGS_ONLY.fullmatch(lines[k].strip()):
            return None
        k = _next_nonblank(lines, k + 1, n)
    return None


def _is_meta_line(t: str) -> bool:
    s = t.strip()
    plain = collapse(md_to_text(s))
    return _is_nav_line(s, plain) or bool(re.match(r"^\[?-\s", s))


def _is_meta_block(raw: str, plain: str) -> bool:
    """Avatars, author counts, organisation links, '·' separators, comment counters."""
    if not plain or plain in ("·", "•", "-", "|"):
        return True
    if re.search(r"\b\d+\s+authors?\b", plain) or raw.lstrip().startswith(("[- ", "- ![", "[![", "![")):
        return True
    if len(plain) <= 80 and not looks_like_abstract(plain) and _link_urls(raw):
        return True
    if re.match(r"^(?:submitted by|published on|upvoted by|authors?:)", plain, re.I):
        return True
    return False


def _is_nav_line(t: str, plain: str) -> bool:
    if not plain or plain in ("·", "•", "-", "|", "---", "***") or _TAGS_ONLY.fullmatch(t):
        return True  # (an HTML wrapper's tags without text: '<section class="..." markdown="1">', '</div>')
    if any(line_kind(plain)):
        return True
    if _HEADING.match(t) and len(plain) <= 120:
        return True
    if re.match(r"^[-*+]\s+\S", t) and len(plain) <= 40:
        return True
    if _LINK.fullmatch(t.strip()) and len(plain) <= 80:
        return True
    if re.match(r"^(?:trending papers|previous|next|submitted by|upvoted by)\b", plain, re.I) and len(plain) <= 80:
        return True
    if _UPVOTE.match(t):
        return True
    return False


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


_TITLE_HEADERS = {*TITLE_KEYS, "paper", "题目", "标题"}


def _title_column(header: str) -> int | None:
    """The index of the title column of a Markdown table's header row, if it has one."""
    names = [collapse(md_to_text(c)).lower().replace(" ", "_") for c in _cells(header)]
    return next((i for i, name in enumerate(names) if name in _TITLE_HEADERS), None)


def _is_table_header(lines: list[str], j: int) -> bool:
    """A Markdown table's header row (the row above its |---| separator) or that separator."""
    def separator(k: int) -> bool:
        return k < len(lines) and "|" in lines[k] and bool(MD_TABLE_RULE.fullmatch(lines[k]))

    return separator(j) or (lines[j].lstrip().startswith("|") and separator(j + 1))
