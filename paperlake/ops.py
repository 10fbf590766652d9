"""Operating the warehouse: Delta history, time travel, restore and table maintenance (Dagster-free).

`paperlake history|show|restore|maintain` (paperlake/cli_ops.py) and the per-table maintenance
jobs (pipelines/jobs.py) are thin wrappers over these functions.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
from deltalake import CommitProperties, DeltaTable

from paperlake.delta import DeltaStore
from paperlake.locks import writer_lock
from paperlake.settings import DEFAULT_RETENTION_HOURS, MIN_RETENTION_HOURS

# Tables written together by one Dagster step share one pool (a multi-asset is a single writer).
_WRITER_GROUPS: tuple[tuple[str, ...], ...] = (
    ("bronze/raw_dumps", "bronze/listings", "bronze/quarantine"),
    ("silver/papers", "silver/paper_listings"),
)

DEFAULT_TARGET_FILE_BYTES = 100 << 20  # delta-rs' compaction target without delta.targetFileSize


# The gold tables are all written by one step (assets/gold.py).
GOLD_POOL = "delta/gold"


def writer_pool(table: str) -> str:
    """The Dagster concurrency pool of the step(s) that write ``table``.

    Every writer of a table (its asset, its maintenance op) claims this pool; dagster.yaml gives
    each pool one slot, so two writers of the same Delta table never commit concurrently.
    """
    if table.startswith("gold/"):
        return GOLD_POOL
    for group in _WRITER_GROUPS:
        if table in group:
            table = group[0]
            break
    return "delta/" + table


def _holding_writer_lock(fn):
    """``fn(store, table, ...)`` holding the table's writer lock (paperlake.locks), as its writer steps do."""

    @functools.wraps(fn)
    def run(store: DeltaStore, table: str, *args, **kwargs):
        with writer_lock(store.root, writer_pool(table)):
            return fn(store, table, *args, **kwargs)

    return run


def _ts(ms: int | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC) if ms is not None else None


@dataclass(frozen=True)
class Version:
    version: int
    timestamp: dt.datetime | None
    operation: str
    run_id: str | None
    rows_written: int | None
    detail: str
    versions: str = ""  # code, parser, identity, taxonomy and extractor versions the commit was written with


_VERSION_KEYS = ("code_version", "parser_version", "identity_version", "taxonomy_version", "extractor_version")


def _versions(commit: dict) -> str:
    return " ".join(("code-" if k == "code_version" else "") + str(commit[k]) for k in _VERSION_KEYS if commit.get(k))


def _detail(commit: dict) -> str:
    metrics = commit.get("operationMetrics") or {}
    keys = ("num_target_rows_inserted", "num_target_rows_updated", "num_target_rows_deleted",
            "numAddedFiles", "numRemovedFiles", "numFilesAdded", "numFilesRemoved", "num_removed_files",
            "numDeletedFiles")
    parts = [f"{k}={metrics[k]}" for k in keys if k in metrics]
    if commit.get("paperlake_operation"):
        parts.insert(0, commit["paperlake_operation"])
    if commit.get("restored_from_version") is not None:
        parts.insert(0, f"restored v{commit['restored_from_version']}")
    return " ".join(parts)


def history(store: DeltaStore, table: str, limit: int | None = None) -> list[Version]:
    """Versions of ``table``, newest first, with the Dagster run that wrote each one."""
    out = []
    for c in store.history(table, limit):
        metrics = c.get("operationMetrics") or {}
        rows = metrics.get("num_target_rows_inserted", metrics.get("num_added_rows"))
        out.append(Version(
            version=int(c["version"]),
            timestamp=_ts(c.get("timestamp")),
            operation=str(c.get("operation", "?")),
            run_id=c.get("dagster_run_id"),
            rows_written=int(rows) if rows is not None else None,
            detail=_detail(c),
            versions=_versions(c),
        ))
    return sorted(out, key=lambda v: v.version, reverse=True)


def parse_time(value: str) -> dt.datetime:
    """ISO date/time; naive values are UTC."""
    t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def version_as_of(store: DeltaStore, table: str, when: dt.datetime) -> int:
    """The newest version committed at or before ``when``."""
    candidates = [v.version for v in history(store, table) if v.timestamp and v.timestamp <= when]
    if not candidates:
        raise ValueError(f"{table}: no version at or before {when.isoformat()}")
    return max(candidates)


