"""The landing sensor: cursor, re-drops, partial files, atomic partitions + run requests; schedules."""

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from paperlake.settings import SAMPLE_DUMPS
from pipelines.definitions import defs
from pipelines.jobs import INGEST_JOB, MAINTAINED_TABLES, REFRESH_JOB
from pipelines.landing import (
    DUMPS_PARTITIONS,
    FILE_TAG,
    Cursor,
    batch_partition,
    dump_key,
    locate,
    scan_landing,
    sha256_file,
)
from pipelines.resources import LandingZoneResource, WarehouseResource
from pipelines.schedules import gold_daily_refresh, maintenance_schedules
from pipelines.sensors import landing_sensor

SAMPLES = sorted(SAMPLE_DUMPS.iterdir())


def _tick(instance, landing, cursor=None, settle=0.0, max_new=50, warehouse=None):
    ctx = dg.build_sensor_context(
        instance=instance, cursor=cursor,
        resources={"landing": LandingZoneResource(root=str(landing), settle_seconds=settle, max_new_per_tick=max_new),
                   "warehouse": WarehouseResource(root=str(warehouse or Path(landing).parent / "wh"))},
    )
    result = landing_sensor(ctx)
    # What the daemon does with the tick result: register partitions (runs are launched from requests).
    for req in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(req.partitions_def_name, list(req.partition_keys))
    return result


def _skip(result) -> str:
    return result.skip_reason.skip_message if result.skip_reason else ""


@pytest.fixture
def instance():
    with dg.instance_for_test() as inst:
        yield inst


def test_new_dumps_become_partitions_and_runs_in_one_tick(instance, tmp_path):
    for p in SAMPLES[:2]:
        shutil.copy(p, tmp_path / p.name)
    result = _tick(instance, tmp_path)
    keys = sorted(dump_key(sha256_file(p)) for p in SAMPLES[:2])
    [add] = result.dynamic_partitions_requests
    assert add.partitions_def_name == DUMPS_PARTITIONS and sorted(add.partition_keys) == keys
    assert sorted(r.partition_key for r in result.run_requests) == keys
    assert all(r.run_key == r.partition_key for r in result.run_requests)  # a lost cursor cannot relaunch
    assert {r.tags[FILE_TAG] for r in result.run_requests} == {p.name for p in SAMPLES[:2]}
    assert result.run_requests[0].job_name in (None, INGEST_JOB)
    assert sorted(instance.get_dynamic_partitions(DUMPS_PARTITIONS)) == keys

    # Nothing new: skipped with a reason, cursor unchanged.
    again = _tick(instance, tmp_path, result.cursor)
    assert not again.run_requests and "no file landed since the last tick" in _skip(again)
    assert again.cursor == result.cursor

    # A third dump lands later: only it is requested.
    shutil.copy(SAMPLES[2], tmp_path / SAMPLES[2].name)
    third = _tick(instance, tmp_path, again.cursor)
    assert [r.partition_key for r in third.run_requests] == [dump_key(sha256_file(SAMPLES[2]))]


def test_redropped_or_renamed_identical_file_adds_nothing(instance, tmp_path):
    shutil.copy(SAMPLES[0], tmp_path / SAMPLES[0].name)
    first = _tick(instance, tmp_path)
    assert len(first.run_requests) == 1
    shutil.copy(SAMPLES[0], tmp_path / "renamed.txt")  # renamed copy
    (tmp_path / SAMPLES[0].name).write_bytes(SAMPLES[0].read_bytes())  # same name, dropped again
    shutil.copy2(SAMPLES[0], tmp_path / "preserved_mtime.txt")  # cp -p: old mtime, new ctime
    second = _tick(instance, tmp_path, first.cursor)
    assert not second.run_requests and not second.dynamic_partitions_requests
    msg = _skip(second)
    assert "3 re-dropped file(s) of known dumps" in msg and "renamed.txt" in msg
    assert len(instance.get_dynamic_partitions(DUMPS_PARTITIONS)) == 1
    # Even with the cursor lost, a re-drop registers nothing new.
    lost = _tick(instance, tmp_path, None)
    assert not lost.run_requests


