"""Serving: publish the gold Delta tables into one DuckDB file for BI tools (Dagster-free).

``<warehouse>/serving.duckdb`` holds schema ``gold`` (one table per gold Delta table, same
rows, ``row_hash`` dropped) and schema ``meta`` (the data dictionary: ``meta.tables``,
``meta.columns``; how the file was built: ``meta.serving``). Table and column comments carry the
data-dictionary descriptions.

Each publish writes a new file next to the target and moves it over it with ``os.replace``:
readers see the old file or the new one, never a half-written one. The new file is a copy of the
previous one with only the changed gold rows replaced, when it can be (see :func:`publish_duckdb`).
Timestamps are stored as plain DuckDB ``TIMESTAMP`` values in UTC (a ``TIMESTAMPTZ`` would need
``pytz`` in every BI client's Python).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from paperlake import analytics as _analytics  # noqa: F401  (registers the extra gold tables)
from paperlake import catalog
from paperlake.delta import CLUSTERED_FILE_BYTES, ROW_HASH, DeltaStore

SERVING_FILE = "serving.duckdb"
SCHEMA = "gold"
META_SCHEMA = "meta"
MAX_FILES = 4  # compact a gold table once it has more data files than this
MAX_CHANGED_SHARE = 0.25  # a table with more changed rows than this is recreated, not updated
MAX_INCREMENTAL_BUILDS = 50  # then one full rebuild (compact file, fresh row groups)
# Oldest DuckDB storage format that holds our types: BI clients with DuckDB >= 1.0 (Metabase's
# DuckDB driver, older Superset images) can open the file; the default (v2.0.0+) would need DuckDB 2.
STORAGE_VERSION = "v1.0.0"


def serving_path(warehouse: str | Path) -> Path:
    return Path(warehouse) / SERVING_FILE


def gold_tables(store: DeltaStore | None = None) -> list[str]:
    """Gold tables of the data dictionary (only those present when ``store`` is given)."""
    names = [t for t in catalog.TABLES if t.startswith("gold/")]
    return [t for t in names if store is None or store.exists(t)]


def sql_name(table: str) -> str:
    """``gold/topic_trends`` -> ``gold.topic_trends``."""
    layer, name = table.split("/")
    return f"{layer}.{name}"


def compact_if_fragmented(store: DeltaStore, table: str, max_files: int = MAX_FILES) -> int | None:
    """Bin-pack the table's data files when there are more than ``max_files``; new version or None."""
    dtab = store.table(table)
    if len(dtab.file_uris()) <= max_files:
        return None
    dtab.optimize.compact()
    return store.table(table).version()


