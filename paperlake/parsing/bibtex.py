"""BibTeX files (reading lists, arXiv / Semantic Scholar exports): one listing per entry.

Fields: title, author ("Last, First and First Last"), abstract, eprint / url / journal
("arXiv preprint arXiv:2501.01234") / doi for the arXiv id, date (a year alone is not a day). Braces that
protect capitals and TeX escapes are removed. ``@string`` / ``@preamble`` / ``@comment`` entries
are furniture. Unit of accounting = entry.
"""

from __future__ import annotations

import datetime as dt
import re

from .ledger import RecordLedger, clip_raw
from .normalize import TEX_LETTERS, arxiv_id_from, clean_text, tex_accents, to_date
from .records import StructuredResult, listing_fields

_ENTRY_START = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_FIELD_NAME = re.compile(r"\s*([A-Za-z][\w:.+-]*)\s*=\s*")
_NOT_PAPERS = {"string", "preamble", "comment"}
_TEX_ESCAPE = re.compile(r"\\([&%$#_{}])")
_TEX_COMMAND = re.compile(r"\\([A-Za-z]{2,})\s*")
_KEPT_MACROS = set(TEX_LETTERS)  # letters ({\AA}, {\ss}), turned into text by tex_accents


_FILE_START = re.compile(r"\ufeff?(?:\s*%[^\n]*\n)*\s*@\s*[A-Za-z]+\s*[{(]")  # after blank / "%" comment lines


def looks_like_bibtex(head: str) -> bool:
    return _FILE_START.match(head) is not None


def _balanced(text: str, i: int, open_: str, close: str) -> int:
    """Index just after the ``close`` that balances the ``open_`` at ``text[i]`` (-1 if none)."""
    depth, j = 0, i
    while j < len(text):
        c = text[j]
        if c == "\\":  # an escaped brace does not count
            j += 2
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def _fields(body: str) -> dict[str, str]:
    """``name = {value} | "value" | bare`` pairs of one entry body (after its key)."""
    out: dict[str, str] = {}
    i = 0
    while True:
        m = _FIELD_NAME.match(body, i)
        if not m:
            break
        name, i = m.group(1).lower(), m.end()
        if i < len(body) and body[i] == "{":
            end = _balanced(body, i, "{", "}")
            value, i = (body[i + 1:end - 1], end) if end > 0 else (body[i + 1:], len(body))
        elif i < len(body) and body[i] == '"':
            end = body.find('"', i + 1)
            value, i = (body[i + 1:end], end + 1) if end > 0 else (body[i + 1:], len(body))
        else:
            end = body.find(",", i)
            value, i = (body[i:end], end) if end >= 0 else (body[i:], len(body))
        out[name] = value.strip()
        comma = body.find(",", i)
        if comma < 0:
            break
        i = comma + 1
    return out


def _plain(value: str | None) -> str | None:
    if value is None:
        return None
    value = _TEX_ESCAPE.sub(r"\1", value).replace("~", " ")
    value = _TEX_COMMAND.sub(lambda m: m.group(0) if m.group(1) in _KEPT_MACROS else "", value)  # \textbf{X} -> {X}
    return clean_text(tex_accents(value))  # {\'a} -> á, braces dropped


def _author(name: str) -> str | None:
    name = _plain(name) or ""
    if "," in name:  # "Last, First"
        last, first = (p.strip() for p in name.split(",", 1))
        name = f"{first} {last}".strip()
    return name or None


def parse_bibtex(text: str, reference_date: dt.date | None, notes: tuple[str, ...] = ()) -> StructuredResult:
    ledger = RecordLedger()
    pos = 0
    while (m := _ENTRY_START.search(text, pos)) is not None:
        close = ")" if text[m.end() - 1] == "(" else "}"
        end = _balanced(text, m.end() - 1, text[m.end() - 1], close)
        raw = text[m.start():end if end > 0 else len(text)]
        pos = end if end > 0 else len(text)
        if m.group(1).lower() in _NOT_PAPERS:
            ledger.furniture()
            continue
        if end < 0:
            ledger.quarantine("truncated BibTeX entry (unbalanced braces)", clip_raw(raw, 2000))
            continue
        key_end = raw.find(",", m.end() - m.start())
        f = _fields(raw[key_end + 1:-1]) if key_end >= 0 else {}
        title = _plain(f.get("title"))
        if not title:
            ledger.quarantine("BibTeX entry without title", clip_raw(raw, 2000))
            continue
        arxiv_id = next((a for a in (arxiv_id_from(f.get(k)) for k in ("eprint", "url", "journal", "doi", "note"))
                         if a), None)
        ledger.listing(**listing_fields(
            title, _plain(f.get("abstract")), arxiv_id=arxiv_id,
            authors=[_author(a) for a in re.split(r"\s+and\s+", f.get("author", ""))],
            published_at=to_date(f.get("date")),  # a year (and month) alone is not a day
            links=[u for u in (f.get("url"),) if u and u.startswith("http")],
            categories=[_plain(f.get("primaryclass"))],
        ))
    if ledger.n_listing == 0 and ledger.n_quarantine == 0:
        ledger.quarantine("BibTeX file without entries", clip_raw(text, 2000))
    return StructuredResult("bibtex", None, False, ledger)
