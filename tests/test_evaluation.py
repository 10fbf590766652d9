import json
import re
from pathlib import Path

import polars as pl
import pytest

from paperlake.evaluation import (
    SpanMapper,
    evaluate_warehouse,
    format_report,
    map_mentions,
    normalise_title,
    score_metrics,
    score_topics,
)
from paperlake.extraction import extract_metrics

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev_gold.json"


def test_score_topics_micro_macro():
    gold = {"a": {"quantization", "code"}, "b": {"survey"}}
    pred = {"a": {"quantization"}, "b": {"survey", "code"}}
    r = score_topics(pred, gold)
    assert r["micro_precision"] == pytest.approx(2 / 3)
    assert r["micro_recall"] == pytest.approx(2 / 3)
    assert r["micro_f1"] == pytest.approx(2 / 3)
    # per topic F1: quantization 1, survey 1, code 0 -> macro 2/3
    assert r["macro_f1"] == pytest.approx(2 / 3)
    assert r["n_papers"] == 2


def test_score_topics_missing_prediction_and_empty():
    r = score_topics({}, {"a": {"code"}})
    assert r["micro_recall"] == 0 and r["micro_f1"] == 0 and r["macro_f1"] == 0
    r = score_topics({}, {})
    assert r["n_papers"] == 0 and r["micro_f1"] == 0


def _rec(abstract, metrics):
    return {"id": "p", "title": "T", "abstract": abstract, "topics": [], "metrics": metrics}


def test_score_metrics_overlap_occurrence_and_one_to_one():
    abstract = "We get 50% on A and 50% on B."
    gold = [_rec(abstract, [
        {"mention": "50%", "value": 50, "kind": "score", "benchmark": "A"},
        {"mention": "50%", "value": 50, "kind": "score", "benchmark": "B", "occurrence": 2},
    ])]
    s2 = abstract.index("50%", 10)
    pred = {"p": [
        {"span_start": s2, "span_end": s2 + 2, "value": 50.0, "kind": "score", "benchmark": "b"},
        {"span_start": s2, "span_end": s2 + 3, "value": 50.0, "kind": "score", "benchmark": "B"},  # duplicate
    ]}
    r = score_metrics(pred, gold)
    assert r["n_matched"] == 1 and r["precision"] == 0.5 and r["recall"] == 0.5
    assert r["benchmark_accuracy"] == 1.0  # case-insensitive
    # a span touching only the '%' does not overlap the digits
    pred = {"p": [{"span_start": 9, "span_end": 10, "value": 50.0, "kind": "score", "benchmark": None}]}
    assert score_metrics(pred, gold)["n_matched"] == 0


def test_score_metrics_value_tolerance_and_null_benchmark():
    abstract = "a 7B model"
    gold = [_rec(abstract, [{"mention": "7B", "value": 7e9, "kind": "model_size", "benchmark": None}])]
    pred = {"p": [{"span_start": 2, "span_end": 4, "value": 7.005e9, "kind": "model_size", "benchmark": None}]}
    r = score_metrics(pred, gold)
    assert r["value_accuracy"] == 1.0 and r["kind_accuracy"] == 1.0 and r["benchmark_accuracy"] == 1.0
    pred["p"][0]["value"] = 7.1e9
    assert score_metrics(pred, gold)["value_accuracy"] == 0.0


def test_span_mapper_handles_unescaped_percent_and_whitespace():
    src = "It  saves 50% memory and 2x time."
    dst = "It saves 50\\% memory and  2x time."
    mapper = SpanMapper(src, dst)
    s = src.index("2x")
    a, b = mapper.map_span(s, s + 2)
    assert dst[a:b] == "2x"
    s = src.index("50%")
    a, b = mapper.map_span(s, s + 3)
    assert dst[a:b].startswith("50")
    mapped = map_mentions([{"span_start": s, "span_end": s + 3}], src, dst)
    assert dst[mapped[0]["span_start"]:mapped[0]["span_end"]].startswith("50")


def test_normalise_title():
    assert normalise_title("  Dynamic-LLaVA: Efficient  MLLMs!") == "dynamic llava efficient mllms"