def bi_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Drop ``row_hash``; tz-aware timestamps -> naive UTC (portable TIMESTAMP)."""
    df = df.drop(ROW_HASH, strict=False)
    return df.with_columns(
        [
            pl.col(c).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            for c, t in df.schema.items()
            if isinstance(t, pl.Datetime) and t.time_zone is not None
        ]
    )


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class ServingOutcome:
    path: Path
    rows: dict[str, int]  # gold table -> rows published
    delta_versions: dict[str, int]
    bytes: int
    published_at: dt.datetime
    skipped: list[str] = field(default_factory=list)  # dictionary tables with no Delta table yet
    mode: str = "full"  # or "incremental": a copy of the previous file, changed tables updated
    actions: dict[str, str] = field(default_factory=dict)  # gold table -> kept / updated N rows / created


def _signature(tables: Sequence[str]) -> str:
    """What a previous file must share to be updated in place of a rebuild: storage format, the
    tables and their documented columns and descriptions."""
    parts = [STORAGE_VERSION, *tables]
    for t in tables:
        spec = catalog.TABLES.get(t)
        if spec:
            parts += [catalog.table_description(t), *(f"{c}:{d}:{desc}" for c, (d, desc) in spec.columns.items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class _Previous:
    """The build a serving file records in ``meta.serving`` and ``meta.tables``."""

    versions: dict[str, tuple[str, int]]  # gold.<name> -> (Delta table id, version)
    rows: dict[str, int]
    full_build_bytes: int
    incremental_builds: int


def _previous_build(target: Path, signature: str) -> _Previous | None:
    """The previous build of ``target`` if it can be updated in place (same signature), else None."""
    import duckdb

    if not target.exists():
        return None
    try:
        con = duckdb.connect(str(target), read_only=True)
        try:
            row = con.execute(f"SELECT signature, full_build_bytes, incremental_builds FROM {META_SCHEMA}.serving").fetchone()
            tables = con.execute(
                f"SELECT table_name, delta_table_id, delta_version, row_count FROM {META_SCHEMA}.tables").fetchall()
        finally:
            con.close()
    except duckdb.Error:
        return None  # an older layout, or not ours: rebuild
    if row is None or row[0] != signature:
        return None
    return _Previous({name: (tid, int(v)) for name, tid, v, _ in tables}, {name: int(n) for name, *_, n in tables},
                     int(row[1]), int(row[2]))


def _create_table(con, table: str, df: pl.DataFrame) -> None:
    name = sql_name(table)
    con.register("_src", df.to_arrow())
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM _src")
    con.unregister("_src")
    if table in catalog.TABLES:
        con.execute(f"COMMENT ON TABLE {name} IS {_quote(catalog.table_description(table))}")
    for col, dtype in df.schema.items():
        desc = _column_description(table, col, isinstance(dtype, pl.Datetime))
        if desc:
            con.execute(f'COMMENT ON COLUMN {name}."{col}" IS {_quote(desc)}')


def _column_description(table: str, col: str, timestamp: bool) -> str:
    desc = catalog.column_description(table, col) or ""
    return f"{desc} [UTC]".strip() if timestamp else desc


def _apply_changes(con, store: DeltaStore, table: str, since_version: int, version: int | None) -> int | None:
    """Bring ``gold.<table>`` from Delta ``since_version`` to ``version`` by deleting and inserting
    the rows whose key or row hash changed. Returns the rows changed, or None (recreate it):
    the old version is unreadable, or more than MAX_CHANGED_SHARE of the rows changed."""
    spec = catalog.TABLES.get(table)
    if spec is None or not spec.keys:
        return None
    keys = list(spec.keys)
    changed = store.changed_keys(table, since_version, keys, version)
    if changed is None:
        return None
    upserts, gone = changed
    current = store.read(table, version=version)
    if upserts.height + gone.height > MAX_CHANGED_SHARE * max(current.height, 1):
        return None
    name = sql_name(table)
    doomed = bi_frame(pl.concat([upserts, gone]))
    if doomed.height:
        con.register("_doomed", doomed.to_arrow())
        match = " AND ".join(f't."{k}" = d."{k}"' for k in keys)
        con.execute(f"DELETE FROM {name} AS t USING _doomed AS d WHERE {match}")
        con.unregister("_doomed")
    rows = bi_frame(current.join(upserts, on=keys, how="semi"))
    if rows.height:
        con.register("_src", rows.to_arrow())
        con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _src")
        con.unregister("_src")
    return upserts.height + gone.height


def publish_duckdb(store: DeltaStore, path: str | Path | None = None, tables: Sequence[str] | None = None, *,
                   incremental: bool = True) -> ServingOutcome:
    """Publish the gold Delta tables into the serving DuckDB file, atomically.

    A new file is built next to the target and moved over it (``os.replace``). When the target
    was built by this code for the same tables and descriptions, the new file starts as a copy of
    it and only the gold tables whose Delta version moved are updated: rows whose key or row hash
    changed since the recorded version are deleted and re-inserted (a table whose old version is
    gone, or with more than MAX_CHANGED_SHARE of its rows changed, is recreated). A full rebuild
    happens every MAX_INCREMENTAL_BUILDS builds, or once the file outgrows twice its size after
    the last one (DuckDB reuses, but never returns, the blocks of deleted rows).
    """
    import duckdb

    target = Path(path) if path else serving_path(store.root)
    target.parent.mkdir(parents=True, exist_ok=True)
    wanted = list(tables) if tables is not None else gold_tables()
    present = [t for t in wanted if store.exists(t)]
    skipped = [t for t in wanted if t not in present]
    published_at = dt.datetime.now(dt.UTC).replace(microsecond=0)
    signature = _signature(present)
    previous = _previous_build(target, signature) if incremental else None
    if previous and (previous.incremental_builds >= MAX_INCREMENTAL_BUILDS
                     or target.stat().st_size > 2 * previous.full_build_bytes):
        previous = None

    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    if previous:
        shutil.copyfile(target, tmp)
    else:
        tmp.unlink()  # DuckDB must create the file itself
    rows: dict[str, int] = {}
    versions: dict[str, int] = {}
    actions: dict[str, str] = {}
    try:
        con = duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_VERSION})
        try:
            con.execute("BEGIN TRANSACTION")  # one commit for the whole build, not one per statement
            if previous:
                con.execute(f"DROP TABLE {META_SCHEMA}.tables")
                con.execute(f"DROP TABLE {META_SCHEMA}.columns")
                con.execute(f"DROP TABLE {META_SCHEMA}.serving")
            else:
                con.execute(f"CREATE SCHEMA {SCHEMA}")
                con.execute(f"CREATE SCHEMA {META_SCHEMA}")
            meta_tables, meta_columns = [], []
            for table in present:
                dtab = store.table(table)
                version, table_id = dtab.version(), dtab.metadata().id
                name = sql_name(table)
                seen = previous.versions.get(name) if previous else None
                old = seen[1] if seen and seen[0] == table_id else None  # same Delta table, not a re-created one
                if old is not None and old == version:
                    actions[table], rows[table] = "kept", previous.rows[name]
                elif old is not None and (n := _apply_changes(con, store, table, old, version)) is not None:
                    actions[table] = f"updated {n} rows"
                    rows[table] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                else:
                    if seen is not None:
                        con.execute(f"DROP TABLE {name}")
                    df = bi_frame(store.read(table, version=version))  # shared with _apply_changes' read
                    _create_table(con, table, df)
                    actions[table], rows[table] = "created", df.height
                versions[table] = version
                spec = catalog.TABLES.get(table)
                meta_tables.append((name, spec.grain if spec else "", ", ".join(spec.keys) if spec else "",
                                    rows[table], versions[table], table_id, str(store.path(table)),
                                    published_at.replace(tzinfo=None)))
                sql_types = con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
                    "AND table_name = ? ORDER BY ordinal_position", [SCHEMA, name.split(".")[1]]).fetchall()
                meta_columns += [(name, col, str(dtype), _column_description(table, col, str(dtype).startswith("TIMESTAMP")))
                                 for col, dtype in sql_types]
            con.execute(f"CREATE TABLE {META_SCHEMA}.tables (table_name VARCHAR, grain VARCHAR, key_columns VARCHAR, "
                        "row_count BIGINT, delta_version BIGINT, delta_table_id VARCHAR, delta_path VARCHAR, "
                        "published_at TIMESTAMP)")
            con.executemany(f"INSERT INTO {META_SCHEMA}.tables VALUES (?, ?, ?, ?, ?, ?, ?, ?)", meta_tables)
            con.execute(f"CREATE TABLE {META_SCHEMA}.columns (table_name VARCHAR, column_name VARCHAR, "
                        "data_type VARCHAR, description VARCHAR)")
            if meta_columns:
                con.executemany(f"INSERT INTO {META_SCHEMA}.columns VALUES (?, ?, ?, ?)", meta_columns)
            con.execute(f"CREATE TABLE {META_SCHEMA}.serving (signature VARCHAR, mode VARCHAR, "
                        "full_build_bytes BIGINT, incremental_builds BIGINT, published_at TIMESTAMP)")
            con.execute(f"COMMENT ON TABLE {META_SCHEMA}.tables IS 'One row per gold table: grain, key, rows, "
                        "source Delta version and table id, publish time (UTC)'")
            con.execute(f"COMMENT ON TABLE {META_SCHEMA}.columns IS 'One row per gold column: type and meaning'")
            con.execute(f"COMMENT ON TABLE {META_SCHEMA}.serving IS 'How this file was built: full or "
                        "incremental (gold tables updated from their Delta changes), builds since the last full one'")
            mode = "incremental" if previous else "full"
            # a full build records its own size once written (below)
            con.execute(f"INSERT INTO {META_SCHEMA}.serving VALUES (?, ?, ?, ?, ?)",
                        [signature, mode, previous.full_build_bytes if previous else 0,
                         previous.incremental_builds + 1 if previous else 0, published_at.replace(tzinfo=None)])
            con.execute("COMMIT")
            if not previous:
                con.execute("CHECKPOINT")
                size = tmp.stat().st_size
                con.execute(f"UPDATE {META_SCHEMA}.serving SET full_build_bytes = ?", [size])
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return ServingOutcome(target, rows, versions, target.stat().st_size, published_at, skipped, mode, actions)


def duckdb_row_counts(path: str | Path, schema: str = SCHEMA) -> dict[str, int]:
    """Row count of every table of ``schema`` in the DuckDB file (read-only), as ``layer/name``."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name",
            [schema]).fetchall()]
        return {f"{schema}/{n}": con.execute(f'SELECT count(*) FROM {schema}."{n}"').fetchall()[0][0] for n in names}
    finally:
        con.close()


