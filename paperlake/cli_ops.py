"""Operations subcommands: `paperlake history|show|restore|maintain`, and the partition-aware `run`.

Registered through paperlake.cli.COMMAND_MODULES.
"""

from __future__ import annotations

import argparse
import sys

from paperlake import cli
from paperlake.settings import DEFAULT_RETENTION_HOURS, MIN_RETENTION_HOURS, warehouse_dir

SHOW_ROWS = 10  # rows `paperlake show` prints as a table unless --limit says otherwise


def _store():
    from paperlake.delta import DeltaStore

    return DeltaStore(warehouse_dir())


def _check_table(store, table: str) -> str | None:
    if not store.exists(table):
        known = ", ".join(store.tables()) or "(none)"
        return f"no Delta table {table!r} under {store.root}; tables: {known}"
    return None


def _open_table(args: argparse.Namespace):
    """The warehouse store for `args`, or None after printing why `args.table` is missing."""
    cli._apply_locations(args)
    store = _store()
    if err := _check_table(store, args.table):
        print(err)
        return None
    return store


def cmd_history(args: argparse.Namespace) -> int:
    from paperlake import ops

    if (store := _open_table(args)) is None:
        return 2
    rows = [
        [v.version, v.timestamp.strftime("%Y-%m-%d %H:%M:%S") if v.timestamp else "-", v.operation,
         v.run_id or "-", v.detail, *([v.versions or "-"] if args.versions else [])]
        for v in ops.history(store, args.table, args.limit)
    ]
    print(cli._table(rows, ["version", "time (UTC)", "operation", "dagster run", "detail",
                            *(["versions (code, parser, identity, taxonomy, extractor)"] if args.versions else [])]))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    import polars as pl

    from paperlake import ops

    if (store := _open_table(args)) is None:
        return 2
    try:
        version, df = ops.show(store, args.table, version=args.version,
                               as_of=ops.parse_time(args.as_of) if args.as_of else None,
                               columns=args.columns.split(",") if args.columns else None)
    except ValueError as e:
        print(f"error: {e}")
        return 2
    title = f"{args.table} @ version {version}: {df.height} rows"
    if args.csv:
        from paperlake.cli_sql import write_csv

        print(title, file=sys.stderr)  # stdout stays a clean CSV
        write_csv(df.columns, (df if args.limit is None else df.head(args.limit)).iter_rows())  # all rows by default
    else:
        print(title)
        limit = SHOW_ROWS if args.limit is None else args.limit
        with pl.Config(tbl_rows=limit, tbl_cols=12, fmt_str_lengths=40, tbl_width_chars=160):
            print(df.head(limit))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from paperlake import ops

    if (store := _open_table(args)) is None:
        return 2
    try:
        out = ops.restore(store, args.table, args.version, metadata={"restored_by": "paperlake restore"})
    except ValueError as e:
        print(f"error: {e}")
        return 2
    print(f"{out.table}: restored the content of version {out.restored_from} "
          f"(was at version {out.previous}, now at version {out.version})")
    return 0


def cmd_maintain(args: argparse.Namespace) -> int:
    from paperlake import ops

    cli._apply_locations(args)
    store = _store()
    tables = [args.table] if args.table else store.tables()
    for t in tables:
        if err := _check_table(store, t):
            print(err)
            return 2
        out = ops.maintain(store, t, retention_hours=args.retention_hours, dry_run=args.dry_run)
        if args.dry_run:
            print(f"{t}: at v{out.version_before}, {out.files_compacted} files would be compacted into "
                  f"{out.files_added}, {out.files_vacuumed} files would be vacuumed "
                  f"(retention {out.retention_hours} h; dry run, nothing changed)")
        else:
            print(f"{t}: v{out.version_before} -> v{out.version_after}, {out.files_compacted} files compacted "
                  f"into {out.files_added}, {out.files_vacuumed} files vacuumed (retention {out.retention_hours} h)")
    return 0


def _whole_number(unit: str, minimum: int):
    """argparse type: a whole number of ``unit`` of at least ``minimum``."""

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number of {unit}: {value!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum} {unit} (got {n})")
        return n

    return parse


_row_limit = _whole_number("rows", 0)
_retention_hours = _whole_number("hours", MIN_RETENTION_HOURS)


def register(sub: argparse._SubParsersAction) -> None:
    def wh(p: argparse.ArgumentParser) -> None:
        p.add_argument("--warehouse", help="Delta table root (env PAPERLAKE_WAREHOUSE; default: warehouse/ in the project folder)")

    p = sub.add_parser("history", help="list a table's Delta versions with the Dagster run, time and operation")
    p.add_argument("table", help="table name, e.g. gold/paper_catalog")
    p.add_argument("--limit", type=int, default=None, help="newest N versions only")
    p.add_argument("--versions", action="store_true",
                   help="also show the code, parser, identity, taxonomy and extractor versions each commit was written with")
    wh(p)
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("show", help="print a table now or at an older version (time travel)")
    p.add_argument("table")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--version", type=int, help="Delta version to read")
    g.add_argument("--as-of", help="ISO timestamp (UTC if no offset): the version current at that time")
    p.add_argument("--limit", type=_row_limit, default=None,
                   help=f"rows to print (default {SHOW_ROWS} as a table, every row with --csv)")
    p.add_argument("--columns", help="comma-separated columns")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    wh(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("restore", help="roll a table back to an older version (a new RESTORE commit)")
    p.add_argument("table")
    p.add_argument("--version", type=int, required=True)
    wh(p)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("maintain", help="compact, checkpoint and vacuum one table (or all)")
    p.add_argument("table", nargs="?")
    p.add_argument("--retention-hours", type=_retention_hours, default=DEFAULT_RETENTION_HOURS,
                   help=f"vacuum deletes files unreferenced for longer than this (at least {MIN_RETENTION_HOURS} h, "
                        f"which keeps time travel and readers of older versions safe; default "
                        f"{DEFAULT_RETENTION_HOURS} h = a week)")
    p.add_argument("--dry-run", action="store_true",
                   help="report the files compaction and vacuum would touch, change nothing")
    wh(p)
    p.set_defaults(func=cmd_maintain)

