"""Pure, Dagster-free parsing of raw listing dumps into PARSED_LISTING_SCHEMA frames.

Public API: :class:`ParsedDump` and :func:`parse_dump` (never raises).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import traceback
from dataclasses import dataclass

import polars as pl

from paperlake.schemas import PARSED_LISTING_SCHEMA, PARSED_QUARANTINE_SCHEMA, conform

from .decode import decode_bytes, split_lines
from .detect import detect_format
from .ledger import LineLedger, RecordLedger, clip_raw
from .normalize import name_date

__all__ = ["ParsedDump", "parse_dump", "LONG_LINE_LIMIT"]

LONG_LINE_LIMIT = 1_000_000  # characters; longer lines are quarantined unread


@dataclass(frozen=True)
class ParsedDump:
    format: str
    encoding: str
    compression: str | None
    listing_date: dt.date | None
    listing_date_inferred: bool
    listings: pl.DataFrame
    quarantine: pl.DataFrame
    accounting: dict


def _single_unit_dump(fmt: str, encoding: str, compression: str | None, reason: str, raw: str | None) -> ParsedDump:
    ledger = RecordLedger()
    ledger.quarantine(reason, raw)
    listings, quarantine = ledger.frames()
    return ParsedDump(fmt, encoding, compression, None, False, listings, quarantine, ledger.close())


def parse_dump(data: bytes, file_name: str, *, reference_date: dt.date | None = None) -> ParsedDump:
    """Parse one raw dump. Never raises: problems become quarantine rows with a reason.

    ``reference_date`` (default: none) dates what the dump dates without a year ("Mar 21": the
    latest such day not after it); a date in the file name ("hf_daily_2024-03-21.txt") takes
    its place, so an archive of year-less pages keeps its years, and dates a dump that shows no
    date of its own."""
    named = name_date(file_name)
    try:
        parsed = _parse(data, file_name, named or reference_date)
        if parsed.listing_date is None and named is not None and not parsed.listings.is_empty():
            parsed = dataclasses.replace(parsed, listing_date=named, listing_date_inferred=True)
        return parsed
    except Exception as exc:  # pragma: no cover - last-resort safety net
        tb = traceback.format_exc(limit=3)
        return _single_unit_dump(
            "unknown",
            "binary",
            None,
            f"parser error: {type(exc).__name__}: {exc}",
            clip_raw(tb),
        )
    except RecursionError as exc:  # pragma: no cover
        return _single_unit_dump("unknown", "binary", None, f"parser error: {exc}", None)


def _parse(data: bytes, file_name: str, reference_date: dt.date | None) -> ParsedDump:
    if data is None:
        data = b""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        data = str(data).encode("utf-8", "replace")
    data = bytes(data)
    if not data:
        return _single_unit_dump("empty", "utf-8", None, "empty file", "")
    dec = decode_bytes(data)
    if dec.text is None and data[:4] == b"PAR1":
        from .tables import parse_parquet

        result = parse_parquet(data)
        return _finish(result.format, dec, result.listing_date, False, result.ledger)
    if dec.text is None:
        raw = repr(data[:200])
        return _single_unit_dump("binary", "binary", dec.compression, dec.problem or "binary content", raw)
    text = dec.text
    if not text.strip():
        lines = split_lines(text)
        if not lines:
            return _single_unit_dump("empty", dec.encoding, dec.compression, "empty file", "")
        ledger = LineLedger(lines)
        ledger.quarantine(0, len(lines) - 1, "empty file (only whitespace)")
        listings, quarantine = ledger.frames()
        return ParsedDump("empty", dec.encoding, dec.compression, None, False, listings, quarantine, ledger.close())

    fmt, structured = detect_format(text, file_name)
    if structured is not None:
        result = structured(text, reference_date, dec.notes)
        return _finish(result.format, dec, result.listing_date, result.listing_date_inferred, result.ledger)

    # line-based formats
    lines = split_lines(text)
    ledger = LineLedger(lines)
    long_lines: set[int] = set()
    for i, s in enumerate(lines):
        if len(s) > LONG_LINE_LIMIT:
            ledger.quarantine(i, i, f"line longer than 1 MB ({len(s)} characters)", clip_raw(s, 500))
            lines[i] = ""
            long_lines.add(i)
    listing_date = None
    inferred = False
    if fmt in ("hf_text", "hf_text_blank", "hf_text_compact"):
        from .text_pages import parse_text_page

        res = parse_text_page(ledger, reference_date, long_lines=long_lines)
        fmt, listing_date, inferred = res.format, res.listing_date, res.listing_date_inferred
        page_furniture = any(st == "F" and lines[i].strip() for i, st in enumerate(ledger.status))
        if not ledger.rows and not page_furniture:
            fmt = "unknown"  # nothing recognisable as a papers page
    elif fmt == "hf_markdown":
        from .markdown_page import parse_markdown_page

        res = parse_markdown_page(ledger, reference_date)
        fmt, listing_date, inferred = res.format, res.listing_date, res.listing_date_inferred
    elif fmt == "arxiv_list_text":
        from .arxiv_list_text import parse_arxiv_list_text

        res = parse_arxiv_list_text(ledger, reference_date)
        listing_date, inferred = res.listing_date, res.listing_date_inferred
    elif fmt == "arxiv_mailing":
        from .arxiv_mailing import parse_arxiv_mailing

        res = parse_arxiv_mailing(ledger, reference_date)
        listing_date, inferred = res.listing_date, res.listing_date_inferred
    else:
        fmt = "unknown"
        free = [i for i in range(len(lines)) if ledger.is_free(i)]
        if free:
            ledger.quarantine(free[0], free[-1], "unknown format")
    return _finish(fmt, dec, listing_date, inferred, ledger)


def _finish(fmt, dec, listing_date, inferred, ledger) -> ParsedDump:
    accounting = ledger.close()
    listings, quarantine = ledger.frames()
    for note in dec.notes:
        if note.startswith(("truncated gzip", "corrupt gzip", "gzip content larger")):
            quarantine = pl.concat(
                [
                    quarantine,
                    pl.DataFrame(
                        {"line_start": [None], "line_end": [None], "raw_text": [None], "reason": [note]},
                        schema=PARSED_QUARANTINE_SCHEMA,
                    ),
                ]
            )
    listings = conform(listings, PARSED_LISTING_SCHEMA)
    quarantine = conform(quarantine, PARSED_QUARANTINE_SCHEMA)
    return ParsedDump(fmt, dec.encoding, dec.compression, listing_date, inferred, listings, quarantine, accounting)
