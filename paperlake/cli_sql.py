"""`paperlake sql` (query serving.duckdb) and `paperlake data-dictionary` (docs/data-dictionary.md)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from paperlake.settings import ENV_WAREHOUSE, warehouse_dir


def _db_path(args: argparse.Namespace) -> Path:
    from paperlake.serving import serving_path

    if args.db:
        return Path(args.db)
    return serving_path(Path(args.warehouse).resolve() if args.warehouse else warehouse_dir())


def _plain(v: object) -> object:
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    return v


def _json_default(v: object) -> object:
    p = _plain(v)  # dates, decimals, bytes inside a list or struct; anything else as text
    return str(v) if p is v else p


def csv_value(v: object) -> object:
    """A cell as CSV output writes it: NULL empty, a list or struct as JSON text."""
    if v is None:
        return ""
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, default=_json_default)
    return _plain(v)


def write_csv(header: list[str], rows: Iterable[tuple]) -> None:
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(header)
    w.writerows([csv_value(v) for v in r] for r in rows)  # streamed: a whole table can be large


def _cell(v: object, width: int = 60) -> str:
    s = "NULL" if v is None else str(_plain(v))
    s = s.replace("\n", " ")
    return s if len(s) <= width else s[: width - 1] + "…"


def format_table(header: list[str], rows: list[tuple], width: int = 60) -> str:
    cells = [[_cell(v, width) for v in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*["-" * w for w in widths])] + [fmt.format(*r) for r in cells])


def run_query(db: Path, query: str) -> tuple[list[str], list[tuple]]:
    """Run ``query`` read-only against the DuckDB file; (column names, rows)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(query)
        header = [d[0] for d in (cur.description or [])]
        rows = cur.fetchall() if cur.description else []
        return header, rows
    finally:
        con.close()


def cmd_sql(args: argparse.Namespace) -> int:
    db = _db_path(args)
    if not db.exists():
        print(f"no serving database at {db}: run `paperlake run` first (it materializes serving/duckdb)",
              file=sys.stderr)
        return 2
    query = sys.stdin.read() if args.query == "-" else args.query
    if args.tables:
        query = ("SELECT t.table_schema || '.' || t.table_name AS table_name, m.row_count, m.grain "
                 "FROM information_schema.tables t LEFT JOIN meta.tables m "
                 "ON m.table_name = t.table_schema || '.' || t.table_name "
                 "WHERE t.table_schema = 'gold' ORDER BY 1")
    if not query:
        print("give a query, `-` to read it from stdin, or --tables", file=sys.stderr)
        return 2
    import duckdb

    try:
        header, rows = run_query(db, query)
    except duckdb.Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        _emit(args, header, rows)
    except BrokenPipeError:  # e.g. piped into `head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _emit(args: argparse.Namespace, header: list[str], rows: list[tuple]) -> None:
    fmt = args.format
    if fmt == "csv":
        write_csv(header, rows)
    elif fmt == "json":
        print(json.dumps([dict(zip(header, map(_plain, r), strict=True)) for r in rows], indent=2,
                         ensure_ascii=False))
    elif fmt == "jsonl":
        for r in rows:
            print(json.dumps(dict(zip(header, map(_plain, r), strict=True)), ensure_ascii=False))
    else:
        shown = rows if args.max_rows <= 0 else rows[: args.max_rows]
        if header:
            print(format_table(header, shown, args.width))
        more = f", showing {len(shown)}" if len(shown) < len(rows) else ""
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''}{more})")


def cmd_data_dictionary(args: argparse.Namespace) -> int:
    from paperlake import serving

    if args.write:
        print(f"wrote {serving.write_data_dictionary(args.output or serving.DATA_DICTIONARY_DOC)}")
    else:
        sys.stdout.write(serving.data_dictionary_markdown())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sql",
        help="run SQL against <warehouse>/serving.duckdb (schema gold) and print the result",
        description="Examples: paperlake sql \"SELECT * FROM gold.benchmark_leaderboard LIMIT 5\"; "
                    "paperlake sql --tables; paperlake sql --format csv \"SELECT * FROM gold.topic_trends\" > t.csv",
    )
    p.add_argument("query", nargs="?", default="", help="SQL text, or - to read it from stdin")
    p.add_argument("--warehouse", help=f"warehouse root holding serving.duckdb (env {ENV_WAREHOUSE})")
    p.add_argument("--db", help="path of a DuckDB file (overrides --warehouse)")
    p.add_argument("--format", choices=["table", "csv", "json", "jsonl"], default="table",
                   help="output format (default: aligned table)")
    p.add_argument("--csv", dest="format", action="store_const", const="csv", help="same as --format csv")
    p.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    p.add_argument("--max-rows", type=int, default=100, help="rows printed in table format (0 = all; default 100)")
    p.add_argument("--width", type=int, default=60, help="max characters per cell in table format (default 60)")
    p.add_argument("--tables", action="store_true", help="list the gold tables with row counts and grain")
    p.set_defaults(func=cmd_sql)

    p = sub.add_parser("data-dictionary", help="print (or --write) docs/data-dictionary.md from the catalog")
    p.add_argument("--write", action="store_true", help="write the file instead of printing it")
    p.add_argument("--output", help="path to write (default: docs/data-dictionary.md of the project)")
    p.set_defaults(func=cmd_data_dictionary)
