"""Bronze ingestion: the parallel parse gives exactly the single-process result."""

import datetime as dt

from paperlake.ingest import Dump, _split_by_bytes, group_identical, ingest
from paperlake.settings import SAMPLE_DUMPS
from paperlake.synthetic import generate_corpus

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_parallel_parse_equals_serial_parse(tmp_path):
    generate_corpus(1500, seed=3, out_dir=tmp_path, per_dump=100)
    dumps = [Dump(p.name, p.read_bytes()) for p in sorted(tmp_path.iterdir()) if p.suffix == ".txt"]
    dumps += [Dump(p.name, p.read_bytes()) for p in sorted(SAMPLE_DUMPS.iterdir())]
    dumps.append(Dump("copy_of_" + dumps[0].name, dumps[0].data))  # an alias
    serial = ingest(dumps, ingested_at=NOW, workers=1)
    parallel = ingest(dumps, ingested_at=NOW, workers=2, parallel_min_bytes=0)
    assert serial.listings.height > 1500
    for name in ("raw_dumps", "listings", "quarantine"):
        assert getattr(serial, name).equals(getattr(parallel, name)), name


def test_split_by_bytes_keeps_order_and_every_dump():
    dumps = [Dump(f"d{i}", b"x" * (i + 1) * 10) for i in range(23)]
    groups = list(group_identical(dumps).items())
    chunks = _split_by_bytes(groups, 8)
    assert [g for c in chunks for g in c] == groups
    assert 1 < len(chunks) <= 8
