"""Delta Lake storage for the warehouse (delta-rs), Dagster-free.

Every table is written with an idempotent MERGE on its key columns: rows whose content
(``row_hash``) did not change are left alone, so re-running over the same input commits
nothing. Tables stay at reader protocol 1 (no deletion vectors, no column mapping) so
any BI reader can open them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import polars as pl
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

ROW_HASH = "row_hash"
_DROP = "_paperlake_drop"  # marks the key-only rows of a MERGE source that delete their target row

CHECKPOINT_INTERVAL_KEY = "delta.checkpointInterval"
CHECKPOINT_INTERVAL = 10
# Writer settings that keep tables readable by protocol-1 readers.
_TABLE_CONFIG = {
    "delta.enableDeletionVectors": "false",
    "delta.columnMapping.mode": "none",
    # Change data feed (a writer feature; readers stay at protocol 1) lets downstream
    # assets process only the rows that changed since the version they last consumed.
    "delta.enableChangeDataFeed": "true",
    # Every open of a table replays the JSON commits since its last checkpoint: 1 ms at one,
    # ~20 ms at delta-rs' default interval of 100, and a run opens tables ~200 times.
    CHECKPOINT_INTERVAL_KEY: str(CHECKPOINT_INTERVAL),
}
# Commits that change no rows (nightly maintenance; the checkpoint interval set on an older
# table): the change data feed across them is the feed of the other commits.
_NO_DATA_CHANGE = {"OPTIMIZE", "VACUUM START", "VACUUM END", "SET TBLPROPERTIES"}
# Data file size of clustered tables (catalog.Table.cluster_by); delta-rs' default is 100 MB.
CLUSTERED_FILE_BYTES = 16 << 20
# A MERGE holds both of its sides in memory (1M changed listings: 15 GB, 55 s). When at least this
# share of a table's rows changes (and the table has REWRITE_MIN_ROWS), the table is rewritten in
# one overwrite commit instead, its unchanged rows streamed from the current version.
REWRITE_SHARE = 0.25
REWRITE_MIN_ROWS = 50_000


class _ReadCache:
    """Frames read in this process, keyed by (path, table id, version, columns): a Delta
    version never changes, so a hit is exact, and a read of some columns is served from a kept
    frame of the same version that has them. Gold and silver assets of one in-process run read
    the same small tables again and again; large frames are kept only while a step that reads
    them several times holds the cache (:meth:`holding`)."""

    def __init__(self, max_bytes: int = 128 << 20, max_frame_bytes: int = 32 << 20,
                 held_max_bytes: int = 2 << 30) -> None:
        self.max_bytes, self.max_frame_bytes, self.held_max_bytes = max_bytes, max_frame_bytes, held_max_bytes
        self._frames: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
        self._bytes = 0
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> pl.DataFrame | None:
        with self._lock:
            df = self._frames.get(key)
            if df is not None:
                self._frames.move_to_end(key)
                return df
            if key[3] is None:
                return None
            for k, kept in reversed(self._frames.items()):  # newest first
                if k[:3] == key[:3] and all(c in kept.schema for c in key[3]):
                    self._frames.move_to_end(k)
                    return kept.select(key[3])
            return None

    def put(self, key: tuple, df: pl.DataFrame) -> None:
        size = df.estimated_size()
        with self._lock:
            if key in self._frames or (size > self.max_frame_bytes and not self._held):
                return
            self._frames[key] = df
            self._bytes += size
            self._evict()

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Keep every frame read meanwhile, large ones too (up to ``held_max_bytes``), for a step
        whose tables read the same inputs; on exit the cache shrinks back to its normal bounds."""
        with self._lock:
            self._held += 1
        try:
            yield
        finally:
            with self._lock:
                self._held -= 1
                self._evict()

    def _evict(self) -> None:
        if not self._held:
            for k in [k for k, df in self._frames.items() if df.estimated_size() > self.max_frame_bytes]:
                self._bytes -= self._frames.pop(k).estimated_size()
        limit = self.held_max_bytes if self._held else self.max_bytes
        while self._bytes > limit:
            _, old = self._frames.popitem(last=False)
            self._bytes -= old.estimated_size()


READ_CACHE = _ReadCache()


