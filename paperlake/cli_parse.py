"""`paperlake parse FILE_OR_FOLDER...`: how the readers see some dumps, without a run.

One line per file (format, listing date, units, listings, quarantined units and the most
frequent reason), then totals. Nothing is written. Exit status 1 when a file was not recognised.
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path


def _files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        elif p.is_file():
            out.append(p)
        else:
            raise SystemExit(f"no such file or folder: {p}")
    return out


def cmd_parse(args: argparse.Namespace) -> int:
    from paperlake.cli_sql import format_table
    from paperlake.parsing import parse_dump

    rows, totals, unknown = [], collections.Counter(), 0
    for f in _files(args.paths):
        r = parse_dump(f.read_bytes(), f.name)
        reasons = collections.Counter(r.quarantine["reason"].to_list()).most_common(1)
        unknown += r.format in ("unknown", "binary", "empty")
        totals.update(files=1, listings=r.listings.height, units=r.accounting["total"],
                      quarantined=r.accounting["quarantine"])
        rows.append((str(f), r.format, r.listing_date, r.accounting["total"], r.listings.height,
                     r.accounting["quarantine"], f"{reasons[0][0]} ({reasons[0][1]})" if reasons else ""))
    header = ["file", "format", "listing date", "units", "listings", "quarantined", "most frequent reason"]
    print(format_table(header, rows, width=args.width))
    print(f"\n{totals['files']} file(s): {totals['listings']} listings, {totals['quarantined']} of "
          f"{totals['units']} units quarantined, {unknown} not recognised")
    return 1 if unknown else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parse", help="show how dumps would be read (format, listings, quarantine), writing nothing")
    p.add_argument("paths", nargs="+", help="dump files or folders (read recursively)")
    p.add_argument("--width", type=int, default=60, help="column width of the printed table")
    p.set_defaults(func=cmd_parse)
