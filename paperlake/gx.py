"""Great Expectations 1.x validation of Polars frames (Dagster-free).

GX has no Polars backend, so the columns a suite needs are converted to pandas. Above
``max_rows`` GX validates a deterministic sample and the metadata says so; every expectation
used here (non-null, unique, ranges, sets, compound keys, row count) is then also evaluated
on every row with Polars, so a bad row outside the sample still fails the suite.

Importing ``great_expectations`` costs about 3 s (about 2 s in the worker, which defers the
scipy modules GX imports but never uses here and keeps its optional SQL backends out).
:class:`Worker` runs the suites in a separate process (``python -m paperlake.gx``) started
early, so the import happens on the other core while this process imports Dagster, plans and
parses; frames travel as Arrow IPC files, and :meth:`Worker.submit` returns at once (a
:class:`Pending`), so a step goes on with its other checks and its write preparation while GX
runs. :func:`validate` runs a suite in this process (GX imported once per process).
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Sequence
from itertools import count

import polars as pl

from paperlake.quality import CheckOutcome

# An expectation is (GX class name, kwargs), e.g. ("ExpectColumnValuesToNotBeNull", {"column": "paper_id"}).
Expectation = tuple[str, dict]
# Above this many rows GX judges a sample; Polars re-checks every expectation it can express on all rows.
MAX_ROWS = 20_000


@functools.cache
def _context():
    """Import GX and set up its context (seconds; once per process, in the calling thread:
    importing in a background thread races with other imports)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_def = ctx.data_sources.add_pandas("paperlake").add_dataframe_asset("frames").add_batch_definition_whole_dataframe("whole")
    return gx, batch_def


def warm_up() -> None:
    """Import GX in this process now."""
    _context()


def _frame(df: pl.DataFrame, expectations: Sequence[Expectation],
           max_rows: int) -> tuple[pl.DataFrame, bool, list[Expectation]]:
    """The columns the suite reads, a deterministic sample of ``max_rows`` rows above that, and
    the expectations GX judges on it (table-level ones then go to Polars alone)."""
    columns = sorted({e[1][k] for e in expectations for k in ("column", "column_A", "column_B") if k in e[1]}
                     | {c for e in expectations for c in e[1].get("column_list", [])})
    frame = df.select(columns) if columns else df.select(pl.first()) if df.width else df
    if frame.height > max_rows:
        return frame.sample(n=max_rows, seed=0), True, [e for e in expectations if e[0] not in _TABLE_LEVEL]
    return frame, False, list(expectations)


def run_suite(frame: pl.DataFrame, suite_name: str, expectations: Sequence[Expectation]) -> tuple[bool, list[dict]]:
    """Validate ``frame`` with GX in this process: (suite passed, one JSON-safe row per expectation)."""
    gx, batch_def = _context()
    suite = gx.ExpectationSuite(name=suite_name)
    for name, kwargs in expectations:
        suite.add_expectation(getattr(gx.expectations, name)(**kwargs))
    result = batch_def.get_batch(batch_parameters={"dataframe": frame.to_pandas()}).validate(suite)
    rows = []
    for r in result.results:
        cfg = r.expectation_config
        rows.append(
            {
                "expectation": cfg.type,
                "column": cfg.kwargs.get("column") or cfg.kwargs.get("column_list"),
                "success": bool(r.success),
                "unexpected": r.result.get("unexpected_count"),
                "observed": r.result.get("observed_value"),
                "examples": (r.result.get("partial_unexpected_list") or [])[:3],
            }
        )
    # The same rows whichever process ran the suite (numpy scalars, timestamps -> JSON values).
    return bool(result.success), json.loads(json.dumps(rows, default=str))


def _outcome(df: pl.DataFrame, frame: pl.DataFrame, sampled: bool, suite_name: str,
             expectations: Sequence[Expectation], success: bool, rows: list[dict]) -> CheckOutcome:
    if sampled:
        rows = rows + _full_table_checks(df, expectations)
    failed = [r for r in rows if not r["success"]]
    return CheckOutcome(
        passed=success and not failed,
        metadata={
            "suite": suite_name,
            "expectations": len(rows),
            "failed": len(failed),
            "rows_validated": frame.height,
            "sampled": sampled,
            "results": _markdown(rows),
        },
        description=f"Great Expectations suite {suite_name}",
    )


