"""Write-audit-publish for one Delta table, shared by every asset module.

The asset computes its frame, runs its checks on it (GX suites + Polars checks), and only
publishes (MERGE into Delta) when no blocking ERROR check failed. Check results travel with
the materialization, so Dagster skips downstream assets when a blocking check fails.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import dagster as dg
import polars as pl

from paperlake import gx, versions
from paperlake.catalog import TABLES, column_description, table_description
from paperlake.delta import DeltaStore, ReplacePlan, WriteOutcome
from paperlake.locks import writer_lock
from paperlake.ops import writer_pool
from paperlake.quality import CheckOutcome


@dataclass(frozen=True)
class Check:
    """A check declared up front (so the UI lists it) and evaluated with the materialization."""

    name: str
    description: str
    blocking: bool = True  # ERROR severity and blocks downstream; False -> WARN

    @property
    def severity(self) -> dg.AssetCheckSeverity:
        return dg.AssetCheckSeverity.ERROR if self.blocking else dg.AssetCheckSeverity.WARN


class CheckResult(dg.AssetCheckResult):
    """An ``AssetCheckResult`` whose evaluation records the materialization it checked.

    Dagster 1.13 looks that materialization up by the run's partition whenever the run has one,
    also for unpartitioned assets. The main job runs per dump partition, so for every silver, gold
    and serving check the lookup found nothing (the check then looks stale beside its own
    materialization) and cost two event-log queries per check, each result being resolved twice.
    Unpartitioned assets here take the step's cached asset record, as in an unpartitioned run.
    """

    __slots__ = ()

    def _get_target_materialization_data(self, step_context, check_key: dg.AssetCheckKey):
        if step_context.job_def.asset_layer.get(check_key.asset_key).partitions_def is None:
            return self._get_unpartitioned_target_materialization_data(step_context, check_key.asset_key)
        return super()._get_target_materialization_data(step_context, check_key)


# Silver, gold and serving are refreshed at least daily (gold_daily_refresh at 05:00 UTC, or each
# `paperlake run`): a table not materialized for 26 h is late (warn), for 50 h (two missed days) stale.
# Bronze follows the dumps that land, so it has none.
DAILY_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=50), warn_window=timedelta(hours=26))


def table_kwargs(table: str, deps: Sequence[str] = ()) -> dict:
    """Asset definition arguments for the Delta table ``table`` (asset key == table path)."""
    return {
        "key": dg.AssetKey(table.split("/")),
        "deps": [dg.AssetKey(d.split("/")) for d in deps],
        "description": table_description(table),
        "group_name": table.split("/")[0],
        "kinds": {"delta", "polars"},
        "pool": writer_pool(table),  # one writer per Delta table at a time
        "freshness_policy": None if table.startswith("bronze/") else DAILY_FRESHNESS,
        # The documented schema is part of the definition, so the catalog shows it before any run.
        "metadata": {"dagster/column_schema": column_schema(table, TABLES[table].schema)} if table in TABLES else {},
    }


def holds_writer_lock(pool: str) -> Callable:
    """Run the decorated asset body holding the warehouse's writer lock ``pool`` (paperlake.locks):
    its pool keeps one writer within this Dagster instance, the lock across instances."""

    def decorate(fn: Callable) -> Callable:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def body(*args, **kwargs):
            bound = signature.bind(*args, **kwargs).arguments
            context = bound["context"]
            with writer_lock(bound["warehouse"].folder(), pool, on_wait=context.log.warning):
                out = fn(*args, **kwargs)
                if inspect.isgenerator(out):
                    yield from out
                else:
                    yield out

        return body

    return decorate


def table_spec(table: str, deps: Sequence[str] = ()) -> dg.AssetSpec:
    """For multi-assets (the pool is then set on the multi-asset itself)."""
    kwargs = table_kwargs(table, deps)
    kwargs.pop("pool")
    return dg.AssetSpec(**kwargs)


def check_specs(table: str, checks: Sequence[Check]) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(c.name, asset=dg.AssetKey(table.split("/")), description=c.description, blocking=c.blocking)
        for c in checks
    ]


def column_schema(table: str, schema: Mapping[str, pl.DataType]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(dtype), description=column_description(table, name))
            for name, dtype in schema.items()
        ]
    )


def _preview(df: pl.DataFrame, n: int = 5) -> str:
    head = df.head(n).select(
        [
            pl.col(c).cast(pl.String).str.slice(0, 60) if dt != pl.String else pl.col(c).str.slice(0, 60)
            for c, dt in df.schema.items()
            if not isinstance(dt, pl.List)
        ]
    )
    if head.is_empty():
        return "_(empty)_"
    cols = head.columns
    rows = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for rec in head.iter_rows():
        rows.append("| " + " | ".join("" if v is None else str(v).replace("|", "\\|") for v in rec) + " |")
    return "\n".join(rows)


@dataclass(frozen=True)
class TableWrite:
    """One table's frame, its key and its evaluated checks."""

    table: str
    df: pl.DataFrame
    keys: Sequence[str]
    checks: Sequence[Check]
    outcomes: Mapping[str, CheckOutcome | gx.Pending]
    delete_scope: str | pl.Expr | None = "all"  # see DeltaStore.upsert
    extra_metadata: Mapping[str, object] | None = None
    commit_versions: Mapping[str, str] | None = None
    # Rows to MERGE when only part of the table changed (``df`` is then the full audited table).
    changes: pl.DataFrame | None = None
    new_keys_only: bool = False  # see DeltaStore.upsert
    target_filter: str | None = None  # see DeltaStore.upsert
    replace: bool = False  # whole-table truth nothing reads incrementally: see DeltaStore.replace

    def outcome(self, name: str) -> CheckOutcome:
        o = self.outcomes[name]
        return o.result() if isinstance(o, gx.Pending) else o

    def check_results(self) -> list[CheckResult]:
        missing = {c.name for c in self.checks} - set(self.outcomes)
        if missing:
            raise ValueError(f"{self.table}: checks declared but not evaluated: {sorted(missing)}")
        return [
            CheckResult(
                asset_key=dg.AssetKey(self.table.split("/")),
                check_name=c.name,
                passed=self.outcome(c.name).passed,
                severity=c.severity,
                metadata=self.outcome(c.name).metadata,
                description=self.outcome(c.name).description or c.description,
            )
            for c in self.checks
        ]

    def blocking_failures(self) -> list[str]:
        return [f"{self.table}:{c.name}" for c in self.checks if c.blocking and not self.outcome(c.name).passed]


