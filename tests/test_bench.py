"""`paperlake bench` end to end on a tiny corpus: every figure is produced, side by side."""

import json

import pytest

from paperlake import cli


@pytest.mark.slow
def test_bench_reports_floor_full_incremental_and_baseline(tmp_path, capsys):
    pytest.importorskip("datasketch")
    out = tmp_path / "bench.json"
    assert cli.main(["bench", "--sizes", "600", "--baseline", "--json", str(out), "--keep", str(tmp_path / "keep"),
                     "--incremental-repeats", "2", "--days", "2"]) == 0
    [row] = json.loads(out.read_text())
    assert row["success"] and row["listings"] == 600 and 0 < row["papers"] < 600 + 250  # full + incremental run
    assert row["io_floor_s"] > 0 and row["full_run_process_s"] > row["full_run_s"] > row["io_floor_s"]
    assert len(row["io_floor_runs_s"]) == 3 and sorted(row["io_floor_runs_s"])[1] == row["io_floor_s"]
    assert row["incremental_run_s"] > 0 and row["stages_s"]["bronze_ingest"] > 0
    assert len(row["incremental_runs_s"]) == 2 and row["incremental_run_s"] in row["incremental_runs_s"]
    assert len(row["daily_runs_s"]) == 2 and all(s > 0 for s in row["daily_runs_s"])
    assert row["daily_last10_median_s"] == pytest.approx(sum(row["daily_runs_s"]) / 2)
    assert row["baseline_s"] > 0 and row["speedup_vs_baseline"] == pytest.approx(row["baseline_s"] / row["full_run_s"], rel=0.02, abs=0.01)
    assert row["peak_rss_mb"] > 100 and row["peak_total_rss_mb"] >= 0.9 * row["peak_rss_mb"]
    assert "speedup_vs_baseline" in capsys.readouterr().out
    # both timed runs stored their runs in one SQLite instance, as `paperlake run` does
    [workdir] = (tmp_path / "keep").iterdir()
    assert row["instance"] == "sqlite"
    assert len(list((workdir / "dagster_home" / "history" / "runs").glob("*-*.db"))) == 2 + 2  # + the daily runs
    assert not list(workdir.glob("incremental-*")) and not list(workdir.glob("floor-*"))  # repeats' copies removed
    import polars as pl  # the daily runs landed their dumps in the full run's warehouse, one per run

    assert pl.read_delta(str(workdir / "warehouse" / "bronze" / "raw_dumps")).height == row["dumps"] + 1 + 2