_IN_PROCESS = threading.Lock()  # GX's context is not thread-safe: one suite at a time per process


def validate(
    df: pl.DataFrame, suite_name: str, expectations: Sequence[Expectation], *, max_rows: int = MAX_ROWS
) -> CheckOutcome:
    """Run a suite in this process (from any thread)."""
    frame, sampled, judged = _frame(df, expectations, max_rows)
    with _IN_PROCESS:
        success, rows = run_suite(frame, suite_name, judged)
    return _outcome(df, frame, sampled, suite_name, expectations, success, rows)


class Pending:
    """A suite's outcome, or (from :meth:`Worker.submit`) a suite still running in the worker:
    :meth:`result` waits for it."""

    def __init__(self, outcome: CheckOutcome | None = None, *, worker: "Worker | None" = None,
                 path: str | None = None, args: tuple | None = None) -> None:
        self._outcome, self._worker, self.path, self._args = outcome, worker, path, args
        self.reply: dict | None = None
        self.replied = outcome is not None

    def result(self) -> CheckOutcome:
        if self._outcome is None:
            self._worker._await(self)
            df, frame, sampled, suite_name, expectations, max_rows = self._args
            reply = self.reply
            if not reply or "error" in reply:
                if reply:  # an error inside GX: raise it here, as an in-process run would
                    raise RuntimeError(f"GX suite {suite_name} failed in the worker: {reply['error']}")
                self._outcome = validate(df, suite_name, expectations, max_rows=max_rows)  # the worker is gone
            else:
                self._outcome = _outcome(df, frame, sampled, suite_name, expectations, reply["success"], reply["rows"])
            self._args = None
        return self._outcome


class Worker:
    """GX in a child process: one JSON request per line on its stdin, one reply per line (in
    order) on its stdout; frames go through Arrow IPC files in a private temp folder. Started
    with fork+exec (no Delta handle crosses it). :meth:`submit` returns at once, so the caller
    keeps working while the suite runs on the other core. If the worker dies, suites run in
    this process."""

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="paperlake-gx-")
        self._ids = count()
        self._lock = threading.Lock()
        self._queue: deque[Pending] = deque()  # submitted, reply not read yet
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "paperlake.gx"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "GX_ANALYTICS_ENABLED": "false"},
        )

    def alive(self) -> bool:
        return self._proc.poll() is None

    def submit(self, df: pl.DataFrame, suite_name: str, expectations: Sequence[Expectation], *,
               max_rows: int = MAX_ROWS) -> Pending:
        frame, sampled, judged = _frame(df, expectations, max_rows)
        with self._lock:
            path = os.path.join(self._dir, f"{next(self._ids)}.arrow")
            frame.write_ipc(path, compression="uncompressed")
            pending = Pending(worker=self, path=path, args=(df, frame, sampled, suite_name, expectations, max_rows))
            try:
                self._proc.stdin.write(json.dumps({"path": path, "suite": suite_name,
                                                   "expectations": list(map(list, judged))}) + "\n")
                self._proc.stdin.flush()
                self._queue.append(pending)
            except (BrokenPipeError, OSError, ValueError):
                self._settle(pending, None)
        return pending

    def _settle(self, pending: Pending, reply: dict | None) -> None:
        pending.reply, pending.replied = reply, True
        os.unlink(pending.path)

    def _await(self, pending: Pending) -> None:
        """Read replies in submission order until ``pending`` has its own."""
        with self._lock:
            while not pending.replied:
                head = self._queue.popleft()
                try:
                    reply = json.loads(self._proc.stdout.readline() or "null")
                except (OSError, ValueError):
                    reply = None
                self._settle(head, reply)

    def validate(self, df: pl.DataFrame, suite_name: str, expectations: Sequence[Expectation], *,
                 max_rows: int = MAX_ROWS) -> CheckOutcome:
        return self.submit(df, suite_name, expectations, max_rows=max_rows).result()

    def close(self) -> None:
        if self.alive():
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
        shutil.rmtree(self._dir, ignore_errors=True)


_worker: Worker | None = None
_worker_lock = threading.Lock()


