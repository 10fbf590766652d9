"""`paperlake` command line: run the job, open the UI, evaluate, inspect tables."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

from paperlake.settings import ENV_LANDING, ENV_WAREHOUSE, PROJECT_ROOT, landing_dir, warehouse_dir


# Further subcommands: each module has `register(subparsers)` adding its parser(s) with set_defaults(func=...).
COMMAND_MODULES: list[str] = ["paperlake.bench", "paperlake.cli_ops", "paperlake.cli_sql", "paperlake.cli_parse"]


def prepare_dagster_home() -> Path:
    """DAGSTER_HOME defaults to <project>/.dagster_home, whose dagster.yaml is the project's."""
    home = Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    cfg, src = home / "dagster.yaml", (PROJECT_ROOT / "dagster.yaml").read_text()
    if not cfg.exists() or cfg.read_text() != src:
        cfg.write_text(src)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def start_helper_processes() -> None:
    """Before importing Dagster: Great Expectations imports in its own process, and the parse /
    extraction workers start (and import) meanwhile too."""
    from paperlake import gx, parallel

    gx.start_worker()
    parallel.start_pool()


def _apply_locations(args: argparse.Namespace) -> None:
    if getattr(args, "landing", None):
        os.environ[ENV_LANDING] = str(Path(args.landing).resolve())
    if getattr(args, "warehouse", None):
        os.environ[ENV_WAREHOUSE] = str(Path(args.warehouse).resolve())


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*["-" * w for w in widths])] + [fmt.format(*map(str, r)) for r in rows])


def _write_status(md: dict) -> str:
    if md.get("published") is False:
        return "BLOCKED"
    if "delta_committed" not in md:
        return "written"  # not a Delta table (e.g. serving/duckdb, serving/report)
    return "new commit" if md["delta_committed"] else "unchanged"


def cmd_run(args: argparse.Namespace) -> int:
    """`paperlake run`: register every landed dump as a partition, then one in-process run over all."""
    _apply_locations(args)
    prepare_dagster_home()
    start = time.perf_counter()
    start_helper_processes()
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.jobs import MAIN_JOB
    from pipelines.landing import plan_landing_run
    from pipelines.recovery import held_pools, process_tags

    print(f"landing:   {landing_dir()}\nwarehouse: {warehouse_dir()}\nDAGSTER_HOME: {os.environ['DAGSTER_HOME']}")
    with dg.DagsterInstance.get() as instance:
        _fail_dead_runs(instance)
        for pool, run_ids in held_pools(instance).items():
            print(f"pool {pool} is held by run {', '.join(run_ids)}: this run's step for it waits until it is released")
        keys, new, partition = plan_landing_run(instance, landing_dir(), warehouse_dir())
        if not keys:
            print("no dumps in the landing folder: nothing to do")
            return 0
        print(f"{len(keys)} dump(s) in landing, {len(new)} not yet in bronze; partition {partition}")
        result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
            instance=instance,
            raise_on_error=False,
            partition_key=partition,
            run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
            tags=process_tags(),
        )
    elapsed = time.perf_counter() - start

    latest = {}
    for ev in result.get_asset_materialization_events():  # one event per partition for bronze
        latest[ev.event_specific_data.materialization.asset_key.to_user_string()] = ev.event_specific_data.materialization
    rows = []
    for name, mat in latest.items():
        md = {k: getattr(v, "value", v) for k, v in mat.metadata.items()}
        rows.append([
            name,
            md.get("dagster/row_count", "-"),
            md.get("delta_version", "-"),
            _write_status(md),
        ])
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed]
    print(_table(rows, ["table", "rows", "delta version", "write"]))
    print(f"\nchecks: {len(checks) - len(failed)} passed, {len(failed)} failed")
    for c in failed:
        print(f"  FAILED [{c.severity.value}] {c.asset_key.to_user_string()} :: {c.check_name}")
    print(f"run {result.run_id}: {'SUCCESS' if result.success else 'FAILURE'} in {elapsed:.1f}s")
    errors = [c for c in failed if c.severity.value == "ERROR"]
    return 0 if result.success and not errors else 1


def _fail_dead_runs(instance) -> None:
    """Fail the runs of killed `paperlake run` processes and free their pool slots (pipelines.recovery)."""
    from pipelines.recovery import fail_dead_runs

    for run_id in fail_dead_runs(instance):
        print(f"run {run_id}: its process is gone (killed?); marked failed, its pool slots released")


def cmd_ui(args: argparse.Namespace) -> int:
    _apply_locations(args)
    prepare_dagster_home()
    import dagster as dg

    with dg.DagsterInstance.get() as instance:  # runs started from the UI would wait for their slots too
        _fail_dead_runs(instance)
    bindir = Path(sys.executable).parent
    cmd = [str(bindir / "dagster"), "dev", "-m", "pipelines.definitions", "-h", args.host, "-p", str(args.port)]
    print("starting:", " ".join(cmd), flush=True)
    os.chdir(PROJECT_ROOT)
    os.execv(cmd[0], cmd)
    return 0  # not reached


def cmd_evaluate(args: argparse.Namespace) -> int:
    _apply_locations(args)
    from paperlake import evaluation
    from paperlake.delta import DeltaStore

    store = DeltaStore(warehouse_dir())
    tables = ("silver/papers", "silver/paper_topics", "silver/paper_metrics")
    if not all(store.exists(t) for t in tables):
        print(f"error: no silver tables under {store.root}: run `paperlake run` first", file=sys.stderr)
        return 2
    try:
        result = evaluation.evaluate_warehouse(args.gold, *(store.read(t) for t in tables), missing=args.missing)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(evaluation.format_report(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paperlake", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def locations(p: argparse.ArgumentParser, landing: bool = True) -> None:
        if landing:
            p.add_argument("--landing", help=f"folder of raw dumps (env {ENV_LANDING}; default: bundled samples)")
        p.add_argument("--warehouse", help=f"Delta table root (env {ENV_WAREHOUSE}; default: warehouse/ in the project folder)")

    p = sub.add_parser("run", help="materialize every table (bronze -> silver -> gold) and print a summary")
    locations(p)
    p.add_argument("--log-level", default="WARNING", help="Dagster console log level (default WARNING)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("ui", help="start the Dagster UI on this project")
    locations(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=cmd_ui)

    p = sub.add_parser("evaluate", help="score the warehouse's topics and metrics against a labelled JSON file")
    p.add_argument("gold", help="labelled papers in the annotation-guidelines format")
    p.add_argument("--missing", choices=["skip", "text"], default="skip",
                   help="labelled papers the warehouse does not hold: left out and listed (skip, default), or "
                        "tagged and extracted from the file's own title and abstract (text)")
    locations(p, landing=False)
    p.set_defaults(func=cmd_evaluate)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