def delta_row_counts(store: DeltaStore, tables: Sequence[str] | None = None) -> dict[str, int]:
    return {t: store.count(t) for t in (tables if tables is not None else gold_tables(store))}


def compare_counts(delta: Mapping[str, int], duck: Mapping[str, int]) -> list[str]:
    """Human-readable differences between Delta and DuckDB row counts (empty when identical)."""
    diffs = []
    for t in sorted(set(delta) | set(duck)):
        if delta.get(t) != duck.get(t):
            diffs.append(f"{t}: delta={delta.get(t)} duckdb={duck.get(t)}")
    return diffs


# ---------------------------------------------------------------------------------------------
# Data dictionary (docs/data-dictionary.md is generated from catalog.TABLES)
# ---------------------------------------------------------------------------------------------

DATA_DICTIONARY_DOC = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"


def _type_name(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return f"timestamp ({dtype.time_zone or 'naive'})"
    if isinstance(dtype, pl.List):
        return f"list<{_type_name(dtype.inner).lower()}>"
    return {pl.String: "string", pl.Int64: "int64", pl.Float64: "float64", pl.Boolean: "boolean",
            pl.Date: "date"}.get(dtype, str(dtype))


def data_dictionary_markdown() -> str:
    """The data dictionary as Markdown, generated from :data:`paperlake.catalog.TABLES`."""
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from paperlake.catalog.TABLES by paperlake.serving.data_dictionary_markdown(); "
        "do not edit by hand. Regenerate with: paperlake data-dictionary --write -->",
        "",
        "Every Delta table of the warehouse (`<warehouse>/<layer>/<table>`), its grain, key and columns. "
        "Each Delta table also has a `row_hash` column (change-detection hash of the non-key columns) "
        "that the DuckDB serving file drops. Gold tables hold plain types only; in `serving.duckdb` "
        "(schema `gold`) timestamps are plain `TIMESTAMP` values in UTC.",
        "",
    ]
    layers: dict[str, list[catalog.Table]] = {}
    for t in catalog.TABLES.values():
        layers.setdefault(t.name.split("/")[0], []).append(t)
    lines.append("| table | grain | key |")
    lines.append("|---|---|---|")
    for layer in ("bronze", "silver", "gold", *sorted(set(layers) - {"bronze", "silver", "gold"})):
        for t in layers.get(layer, []):
            lines.append(f"| [`{t.name}`](#{t.name.replace('/', '')}) | {t.grain} | {', '.join(t.keys)} |")
    lines.append("")
    for layer in ("bronze", "silver", "gold", *sorted(set(layers) - {"bronze", "silver", "gold"})):
        for t in layers.get(layer, []):
            lines += [f"## {t.name}", "", f"**Grain:** {t.grain}.  ", f"**Key:** {', '.join(t.keys)}", ""]
            if layer == "gold":
                lines += [f"DuckDB: `{sql_name(t.name)}`", ""]
            if t.cluster_by:
                lines += [f"Data files are ordered by `{t.cluster_by}` (about {CLUSTERED_FILE_BYTES >> 20} MB each): "
                          "a filter on it skips files, and a MERGE of recent rows rewrites only the recent files.", ""]
            lines += ["| column | type | description |", "|---|---|---|"]
            for col, (dtype, desc) in t.columns.items():
                key = " (key)" if col in t.keys else ""
                text = desc.replace("|", "\\|")
                lines.append(f"| `{col}`{key} | {_type_name(dtype)} | {text} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_data_dictionary(path: str | Path = DATA_DICTIONARY_DOC) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data_dictionary_markdown(), encoding="utf-8")
    return path