def _schema(w: TableWrite) -> Mapping[str, pl.DataType]:
    """The table's documented schema (the audited frame may leave out a column it did not need)."""
    return TABLES[w.table].schema if w.table in TABLES else w.df.schema


@dataclass(frozen=True)
class Written:
    """What :func:`write_group` did with one table: its write outcome, or the blocking check
    failures (of any table of the group) that kept it unpublished."""

    write: TableWrite
    outcome: WriteOutcome | None
    blocked: Sequence[str]


def write_group(store: DeltaStore, writes: Sequence[TableWrite], run_id: str) -> list[Written]:
    """The Delta half of :func:`publish_group`: all of the tables, or none when a blocking check
    failed. Touches no Dagster context, so it may run in a thread."""
    plans: dict[str, ReplacePlan] = {w.table: store.prepare_replace(w.table, w.df, w.keys) for w in writes if w.replace}
    blocked = [f for w in writes for f in w.blocking_failures()]
    if blocked:
        return [Written(w, None, blocked) for w in writes]

    def write(w: TableWrite) -> Written:
        commit_meta = {"dagster_run_id": run_id, "dagster_asset_key": w.table,
                       **versions.all_versions(), **(w.commit_versions or {})}
        if w.replace:
            out = store.replace(w.table, w.df, w.keys, metadata=commit_meta, description=table_description(w.table),
                                plan=plans[w.table])
        else:
            out = store.upsert(w.table, w.df if w.changes is None else w.changes, w.keys, metadata=commit_meta,
                               delete_scope=w.delete_scope, description=table_description(w.table),
                               new_keys_only=w.new_keys_only, target_filter=w.target_filter,
                               cluster_by=TABLES[w.table].cluster_by if w.table in TABLES else None)
        return Written(w, out, [])

    # All but the last table are written at once (delta-rs releases the GIL: the time of the
    # largest write, not the sum); the last one after them: it is the group's ledger (what a
    # re-run trusts as done, e.g. bronze/raw_dumps), so a crash in between is redone, not lost.
    *first, last = writes
    if len(first) > 1:
        with ThreadPoolExecutor(len(first), thread_name_prefix="write") as pool:
            done = list(pool.map(write, first))
    else:
        done = [write(w) for w in first]
    return [*done, write(last)]


def report_group(context: dg.AssetExecutionContext, store: DeltaStore,
                 written: Sequence[Written]) -> list[dg.MaterializeResult]:
    """The Dagster half of :func:`publish_group`: log, and one MaterializeResult per table with
    its metadata and check results."""
    blocked = next((x.blocked for x in written if x.blocked), [])
    if blocked:
        context.log.error(f"not published, blocking checks failed: {list(blocked)}")
    # Dagster stores one materialization event per partition of a multi-partition run, each with
    # this metadata: keep it small then (the schema is on the definition either way).
    bulk = context.has_partition_key_range and len(context.partition_keys) > 1
    results = []
    for x in written:
        w, out = x.write, x.outcome
        meta: dict[str, object] = {
            "delta_table": dg.MetadataValue.path(str(store.path(w.table))),
            **({} if bulk else {"dagster/column_schema": column_schema(w.table, _schema(w)),
                                "preview": dg.MetadataValue.md(_preview(w.df))}),
            **(w.extra_metadata or {}),
        }
        if out is None:
            meta |= {"published": False, "blocked_by": ", ".join(x.blocked), "delta_version": store.version(w.table) or -1}
        else:
            meta |= {
                "published": True,
                "delta_version": out.version,
                "delta_committed": out.committed,
                "dagster/row_count": out.rows,
                "rows_inserted": out.inserted,
                "rows_updated": out.updated,
                "rows_deleted": out.deleted,
            }
            context.log.info(
                f"{w.table}: Delta v{out.version} ({'new commit' if out.committed else 'unchanged'}), {out.rows} rows"
            )
        results.append(
            dg.MaterializeResult(asset_key=dg.AssetKey(w.table.split("/")), metadata=meta, check_results=w.check_results())
        )
    return results


def publish_group(
    context: dg.AssetExecutionContext, store: DeltaStore, writes: Sequence[TableWrite]
) -> list[dg.MaterializeResult]:
    """Publish tables that belong together (one multi-asset): all of them, or none."""
    return report_group(context, store, write_group(store, writes, context.run.run_id))


def publish(context: dg.AssetExecutionContext, store: DeltaStore, table: str, df: pl.DataFrame, **kwargs) -> dg.MaterializeResult:
    return publish_group(context, store, [TableWrite(table, df, **kwargs)])[0]
