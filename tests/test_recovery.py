"""A `paperlake run` killed inside a step leaves a STARTED run holding its Delta table's pool
slot; the next `paperlake run` fails that run and frees the slot instead of waiting forever."""

import shutil
import subprocess
import sys
import uuid

import dagster as dg
from dagster._core.storage.dagster_run import DagsterRun

from paperlake.cli import prepare_dagster_home
from paperlake.ops import writer_pool
from paperlake.settings import PROJECT_ROOT, SAMPLE_DUMPS
from pipelines.recovery import HOST_TAG, PID_TAG, fail_dead_runs, held_pools, process_tags

BRONZE_POOL = writer_pool("bronze/raw_dumps")


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _stale_run(instance: dg.DagsterInstance, tags: dict[str, str]) -> str:
    """A STARTED run that claimed the bronze pool's slot, as a killed `paperlake run` leaves it."""
    run_id = str(uuid.uuid4())
    instance.add_run(DagsterRun(job_name="paperlake_job", run_id=run_id, status=dg.DagsterRunStatus.STARTED,
                                tags=tags))
    instance.event_log_storage.initialize_concurrency_limit_to_default(BRONZE_POOL)
    instance.event_log_storage.claim_concurrency_slot(BRONZE_POOL, run_id, "bronze_ingest")  # or queued behind
    return run_id


def _home(tmp_path, monkeypatch) -> None:
    """A fresh DAGSTER_HOME with the project's dagster.yaml, as `paperlake run` prepares it."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    prepare_dagster_home()


def test_runs_of_dead_processes_are_failed_and_free_their_slots(tmp_path, monkeypatch):
    _home(tmp_path, monkeypatch)
    with dg.DagsterInstance.get() as instance:
        dead = _stale_run(instance, {**process_tags(), PID_TAG: str(_dead_pid())})
        alive = _stale_run(instance, process_tags())  # this process: still running
        elsewhere = _stale_run(instance, {PID_TAG: str(_dead_pid()), HOST_TAG: "another-host"})
        untagged = _stale_run(instance, {})  # not executed by `paperlake run`: left to run monitoring
        assert held_pools(instance) == {BRONZE_POOL: [dead]}  # the others queue behind it
        assert fail_dead_runs(instance) == [dead]
        assert held_pools(instance) == {}
        assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
        for run_id in (alive, elsewhere, untagged):
            assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED
        assert dead not in instance.event_log_storage.get_concurrency_run_ids()
        assert fail_dead_runs(instance) == []


def test_paperlake_run_after_a_killed_run_does_not_wait_for_its_slot(tmp_path, monkeypatch):
    _home(tmp_path, monkeypatch)
    landing = tmp_path / "landing"
    landing.mkdir()
    shutil.copy(sorted(SAMPLE_DUMPS.iterdir())[0], landing)
    with dg.DagsterInstance.get() as instance:
        stale = _stale_run(instance, {**process_tags(), PID_TAG: str(_dead_pid())})
        assert instance.event_log_storage.get_concurrency_info(BRONZE_POOL).claimed_slots  # the slot is held
    code = ("import sys; from paperlake.cli import main; "
            f"sys.exit(main(['run', '--landing', {str(landing)!r}, '--warehouse', {str(tmp_path / 'wh')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=240)  # without the recovery: waits for the dead run's slot forever
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"run {stale}: its process is gone" in done.stdout and "SUCCESS" in done.stdout


def test_paperlake_ui_fails_dead_runs_before_starting(tmp_path, monkeypatch, capsys):
    from paperlake import cli

    _home(tmp_path, monkeypatch)
    with dg.DagsterInstance.get() as instance:
        stale = _stale_run(instance, {**process_tags(), PID_TAG: str(_dead_pid())})

    class Started(Exception):
        pass

    def execv(path, argv):
        raise Started(argv)

    monkeypatch.setattr(cli.os, "execv", execv)
    monkeypatch.chdir(tmp_path)  # cmd_ui changes into the project folder; come back after
    try:
        cli.main(["ui", "--warehouse", str(tmp_path / "wh")])
    except Started as started:
        assert "dev" in started.args[0]
    assert f"run {stale}: its process is gone" in capsys.readouterr().out
    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_by_id(stale).status == dg.DagsterRunStatus.FAILURE