def show(store: DeltaStore, table: str, *, version: int | None = None, as_of: dt.datetime | None = None,
         columns: Sequence[str] | None = None) -> tuple[int, pl.DataFrame]:
    """(version, frame) of ``table`` now, at ``version`` or as of a time."""
    if version is not None and as_of is not None:
        raise ValueError("give --version or --as-of, not both")
    if as_of is not None:
        version = version_as_of(store, table, as_of)
    latest = store.version(table)
    if version is None:
        version = latest
    elif not 0 <= version <= latest:  # delta-rs would raise a kernel error (or OverflowError below 0)
        raise ValueError(f"{table} has versions 0..{latest}; no version {version}")
    return version, store.read(table, columns, version=version)


@dataclass(frozen=True)
class RestoreOutcome:
    table: str
    restored_from: int
    previous: int
    version: int


@_holding_writer_lock
def restore(store: DeltaStore, table: str, version: int, *, metadata: dict | None = None) -> RestoreOutcome:
    """Roll ``table`` back to ``version`` with a new RESTORE commit (history is kept)."""
    previous = store.version(table)
    if previous is None:
        raise ValueError(f"no Delta table {table}")
    if not 0 <= version <= previous:
        raise ValueError(f"{table}: version {version} out of range 0..{previous}")
    meta = {"restored_from_version": str(version), **{k: str(v) for k, v in (metadata or {}).items()}}
    store.table(table).restore(version, commit_properties=CommitProperties(custom_metadata=meta))
    return RestoreOutcome(table, version, previous, store.version(table))


@dataclass(frozen=True)
class MaintenanceOutcome:
    table: str
    version_before: int
    version_after: int
    files_compacted: int
    files_added: int
    checkpoint_version: int
    files_vacuumed: int
    retention_hours: int

    def as_metadata(self) -> dict:
        return dict(self.__dict__)


def compaction_plan(dtab: DeltaTable) -> tuple[int, int]:
    """(files, new files) of an OPTIMIZE compact of ``dtab``, planned as delta-rs 1.6 plans it:
    in each partition, runs of adjacent files no larger than the target size are packed into
    bins up to that size, and every bin of two or more files becomes one file."""
    target = int(dtab.metadata().configuration.get("delta.targetFileSize", DEFAULT_TARGET_FILE_BYTES))
    files = pl.DataFrame(dtab.get_add_actions(flatten=True))  # newest first, the planner's order
    if files.is_empty():
        return 0, 0
    parts = [f"partition.{c}" for c in dtab.metadata().partition_columns]
    compacted = bins = 0
    for group in files.partition_by(parts, maintain_order=True) if parts else [files]:
        n = size = 0  # the open bin
        for s in [*group["size_bytes"].to_list(), None]:  # None closes the last bin
            if s is not None and n and size + s <= target:
                n, size = n + 1, size + s
                continue
            if n > 1:
                compacted, bins = compacted + n, bins + 1
            n, size = (1, s) if s is not None and s <= target else (0, 0)  # a larger file stays as is
    return compacted, bins


@_holding_writer_lock
def maintain(store: DeltaStore, table: str, *, retention_hours: int = DEFAULT_RETENTION_HOURS,
             run_id: str | None = None, dry_run: bool = False) -> MaintenanceOutcome:
    """Compact small files, write a checkpoint, vacuum files unreferenced for ``retention_hours``.
    A table made before ``delta.CHECKPOINT_INTERVAL`` was set gets it first.

    The retention is never below MIN_RETENTION_HOURS: time travel (`paperlake show --version`,
    `restore`) within that window keeps working, and a concurrent reader of an older snapshot
    never loses its files. ``dry_run`` counts the files compaction and vacuum would touch and
    writes nothing.
    """
    if retention_hours < MIN_RETENTION_HOURS:
        raise ValueError(f"retention_hours must be >= {MIN_RETENTION_HOURS} (got {retention_hours})")
    meta = {"paperlake_operation": "maintenance", **({"dagster_run_id": run_id} if run_id else {})}
    props = CommitProperties(custom_metadata=meta)
    before = store.version(table)
    if before is None:
        raise ValueError(f"no Delta table {table}")
    if dry_run:  # what compaction would do; nothing is written
        compacted, added = compaction_plan(store.table(table))
    else:
        store.ensure_checkpoint_interval(table, meta)
        m = store.table(table).optimize.compact(commit_properties=props)
        compacted, added = int(m.get("numFilesRemoved", 0)), int(m.get("numFilesAdded", 0))
        store.table(table).create_checkpoint()
    checkpoint = store.version(table)
    vacuumed = store.table(table).vacuum(retention_hours=retention_hours, dry_run=dry_run,
                                         enforce_retention_duration=False, commit_properties=props)
    after = store.version(table)
    return MaintenanceOutcome(table, before, after, compacted, added, checkpoint, len(vacuumed), retention_hours)
