"""One gold table as data: its data-dictionary entry, upstream tables, builder and checks.

The gold asset module (:mod:`assets.gold`) builds and publishes every :class:`GoldTable`; the
tables themselves are declared in :mod:`assets.gold` (topic trends, benchmark results, paper
catalog) and :mod:`assets.gold_analytics` (the BI extras).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import dagster as dg
import polars as pl

from assets._publish import Check, TableWrite, Written, write_group
from paperlake import analytics, catalog, gx, quality
from paperlake.delta import DeltaStore
from paperlake.serving import compact_if_fragmented
from pipelines.resources import GreatExpectationsResource

PolarsCheck = Callable[[pl.DataFrame, DeltaStore], quality.CheckOutcome]


@dataclass(frozen=True)
class GoldTable:
    """A gold table: built from the published tables it reads, audited by a GX suite, the plain
    BI types check and its Polars checks, then published whole (see DeltaStore.replace)."""

    table: catalog.Table
    deps: Sequence[str]
    build: Callable[[DeltaStore], pl.DataFrame]
    expectations: Sequence[gx.Expectation]
    expectations_text: str
    polars_checks: Sequence[tuple[Check, PolarsCheck]] = ()
    extra_metadata: Callable[[pl.DataFrame], Mapping[str, object]] | None = None

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey(self.name.split("/"))

    @property
    def short(self) -> str:
        return self.name.split("/")[1]

    def checks(self) -> list[Check]:
        return [
            Check(f"{self.short}_gx_suite", f"GX: {self.expectations_text}"),
            Check(f"{self.short}_plain_bi_types",
                  "Only plain BI types (string, int64, float64, bool, date, UTC timestamp); no list/struct columns."),
            *[c for c, _ in self.polars_checks],
        ]


@dataclass(frozen=True)
class Built:
    """What :func:`build_and_write` did: the write (or the blocking failures that stopped it) and
    the version a compaction made, if one was needed."""

    written: Written
    compacted: int | None


def build_and_write(spec: GoldTable, store: DeltaStore, suites: GreatExpectationsResource, run_id: str,
                    checks: Sequence[Check]) -> Built:
    """Build ``spec`` from the published tables, evaluate ``checks`` (its GX suite runs in the GX
    worker meanwhile), and publish it unless a blocking one failed. Touches no Dagster context,
    so gold tables are built in threads."""
    df = spec.build(store)
    gx_check, plain_check, *_ = spec.checks()
    outcomes = {
        gx_check.name: suites.submit(df, spec.name.replace("/", "_"), list(spec.expectations)),
        plain_check.name: plain_types(df),
        **{c.name: fn(df, store) for c, fn in spec.polars_checks},
    }
    write = TableWrite(spec.name, df, keys=list(spec.table.keys), checks=checks, outcomes=outcomes, replace=True,
                       extra_metadata=spec.extra_metadata(df) if spec.extra_metadata else None)
    [written] = write_group(store, [write], run_id)
    return Built(written, compact_if_fragmented(store, spec.name) if written.outcome is not None else None)


def key_expectations(t: catalog.Table) -> list[gx.Expectation]:
    exps: list[gx.Expectation] = [("ExpectColumnValuesToNotBeNull", {"column": k}) for k in t.keys]
    if len(t.keys) == 1:
        exps.append(("ExpectColumnValuesToBeUnique", {"column": t.keys[0]}))
    else:
        exps.append(("ExpectCompoundColumnsToBeUnique", {"column_list": list(t.keys)}))
    return exps


def plain_types(df: pl.DataFrame) -> quality.CheckOutcome:
    bad = analytics.plain_types_violations(df)
    return quality.CheckOutcome(not bad, {"columns": df.width, "non_plain_columns": ", ".join(bad) or "none"})


def sum_matches(label: str, column: str, expected: Callable[[DeltaStore], int]) -> PolarsCheck:
    def run(df: pl.DataFrame, store: DeltaStore) -> quality.CheckOutcome:
        return quality.reconcile(label, expected(store), int(df[column].sum() or 0))
    return run


def no_rows_where(label: str, predicate: pl.Expr) -> PolarsCheck:
    def run(df: pl.DataFrame, store: DeltaStore) -> quality.CheckOutcome:
        bad = df.filter(predicate)
        return quality.CheckOutcome(bad.height == 0, {"violations": bad.height,
                                                      "examples": str(bad.head(3).to_dicts())}, label)
    return run


def referential_papers(df: pl.DataFrame, store: DeltaStore) -> quality.CheckOutcome:
    return quality.referential(df, store.read(catalog.PAPERS.name, ["paper_id"]), "paper_id", catalog.PAPERS.name)
