"""The production instance profile (deploy/dagster-postgres.yaml) on a throwaway PostgreSQL 15
cluster on loopback: runs, events, sensor cursor, dynamic partitions and pools live in Postgres."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from paperlake.settings import PROJECT_ROOT, SAMPLE_DUMPS

pytestmark = pytest.mark.slow

PG_BIN = Path(os.environ.get("PAPERLAKE_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def throwaway_cluster(base: Path):
    """initdb + pg_ctl start on 127.0.0.1:<free port>; as the `postgres` user when run as root."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN}")
    data, sock = base / "pgdata", base / "pgsock"
    sock.mkdir(parents=True)
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    port = _free_port()

    def run(*cmd):
        r = subprocess.run([*as_user, *map(str, cmd)], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, (cmd, r.stdout, r.stderr)
        return r

    run(PG_BIN / "initdb", "-D", data, "-U", "paperlake", "--auth=trust", "-E", "UTF8", "--no-sync")
    run(PG_BIN / "pg_ctl", "-D", data, "-l", base / "pg.log", "-w", "-t", "60", "start", "-o",
        f"-h 127.0.0.1 -p {port} -k {sock} -c max_connections=60 -c fsync=off")
    try:
        run(PG_BIN / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "paperlake", "dagster")
        yield port
    finally:
        subprocess.run([*as_user, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)


def test_postgres_profile_runs_the_pipeline(tmp_path, monkeypatch):
    # Outside pytest's private (0700, root-owned) tmp tree: the `postgres` user must reach it.
    base = Path(tempfile.mkdtemp(prefix="paperlake-pg-"))
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, base, ignore_errors=True)
        port = stack.enter_context(throwaway_cluster(base))
        _exercise_profile(tmp_path, monkeypatch, port)


def _exercise_profile(tmp_path, monkeypatch, port):
    if True:
        home = tmp_path / "dagster_home"
        home.mkdir()
        shutil.copy(PROJECT_ROOT / "deploy" / "dagster-postgres.yaml", home / "dagster.yaml")
        landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
        landing.mkdir()
        first = sorted(SAMPLE_DUMPS.iterdir())[0]
        shutil.copy(first, landing / first.name)
        env = {"DAGSTER_HOME": str(home), "PAPERLAKE_PG_HOST": "127.0.0.1", "PAPERLAKE_PG_PORT": str(port),
               "PAPERLAKE_PG_DB": "dagster", "PAPERLAKE_PG_USER": "paperlake", "PAPERLAKE_PG_PASSWORD": "",
               "PAPERLAKE_LANDING": str(landing), "PAPERLAKE_WAREHOUSE": str(warehouse)}
        for k, v in env.items():
            monkeypatch.setenv(k, v)

        import dagster as dg

        try:
            from dagster_postgres import DagsterPostgresStorage
        except ImportError:
            pytest.fail('dagster-postgres is missing: install the extra, `pip install -e ".[test,postgres]"`')

        from pipelines.definitions import defs
        from pipelines.jobs import INGEST_JOB
        from pipelines.landing import DUMPS_PARTITIONS
        from pipelines.resources import LandingZoneResource, WarehouseResource
        from pipelines.sensors import landing_sensor

        with dg.DagsterInstance.get() as instance:
            assert "postgres" in type(instance.run_storage).__name__.lower(), type(instance.run_storage)
            assert DagsterPostgresStorage
            # Sensor tick against Postgres-backed storage: register the partition, request the run.
            ctx = dg.build_sensor_context(instance=instance, resources={
                "landing": LandingZoneResource(root=str(landing), settle_seconds=0),
                "warehouse": WarehouseResource(root=str(warehouse))})
            tick = landing_sensor(ctx)
            [req] = tick.run_requests
            instance.add_dynamic_partitions(DUMPS_PARTITIONS, [req.partition_key])
            t0 = time.perf_counter()
            result = defs.resolve_job_def(INGEST_JOB).execute_in_process(
                instance=instance, partition_key=req.partition_key, tags=req.tags, raise_on_error=False)
            elapsed = time.perf_counter() - t0
            assert result.success
            print(f"\ningest run on the Postgres profile: {elapsed:.1f}s")
            run = instance.get_run_by_id(result.run_id)
            assert run.status == dg.DagsterRunStatus.SUCCESS and run.tags["dagster/partition"] == req.partition_key
            mat = instance.get_latest_materialization_event(dg.AssetKey(["gold", "paper_catalog"]))
            assert mat.asset_materialization.metadata["delta_version"].value == 0
            assert instance.get_dynamic_partitions(DUMPS_PARTITIONS) == [req.partition_key]
            # Pools are enforced through the Postgres concurrency tables.
            info = instance.event_log_storage.get_concurrency_info("delta/bronze/raw_dumps")
            assert info.slot_count == 1 and info.active_slot_count == 0

        import psycopg2

        with contextlib.closing(psycopg2.connect(host="127.0.0.1", port=port, user="paperlake", dbname="dagster")) as c:
            cur = c.cursor()
            cur.execute("select count(*) from runs")
            assert cur.fetchone()[0] == 1
            cur.execute("select count(*) from dynamic_partitions")
            assert cur.fetchone()[0] == 1
