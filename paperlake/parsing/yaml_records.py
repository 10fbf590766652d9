"""YAML files holding one paper record each (deep-diver/hf-daily-paper-newsletter: "title:", "link:", "author:",
"summary:", "date:"), read as flat ``key: value`` YAML (top-level scalar keys; nested blocks and lists skipped) and
mapped like a JSON record. Each document ("---" between them) is a unit: a listing when it names a paper (a title
and an arXiv id / paper URL or a DOI); any other YAML (a config file, a CI workflow, docker-compose) gives none.
"""

from __future__ import annotations

import datetime as dt

from .decode import split_lines
from .ledger import RecordLedger, clip_raw
from .markdown_page import yaml_keys
from .records import StructuredResult, record_to_listing

_NO_PAPER = "YAML document naming no paper (a title and an arXiv id, paper URL or DOI)"


def parse_yaml_dump(text: str, reference_date: dt.date | None, notes: tuple[str, ...] = ()) -> StructuredResult:
    ledger = RecordLedger()
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