def start_worker() -> Worker:
    """The process-wide GX worker (started on first call; returns at once, GX imports over there).
    Safe from any thread (gold tables are built in threads)."""
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.alive():
            _worker = Worker()
            atexit.register(_worker.close)
        return _worker


# Imported by GX at import time but not used by the expectations here: ~0.8 of GX's ~3 s import.
_DEFERRED_MODULES = ("scipy.stats", "scipy.spatial")
# SQL backends GX imports when they are installed (Dagster's Postgres storage brings them); the
# worker validates pandas frames only, and GX treats a missing backend as not installed (~0.2 s).
_BLOCKED_MODULES = ("sqlalchemy", "psycopg2")


def _defer_imports(names: Sequence[str] = _DEFERRED_MODULES) -> None:
    """Make these modules load on first attribute access (stdlib ``LazyLoader``). Only in the
    worker, which runs nothing but GX, one thread."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            continue
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, module)


def _block_imports(names: Sequence[str] = _BLOCKED_MODULES) -> None:
    """Make ``import name`` raise ImportError in this process (only in the worker)."""
    for name in names:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def serve() -> None:
    """The worker's loop: import GX, then answer requests until stdin closes."""
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # only replies go to the parent's pipe: any other output (even native) to stderr
    sys.stdout = sys.stderr
    _defer_imports()
    _block_imports()
    _context()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            success, rows = run_suite(pl.read_ipc(req["path"]), req["suite"],
                                      [(name, kwargs) for name, kwargs in req["expectations"]])
            reply = {"success": success, "rows": rows}
        except Exception as exc:  # report, keep serving
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


def _between(c: str, kw: dict) -> pl.Expr:
    col, bad = pl.col(c), pl.lit(False)
    if kw.get("min_value") is not None:
        bad = bad | (col <= kw["min_value"] if kw.get("strict_min") else col < kw["min_value"])
    if kw.get("max_value") is not None:
        bad = bad | (col >= kw["max_value"] if kw.get("strict_max") else col > kw["max_value"])
    return bad.fill_null(False).sum()


# Unexpected-row counts over every row, as GX counts them (nulls are not unexpected for ranges/sets).
_FULL_TABLE = {
    "ExpectColumnValuesToNotBeNull": lambda kw: pl.col(kw["column"]).is_null().sum(),
    "ExpectColumnValuesToBeUnique": lambda kw: pl.col(kw["column"]).drop_nulls().is_duplicated().sum(),
    "ExpectColumnValuesToBeBetween": lambda kw: _between(kw["column"], kw),
    "ExpectColumnValuesToBeInSet": lambda kw: (~pl.col(kw["column"]).is_in(list(kw["value_set"]))).fill_null(False).sum(),
    "ExpectCompoundColumnsToBeUnique": lambda kw: pl.struct(kw["column_list"]).is_duplicated().sum(),
    "ExpectTableRowCountToEqual": lambda kw: (pl.len() != kw["value"]).cast(pl.UInt32),
}
# Judged on the whole table, never on a sample.
_TABLE_LEVEL = {"ExpectTableRowCountToEqual"}


def _full_table_checks(df: pl.DataFrame, expectations: Sequence[Expectation]) -> list[dict]:
    """Every expectation Polars can express, over every row (vectorised), beside a sampled GX run."""
    todo = [(name, kw) for name, kw in expectations if name in _FULL_TABLE]
    if not todo:
        return []
    counts = df.select(_FULL_TABLE[n](kw).alias(str(i)) for i, (n, kw) in enumerate(todo)).row(0)
    return [{"expectation": f"{n} (polars, all {df.height} rows)", "column": kw.get("column") or kw.get("column_list"),
             "success": k == 0, "unexpected": int(k), "observed": None, "examples": []}
            for (n, kw), k in zip(todo, counts)]


def _markdown(rows: list[dict]) -> str:
    lines = ["| expectation | column | ok | unexpected | observed / examples |", "|---|---|---|---|---|"]
    for r in rows:
        extra = r["observed"] if r["observed"] is not None else r["examples"]
        lines.append(f"| {r['expectation']} | {r['column']} | {'✅' if r['success'] else '❌'} | {r['unexpected']} | {extra} |")
    return "\n".join(lines)


if __name__ == "__main__":
    serve()