def test_identical_files_landing_together_are_one_dump(instance, tmp_path):
    shutil.copy(SAMPLES[1], tmp_path / "a.txt")
    shutil.copy(SAMPLES[1], tmp_path / "b.txt")
    result = _tick(instance, tmp_path)
    assert len(result.run_requests) == 1 and len(instance.get_dynamic_partitions(DUMPS_PARTITIONS)) == 1


def test_dumps_ingested_by_a_batch_run_are_known_to_the_sensor(instance, tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    for p in SAMPLES[:2]:
        shutil.copy(p, landing / p.name)
    batch_partition(tmp_path / "wh", [dump_key(sha256_file(p)) for p in SAMPLES[:2]])  # as `paperlake run` does
    shutil.copy(SAMPLES[2], landing / SAMPLES[2].name)
    result = _tick(instance, landing, warehouse=tmp_path / "wh")
    assert [r.partition_key for r in result.run_requests] == [dump_key(sha256_file(SAMPLES[2]))]


def test_partial_files_are_not_picked_up_early(instance, tmp_path):
    # Temporary names of copy tools and hidden files are ignored until renamed.
    (tmp_path / "big.txt.part").write_bytes(SAMPLES[0].read_bytes()[:1000])
    (tmp_path / ".big.txt.X1b2").write_bytes(SAMPLES[0].read_bytes()[:1000])
    r0 = _tick(instance, tmp_path)
    assert not r0.run_requests and "0 file(s) in landing" in _skip(r0)

    # A file still being written (modified within the settle window) waits.
    target = tmp_path / "big.txt"
    with open(target, "wb") as f:
        f.write(SAMPLES[0].read_bytes()[:50_000])
    r1 = _tick(instance, tmp_path, r0.cursor, settle=1.0)
    assert not r1.run_requests and "still being written" in _skip(r1) and "big.txt" in _skip(r1)
    assert not instance.get_dynamic_partitions(DUMPS_PARTITIONS)
    with open(target, "ab") as f:  # the copy goes on...
        f.write(SAMPLES[0].read_bytes()[50_000:])
    r2 = _tick(instance, tmp_path, r1.cursor, settle=1.0)
    assert not r2.run_requests
    time.sleep(1.1)  # ... and is quiet for the settle window: exactly the complete file is taken
    r3 = _tick(instance, tmp_path, r2.cursor, settle=1.0)
    assert [r.partition_key for r in r3.run_requests] == [dump_key(sha256_file(SAMPLES[0]))]
    # The .part file is renamed to its final name: a new file, seen once settled.
    os.rename(tmp_path / "big.txt.part", tmp_path / "head.txt")
    r4 = _tick(instance, tmp_path, r3.cursor, settle=0.0)
    assert len(r4.run_requests) == 1 and r4.run_requests[0].tags[FILE_TAG] == "head.txt"


def test_scan_cursor_handles_ties_and_per_tick_cap(tmp_path, monkeypatch):
    import pipelines.landing as landing

    for i in range(5):
        (tmp_path / f"f{i}.txt").write_text(f"dump {i}")
    # Coarse file-system clocks: every file landed at the same instant.
    monkeypatch.setattr(landing, "list_landing",
                        lambda root: [landing.Entry(f"f{i}.txt", 6, 1_000) for i in range(5)])
    seen, cursor = [], Cursor()
    for _ in range(4):
        s = scan_landing(tmp_path, cursor, is_known=lambda k: False, settle_seconds=0, max_new=2, now_ns=10**12)
        seen += [n for n, _ in s.new.values()]
        cursor = s.cursor
    assert seen == [f"f{i}.txt" for i in range(5)]  # each exactly once, none lost at the cap
    assert cursor == Cursor(1_000, tuple(f"f{i}.txt" for i in range(5)))


def test_cursor_stays_small_and_tick_is_fast_as_folder_grows(instance, tmp_path):
    n = 2000
    for i in range(n):
        (tmp_path / f"dump_{i:05d}.txt").write_text(f"listing page {i}\n")
    t0 = time.perf_counter()
    first = _tick(instance, tmp_path, max_new=n)
    first_s = time.perf_counter() - t0
    assert len(first.run_requests) == n
    t0 = time.perf_counter()
    idle = _tick(instance, tmp_path, first.cursor)
    idle_s = time.perf_counter() - t0
    assert not idle.run_requests
    (tmp_path / "late.txt").write_text("a late dump\n")
    t0 = time.perf_counter()
    late = _tick(instance, tmp_path, idle.cursor)
    late_s = time.perf_counter() - t0
    assert [r.tags[FILE_TAG] for r in late.run_requests] == ["late.txt"]
    for c in (first.cursor, idle.cursor, late.cursor):
        assert len(c) < 200, c
    print(f"\nsensor tick with {n} files: first {first_s:.2f}s, idle {idle_s:.3f}s, one new file {late_s:.3f}s")
    assert idle_s < 2.0 and late_s < 2.0


def test_locate_finds_a_dump_by_hash(tmp_path):
    shutil.copy(SAMPLES[0], tmp_path / "x.txt")
    shutil.copy(SAMPLES[0], tmp_path / "y.txt")
    shutil.copy(SAMPLES[1], tmp_path / "z.txt")
    key = dump_key(sha256_file(SAMPLES[0]))
    # With a correct hint only that file is read; without, the folder is searched.
    assert [n for n, _ in locate(tmp_path, [key], hints=["x.txt"])[key]] == ["x.txt"]
    assert [n for n, _ in locate(tmp_path, [key], hints=["z.txt"])[key]] == ["x.txt", "y.txt"]
    assert locate(tmp_path, ["0" * 16]) == {}


def test_schedules_request_the_right_runs():
    when = dt.datetime(2026, 1, 2, 5, 0, tzinfo=dt.UTC)
    ctx = dg.build_schedule_context(scheduled_execution_time=when)
    [req] = gold_daily_refresh.evaluate_tick(ctx).run_requests
    assert gold_daily_refresh.job_name == REFRESH_JOB and req.partition_key is None
    refresh = defs.resolve_job_def(REFRESH_JOB)
    selected = {k.to_user_string() for k in refresh.asset_layer.selected_asset_keys}
    assert {"silver/papers", "gold/paper_catalog"} <= selected and not any(k.startswith("bronze/") for k in selected)

    assert len(maintenance_schedules) == len(MAINTAINED_TABLES) >= 10
    assert len({s.cron_schedule for s in maintenance_schedules}) == len(maintenance_schedules)
    for s in maintenance_schedules:
        [req] = s.evaluate_tick(ctx).run_requests
        assert s.job_name.startswith("maintain__")
    names = {s.name for s in defs.schedules}
    assert "gold_daily_refresh" in names and {s.name for s in maintenance_schedules} <= names


def test_dumps_in_subfolders_are_seen_like_top_level_ones(instance, tmp_path):
    landing, outside = tmp_path / "landing", tmp_path / "outside"
    (outside / "batch").mkdir(parents=True)
    shutil.copy(SAMPLES[2], outside / "batch" / "old.txt")  # written before anything landed
    time.sleep(0.05)
    (landing / "sub dir").mkdir(parents=True)
    (landing / ".hidden").mkdir()
    (landing / "copying.part").mkdir()
    shutil.copy(SAMPLES[0], landing / "sub dir" / "inner.txt")
    shutil.copy(SAMPLES[1], landing / ".hidden" / "a.txt")  # hidden and temporary folders are skipped
    shutil.copy(SAMPLES[1], landing / "copying.part" / "a.txt")
    first = _tick(instance, landing)
    assert [r.tags[FILE_TAG] for r in first.run_requests] == ["sub dir/inner.txt"]
    assert locate(landing, [first.run_requests[0].partition_key], hints=["sub dir/inner.txt"])  # the run finds it
    # A folder moved in keeps its files' times (older than the cursor): seen all the same.
    os.rename(outside / "batch", landing / "sub dir" / "batch")
    moved = _tick(instance, landing, first.cursor)
    assert [r.tags[FILE_TAG] for r in moved.run_requests] == ["sub dir/batch/old.txt"]