class _Handles:
    """One open handle per (table folder, thread), brought up to date on each use.

    Opening a table replays its log since the last checkpoint (~3-5 ms); a run opens its tables
    ~200 times. Catching up an open handle reads only the commits since (~0.2 ms). Per thread, so
    a handle never moves while its thread reads it; a table removed and made again (its first
    commit file replaced) is opened afresh; a forked child starts with none (the parent's handles
    hold the parent's tokio state: the child keeps them, never using or dropping them)."""

    MAX_OPEN = 512

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[tuple[str, int], tuple[DeltaTable, tuple | None]] = {}
        self._pid = os.getpid()
        self._orphans: list = []

    @staticmethod
    def _birth(path: str) -> tuple | None:
        try:
            st = os.stat(os.path.join(path, "_delta_log", f"{0:020d}.json"))
        except OSError:
            return None  # cleaned up by log retention
        return st.st_ino, st.st_mtime_ns

    def latest(self, path: str) -> DeltaTable:
        key = (path, threading.get_ident())
        with self._lock:
            if os.getpid() != self._pid:
                self._orphans.append(self._open)
                self._open, self._pid = {}, os.getpid()
            held = self._open.get(key)
        birth = self._birth(path)
        if held is not None and held[1] == birth:
            try:
                held[0].update_incremental()
                return held[0]
            except Exception:  # noqa: BLE001 - e.g. the commits it lacks were cleaned up: open afresh
                pass
        dtab = DeltaTable(path)
        with self._lock:
            if len(self._open) >= self.MAX_OPEN:  # a long-lived process (the UI's) whose threads come and go
                self._open.clear()
            self._open[key] = (dtab, birth)
        return dtab


_HANDLES = _Handles()


@dataclass(frozen=True)
class WriteOutcome:
    table: str
    version: int
    committed: bool  # False when the MERGE found nothing to change
    rows: int
    inserted: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class ReplacePlan:
    """What :meth:`DeltaStore.replace` would change: ``df`` with its row hashes, change counts;
    ``fresh`` when the table does not exist yet (or lacks columns)."""

    table: str
    df: pl.DataFrame
    keys: tuple[str, ...]
    fresh: bool = False
    inserted: int = 0
    updated: int = 0
    deleted: int = 0


