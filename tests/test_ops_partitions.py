"""Bronze partitions: one run per dump parses exactly that dump; a backfill of every partition,
one dump at a time, rebuilds the same warehouse as the all-in-one run."""

import shutil

import dagster as dg
import polars as pl
import pytest

from paperlake.delta import DeltaStore
from paperlake.settings import SAMPLE_DUMPS
from pipelines.definitions import defs
from pipelines.jobs import DOWNSTREAM_OF_BRONZE
from pipelines.landing import (
    DUMPS_PARTITIONS,
    FILE_TAG,
    dump_key,
    dump_keys_of,
    range_tags,
    register_landing,
    sha256_file,
)
from pipelines.resources import GreatExpectationsResource, LandingZoneResource, TaxonomyResource, WarehouseResource

# Columns recording *when* a dump was ingested (every timestamp column: ingested_at and what is
# derived from it) and hashes over them; dates (listing_date, ...) are compared.
WHEN = {"ingested_at", "first_seen", "row_hash"}
BRONZE = dg.AssetSelection.groups("bronze")
CORE = dg.AssetSelection.groups("bronze", "silver", "gold")


def _materialize(instance, landing, warehouse, selection, **kwargs):
    return dg.materialize(
        list(defs.assets), selection=selection, instance=instance, raise_on_error=False,
        resources={"landing": LandingZoneResource(root=str(landing)), "warehouse": WarehouseResource(root=str(warehouse)),
                   "great_expectations": GreatExpectationsResource(), "taxonomy": TaxonomyResource()},
        **kwargs,
    )


def _frames(root):
    store = DeltaStore(root)
    out = {}
    for t in store.tables():
        if t.split("/")[0] in ("bronze", "silver", "gold"):
            df = store.read(t)
            df = df.drop([c for c, t in df.schema.items() if c in WHEN or isinstance(t, pl.Datetime)])
            out[t] = df.sort(df.columns)
    return out


def test_backfill_one_dump_at_a_time_equals_the_all_in_one_run(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLE_DUMPS, landing)
    with dg.instance_for_test() as instance:
        keys = register_landing(instance, landing)
        assert len(keys) == 4 and sorted(instance.get_dynamic_partitions(DUMPS_PARTITIONS)) == keys
        assert register_landing(instance, landing) == keys  # idempotent
        full = _materialize(instance, landing, tmp_path / "full", CORE, tags=range_tags(instance, keys))
        assert full.success

        per = tmp_path / "per_dump"
        for i, key in enumerate(keys):
            name = next(p.name for p in landing.iterdir() if dump_key(sha256_file(p)) == key)
            r = _materialize(instance, landing, per, BRONZE, partition_key=key, tags={FILE_TAG: name})
            assert r.success
            raw = DeltaStore(per).read("bronze/raw_dumps")
            assert raw.height == i + 1 and dump_key(raw["dump_id"].to_list()[-1]) in keys  # exactly this dump
            [mat] = [e for e in r.get_asset_materialization_events() if e.asset_key.path == ["bronze", "raw_dumps"]]
            assert mat.partition == key
        # One partition again: nothing changes in bronze.
        versions = {t: DeltaStore(per).version(t) for t in ("bronze/raw_dumps", "bronze/listings")}
        assert _materialize(instance, landing, per, BRONZE, partition_key=keys[0]).success
        assert {t: DeltaStore(per).version(t) for t in versions} == versions
        assert _materialize(instance, landing, per, DOWNSTREAM_OF_BRONZE & CORE).success

    a, b = _frames(tmp_path / "full"), _frames(per)
    assert a.keys() == b.keys() and len(a) >= 10
    for t in a:
        diff = [c for c in a[t].columns if not a[t][c].equals(b[t][c])]
        assert not diff, (t, diff, a[t].select(diff).head(3), b[t].select(diff).head(3))


@pytest.mark.parametrize("key, message", [
    ("0123456789abcdef", "neither in the landing folder"),  # a dump partition whose file is gone
    ("batch-0123456789abcdef", "no manifest"),  # a batch partition from another warehouse
])
def test_partition_that_cannot_be_resolved_fails_clearly(tmp_path, key, message):
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(DUMPS_PARTITIONS, [key])
        r = _materialize(instance, tmp_path, tmp_path / "wh", BRONZE, partition_key=key)
        assert not r.success
        [failure] = [e for e in r.all_events if e.event_type_value == "STEP_FAILURE"]
        assert message in failure.event_specific_data.error.message


