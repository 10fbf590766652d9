"""YAML paper records.

- One paper record per document (deep-diver/hf-daily-paper-newsletter: "title:", "link:", "author:", "summary:",
  "date:"), read as flat ``key: value`` YAML (top-level scalar keys; nested blocks and lists skipped) and mapped like
  a JSON record. Each document ("---" between them) is a unit: a listing when it names a paper (a title and an arXiv
  id / paper URL or a DOI); any other YAML (a config file, a CI workflow, docker-compose) gives none.
- A collection of records (a top-level list of paper records, e.g. a site's ``_data/papers.yml``, or a mapping
  holding such a list under ``papers:`` / ``items:`` ...): loaded with PyYAML's safe loader and read as the same
  JSON structure would be, one unit per record.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml

from .decode import split_lines
from .json_formats import emit_records, listing_date_of, records_from
from .ledger import RecordLedger, clip_raw
from .markdown_page import yaml_keys
from .records import StructuredResult, record_to_listing

_NO_PAPER = "YAML document naming no paper (a title and an arXiv id, paper URL or DOI)"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader, keeping decimals as written ("arxiv: 2401.10000" is an id, not the float 2401.1)."""


_Loader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: loader.construct_scalar(node))


def _collection(text: str) -> list[Any] | None:
    """The file's documents as JSON values when one of them is a collection of records (a list of mappings,
    or a mapping holding one), else None (flat records, invalid YAML)."""
    try:
        docs = [d for d in yaml.load_all(text, Loader=_Loader) if d is not None]
    except yaml.YAMLError:
        return None

    def records(v: Any) -> bool:
        return isinstance(v, list) and any(isinstance(x, dict) for x in v)

    if not any(records(d) or (isinstance(d, dict) and any(map(records, d.values()))) for d in docs):
        return None
    return json.loads(json.dumps(docs, default=str))  # dates and timestamps as ISO strings, as JSON has them


def parse_yaml_dump(text: str, reference_date: dt.date | None, notes: tuple[str, ...] = ()) -> StructuredResult:
    ledger = RecordLedger()
    docs = _collection(text)
    if docs is not None:
        date = None
        for doc in docs:
            fmt, recs, meta = records_from(doc)
            if fmt == "json_unknown":
                ledger.quarantine(_NO_PAPER, clip_raw(json.dumps(doc, ensure_ascii=False), 2000))
                continue
            emit_records(ledger, recs, fmt, what="YAML mapping")
            date = date or listing_date_of(fmt, recs, meta)
        return StructuredResult("yaml_record" if ledger.n_listing else "unknown", date, False, ledger)
    lines = split_lines(text)
    bounds = [k for k, line in enumerate(lines) if line.rstrip() in ("---", "...")]
    for start, end in zip([-1, *bounds], [*bounds, len(lines)]):
        body = [t for t in lines[start + 1:end] if t.strip() and not t.lstrip().startswith("#")]
        if not body:
            continue  # an empty document, or comments only
        rec = yaml_keys(lines, end, start + 1)
        fields, _ = record_to_listing(rec)
        if fields is None or not (fields["arxiv_id"] or rec.get("doi")):
            ledger.quarantine(_NO_PAPER, clip_raw("\n".join(body), 2000))
            continue
        link = rec.get("link") or rec.get("url") or ""
        if not fields["links"] and link.startswith(("http://", "https://")):
            fields["links"] = [link]
        ledger.listing(**fields)
    if not ledger.n_listing + ledger.n_quarantine:
        ledger.quarantine(_NO_PAPER, clip_raw(text, 2000))  # nothing but comments
    return StructuredResult("yaml_record" if ledger.n_listing else "unknown", None, False, ledger)
