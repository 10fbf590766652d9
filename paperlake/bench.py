"""`paperlake bench`: end-to-end timings on synthetic corpora, beside the I/O floor.

Each step runs in its own process (so the job's peak memory is its own): generate a synthetic
corpus of dumps, measure the I/O floor (read every dump and write its lines once as a
Delta table; three times by default, the median is reported), run the full Dagster job
in-process into a fresh warehouse (per-stage wall time from Dagster's step stats), then land
one more dump of the same corpus (250 listings, some re-listing papers already in the
warehouse) and time the incremental run, three times from the same full-run state by default
(the median is reported, beside every run). ``--days N`` then lands N more dumps one run at a
time in that warehouse (a run per day: how its runs age as the tables' logs grow). With
``--baseline`` the hand-written reference pipeline (``scripts/baseline_pipeline.py``: plain
Python, pandas, datasketch, regex) runs on the same corpus in the same bench, so the ratio is
measured side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

DEFAULT_SIZES = (10_000, 140_000, 1_000_000)


def io_floor(landing: Path, target: Path) -> dict:
    """Read every dump and write its lines once as a Delta table: the floor any pipeline pays."""
    from deltalake import write_deltalake

    t0 = time.perf_counter()
    files = sorted(p for p in landing.iterdir() if p.is_file())
    texts = [p.read_bytes().decode("utf-8", errors="replace") for p in files]
    nbytes = sum(len(t) for t in texts)
    df = (
        pl.DataFrame({"file_name": [p.name for p in files], "text": texts})
        .with_columns(pl.col("text").str.split("\n"))
        .explode("text")
    )
    write_deltalake(str(target), df.to_arrow(), mode="overwrite")
    return {"seconds": time.perf_counter() - t0, "bytes": nbytes, "lines": df.height}


def run_job(landing: Path, warehouse: Path, dagster_home: Path | None = None) -> dict:
    """Run the main job in-process; return wall time and per-step seconds. ``dagster_home``: a
    SQLite instance there with the project's dagster.yaml, as `paperlake run` uses; None: an
    in-memory instance (Dagster's event storage left out)."""
    os.environ["PAPERLAKE_LANDING"] = str(landing)
    os.environ["PAPERLAKE_WAREHOUSE"] = str(warehouse)
    from paperlake.cli import prepare_dagster_home, start_helper_processes

    if dagster_home is not None:
        os.environ["DAGSTER_HOME"] = str(dagster_home)
        prepare_dagster_home()
    start_helper_processes()  # as `paperlake run`
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.jobs import MAIN_JOB
    from pipelines.landing import plan_landing_run

    job = defs.resolve_job_def(MAIN_JOB)
    with (dg.DagsterInstance.get() if dagster_home is not None else dg.DagsterInstance.ephemeral()) as instance:
        t0 = time.perf_counter()
        _keys, _new, partition = plan_landing_run(instance, landing, warehouse)  # as `paperlake run`
        result = job.execute_in_process(
            instance=instance,
            partition_key=partition,
            run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
            raise_on_error=False,
        )
        wall = time.perf_counter() - t0
        steps = {s.step_key: round(s.end_time - s.start_time, 3) for s in instance.get_run_step_stats(result.run_id)
                 if s.end_time and s.start_time}
    return {"seconds": wall, "success": result.success, "steps": steps}


def run_baseline(landing: Path, out: Path) -> dict:
    """The hand-written reference pipeline, in its own process (its peak memory is its own)."""
    script = Path(__file__).resolve().parents[1] / "scripts" / "baseline_pipeline.py"
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, str(script), "--landing", str(landing), "--out", str(out)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return {"wall_s": wall, **json.loads(done.stdout.strip().splitlines()[-1])}


def _rss_mb(pid: int | str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) // 1024
    except (OSError, StopIteration, ValueError):
        return 0


def _children(pid: int) -> list[int]:
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


class TreeRss:
    """Peak total RSS of this process plus its worker processes, sampled every 0.2 s from
    /proc (ru_maxrss of children is no use here: a spawned child counts its parent's pages
    between fork and exec). A thread that only reads /proc: no imports race with the job."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, _rss_mb(me) + sum(_rss_mb(c) for c in _children(me)))

    def __enter__(self) -> "TreeRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _peak_rss() -> dict:
    """Peak RSS of this process (its own pages only)."""
    return {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def _step(*args: str) -> dict:
    """One bench step in a fresh process (``python -m paperlake.bench --step ...``), so that its
    peak memory is its own (not the corpus generator's)."""
    done = subprocess.run([sys.executable, "-m", "paperlake.bench", "--step", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bench step {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _generate(n: int, seed: int, out: Path, per_dump: int | None = None) -> dict:
    from paperlake.synthetic import generate_corpus

    kwargs = {"per_dump": per_dump} if per_dump else {}
    corpus = generate_corpus(n, seed=seed, out_dir=out, **kwargs)
    if corpus.truth_path:
        shutil.move(str(corpus.truth_path), out.parent / f"truth-{out.name}.csv")
    return {"dumps": len(corpus.dump_files)}


def run_step(args: list[str]) -> dict:
    mode, rest = args[0], args[1:]
    if mode == "generate":
        out = _generate(int(rest[0]), int(rest[1]), Path(rest[2]), int(rest[3]) if len(rest) > 3 else None)
    elif mode == "floor":
        out = io_floor(Path(rest[0]), Path(rest[1]))
    elif mode == "job":
        with TreeRss() as tree:
            out = run_job(Path(rest[0]), Path(rest[1]), Path(rest[2]) if len(rest) > 2 else None)
        out["peak_tree_rss_mb"] = tree.peak
    else:
        raise ValueError(f"unknown bench step {mode}")
    return {**out, **_peak_rss()}


def _incremental_runs(landing: Path, workdir: Path, home: list[str], repeats: int) -> tuple[dict, float]:
    """The incremental run ``repeats`` times, each from the same full-run state (copies; the last
    one in place): the VM's speed drifts run to run, so the median is reported beside them all."""
    wh, runs = workdir / "warehouse", []
    for i in range(repeats):
        last = i == repeats - 1
        target, target_home = wh, home
        if not last:
            target = workdir / f"incremental-{i}" / "warehouse"
            shutil.copytree(wh, target)
            if home:
                target_home = [str(target.parent / "dagster_home")]
                shutil.copytree(home[0], target_home[0])
        t0 = time.perf_counter()
        out = _step("job", str(landing), str(target), *target_home)
        runs.append((out["seconds"], time.perf_counter() - t0, out))
        if not last:
            shutil.rmtree(target.parent, ignore_errors=True)
    _, process_s, median = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    median = {**median, "all_seconds": [round(r[0], 2) for r in runs],
              "success": all(r[2]["success"] for r in runs)}
    return median, process_s


def _daily_runs(landing: Path, days: list[Path], warehouse: Path, home: list[str]) -> list[float]:
    """One run per held-out dump, each landed the day after the last, in the same warehouse (a new
    process per run, as a daily schedule or cron starts it): how runs age as the tables' logs grow."""
    seconds = []
    for dump in days:
        shutil.move(dump, landing / dump.name)
        out = _step("job", str(landing), str(warehouse), *home)
        if not out.get("success"):
            raise RuntimeError(f"daily run of {dump.name} failed")
        seconds.append(round(out["seconds"], 2))
    return seconds


def bench_one(n: int, workdir: Path, seed: int = 7, baseline: bool = False, instance: str = "sqlite",
              repeats: int = 3, days: int = 0, floor_repeats: int = 3) -> dict:
    from paperlake.synthetic import LISTINGS_PER_DUMP

    # One corpus of n + one dump (+ one per day of --days): the full run gets the first n listings,
    # the incremental run lands the next dump, which (like a real next day) re-lists papers already
    # in the warehouse; the daily runs then land the others one at a time.
    landing = workdir / "landing"
    t0 = time.perf_counter()
    gen = _step("generate", str(n + (1 + days) * LISTINGS_PER_DUMP), str(seed), str(landing), str(LISTINGS_PER_DUMP))
    gen_s = time.perf_counter() - t0
    (workdir / "increment").mkdir()
    held = sorted(p for p in landing.iterdir() if p.suffix == ".txt")[-(1 + days):]
    for p in held:
        shutil.move(p, workdir / "increment" / p.name)
    held_out, daily = workdir / "increment" / held[0].name, [workdir / "increment" / p.name for p in held[1:]]
    # the floor varies run to run as much as the job (the VM's I/O): the median of floor_repeats runs
    floors = []
    for i in range(floor_repeats):
        floors.append(_step("floor", str(landing), str(workdir / f"floor-{i}")))
        shutil.rmtree(workdir / f"floor-{i}", ignore_errors=True)
    floor = sorted(floors, key=lambda f: f["seconds"])[len(floors) // 2]
    home = [str(workdir / "dagster_home")] if instance == "sqlite" else []  # one instance for both runs
    t0 = time.perf_counter()
    full = _step("job", str(landing), str(workdir / "warehouse"), *home)
    full_process_s = time.perf_counter() - t0  # + interpreter start, imports, definitions load
    base = run_baseline(landing, workdir / "baseline") if baseline else None

    shutil.move(held_out, landing / held_out.name)
    incr, incr_process_s = _incremental_runs(landing, workdir, home, repeats)
    papers = pl.scan_delta(str(workdir / "warehouse" / "silver" / "papers")).select(pl.len()).collect().item()
    daily_s = _daily_runs(landing, daily, workdir / "warehouse", home) if daily else []
    baseline_fields = {}
    if base is not None:
        # Both timings leave out interpreter start-up and top-level imports (the job's GX import is in).
        baseline_fields = {"baseline_s": round(base["seconds"], 2), "baseline_process_s": round(base["wall_s"], 2),
                           "baseline_stages_s": base.get("stages_s"),
                           "speedup_vs_baseline": round(base["seconds"] / full["seconds"], 2)} if "wall_s" in base else {
                           "baseline_error": base["error"]}
    return {
        "listings": n,
        "instance": instance,
        "papers": papers,
        "dumps": gen["dumps"] - 1 - days,  # in the full run
        "generate_s": round(gen_s, 2),
        "io_floor_s": round(floor["seconds"], 2),  # median of the repeats
        "io_floor_runs_s": [round(f["seconds"], 2) for f in floors],
        "input_mb": round(floor["bytes"] / 1e6, 1),
        "full_run_s": round(full["seconds"], 2),
        "full_run_process_s": round(full_process_s, 2),
        "full_over_floor": round(full["seconds"] / floor["seconds"], 2),
        "listings_per_s": round(n / full["seconds"]),
        "incremental_run_s": round(incr["seconds"], 2),  # median of the repeats
        "incremental_runs_s": incr["all_seconds"],
        "incremental_share_of_full": round(incr["seconds"] / full["seconds"], 3),
        "incremental_run_process_s": round(incr_process_s, 2),
        "stages_s": full["steps"],
        "incremental_stages_s": incr["steps"],
        **({"daily_runs_s": daily_s,  # one per --days, in order, each on the warehouse the previous left
            "daily_first10_median_s": statistics.median(daily_s[:10]),
            "daily_last10_median_s": statistics.median(daily_s[-10:])} if daily_s else {}),
        "success": full["success"] and incr["success"],
        "peak_rss_mb": full["peak_rss_mb"],  # the job's process
        "peak_total_rss_mb": full["peak_tree_rss_mb"],  # the job's process + its worker processes at once
        **baseline_fields,
    }


def _child(n: int, keep: Path | None, baseline: bool = False, instance: str = "sqlite", repeats: int = 3,
           days: int = 0, floor_repeats: int = 3) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"paperlake-bench-{n}-", dir=keep))
    try:
        return bench_one(n, workdir, baseline=baseline, instance=instance, repeats=repeats, days=days,
                         floor_repeats=floor_repeats)
    except Exception as exc:  # one size failing must not lose the others' figures
        return {"listings": n, "error": str(exc)[-2000:]}
    finally:
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def format_table(rows: list[dict]) -> str:
    cols = ["listings", "papers", "input_mb", "io_floor_s", "full_run_s", "full_over_floor", "listings_per_s",
            "incremental_run_s", "incremental_share_of_full", "peak_rss_mb", "peak_total_rss_mb", "baseline_s",
            "speedup_vs_baseline"]
    lines = [" | ".join(cols), " | ".join("---" for _ in cols)]
    for r in rows:
        lines.append(" | ".join(str(r.get(c, r.get("error", "")[:40] if c == "papers" else "")) for c in cols))
    stage_lines = []
    for r in rows:
        if "stages_s" in r:
            stage_lines.append(f"{r['listings']:>9} listings: " + ", ".join(f"{k}={v}s" for k, v in r["stages_s"].items()))
        if "daily_runs_s" in r:
            stage_lines.append(f"{r['listings']:>9} listings, {len(r['daily_runs_s'])} daily runs: first ten "
                               f"{r['daily_first10_median_s']}s, last ten {r['daily_last10_median_s']}s (medians)")
    return "\n".join(lines + ["", "per-stage wall time (full run):", *stage_lines])


def register(sub) -> None:
    p = sub.add_parser("bench", help="benchmark the whole job on synthetic corpora beside the I/O floor")
    p.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated listing counts")
    p.add_argument("--json", dest="json_out", help="also write the results to this JSON file")
    p.add_argument("--keep", help="keep corpora and warehouses under this folder")
    p.add_argument("--baseline", action="store_true",
                   help="also run the hand-written reference pipeline (scripts/baseline_pipeline.py) on each corpus")
    p.add_argument("--instance", choices=["sqlite", "ephemeral"], default="sqlite",
                   help="Dagster instance of the timed runs: sqlite (as `paperlake run`: runs and events stored "
                        "in SQLite, default) or ephemeral (in memory, Dagster's event storage left out)")
    p.add_argument("--incremental-repeats", type=int, default=3,
                   help="run the incremental step this many times from the same full-run state and report the "
                        "median (the VM's speed drifts from run to run)")
    p.add_argument("--floor-repeats", type=int, default=3,
                   help="measure the I/O floor this many times and report the median (it drifts as the job does)")
    p.add_argument("--days", type=int, default=0,
                   help="then land this many more dumps one run at a time in the same warehouse (a run per "
                        "day) and report every run's time: how a warehouse used for months runs (the corpus is "
                        "generated with those dumps, so its first n listings differ from a run without --days)")
    p.set_defaults(func=cmd_bench)


def cmd_bench(args: argparse.Namespace) -> int:
    rows = []
    keep = Path(args.keep) if args.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    for n in (int(s) for s in args.sizes.split(",")):
        print(f"bench: {n} listings ...", flush=True)
        rows.append(_child(n, keep, args.baseline, args.instance, max(1, args.incremental_repeats), max(0, args.days),
                           max(1, args.floor_repeats)))
        print(json.dumps(rows[-1]), flush=True)
    print()
    print(format_table(rows))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2))
    return 0 if all(r.get("success") for r in rows) else 1


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--step", nargs="+", required=True,
                    help="generate N SEED OUT [PER_DUMP] | floor LANDING TARGET | job LANDING WAREHOUSE [DAGSTER_HOME]")
    print(json.dumps(run_step(ap.parse_args().step)))