def test_bronze_partitions_and_pools_are_declared():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    bronze = graph.get(dg.AssetKey(["bronze", "raw_dumps"]))
    assert bronze.partitions_def.name == DUMPS_PARTITIONS
    pools = {n.pool for n in (a.node_def for a in defs.assets if hasattr(a, "node_def"))}
    assert {"delta/bronze/raw_dumps", "delta/silver/papers", "delta/gold"} <= pools
    assert not any(graph.get(k).partitions_def for k in graph.get_all_asset_keys() if k.path[0] in ("silver", "gold"))
    # daily freshness for what the refresh rebuilds; bronze follows the dumps that land
    fresh = {k.path[0] for k in graph.get_all_asset_keys() if graph.get(k).freshness_policy is not None}
    assert fresh == {"silver", "gold", "serving"}
    assert not any(graph.get(k).freshness_policy for k in graph.get_all_asset_keys() if k.path[0] == "bronze")
    assert pl.__version__  # polars is imported by the assets; keep the import used


def test_paperlake_run_registers_partitions_and_runs_everything_in_process(tmp_path, monkeypatch, capsys):
    from paperlake import cli

    landing = tmp_path / "landing"
    landing.mkdir()
    for p in sorted(SAMPLE_DUMPS.iterdir())[:2]:
        shutil.copy(p, landing / p.name)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    argv = ["run", "--landing", str(landing), "--warehouse", str(tmp_path / "wh")]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "2 dump(s) in landing, 2 not yet in bronze; partition batch-" in out and "SUCCESS" in out
    assert "gold/paper_catalog" in out
    with dg.DagsterInstance.get() as instance:
        [batch] = instance.get_dynamic_partitions(DUMPS_PARTITIONS)  # the two dumps are one batch partition
        [run] = instance.get_runs()
        assert run.tags["dagster/partition"] == batch
        assert sorted(dump_keys_of(tmp_path / "wh", [batch])) == sorted(dump_key(sha256_file(p)) for p in landing.iterdir())
    assert DeltaStore(tmp_path / "wh").count("bronze/raw_dumps") == 2
    # Second run: nothing new, nothing committed.
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "0 not yet in bronze" in out and "new commit" not in out and "unchanged" in out
    # A new dump gets its own partition (as from the sensor); hashed files are not read again.
    assert (tmp_path / "wh" / "_state" / "landing_hashes.json").is_file()
    shutil.copy(sorted(SAMPLE_DUMPS.iterdir())[2], landing)
    new_key = dump_key(sha256_file(sorted(SAMPLE_DUMPS.iterdir())[2]))
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert f"3 dump(s) in landing, 1 not yet in bronze; partition {new_key}" in out and "SUCCESS" in out
    assert DeltaStore(tmp_path / "wh").count("bronze/raw_dumps") == 3


def test_paperlake_run_ingests_dumps_in_subfolders(tmp_path, monkeypatch, capsys):
    from paperlake import cli

    samples = sorted(SAMPLE_DUMPS.iterdir())
    landing = tmp_path / "landing"
    (landing / "sub dir" / "deeper").mkdir(parents=True)
    (landing / ".hidden").mkdir()
    shutil.copy(samples[0], landing / samples[0].name)
    shutil.copy(samples[1], landing / "sub dir" / "inner.txt")
    shutil.copy(samples[2], landing / "sub dir" / "deeper" / samples[2].name)
    shutil.copy(samples[3], landing / ".hidden" / "skipped.txt")  # hidden folders are skipped like hidden files
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert cli.main(["run", "--landing", str(landing), "--warehouse", str(tmp_path / "wh")]) == 0
    assert "3 dump(s) in landing, 3 not yet in bronze" in capsys.readouterr().out
    raw = DeltaStore(tmp_path / "wh").read("bronze/raw_dumps")
    assert sorted(raw["file_name"]) == sorted([samples[0].name, "sub dir/inner.txt", f"sub dir/deeper/{samples[2].name}"])
