"""Bookkeeping for one parse: listings, quarantine rows and the unit accounting.

The accounting is derived from per-unit statuses, so `total == listing + quarantine +
furniture` holds by construction.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from paperlake.schemas import PARSED_LISTING_SCHEMA, PARSED_QUARANTINE_SCHEMA

RAW_TEXT_LIMIT = 4000

_LIST_COLS = ("authors", "links", "categories")


def clip_raw(text: str | None, limit: int = RAW_TEXT_LIMIT) -> str | None:
    if text is None:
        return None
    if len(text) <= limit:
        return text
    return text[:limit] + f"... [truncated, {len(text)} characters in total]"


class _Base:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.quarantine_rows: list[dict[str, Any]] = []

    def _listing_row(self, line_start: int | None, line_end: int | None, fields: dict[str, Any]) -> None:
        row = {k: fields.get(k) for k in PARSED_LISTING_SCHEMA}
        row["line_start"] = line_start
        row["line_end"] = line_end
        for k in _LIST_COLS:
            v = row.get(k)
            if v is not None:
                v = [x for x in v if isinstance(x, str) and x]
                row[k] = v or None
        self.rows.append(row)

    def frames(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        cols: dict[str, list[Any]] = {k: [] for k in PARSED_LISTING_SCHEMA}
        for i, r in enumerate(self.rows):
            r["position"] = i
            for k in PARSED_LISTING_SCHEMA:
                cols[k].append(r.get(k))
        listings = pl.DataFrame(cols, schema=PARSED_LISTING_SCHEMA)
        qcols: dict[str, list[Any]] = {k: [] for k in PARSED_QUARANTINE_SCHEMA}
        for r in self.quarantine_rows:
            for k in PARSED_QUARANTINE_SCHEMA:
                qcols[k].append(r.get(k))
        quarantine = pl.DataFrame(qcols, schema=PARSED_QUARANTINE_SCHEMA)
        return listings, quarantine


class LineLedger(_Base):
    """Unit = line of the decoded text (1-based line numbers in the output)."""

    unit = "line"

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines
        self.status: list[str | None] = [None] * len(lines)  # "L", "Q", "F"

    def is_free(self, i: int) -> bool:
        return self.status[i] is None

    def furniture(self, i: int) -> None:
        if self.status[i] is None:
            self.status[i] = "F"

    def listing(self, i0: int, i1: int, **fields: Any) -> None:
        """Lines i0..i1 (0-based, inclusive) form one listing; furniture inside stays furniture."""
        for i in range(i0, i1 + 1):
            if self.status[i] is None:
                self.status[i] = "L"
        self._listing_row(i0 + 1, i1 + 1, fields)

    def quarantine(self, i0: int, i1: int, reason: str, raw_text: str | None = None) -> None:
        for i in range(i0, i1 + 1):
            if self.status[i] is None:
                self.status[i] = "Q"
        if raw_text is None:
            raw_text = "\n".join(clip_raw(self.lines[i]) or "" for i in range(i0, min(i1 + 1, i0 + 50)))
        self.quarantine_rows.append(
            {"line_start": i0 + 1, "line_end": i1 + 1, "raw_text": clip_raw(raw_text), "reason": reason}
        )

    def close(self, reason: str = "unrecognised content") -> dict[str, Any]:
        """Quarantine any line nobody claimed (blank lines become furniture), return accounting."""
        i, n = 0, len(self.lines)
        while i < n:
            if self.status[i] is None and not self.lines[i].strip():
                self.status[i] = "F"
            if self.status[i] is None:
                j = i
                while j + 1 < n and self.status[j + 1] is None:
                    j += 1
                # trailing blank lines of the run are furniture
                k = j
                while k > i and not self.lines[k].strip():
                    k -= 1
                self.quarantine(i, k, reason)
                for b in range(k + 1, j + 1):
                    self.status[b] = "F"
                i = j + 1
            else:
                i += 1
        counts = {"L": 0, "Q": 0, "F": 0}
        for s in self.status:
            counts[s or "Q"] += 1
        return {
            "unit": "line",
            "total": len(self.lines),
            "listing": counts["L"],
            "quarantine": counts["Q"],
            "furniture": counts["F"],
        }


class RecordLedger(_Base):
    """Unit = record/entry of a structured (JSON/XML) dump."""

    unit = "record"

    def __init__(self) -> None:
        super().__init__()
        self.n_listing = 0
        self.n_quarantine = 0
        self.n_furniture = 0

    def listing(self, **fields: Any) -> None:
        self.n_listing += 1
        self._listing_row(None, None, fields)

    def quarantine(self, reason: str, raw_text: str | None, units: int = 1) -> None:
        self.n_quarantine += units
        self.quarantine_rows.append(
            {"line_start": None, "line_end": None, "raw_text": clip_raw(raw_text), "reason": reason}
        )

    def furniture(self, units: int = 1) -> None:
        self.n_furniture += units

    def close(self) -> dict[str, Any]:
        return {
            "unit": "record",
            "total": self.n_listing + self.n_quarantine + self.n_furniture,
            "listing": self.n_listing,
            "quarantine": self.n_quarantine,
            "furniture": self.n_furniture,
        }
