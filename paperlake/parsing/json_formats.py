"""JSON dumps: HF daily_papers API, JSON Feed, scraped {date, papers} / list formats, JSON Lines
(also lines of Python dict literals, as ``print(record)`` writes them: read with ``ast.literal_eval``,
which evaluates literals only, never code).

Unit of accounting = record (one element of the paper array). Truncated JSON is salvaged:
complete records before the cut are parsed, the incomplete tail is one quarantined record.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from typing import Any

from .ledger import RecordLedger, clip_raw
from .records import ID_KEYS, TITLE_KEYS, URL_KEYS, StructuredResult, most_common_date, record_to_listing

_DEC = json.JSONDecoder()
_WS = re.compile(r"[ \t\r\n]*")


def _loads(text: str) -> tuple[Any, str | None]:
    try:
        return json.loads(text), None
    except RecursionError:
        return None, "JSON nested too deeply"
    except json.JSONDecodeError as exc:
        return None, exc


def _byte_offset(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8", "replace"))


def _salvage_array(text: str, start: int) -> tuple[list[Any], int, str | None]:
    """Decode elements of the JSON array whose '[' is at `start`; stop at the first error.

    Returns (elements, position where decoding stopped, error or None when the array closed).
    """
    items: list[Any] = []
    pos = start + 1
    n = len(text)
    while True:
        pos = _WS.match(text, pos).end()
        if pos >= n:
            return items, pos, "unexpected end of data"
        if text[pos] == "]":
            return items, pos + 1, None
        if items:
            if text[pos] != ",":
                return items, pos, f"expected ',' at char {pos}"
            pos = _WS.match(text, pos + 1).end()
        try:
            obj, end = _DEC.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            return items, pos, exc.msg
        except RecursionError:
            return items, pos, "JSON nested too deeply"
        items.append(obj)
        pos = end


def _scalar_fields(prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in re.finditer(r'"([A-Za-z_]+)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)', prefix):
        try:
            out[m.group(1)] = json.loads(m.group(2))
        except json.JSONDecodeError:
            pass
    return out


_ARRAY_KEYS = ("items", "papers", "data", "results", "entries", "records", "daily_papers", "articles", "posts",
               "notes")  # notes: OpenReview


def _with_sibling_arrays(doc: dict, key: str) -> list[Any]:
    """The records under ``key`` followed by those of every other top-level list of records built the
    same way ({"papers": [...], "radar": [...], "top5": [...]}; {"deep_dive": [...], "quick_skim": [...]}),
    so that no array of papers in a digest is left unread."""
    main = doc[key]
    shape = next((set(x) for x in main if isinstance(x, dict)), None)
    if not shape or "title" not in shape:
        return main
    out = list(main)
    for k, v in doc.items():
        if k == key or not isinstance(v, list) or not v or not all(isinstance(x, dict) for x in v):
            continue
        other = set(v[0])
        if "title" in other and len(shape & other) >= 0.8 * max(len(shape), len(other)):
            out += v
    return out


def records_from(doc: Any) -> tuple[str, list[Any], dict]:
    """(format id, record list, top-level metadata) for a parsed JSON document."""
    if isinstance(doc, list):
        dicts = [x for x in doc if isinstance(x, dict)]
        if dicts and sum(isinstance(x.get("paper"), dict) for x in dicts) >= max(1, len(dicts) // 2):
            return "hf_api_json", doc, {}
        if dicts and any(isinstance(x.get("details"), dict) or "paper_url" in x for x in dicts):
            return "scraped_json_list", doc, {}
        return "json_generic", doc, {}
    if isinstance(doc, dict):
        version = str(doc.get("version", ""))
        if "jsonfeed" in version and isinstance(doc.get("items"), list):
            return "jsonfeed", doc["items"], doc
        if isinstance(doc.get("papers"), list):
            return "scraped_json_dated", _with_sibling_arrays(doc, "papers"), doc
        if isinstance(doc.get("items"), list) and any(
            isinstance(x, dict) and ("content_text" in x or "content_html" in x) for x in doc["items"]
        ):
            return "jsonfeed", doc["items"], doc
        if isinstance(doc.get("message"), dict):  # Crossref: {"status": "ok", "message": {"items": [...]}}
            fmt, recs, _ = records_from(doc["message"])
            return fmt, recs, doc
        for k in _ARRAY_KEYS:
            if isinstance(doc.get(k), list):
                fmt, _, _ = records_from(doc[k])
                return fmt, _with_sibling_arrays(doc, k), doc
        # any list of dicts with titles
        for k, v in doc.items():
            if isinstance(v, list) and any(isinstance(x, dict) and "title" in x for x in v):
                return "json_generic", _with_sibling_arrays(doc, k), doc
        if grouped := _grouped_records(doc):
            return "json_generic", grouped, doc
        if "title" in doc:
            return "json_generic", [doc], {}
        if items := _markdown_items(doc):
            return "json_markdown_items", items, {}
    return "json_unknown", [], {}


def _is_paper_record(x: Any) -> bool:
    return isinstance(x, dict) and any(k in x for k in TITLE_KEYS) and any(k in x for k in ID_KEYS + URL_KEYS)


def _grouped_records(doc: dict) -> list[Any]:
    """{"categories": [{"name": "NLP", "papers": [{"arxiv_id", "title", "link"}, ...]}, ...]}: a list of
    groups each holding a list of paper records (a title and an id or link), wherever the list sits in
    the group (EvilCalf/papers-daily): the records of every group, in order."""
    out: list[Any] = []
    for groups in doc.values():
        if isinstance(groups, list) and groups and all(isinstance(g, dict) for g in groups):
            for g in groups:
                out += [x for v in g.values() if isinstance(v, list) and any(map(_is_paper_record, v)) for x in v]
    return out


def _markdown_items(doc: dict) -> list[Any]:
    """{"NLP": {"2601.00856": "- 2025-12-29, **Title**, Authors et.al., Paper: [url](url)"}, ...}: a JSON
    object of groups whose values are Markdown list items linking to papers (the archive of
    monologg/nlp-arxiv-daily): one record per item; a string that links no paper stays a string
    (quarantined as not a record)."""
    from .markdown_page import linked_paper

    leaves = [v for group in doc.values() if isinstance(group, dict) for v in group.values()]
    if not leaves or not all(isinstance(v, str) for v in leaves):
        return []
    out: list[Any] = []
    for v in leaves:
        hit = linked_paper(v.strip())
        out.append({"title": hit[0], "url": hit[1], "arxiv_id": hit[2]} if hit else v)
    return out if any(isinstance(x, dict) for x in out) else []


def listing_date_of(fmt: str, records: list[Any], meta: dict) -> dt.date | None:
    from .normalize import to_date

    # dateString: huggingface.co/papers pages; push_date: the day a digest was pushed (EvilCalf/papers-daily)
    for k in ("date", "listing_date", "day", "scraped_date", "dateString", "push_date"):
        if k in meta:
            d = to_date(meta.get(k))
            if d:
                return d
    dicts = [r for r in records if isinstance(r, dict)]
    if fmt == "hf_api_json":
        return most_common_date(r.get("publishedAt") or r.get("submittedOnDailyAt") for r in dicts)
    if fmt == "scraped_json_list":
        return most_common_date(r.get("scraped_date") or r.get("date") for r in dicts)
    if fmt == "jsonfeed":
        return most_common_date(r.get("date_published") for r in dicts)
    # Hugging Face paper objects without their daily wrapper (/api/papers): the day they were listed
    return most_common_date(r.get("submittedOnDailyAt") for r in dicts)


def emit_records(ledger: RecordLedger, records: list[Any], fmt: str, what: str = "JSON object") -> None:
    for rec in records:
        if not isinstance(rec, dict):
            ledger.quarantine(f"record is not a {what}", clip_raw(json.dumps(rec, ensure_ascii=False)[:4000]))
            continue
        inner = rec.get("paper") if isinstance(rec.get("paper"), dict) else None
        if inner is not None:
            fields, reason = record_to_listing(inner, outer=rec)
        else:
            fields, reason = record_to_listing(rec)
        if fields is None:
            ledger.quarantine(reason or "unusable record", clip_raw(json.dumps(rec, ensure_ascii=False)[:4000]))
        else:
            ledger.listing(**fields)


_PY_LITERAL_START = re.compile(r"\s*\{\s*'")  # "{'title': ...}": a record printed by Python, not JSON


def _python_record(line: str) -> Any:
    """A line holding a Python dict literal, evaluated as a literal; a _BadLine otherwise."""
    try:
        value = ast.literal_eval(line.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _BadLine(line)
    return value if isinstance(value, dict) else _BadLine(line)


def _try_json_lines(text: str, python_literals: bool = False) -> list[Any] | None:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < (1 if python_literals else 2):
        return None
    out = []
    for ln in lines:
        try:
            out.append(json.loads(ln))
        except (json.JSONDecodeError, RecursionError):
            out.append(_python_record(ln) if python_literals and _PY_LITERAL_START.match(ln) else _BadLine(ln))
    good = sum(not isinstance(x, _BadLine) for x in out)
    return out if good >= max(1, len(out) // 2) else None


class _BadLine(str):
    pass


def parse_json_dump(text: str, reference_date: dt.date | None, notes: tuple[str, ...] = ()) -> StructuredResult:
    ledger = RecordLedger()
    doc, err = _loads(text)
    if err is None:
        fmt, records, meta = records_from(doc)
        if fmt == "json_unknown":
            ledger.quarantine("unknown format (JSON without paper records)", clip_raw(text, 2000))
            return StructuredResult("unknown", None, False, ledger)
        emit_records(ledger, records, fmt)
        # top-level scalars / wrapper count as one furniture record when present
        return StructuredResult(fmt, listing_date_of(fmt, records, meta), False, ledger)

    # JSON Lines (or lines of Python dict literals)?
    python_literals = bool(_PY_LITERAL_START.match(text))
    if isinstance(err, json.JSONDecodeError) and (err.msg.startswith("Extra data") or python_literals):
        rows = _try_json_lines(text, python_literals)
        if rows is not None:
            good = [r for r in rows if not isinstance(r, _BadLine)]
            fmt, records, _ = records_from(good)
            for r in rows:
                if isinstance(r, _BadLine):
                    ledger.quarantine("invalid JSON line", clip_raw(str(r)))
                else:
                    emit_records(ledger, [r], fmt)
            return StructuredResult("jsonl" if fmt == "json_generic" else fmt, None, False, ledger)

    # truncated or malformed: salvage complete records of the main array
    detail = str(err)  # the decoder's whole message, with its line and column
    pos = err.pos if isinstance(err, json.JSONDecodeError) else 0
    start = _find_record_array(text)
    if start is None:
        ledger.quarantine(f"invalid JSON at byte {_byte_offset(text, pos)}: {detail}", clip_raw(text, 2000))
        return StructuredResult("unknown", None, False, ledger)
    items, stop, _perr = _salvage_array(text, start)
    meta = _scalar_fields(text[:start]) if start > 0 else {}
    fmt, records, _ = records_from(items) if items else ("json_generic", [], {})
    if not items:
        # decide family from the wrapper keys
        head = text[:start]
        fmt = "jsonfeed" if "jsonfeed" in head else "scraped_json_dated" if '"papers"' in head else fmt
    elif start > 0:
        head = text[:start]
        if "jsonfeed" in head or re.search(r'"items"\s*:\s*\[\s*$', head):
            fmt = "jsonfeed"
        elif re.search(r'"papers"\s*:\s*\[\s*$', head):
            fmt = "scraped_json_dated"
    emit_records(ledger, records, fmt)
    tail = text.rstrip()
    salvaged = f"{len(records)} complete record(s) salvaged"
    if tail.endswith(("]", "}")) and pos < len(tail):  # the decoder stopped before the end
        reason = f"invalid JSON at byte {_byte_offset(text, pos)}: {detail}; {salvaged}"
    else:  # cut off: say where the text ends and where the unfinished record began
        inside = (f"inside a record that starts at byte {_byte_offset(text, stop)}" if stop < len(tail)
                  else "before the record array is closed")
        end = _byte_offset(text, len(text))
        reason = f"truncated JSON: the text ends at byte {end} {inside} ({detail}); {salvaged}"
    ledger.quarantine(reason, clip_raw(text[stop:], 2000))
    return StructuredResult(fmt, listing_date_of(fmt, records, meta), False, ledger)


def _find_record_array(text: str) -> int | None:
    """Index of the '[' of the main record array (top-level list, or items/papers/... list)."""
    s = _WS.match(text).end()
    if s < len(text) and text[s] == "[":
        return s
    m = re.search(r'"(?:' + "|".join(_ARRAY_KEYS) + r')"\s*:\s*\[', text[:1_000_000])
    if m:
        return m.end() - 1
    m = re.search(r'"[A-Za-z_]+"\s*:\s*\[\s*\{', text[:1_000_000])
    if m:
        return text.index("[", m.start())
    return None