def test_evaluate_warehouse_on_dev_gold(tmp_path):
    if not GOLD.exists():
        pytest.skip(f"dev gold not found at {GOLD}")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))[:40]
    path = tmp_path / "g.json"
    path.write_text(json.dumps(gold))
    # warehouse-like: \% unescaped, whitespace normalised, titles re-cased; one title mangled (abstract fallback)
    papers = pl.DataFrame({
        "paper_id": [f"w{i}" for i in range(len(gold))],
        "title": [r["title"].upper() if i else "something else" for i, r in enumerate(gold)],
        "abstract": [re.sub(r"\s+", " ", r["abstract"].replace("\\%", "%")) for r in gold],
    })
    topics = pl.DataFrame({
        "paper_id": [f"w{i}" for i, r in enumerate(gold) for _ in r["topics"]],
        "topic": [t for r in gold for t in r["topics"]],
    })
    metrics = extract_metrics(papers.select("paper_id", "abstract"))
    res = evaluate_warehouse(path, papers, topics, metrics)
    assert res["n_found"] == len(gold)
    assert res["topics"]["micro_f1"] == 1.0
    assert res["metrics"]["f1"] > 0.9
    text = format_report(res)
    assert "metrics:" in text and "topics" in text


def test_evaluate_scores_only_what_a_file_labels_and_explains_bad_files(tmp_path):
    papers = pl.DataFrame({"paper_id": ["w0"], "title": ["A Paper"], "abstract": ["It reaches 53% on MMLU."]})
    topics = pl.DataFrame({"paper_id": ["w0"], "topic": ["evaluation-benchmarks"]})
    metrics = extract_metrics(papers.select("paper_id", "abstract"))
    only_metrics = tmp_path / "m.json"
    only_metrics.write_text(json.dumps({"records": [{"id": "a", "title": "A paper", "abstract": "It reaches 53% on MMLU.",
                                                      "metrics": [{"mention": "53%", "value": 53, "kind": "score"}]}]}))
    res = evaluate_warehouse(only_metrics, papers, topics, metrics)
    assert res["topics"] is None and res["metrics"]["f1"] == 1.0
    assert "topics : not available" in format_report(res)
    for content, expected in ((None, "labelled file not found"), ("{oops", "not a JSON file"), ('{"a": 1}', "expected a list")):
        path = tmp_path / f"bad{len(expected)}.json"
        if content is not None:
            path.write_text(content)
        with pytest.raises(ValueError, match=expected):
            evaluate_warehouse(path, papers, topics, metrics)


def test_evaluate_leaves_out_or_tags_from_text_the_papers_a_warehouse_lacks(tmp_path):
    papers = pl.DataFrame({"paper_id": ["w0"], "title": ["A Paper"], "abstract": ["It reaches 53% on MMLU."]})
    topics = pl.DataFrame({"paper_id": ["w0"], "topic": ["evaluation-benchmarks"]})
    metrics = extract_metrics(papers.select("paper_id", "abstract"))
    absent = {"id": "b", "title": "Speculative decoding for faster LLM inference",
              "abstract": "Speculative decoding with a small draft model gives a 2.5x speedup in LLM inference.",
              "topics": ["efficient-decoding"],
              "metrics": [{"mention": "2.5x", "value": 2.5, "kind": "speedup"}]}
    path = tmp_path / "g.json"
    path.write_text(json.dumps([{"id": "a", "title": "A paper", "abstract": "It reaches 53% on MMLU.",
                                 "topics": ["evaluation-benchmarks"],
                                 "metrics": [{"mention": "53%", "value": 53, "kind": "score"}]}, absent]))
    skipped = evaluate_warehouse(path, papers, topics, metrics)
    assert (skipped["n_found"], skipped["n_from_text"], skipped["missing_ids"]) == (1, 0, ["b"])
    assert skipped["metrics"]["n_gold"] == 1 and skipped["topics"]["n_papers"] == 1
    assert "--missing text" in format_report(skipped)

    both = evaluate_warehouse(path, papers, topics, metrics, missing="text")
    assert (both["n_found"], both["n_from_text"], both["missing_ids"]) == (1, 1, [])
    assert both["metrics"]["n_gold"] == both["metrics"]["n_matched"] == 2
    assert both["metrics"]["kind_accuracy"] == 1.0
    assert both["topics"]["n_papers"] == 2 and both["topics"]["micro_f1"] == 1.0
    assert "from the file's own text: 1" in format_report(both)
    no_numbers = tmp_path / "n.json"
    no_numbers.write_text(json.dumps([{**absent, "abstract": "No digits here.", "metrics": []}]))
    assert "metrics: nothing to score (1 paper, no labelled" in format_report(
        evaluate_warehouse(no_numbers, papers, topics, metrics, missing="text"))
    with pytest.raises(ValueError, match="missing must be"):
        evaluate_warehouse(path, papers, topics, metrics, missing="all")


def test_cli_evaluate_gives_one_line_errors(tmp_path, capsys, monkeypatch):
    from paperlake import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main(["evaluate", str(tmp_path / "missing.json"), "--warehouse", str(tmp_path / "wh")]) == 2
    assert "run `paperlake run` first" in capsys.readouterr().err