def with_row_hash(df: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Add ``row_hash``: a change-detection hash of the non-key columns."""
    payload = [c for c in df.columns if c not in keys and c != ROW_HASH]
    if not payload:
        return df.with_columns(pl.lit(0, pl.Int64).alias(ROW_HASH))
    # Floats are rounded so that summation-order noise (1e-16) is not a change.
    exprs = [pl.col(c).round(9) if df.schema[c].is_float() else pl.col(c) for c in payload]
    return df.with_columns(pl.struct(exprs).hash(seed=42).reinterpret(signed=True).alias(ROW_HASH))


def blank(column: str) -> pl.Expr:
    """Null or the empty string."""
    return pl.col(column).fill_null("").str.len_chars() == 0


def _empty_as_read(dtab: DeltaTable) -> pl.DataFrame:
    """An empty frame with the columns and types a read of ``dtab`` returns (built from batches:
    pyarrow's empty_table() imports pandas, ~0.2-0.4 s)."""
    return pl.from_arrow(pa.Table.from_batches([], schema=pa.schema(dtab.schema().to_arrow())))


def _has_null(df: pl.DataFrame, columns: Sequence[str]) -> bool:
    return df.select(pl.any_horizontal(pl.col(list(columns)).is_null().any())).item()


def _row_changes(old: pl.DataFrame, new: pl.DataFrame, keys: Sequence[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows of ``new`` inserted or updated, keys of ``old`` deleted), by key + ``row_hash``."""
    key_list = list(keys)
    upserts = new.join(old.select(*key_list, ROW_HASH), on=[*key_list, ROW_HASH], how="anti", nulls_equal=True)
    gone = old.join(new.select(key_list), on=key_list, how="anti", nulls_equal=True).select(key_list)
    return upserts, gone


def _change_counts(old: pl.DataFrame, upserts: pl.DataFrame, gone: pl.DataFrame, keys: Sequence[str]) -> dict[str, int]:
    """inserted / updated / deleted rows of a change found by :func:`_row_changes`."""
    inserted = upserts.join(old, on=list(keys), how="anti", nulls_equal=True).height
    return {"inserted": inserted, "updated": upserts.height - inserted, "deleted": gone.height}


def in_predicate(column: str, values: Sequence[str]) -> str:
    """SQL ``column IN (...)`` for a MERGE predicate; values are quoted and escaped."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def _stringify(metadata: Mapping[str, object]) -> dict[str, str]:
    return {k: str(v) for k, v in metadata.items() if v is not None}


def _commit_properties(metadata: Mapping[str, object] | None) -> CommitProperties:
    """Commit properties carrying ``metadata`` (run id, versions) as the commit's custom metadata."""
    return CommitProperties(custom_metadata=_stringify(metadata or {}))


class DeltaStore:
    """A folder of Delta tables; table names are slash paths (``silver/papers``)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, table: str) -> Path:
        return self.root / table

    def exists(self, table: str) -> bool:
        return (self.path(table) / "_delta_log").is_dir()

    def table(self, table: str) -> DeltaTable:
        """The table at its latest version. The handle is this thread's shared one: to read an
        older version, open one (``DeltaTable(path, version=...)``) instead of moving it."""
        return _HANDLES.latest(str(self.path(table)))

    def version(self, table: str) -> int | None:
        if not self.exists(table):
            return None
        return self.table(table).version()

    def read(
        self,
        table: str,
        columns: Sequence[str] | None = None,
        *,
        version: int | None = None,
        as_of: dt.datetime | str | None = None,
    ) -> pl.DataFrame:
        """Read a table (or an older version of it). Raises TableNotFoundError if absent."""
        if not self.exists(table):
            raise TableNotFoundError(f"no Delta table at {self.path(table)}")
        if as_of is not None:
            dtab = DeltaTable(str(self.path(table)))
            dtab.load_as_version(as_of)
        elif version is not None:
            dtab = DeltaTable(str(self.path(table)), version=version)
        else:
            dtab = self.table(table)
        key = self._cache_key(table, dtab, columns)
        df = READ_CACHE.get(key)
        if df is None:
            df = pl.read_delta(dtab, columns=list(columns) if columns else None)
            df = df.drop(ROW_HASH, strict=False) if columns is None else df
            READ_CACHE.put(key, df)
        return df.clone()  # callers may modify their frame in place

    def _has_columns(self, table: str, columns: Sequence[str]) -> bool:
        """The table exists with exactly these columns (any order)."""
        return self.exists(table) and set(self.table(table).schema().to_arrow().names) == set(columns)

    def read_or_empty(self, table: str, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
        if not self.exists(table):
            return pl.DataFrame(schema=dict(schema))
        return self.read(table, list(schema))

    def upsert(
        self,
        table: str,
        df: pl.DataFrame,
        keys: Sequence[str],
        *,
        metadata: Mapping[str, object] | None = None,
        delete_scope: str | pl.Expr | None = "all",
        description: str | None = None,
        new_keys_only: bool = False,
        cluster_by: str | None = None,
        target_filter: str | None = None,
    ) -> WriteOutcome:
        """MERGE ``df`` into ``table`` on ``keys``.

        delete_scope: "all" -> target rows absent from ``df`` are deleted (``df`` is the whole
        truth); a Polars expression -> ``df`` is the whole truth for the rows it selects (those
        absent from ``df`` are deleted), compared by row hash as for "all"; a SQL predicate on
        ``t.`` -> a MERGE of ``df`` that deletes such rows absent from it; None -> never delete.
        new_keys_only: the caller guarantees no key of ``df`` is in the table (rows of new
        dumps): append in one commit instead of joining against the whole table.
        cluster_by: a table written whole is written ordered by this column, in files of
        CLUSTERED_FILE_BYTES (the table keeps that size for later writes and compaction).
        target_filter: a SQL predicate on ``t.`` that every target row of a key in ``df`` meets,
        added to the MERGE condition so that files whose statistics rule it out are not read.
        """
        if df.is_empty() and delete_scope is None and self.exists(table):
            return WriteOutcome(table, self.version(table), False, self.count(table))
        df = with_row_hash(df, keys)
        props = _commit_properties(metadata)
        path = str(self.path(table))
        same_schema = self._has_columns(table, df.columns)
        if same_schema and new_keys_only and delete_scope is None:
            write_deltalake(path, df.to_arrow(), mode="append", commit_properties=props)
            return WriteOutcome(table, self.table(table).version(), True, self.count(table), inserted=df.height)
        if not same_schema:
            # First write, or a documented schema change: replace the table in one commit.
            self.path(table).mkdir(parents=True, exist_ok=True)
            clustered = {"delta.targetFileSize": str(CLUSTERED_FILE_BYTES)} if cluster_by else {}
            write_deltalake(
                path,
                (df.sort(cluster_by, maintain_order=True) if cluster_by else df).to_arrow(),
                mode="overwrite",
                schema_mode="overwrite",
                name=table.replace("/", "."),
                description=description,
                configuration={**_TABLE_CONFIG, **clustered},
                commit_properties=props,
            )
            return WriteOutcome(table, self.table(table).version(), True, df.height, inserted=df.height)

        if isinstance(delete_scope, pl.Expr) or delete_scope == "all":
            scope = delete_scope if isinstance(delete_scope, pl.Expr) else None
            outcome = self._merge_differences(table, df, keys, props, scope, clustered=cluster_by is not None)
            if outcome is not None:
                return outcome
            if scope is not None:
                raise ValueError(f"{table}: a null key in a write scoped by an expression")
        dtab = self.table(table)
        before = dtab.version()
        merger = (
            dtab.merge(
                df.to_arrow(),
                predicate=" AND ".join([*(f"t.{k} = s.{k}" for k in keys), *filter(None, [target_filter])]),
                source_alias="s",
                target_alias="t",
                commit_properties=props,
            )
            .when_matched_update_all(predicate=f"t.{ROW_HASH} != s.{ROW_HASH}")
            .when_not_matched_insert_all()
        )
        if delete_scope == "all":
            merger = merger.when_not_matched_by_source_delete()
        elif delete_scope:
            merger = merger.when_not_matched_by_source_delete(predicate=delete_scope)
        m = merger.execute()
        after = self.table(table).version()
        return WriteOutcome(
            table,
            after,
            after != before,
            self.count(table),
            inserted=m["num_target_rows_inserted"],
            updated=m["num_target_rows_updated"],
            deleted=m["num_target_rows_deleted"],
        )

    def _merge_differences(self, table: str, df: pl.DataFrame, keys: Sequence[str], props: CommitProperties,
                           scope: pl.Expr | None = None, clustered: bool = False) -> WriteOutcome | None:
        """Commit a whole-truth ``df`` (already row-hashed) as only its differences from the table.

        ``df`` is the truth for the rows ``scope`` selects (None: every row) and for its own keys.
        The rows to insert or update and the keys to delete are found by joining on key + row hash
        in Polars, so a write whose source is a large part of the table (a full re-run, a re-parse)
        becomes a MERGE of what changed, or no commit at all; when that is most of the table, an
        overwrite of it (:meth:`_rewrite`; not for ``clustered`` tables, whose MERGE keeps their
        order). None when a key is null (the caller MERGEs the whole frame).
        """
        key_list = list(keys)
        scope_cols = [c for c in scope.meta.root_names() if c not in key_list] if scope is not None else []
        stored = self.read(table, [*key_list, ROW_HASH, *scope_cols])
        if _has_null(stored, key_list) or _has_null(df, key_list):
            return None  # a null key never matches in a MERGE: the caller MERGEs the whole frame
        old = stored
        if scope is not None:
            source_keys = df.select(key_list).with_columns(pl.lit(True).alias(_DROP))
            old = stored.join(source_keys, on=key_list, how="left").filter(scope | pl.col(_DROP).is_not_null())
        upserts, gone = _row_changes(old.select(*key_list, ROW_HASH), df, key_list)
        counts = _change_counts(old, upserts, gone, key_list)
        rows = stored.height + counts["inserted"] - counts["deleted"]
        if upserts.is_empty() and gone.is_empty():
            return WriteOutcome(table, self.version(table), False, rows)
        large = stored.height >= REWRITE_MIN_ROWS and upserts.height + gone.height >= REWRITE_SHARE * stored.height
        if large and not clustered:
            return WriteOutcome(table, self._rewrite(table, upserts, gone, key_list, props), True, rows, **counts)
        source = pl.concat([upserts.with_columns(pl.lit(False).alias(_DROP)),
                            gone.with_columns(pl.lit(True).alias(_DROP))], how="diagonal_relaxed")
        columns = {c: f"s.{c}" for c in df.columns}
        (
            self.table(table)
            .merge(source.to_arrow(), predicate=" AND ".join(f"t.{k} = s.{k}" for k in key_list),
                   source_alias="s", target_alias="t", commit_properties=props)
            .when_matched_delete(predicate=f"s.{_DROP}")
            .when_matched_update(columns, predicate=f"NOT s.{_DROP}")
            .when_not_matched_insert(columns, predicate=f"NOT s.{_DROP}")
            .execute()
        )
        return WriteOutcome(table, self.version(table), True, rows, **counts)

    def _rewrite(self, table: str, upserts: pl.DataFrame, gone: pl.DataFrame, keys: list[str],
                 props: CommitProperties) -> int:
        """Overwrite ``table`` with its rows whose key is neither upserted nor gone, streamed from
        the current version, followed by ``upserts``; one commit. Returns the new version."""
        path = str(self.path(table))
        changed = pl.concat([upserts.select(keys), gone.select(keys)])
        kept = pl.scan_delta(path).join(changed.lazy(), on=keys, how="anti")
        schema = kept.collect_schema()
        arrow_schema = pl.DataFrame(schema=schema).to_arrow().schema

        def batches() -> Iterator[pa.RecordBatch]:  # one batch at a time: the kept rows are never all in memory
            for frame in chain(kept.collect_batches(engine="streaming"), [upserts.select(list(schema)).cast(schema)]):
                yield from frame.to_arrow().cast(arrow_schema).to_batches()

        write_deltalake(path, pa.RecordBatchReader.from_batches(arrow_schema, batches()), mode="overwrite",
                        commit_properties=props)
        return self.table(table).version()

    def prepare_replace(self, table: str, df: pl.DataFrame, keys: Sequence[str]) -> "ReplacePlan":
        """The read-and-compare half of :meth:`replace` (commits nothing)."""
        df = with_row_hash(df, keys)
        if not self._has_columns(table, df.columns):
            return ReplacePlan(table, df, tuple(keys), fresh=True)
        old = self.read(table, [*keys, ROW_HASH])
        upserts, gone = _row_changes(old, df, keys)
        return ReplacePlan(table, df, tuple(keys), **_change_counts(old, upserts, gone, keys))

    def replace(
        self,
        table: str,
        df: pl.DataFrame,
        keys: Sequence[str],
        *,
        metadata: Mapping[str, object] | None = None,
        description: str | None = None,
        plan: "ReplacePlan | None" = None,
    ) -> WriteOutcome:
        """Make ``df`` the whole table: compare row hashes with the current version and, when any
        row was inserted, updated or deleted, overwrite it in one commit (else commit nothing).
        ``plan``: from :meth:`prepare_replace` of the same frame (done while checks ran).

        For small derived tables that nothing reads incrementally (gold): a MERGE joins against
        every row and rewrites the touched files, seconds where an overwrite takes milliseconds.
        Re-runs stay idempotent and every version stays readable (time travel).
        """
        plan = plan or self.prepare_replace(table, df, keys)
        if plan.fresh:
            return self.upsert(table, plan.df, keys, metadata=metadata, description=description)
        if not (plan.inserted or plan.updated or plan.deleted):
            return WriteOutcome(table, self.version(table), False, plan.df.height)
        write_deltalake(str(self.path(table)), plan.df.to_arrow(), mode="overwrite",
                        commit_properties=_commit_properties(metadata))
        version = self._remember(table, plan.df, keys)
        return WriteOutcome(table, version, True, plan.df.height, inserted=plan.inserted,
                            updated=plan.updated, deleted=plan.deleted)

    def _remember(self, table: str, written: pl.DataFrame, keys: Sequence[str]) -> int:
        """The version just written whole; its frame goes into the read cache (the serving refresh
        reads it next) when it is exactly what a read would return (same schema)."""
        dtab = self.table(table)
        if _empty_as_read(dtab).schema == written.schema:
            READ_CACHE.put(self._cache_key(table, dtab, None), written.drop(ROW_HASH))
            READ_CACHE.put(self._cache_key(table, dtab, [*keys, ROW_HASH]), written.select(*keys, ROW_HASH))
        return dtab.version()

    def _cache_key(self, table: str, dtab: DeltaTable, columns: Sequence[str] | None) -> tuple:
        """READ_CACHE key of ``columns`` (None: all) of the version ``dtab`` is at."""
        return str(self.path(table)), dtab.metadata().id, dtab.version(), tuple(columns) if columns else None

    def changed_keys(self, table: str, since_version: int, keys: Sequence[str],
                     version: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame] | None:
        """(keys inserted or updated, keys deleted) between ``since_version`` and ``version``
        (default: the current one), by key + ``row_hash``: works across overwrites too, reading
        only those columns. None when the old version cannot be read (vacuumed) or a key is null.
        """
        cols = [*keys, ROW_HASH]
        try:
            old = self.read(table, cols, version=since_version)
            new = self.read(table, cols, version=version)
        except Exception:  # noqa: BLE001 - an unreadable old version means: compare everything
            return None
        if _has_null(old, keys) or _has_null(new, keys):
            return None
        upserts, gone = _row_changes(old, new, keys)
        return upserts.select(keys), gone

    def latest_commit_with(self, table: str, key: str, search: int = 100) -> dict:
        """The newest commit (of the last ``search``) whose custom metadata has ``key``, else {}."""
        if not self.exists(table):
            return {}
        return next((h for h in self.table(table).history(search) if key in h), {})

    def changes_since(self, table: str, since_version: int, keys: Sequence[str],
                      columns: Sequence[str] | None = None) -> pl.DataFrame | None:
        """One row per key inserted, updated or deleted after ``since_version``: its latest image
        (``columns``, default all) and ``_deleted`` (its last change removed it). Read from the
        change data feed, i.e. only the files those commits wrote: O(change), not O(table).

        Returns None when the feed cannot answer (a commit other than MERGE or append, feed
        missing): do a full pass.
        """
        if not self.exists(table):
            return None
        key_list = list(keys)
        dtab = self.table(table)
        schema = _empty_as_read(dtab)
        cols = [c for c in dict.fromkeys([*key_list, *(columns or schema.columns)]) if c != ROW_HASH]
        current = dtab.version()
        if since_version >= current:
            return schema.select(cols).with_columns(pl.lit(False).alias("_deleted"))
        ops = [h for h in dtab.history(current - since_version) if since_version < h["version"] <= current]
        readable = all(h["operation"] in _NO_DATA_CHANGE or h["operation"] == "MERGE" or (
            h["operation"] == "WRITE" and h.get("operationParameters", {}).get("mode") == "Append") for h in ops)
        if len(ops) != current - since_version or not readable:
            return None
        try:
            reader = dtab.load_cdf(starting_version=since_version + 1, columns=[*cols, "_change_type", "_commit_version"])
            changes = pl.from_arrow(pa.RecordBatchReader.from_stream(reader).read_all())
        except Exception:
            return None
        latest = (
            changes.filter(pl.col("_change_type") != "update_preimage")
            .sort("_commit_version")
            .unique(subset=key_list, keep="last", maintain_order=True)
        )
        return latest.select(*cols, (pl.col("_change_type") == "delete").alias("_deleted"))

    def ensure_checkpoint_interval(self, table: str, metadata: Mapping[str, object] | None = None) -> bool:
        """Give a table made before the interval was set it (one commit that changes no rows);
        True when it was missing. An interval set otherwise (by hand) is left alone."""
        dtab = self.table(table)
        if CHECKPOINT_INTERVAL_KEY in dtab.metadata().configuration:
            return False
        dtab.alter.set_table_properties({CHECKPOINT_INTERVAL_KEY: str(CHECKPOINT_INTERVAL)},
                                        commit_properties=_commit_properties(metadata))
        return True

    def count(self, table: str) -> int:
        return pl.scan_delta(self.table(table)).select(pl.len()).collect().item()

    def blank_count(self, table: str, column: str) -> int:
        """Rows whose string ``column`` is null or empty. From the Delta log's file statistics when
        they settle it (null counts are exact, and a file whose minimum is non-empty holds no empty
        string), else by reading the column."""
        files = pl.DataFrame(self.table(table).get_add_actions(flatten=True))
        nulls, low = f"null_count.{column}", f"min.{column}"
        if not files.is_empty() and {nulls, low, "num_records"} <= set(files.columns):
            all_null = pl.col(nulls) == pl.col("num_records")  # such a file has no minimum
            settled = pl.col(nulls).is_not_null() & (all_null | (pl.col(low).is_not_null() & (pl.col(low) != "")))
            if files.select(settled.all()).item():
                return int(files[nulls].sum())
        return self.read(table, [column]).select(blank(column).sum()).item()

    def rows_where(self, table: str, predicate: pl.Expr, columns: Sequence[str | pl.Expr]) -> pl.DataFrame:
        """``columns`` of the rows matching ``predicate``: a filtered scan (Polars reads the other
        columns only where the predicate's columns match)."""
        return pl.scan_delta(self.table(table)).filter(predicate).select(list(columns)).collect()

    def history(self, table: str, limit: int | None = None) -> list[dict]:
        return self.table(table).history(limit)

    def tables(self) -> list[str]:
        """All table names under the root (``layer/name``)."""
        return sorted(
            str(p.parent.relative_to(self.root)) for p in self.root.glob("*/*/_delta_log") if p.is_dir()
        )
