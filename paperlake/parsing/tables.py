"""Tables of papers: delimited text (CSV / TSV / ``;`` / ``|`` and Markdown tables, with a header
row) and Parquet.

Each row is read like a JSON record (same column names: title, abstract / summary, arxiv_id or
a URL, authors, dates, upvotes; a Hugging Face ``paper`` struct column too). Unit of
accounting = row.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import json
import re

import polars as pl

from .json_formats import emit_records, listing_date_of, records_from
from .ledger import RecordLedger, clip_raw
from .normalize import MD_TABLE_RULE
from .records import DATE_KEYS, TITLE_KEYS, StructuredResult, most_common_date

_DELIMITERS = ("\t", ",", ";", "|")
_HEADER_CELL = re.compile(r"[A-Za-z_][\w .\-/]{0,40}")


# besides a title column, a table of papers names at least one of these
_OTHER_KEYS = {"abstract", "summary", "authors", "author", "arxiv_id", "arxiv", "id", "url", "link", "paper_url",
               "pdf_url", "date", "published", "published_at", "publishedat", "upvotes", "categories", "doi"}


def sniff_delimiter(head: str) -> str | None:
    """The delimiter when the text starts with a table header (a title column and another paper
    column, short names) and a row with as many fields, else None."""
    lines = [ln.strip() for ln in head[:16384].splitlines()[:50] if ln.strip()]
    if lines and lines[0].startswith("|"):  # a Markdown table
        lines = [ln.strip("|") for ln in lines if not MD_TABLE_RULE.fullmatch(ln)]
    if len(lines) < 2:
        return None
    for delim in _DELIMITERS:
        cells = [c.strip().strip('"').strip() for c in lines[0].split(delim)]
        names = {c.lower().replace(" ", "_").rpartition(".")[2] for c in cells}  # paper.title: a flattened record
        if (
            len(cells) >= 2
            and names & set(TITLE_KEYS)
            and names & _OTHER_KEYS
            and all(_HEADER_CELL.fullmatch(c) for c in cells if c)
        ):
            try:
                first_row = next(csv.reader(io.StringIO("\n".join(lines[1:])), delimiter=delim))
            except (StopIteration, csv.Error):
                continue
            if len(first_row) == len(cells):
                return delim
    return None


def _column_key(name: str) -> str:
    """A header cell as a record key: ``Abstract Note`` -> ``abstract_note``; the dotted names of a
    flattened JSON export (``paper.publishedAt``) keep their case, as the JSON keys they were."""
    name = name.strip().replace(" ", "_")
    return name if "." in name else name.lower()


def _record(header: list[str], cells: list[str]) -> dict:
    """One row as a record; ``paper.title`` columns become ``{"paper": {"title": ...}}``."""
    record: dict = {}
    for key, cell in zip(header, cells):
        if not key:
            continue
        *parents, leaf = key.split(".")
        node = record
        for part in parents:
            node = node.setdefault(part, {}) if isinstance(node.get(part, {}), dict) else {}
        node[leaf] = _cell_value(cell)
    return record


def _cell_value(cell: str):
    """A cell's text; a list or object written into it (JSON, or Python's repr as pandas writes
    one: ``[{'name': 'Tri Dao'}]``) as that value."""
    text = cell.strip()
    if len(text) > 1 and (text[0], text[-1]) in (("[", "]"), ("{", "}")):
        for decode in (json.loads, ast.literal_eval):
            try:
                return decode(text)
            except (ValueError, SyntaxError, RecursionError, MemoryError):
                continue
    return text or None


def _table_date(fmt: str, records: list[dict]) -> dt.date | None:
    date = listing_date_of(fmt, records, {})
    if date is None:
        for key in DATE_KEYS:
            date = most_common_date(r.get(key) for r in records)
            if date is not None:
                break
    return date


def _emit_rows(ledger: RecordLedger, rows: list[dict]) -> dt.date | None:
    fmt, records, _ = records_from(rows)
    emit_records(ledger, records, fmt)
    return _table_date(fmt, records)


def parse_delimited(text: str, reference_date: dt.date | None, notes: tuple[str, ...] = (), *,
                    delimiter: str = ",") -> StructuredResult:
    ledger = RecordLedger()
    if delimiter == "|":  # a Markdown table: outer pipes and the |---|---| rule are not data
        text = "\n".join(ln.strip().strip("|") for ln in text.splitlines() if not MD_TABLE_RULE.fullmatch(ln.strip()))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_column_key(h) for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        ledger.quarantine(f"unreadable table header: {exc}", clip_raw(text, 2000))
        return StructuredResult("unknown", None, False, ledger)
    rows: list[dict] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # blank line
            if len(cells) != len(header):
                ledger.quarantine(f"row with {len(cells)} fields, the header has {len(header)}",
                                  clip_raw(delimiter.join(cells), 2000))
                continue
            rows.append(_record(header, cells))
    except csv.Error as exc:  # e.g. an unterminated quote: the rows read so far are kept
        ledger.quarantine(f"malformed table at line {reader.line_num}: {exc}", None)
    date = _emit_rows(ledger, rows)
    return StructuredResult("csv" if delimiter == "," else "tsv" if delimiter == "\t" else "delimited", date, False,
                            ledger)


def parse_parquet(data: bytes) -> StructuredResult:
    ledger = RecordLedger()
    try:
        rows = pl.read_parquet(io.BytesIO(data)).to_dicts()
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one quarantine row
        ledger.quarantine(f"unreadable Parquet file: {type(exc).__name__}: {exc}", clip_raw(repr(data[:200])))
        return StructuredResult("unknown", None, False, ledger)
    if not rows:
        ledger.quarantine("Parquet file without rows", None)
        return StructuredResult("parquet", None, False, ledger)
    return StructuredResult("parquet", _emit_rows(ledger, rows), False, ledger)
