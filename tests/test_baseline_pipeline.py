"""The hand-written reference pipeline (scripts/baseline_pipeline.py) on a small synthetic corpus."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("datasketch")
pd = pytest.importorskip("pandas")

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "baseline_pipeline.py"


def _load_baseline():
    spec = importlib.util.spec_from_file_location("baseline_pipeline", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("baseline_pipeline", mod)
    spec.loader.exec_module(mod)
    return mod


def test_baseline_runs_and_collapses_duplicates(tmp_path):
    from deltalake import DeltaTable

    from paperlake.synthetic import generate_corpus, pair_scores

    bp = _load_baseline()
    landing = tmp_path / "landing"
    corpus = generate_corpus(300, seed=11, out_dir=landing, per_dump=100)
    assert corpus.truth_path is not None

    res = bp.run_baseline(landing, tmp_path / "out")
    assert set(res) >= {"seconds", "stages_s", "listings", "papers", "topics_rows", "metric_rows"}
    assert set(res["stages_s"]) == {"parse", "dedupe", "topics", "metrics", "write"}
    assert res["listings"] == 300  # truth.csv is not a dump
    assert 0 < res["papers"] <= res["listings"]
    assert res["papers"] < res["listings"]  # the corpus has ~40% duplicate listings
    assert res["topics_rows"] > 0 and res["metric_rows"] > 0
    for name in ("listings", "papers", "paper_topics", "paper_metrics", "gold_topic_counts"):
        assert DeltaTable(str(tmp_path / "out" / name)).version() == 0

    # listing -> paper assignment against the generator's truth
    listings = bp.dedupe(bp.parse_landing(landing))[0]
    truth = pd.read_csv(corpus.truth_path)
    j = listings.merge(truth, on=["file_name", "position"], how="inner")
    assert len(j) == 300
    sc = pair_scores(j["paper_id"].tolist(), j["paper_key"].tolist())
    assert sc["precision"] > 0.9
    assert sc["recall"] > 0.8
    assert abs(res["papers"] - corpus.n_papers) <= 0.1 * corpus.n_papers


def test_parse_real_seed_layouts():
    bp = _load_baseline()
    seeds = Path(__file__).resolve().parent.parent / "data" / "samples"
    if not any(seeds.glob("*.txt")):
        pytest.skip("no seed dumps")
    df = bp.parse_landing(seeds)
    assert len(df) > 0
    assert not df["title"].isin(["Subscribe", "new", "Daily Papers"]).any()
    assert (df["title"].str.len() < 300).all()
    assert (df["abstract"].str.len() > df["title"].str.len()).mean() > 0.95
