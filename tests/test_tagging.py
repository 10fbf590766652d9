"""Tests for paperlake.tagging (topic tagger, spec §1 of shared/spec/annotation-guidelines.md)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest

from paperlake.tagging import (
    DEFAULT_TAXONOMY_PATH,
    PAPER_TOPICS_SCHEMA,
    SELECTOR_FEATURES,
    STACK_FEATURES,
    Calibration,
    calibrated,
    candidate_features,
    load_taxonomy,
    normalise_term,
    select_topics,
    tag_papers,
    topic_evidence,
)
from tests.conftest import papers

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev_gold.json"
CV_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "cv_topics.py"

SPEC_TOPICS = {
    "quantization", "pruning-sparsity", "knowledge-distillation", "efficient-decoding",
    "decoding-strategies", "long-context", "inference-efficiency", "mixture-of-experts",
    "parameter-efficient-finetuning", "instruction-tuning", "alignment", "multimodal-vision",
    "speech-audio", "code", "retrieval-rag", "embeddings", "multilingual", "tokenization",
    "evaluation-benchmarks", "interpretability", "reasoning", "agents-tool-use", "pretraining",
    "safety-privacy", "domain-applications", "survey",
}


def topics_of(out: pl.DataFrame) -> dict[str, set[str]]:
    d: dict[str, set[str]] = defaultdict(set)
    for pid, topic in out.select("paper_id", "topic").iter_rows():
        d[pid].add(topic)
    return d


def tag_one(title: str, abstract: str | None = "") -> set[str]:
    return topics_of(tag_papers(papers(("p", title, abstract))))["p"]


SAMPLE = papers(
    ("a", "QLoRA-style 4-bit Quantization for LLM Fine-tuning",
     "We quantize weights to 4-bit and fine-tune low-rank adapters. Code is available at github."),
    ("b", "A Benchmark for Evaluating Multilingual Speech Recognition", None),
    ("c", "Some Title", ""),
    ("d", "", ""),
    ("e", None, None),
)


# --- taxonomy / config -------------------------------------------------------------------


def test_taxonomy_matches_spec():
    tax = load_taxonomy()
    assert set(tax.topics) == SPEC_TOPICS
    assert len(tax.topics) == 26
    assert tax.version.startswith("taxonomy-v")
    assert {r[1] for r in tax.lexicon} <= SPEC_TOPICS
    assert all(tax.descriptions[t] for t in tax.topics)


def test_normalise_term():
    assert normalise_term("Mixture-of-Experts") == " mixture of experts "
    assert normalise_term("quantiz*") == " quantiz"
    assert normalise_term("*bench") == "bench "


def test_config_version_propagates(tmp_path):
    text = DEFAULT_TAXONOMY_PATH.read_text()
    base = load_taxonomy()
    out = tag_papers(SAMPLE, base)
    assert out["taxonomy_version"].unique().to_list() == [base.version]
    assert out["method"].unique().to_list() == ["lexicon+linear-v1"]

    bumped = tmp_path / "taxonomy.toml"
    bumped.write_text(re.sub(r'^version = ".*"', 'version = "taxonomy-v9.9.9"', text, count=1, flags=re.M))
    tax2 = load_taxonomy(bumped)
    assert tax2.version.startswith("taxonomy-v9.9.9")
    assert tag_papers(SAMPLE, tax2)["taxonomy_version"].unique().to_list() == [tax2.version]

    # an edit without a version bump still changes taxonomy_version (content hash)
    edited = tmp_path / "edited.toml"
    new_text = text.replace('strong = ["quantiz*", ', 'strong = ["quantiz*", "lowbit", ', 1)
    assert new_text != text
    edited.write_text(text.replace('strong = ["quantiz*", ', 'strong = ["quantiz*", "lowbit", ', 1))
    tax3 = load_taxonomy(edited)
    assert tax3.version != base.version
    assert tax3.version.split("+")[0] == base.version.split("+")[0]
    # same content -> same version (deterministic); comments do not matter
    same = tmp_path / "same.toml"
    same.write_text("# a comment\n" + text)
    assert load_taxonomy(same).version == base.version


def test_config_changes_behaviour(tmp_path):
    text = DEFAULT_TAXONOMY_PATH.read_text()
    cfg = tmp_path / "t.toml"
    cfg.write_text(text.replace('fallback_topic = "evaluation-benchmarks"', 'fallback_topic = "survey"', 1))
    out = tag_papers(papers(("x", "Xyzzy", None)), load_taxonomy(cfg))
    assert out["topic"].to_list() == ["survey"]


def test_bad_config_rejected(tmp_path):
    text = DEFAULT_TAXONOMY_PATH.read_text()
    cfg = tmp_path / "bad.toml"
    cfg.write_text(text.replace('fallback_topic = "evaluation-benchmarks"', 'fallback_topic = "nope"', 1))
    with pytest.raises(ValueError):
        load_taxonomy(cfg)


# --- output contract ---------------------------------------------------------------------


def test_schema_and_bounds():
    out = tag_papers(SAMPLE)
    assert out.schema == pl.Schema(PAPER_TOPICS_SCHEMA)
    counts = out.group_by("paper_id").len()
    assert set(counts["paper_id"].to_list()) == {"a", "b", "c", "d", "e"}
    assert counts["len"].min() >= 1 and counts["len"].max() <= 4
    assert set(out["topic"].to_list()) <= SPEC_TOPICS
    assert out.filter(pl.col("score").is_null() | (pl.col("score") <= 0) | (pl.col("score") > 1)).height == 0
    assert out.select(pl.struct("paper_id", "topic").is_duplicated().any()).item() is False


def test_empty_input_exact_schema():
    out = tag_papers(papers())
    assert out.height == 0
    assert out.schema == pl.Schema(PAPER_TOPICS_SCHEMA)


def test_null_and_empty_abstract_and_title():
    out = tag_papers(SAMPLE)
    t = topics_of(out)
    assert t["b"] >= {"evaluation-benchmarks", "speech-audio"}  # title only, null abstract
    assert len(t["c"]) == 1 and len(t["d"]) == 1 and len(t["e"]) == 1  # fallback, still 1 topic
    fallback = out.filter(pl.col("paper_id") == "e")["score"].item()
    assert 0 < fallback < 0.5  # no evidence -> low confidence


def test_missing_abstract_column_and_non_string_ids():
    df = pl.DataFrame({"paper_id": [1, 2], "title": ["Speculative Decoding Made Fast", "Tokenizer Transfer"]})
    out = tag_papers(df)
    assert out.schema == pl.Schema(PAPER_TOPICS_SCHEMA)
    assert topics_of(out) == {"1": {"efficient-decoding"}, "2": {"tokenization"}}


def test_at_most_four_topics_on_kitchen_sink():
    title = ("A Survey of Multilingual Speech and Vision Benchmarks for Quantized LoRA Code "
             "Agents with Retrieval-Augmented Generation and Speculative Decoding")
    out = tag_papers(papers(("k", title, title)))
    assert 1 <= out.height <= 4


def test_scores_sorted_and_best_first():
    out = tag_papers(papers(("a", "Mixture-of-Experts with 4-bit Quantization",
                             "We compress mixture-of-experts models with low-bit quantization of experts.")))
    scores = out["score"].to_list()
    assert scores == sorted(scores, reverse=True)


def test_duplicate_paper_ids_tagged_once():
    out = tag_papers(papers(("a", "Speculative Decoding", None), ("a", "Speculative Decoding", None)))
    assert out.height == 1


def test_deterministic_and_order_independent():
    df = pl.concat([SAMPLE, papers(("z", "Chain-of-Thought Reasoning for Math Word Problems", None))])
    a = tag_papers(df).sort("paper_id", "topic")
    b = tag_papers(df.reverse()).sort("paper_id", "topic")
    assert a.equals(b)


# --- clear unit cases per family ---------------------------------------------------------


@pytest.mark.parametrize(
    "title, abstract, expected",
    [
        ("BiLLM: Pushing the Limit of Post-Training Quantization for LLMs",
         "We binarize weights of large language models to 1 bit.", {"quantization"}),
        ("Structured Pruning of Large Language Models", "We prune attention heads and layers.",
         {"pruning-sparsity"}),
        ("Medusa: Speculative Decoding with Multiple Draft Heads",
         "Draft tokens are verified by the target model for a 2x speedup.", {"efficient-decoding"}),
        ("Contrastive Decoding: Open-ended Text Generation as Optimization",
         "A decoding method that improves over nucleus sampling and beam search.",
         {"decoding-strategies"}),
        ("Extending Context Window of LLMs via Position Interpolation",
         "RoPE-based models extended to 32k tokens of context.", {"long-context"}),
        ("LoRA: Low-Rank Adaptation of Large Language Models",
         "We freeze the pretrained weights and inject trainable low-rank matrices.",
         {"parameter-efficient-finetuning"}),
        ("Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
         "RLHF with human preference data without a separate reward model.", {"alignment"}),
        ("Whisper-style Robust Speech Recognition", "We train on 680k hours of audio.",
         {"speech-audio"}),
        ("StarCoder: Code Generation with Large Language Models",
         "We evaluate on HumanEval and MBPP programming benchmarks.", {"code"}),
        ("Dense Passage Retrieval for Open-Domain Question Answering",
         "A dual-encoder retriever for retrieval-augmented generation.", {"retrieval-rag"}),
        ("Tamil-Llama: A New Tamil Language Model", "Adapting LLaMA to Tamil, a low-resource language.",
         {"multilingual"}),
        ("Zero-Shot Tokenizer Transfer", "Swap the tokenizer and vocabulary of a pretrained LM.",
         {"tokenization"}),
        ("Locating Knowledge Neurons with Probing and Circuit Analysis",
         "Mechanistic interpretability of attention heads.", {"interpretability"}),
        ("Tree of Thoughts: Deliberate Problem Solving with LLMs",
         "Chain-of-thought reasoning on math puzzles.", {"reasoning"}),
        ("ToolLLM: Facilitating LLM Agents to Master 16000+ Real-world APIs",
         "Tool use and function calling for autonomous agents.", {"agents-tool-use"}),
        ("Who's Harry Potter? Approximate Unlearning in LLMs",
         "Machine unlearning removes copyrighted data.", {"safety-privacy"}),
        ("A Survey of Large Language Models", "This survey reviews recent advances.", {"survey"}),
        ("Visual Instruction Tuning", "LLaVA connects a vision encoder and an LLM with image-text instruction data.",
         {"multimodal-vision", "instruction-tuning"}),
        ("Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity",
         "A mixture-of-experts model with top-1 expert routing.", {"mixture-of-experts"}),
        ("LLMs for Clinical Decision Support in Medicine",
         "We apply language models to patient records in hospitals.", {"domain-applications"}),
    ],
)
def test_clear_cases(title, abstract, expected):
    got = tag_one(title, abstract)
    assert expected <= got, got


def test_passing_mentions_are_not_tagged():
    got = tag_one(
        "Speculative Decoding with Tree Drafts",
        "Speculative decoding verifies draft tokens in parallel. Our code is available at "
        "https://github.com/x/y. Experiments on several benchmarks show 2x speedup.",
    )
    assert got == {"efficient-decoding"}
    assert "code" not in got and "evaluation-benchmarks" not in got


def test_inference_efficiency_defers_to_specific_efficiency_topic(tmp_path):
    """The lexicon's [[dampen]] rule (the v1.3 selector's input; with the topic model on, the
    stacker weighs it against what the model learned from labelled papers)."""
    df = papers(("p", "EasyQuant: An Efficient Data-free Quantization Algorithm for LLMs",
                 "We quantize weights to 4-bit without data, reducing memory and inference cost."))
    assert topics_of(tag_papers(df, _with_selector(tmp_path)))["p"] == {"quantization"}


# --- quality floor on dev gold -----------------------------------------------------------


def test_dev_gold_floor():
    if not GOLD.exists():
        pytest.skip(f"dev gold not found at {GOLD}")
    from paperlake.evaluation import score_topics

    gold = json.loads(GOLD.read_text())
    df = papers(*[(g["id"], g["title"], g.get("abstract")) for g in gold])
    pred = topics_of(tag_papers(df))
    s = score_topics(pred, {g["id"]: set(g["topics"]) for g in gold})
    # v1.3.0 (learned selector): all 120 0.889 / 0.871, lockbox third 0.901, 5-fold CV of the
    # selector on the look split 0.863.
    # measured with scripts/cv_topics.py (taxonomy v1.2.0): 5-fold CV micro-F1 0.872 / macro
    # 0.862 ([scoring] numbers tuned on 4 folds), lockbox third (errors never inspected) 0.887,
    # shipped config on all 120: 0.879 / 0.867. The floor sits below the cross-validated figure
    # so that it catches regressions, not noise.
    assert s["micro_f1"] >= 0.82, s
    assert s["macro_f1"] >= 0.78, s


def _cv_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("cv_topics", CV_SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_out_of_niche_floor():
    """Previously labelled out-of-niche papers (89 fixture + 45 RSS, single annotator)."""
    cv = _cv_module()
    recs = cv.load_fixture_papers() + cv.load_rss_papers()
    if len(recs) < 100:
        pytest.skip("real fixtures not found")
    from paperlake.evaluation import score_topics

    pred = topics_of(tag_papers(cv.frame(recs)))
    s = score_topics(pred, {r["id"]: set(r["topics"]) for r in recs})
    # v1.2.0 shipped: fixtures 0.865, RSS (all 45) 0.784, combined ~0.84; CV on fixtures 0.854.
    # Note: a third blind set (tests/data/topic_labels_blind2.json, citation/scholarly papers)
    # scores lower (0.75) and is deliberately not a floor here: it is a measurement set.
    assert s["micro_f1"] >= 0.80, s


def test_blind2_labels_are_valid():
    path = Path(__file__).resolve().parent / "data" / "topic_labels_blind2.json"
    labels = json.loads(path.read_text())
    assert len(labels) >= 60
    for lab in labels:
        assert lab["title"] and 1 <= len(lab["topics"]) <= 4
        assert set(lab["topics"]) <= SPEC_TOPICS


def _rule_config_text() -> str:
    text = DEFAULT_TAXONOMY_PATH.read_text()
    new = re.sub(r"^enabled = true$", "enabled = false", text, count=1, flags=re.M)
    assert new != text
    return new


def test_secondary_focus_gate(tmp_path):
    """secondary_focus_min drops a secondary topic only named outside title/focus sentences."""
    title = "Speculative Decoding with Tree Drafts"
    abstract = (
        "Large language models are slow. Retrieval augmented generation with a retriever and "
        "dense retrieval over passages is popular, and retrieval is costly. "
        "We propose a speculative decoding method with draft trees and draft tokens. "
        "It is lossless and gives a 2x speedup."
    )
    text = _rule_config_text()  # the gate belongs to the v1.2 rule (selector switched off)
    base = tmp_path / "base.toml"
    base.write_text(re.sub(r"^relative_min = .*$", "relative_min = 0.0", text, count=1, flags=re.M))
    gated = tmp_path / "gated.toml"
    gated.write_text(
        re.sub(r"^secondary_focus_min = .*$", "secondary_focus_min = 1.5",
               base.read_text(), count=1, flags=re.M)
    )
    df = papers(("p", title, abstract))
    loose = topics_of(tag_papers(df, load_taxonomy(base)))["p"]
    strict = topics_of(tag_papers(df, load_taxonomy(gated)))["p"]
    assert "efficient-decoding" in loose and "efficient-decoding" in strict
    assert "retrieval-rag" in loose
    assert "retrieval-rag" not in strict


BLIND3 = Path(__file__).resolve().parent / "data" / "topic_labels_blind3.json"


def _assert_valid_blind_labels(labels: list[dict], min_labels: int, min_half: int) -> list[str]:
    """Shared checks of a blind label file: size, unique titles, 1-4 known topics, both halves."""
    assert len(labels) >= min_labels
    titles = [lab["title"] for lab in labels]
    assert len(set(titles)) == len(titles)
    for lab in labels:
        assert lab["title"] and lab["source"] and 1 <= len(lab["topics"]) <= 4
        assert set(lab["topics"]) <= SPEC_TOPICS
        assert len(set(lab["topics"])) == len(lab["topics"])
        assert lab["split"] in {"tune", "lockbox"}
    halves = {s: sum(lab["split"] == s for lab in labels) for s in ("tune", "lockbox")}
    assert min(halves.values()) >= min_half, halves
    return titles


def test_blind3_labels_are_valid():
    labels = json.loads(BLIND3.read_text())
    titles = _assert_valid_blind_labels(labels, 80, 40)
    # disjoint from the other labelled sets
    blind2 = json.loads((BLIND3.parent / "topic_labels_blind2.json").read_text())
    assert not set(titles) & {lab["title"] for lab in blind2}
    if GOLD.exists():
        gold_titles = {" ".join(g["title"].split()).lower() for g in json.loads(GOLD.read_text())}
        assert not {t.lower() for t in titles} & gold_titles


@pytest.mark.parametrize(
    ("loader", "min_papers", "floor"),
    [
        # blind3: v1.2.0 scores tune 0.778, lockbox 0.742
        ("load_blind3_papers", 80, 0.72),
        # blind4: v1.2.0 tune 0.775 / lockbox 0.714; v1.3.0 0.793 / 0.725
        ("load_blind4_papers", 50, 0.70),
        # blind5 (all 64): v1.3.0 0.770 (tune 0.778 / lockbox 0.760)
        ("load_blind5_papers", 60, 0.74),
        # blind6 (all 60): v1.3.0 0.751, v1.3.1 0.761; blind7: v1.3.1 0.763; blind8 (labelled after v1.3.1): 0.800
        ("load_blind6_papers", 60, 0.73),
        ("load_blind7_papers", 60, 0.73),
        ("load_blind8_papers", 60, 0.77),
        # blind9 (session 15, labelled after v1.3.1): 0.813 (tune half 0.851, lockbox half 0.780)
        ("load_blind9_papers", 60, 0.78),
        # blind10 (session 23, labelled after v1.4.2): 0.822 (v1.4.1: 0.803)
        ("load_blind10_papers", 120, 0.80),
    ],
)
def test_blind_set_floor(loader, min_papers, floor):
    """Blind sets (labelled before the tagger ran on them) keep their micro-F1 floor."""
    cv = _cv_module()
    recs = getattr(cv, loader)()
    if len(recs) < min_papers or not all(r["abstract"] for r in recs):
        pytest.skip("fixtures/seed dumps not found")
    from paperlake.evaluation import score_topics

    pred = topics_of(tag_papers(cv.frame(recs)))
    s = score_topics(pred, {r["id"]: set(r["topics"]) for r in recs})
    assert s["micro_f1"] >= floor, s


# --- v1.2 guideline rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    "title, abstract",
    [
        ("Predicting Citation Intent in Scientific Papers with Prompt-based Learning",
         "Citation intent classification helps bibliometric analysis of research papers. We "
         "fine-tune a pretrained language model on the ACL-ARC dataset."),
        ("A Dataset of Citations from Scholarly Publications Without DOIs",
         "We extract 500K citations from open access computer science papers to support "
         "scientometric studies and research assessment."),
    ],
)
def test_scholarly_work_is_a_science_domain_application(title, abstract):
    """Guideline: domain-applications covers applying LMs to science; scholarly literature is it."""
    assert "domain-applications" in tag_one(title, abstract)


def test_speculative_decoding_does_not_cancel_reasoning_title():
    got = tag_one(
        "Reward-Guided Speculative Decoding for Efficient LLM Reasoning",
        "A lightweight draft model proposes tokens that a target model verifies, guided by a "
        "process reward model. On mathematical reasoning benchmarks such as GSM8K and "
        "Olympiad-level problems it gives a 4x speedup with better accuracy.",
    )
    assert {"efficient-decoding", "reasoning"} <= got
    # the title's "Reasoning" is evidence for reasoning even next to "Speculative"
    ev = topic_evidence(papers(("p", "Speculative Decoding for LLM Reasoning", None)), load_taxonomy())
    assert ev.filter(pl.col("topic") == "reasoning")["title_ev"].item() > 0


def test_hyphenated_and_one_word_spellings_score_alike():
    """'pre-training data' must not count ~twice its one-word spelling (nested prefix terms)."""
    tax = load_taxonomy()
    df = papers(
        ("h", "A Study", "We curate pre-training data and study pre-training corpus quality."),
        ("w", "A Study", "We curate pretraining data and study pretraining corpus quality."),
    )
    ev = topic_evidence(df, tax).filter(pl.col("topic") == "pretraining").sort("_row")
    hyphen, word = ev["evidence"].to_list()
    assert word > 0 and hyphen / word <= 1.3, (hyphen, word)


def test_calibration_is_monotone_and_bounded():
    cal = load_taxonomy().calibration
    ev = pl.DataFrame({"e": [None, 2.0, 8.0, 20.0, 60.0, 8.0], "rank": [0, 1, 1, 1, 1, 0]},
                      schema={"e": pl.Float64, "rank": pl.UInt32})
    p = ev.select(calibrated(pl.col("e"), pl.col("rank"), cal).alias("p"))["p"].to_list()
    assert p[0] == pytest.approx(cal.fallback_probability)
    assert p[1] < p[2] < p[3] < p[4]  # more evidence -> more confident
    assert p[5] > p[2]  # the paper's best topic is more likely right than a secondary one
    assert 0.2 < p[2] < 0.8 and p[4] > 0.95 and p[1] < 0.3  # fitted (out-of-fold) ranges
    assert all(0 < x <= 1 for x in p)
    assert Calibration().a > 0


def test_scores_ranked_like_evidence():
    df = papers(("a", "Mixture-of-Experts Pruning with Knowledge Distillation",
                 "We prune experts of a sparse mixture-of-experts model and distill the pruned "
                 "student from the teacher. Expert pruning keeps accuracy."))
    sel = select_topics(df)
    out = tag_papers(df)
    assert out["topic"].to_list() == sel["topic"].to_list()
    assert out["score"].to_list() == sorted(out["score"].to_list(), reverse=True)


# --- v1.3 learned selector ---------------------------------------------------------------

BLIND4 = Path(__file__).resolve().parent / "data" / "topic_labels_blind4.json"
BLIND5 = Path(__file__).resolve().parent / "data" / "topic_labels_blind5.json"


def _with_selector(tmp_path, model=False, **repl):
    """The shipped config with [selector] values replaced; the topic model off unless ``model``."""
    text = DEFAULT_TAXONOMY_PATH.read_text()
    if not model:
        text = text.replace("[model]\nenabled = true", "[model]\nenabled = false", 1)
    for key, value in repl.items():
        new = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, count=1, flags=re.M)
        assert new != text, key
        text = new
    cfg = tmp_path / "sel.toml"
    cfg.write_text(text)
    return load_taxonomy(cfg)


def test_selector_is_shipped_and_sane():
    tax = load_taxonomy()
    assert tax.version.startswith("taxonomy-v1.4.")
    sel = tax.selector
    assert sel is not None and 0 < sel.threshold < 1
    w = dict(zip(SELECTOR_FEATURES, sel.weights))
    # more evidence, more title evidence, a larger share of the best topic's evidence and
    # clearing the length-scaled min_score all make a topic more likely a main subject
    for f in ("log_evidence", "log_title", "relative", "log_over_min"):
        assert w[f] > 0, (f, w[f])
    assert {t for t, _ in sel.topic_bias} <= set(tax.topics)


def test_selector_threshold_controls_secondary_topics(tmp_path):
    df = papers(
        ("p", "Speculative Decoding for Multimodal Large Language Models",
         "We apply speculative decoding with a small draft model to a vision-language model "
         "(LLaVA). Image tokens are dropped from the draft model; the speedup is 2x on image "
         "captioning and visual question answering."),
        ("q", "Quantization of Retrieval-Augmented LLMs",
         "We quantize the weights of a retrieval-augmented generation model to 4-bit."),
    )
    shipped = topics_of(tag_papers(df))
    assert shipped["p"] == {"efficient-decoding", "multimodal-vision"}
    only_best = topics_of(tag_papers(df, _with_selector(tmp_path, threshold="0.999")))
    assert all(len(v) == 1 for v in only_best.values()), only_best
    assert only_best["p"] <= shipped["p"]
    everything = topics_of(tag_papers(df, _with_selector(tmp_path, threshold="0.0")))
    cands = candidate_features(df)
    for pid in ("p", "q"):
        n = cands.filter(pl.col("paper_id") == pid).height
        assert len(everything[pid]) == min(n, 4)
        assert shipped[pid] <= everything[pid]


def _with_model(tmp_path, **repl):
    """The shipped config with values of the [model] table replaced."""
    text = DEFAULT_TAXONOMY_PATH.read_text()
    head, model = text.split("[model]\n", 1)
    for key, value in repl.items():
        new = re.sub(rf"^{key} = .*$", f"{key} = {value}", model, count=1, flags=re.M)
        assert new != model, key
        model = new
    cfg = tmp_path / "model.toml"
    cfg.write_text(head + "[model]\n" + model)
    return load_taxonomy(cfg)


def test_topic_model_is_shipped_and_sane():
    tax = load_taxonomy()
    st = tax.stacker
    assert st is not None and 0 < st.threshold < 1
    assert st.model.topics == tax.topics
    w = dict(zip(STACK_FEATURES, st.weights))
    # both the lexicon's and the model's confidence raise a topic's probability
    assert w["lexicon_logit"] > 0 and w["model_logit"] > 0
    assert tax.version.endswith("." + st.model.digest)
    assert tax.method == "lexicon+linear-v1"


def test_stacker_threshold_controls_secondary_topics(tmp_path):
    shipped = topics_of(tag_papers(SAMPLE))
    only_best = topics_of(tag_papers(SAMPLE, _with_model(tmp_path, threshold="0.999")))
    assert all(len(v) == 1 for v in only_best.values()), only_best
    assert all(only_best[p] <= shipped[p] for p in only_best)
    everything = topics_of(tag_papers(SAMPLE, _with_model(tmp_path, threshold="0.0")))
    assert all(len(v) == 4 for v in everything.values()), everything  # max_topics
    assert all(shipped[p] <= everything[p] for p in ("a", "b"))  # (the others get the fallback)


def test_fallback_topic_only_without_lexicon_evidence(tmp_path):
    """Every topic under the threshold: a paper with lexicon evidence keeps its most probable topic
    (even when that is not a lexicon candidate); only a paper without any gets the fallback."""
    df = papers(("q", "Quantization of LLMs", "We quantize the weights of a language model to 4-bit."),
                ("x", "Xyzzy", "Plugh frobnicates the quux."))
    tax = _with_model(tmp_path, bias="-20.0", lexicon_candidate="-10.0")
    out = tag_papers(df, tax)
    q, x = (out.filter(pl.col("paper_id") == p) for p in ("q", "x"))
    assert q.height == 1 and q["topic"].item() != tax.scoring.fallback_topic and q["score"].item() < 1e-3
    assert x["topic"].to_list() == [tax.scoring.fallback_topic]
    assert x["score"].item() == pytest.approx(tax.calibration.fallback_probability)


def test_stacked_scores_are_probabilities_best_first():
    out = tag_papers(SAMPLE)
    assert out["score"].is_between(0, 1, closed="none").all()
    first = out.group_by("paper_id", maintain_order=True).agg(pl.col("score"))
    assert all(s == sorted(s, reverse=True) for s in first["score"].to_list())


def test_model_off_gives_the_v13_selector(tmp_path):
    off = _with_selector(tmp_path)
    assert off.stacker is None and off.selector is not None and off.version != load_taxonomy().version
    out = tag_papers(SAMPLE, off)
    assert out.group_by("paper_id").len()["len"].max() <= 4


def test_selector_off_falls_back_to_rule(tmp_path):
    cfg = tmp_path / "rule.toml"
    cfg.write_text(_rule_config_text())
    tax = load_taxonomy(cfg)
    assert tax.selector is None and tax.version != load_taxonomy().version
    # the rule path still works and tags within the contract
    out = tag_papers(SAMPLE, tax)
    assert out.group_by("paper_id").len()["len"].max() <= 4


def test_candidate_features_cover_selection():
    df = papers(("a", "Mixture-of-Experts Pruning with Knowledge Distillation",
                 "We prune experts of a sparse mixture-of-experts model and distill the pruned "
                 "student from the teacher. Expert pruning keeps accuracy."),
                ("b", "Xyzzy", None))
    cf = candidate_features(df)
    assert list(cf.columns) == ["paper_id", "topic", "evidence", "rank", *SELECTOR_FEATURES]
    assert cf["paper_id"].unique().to_list() == ["a"]  # no evidence -> no candidate
    assert cf.select(pl.all().exclude("paper_id", "topic").is_finite().all()).row(0) == tuple(
        [True] * (len(cf.columns) - 2))
    best = cf.filter(pl.col("rank") == 0)
    assert best["is_best"].to_list() == [1.0] and best["relative"].to_list() == [1.0]
    chosen = select_topics(df)
    assert set(chosen.filter(pl.col("paper_id") == "a")["topic"]) <= set(cf["topic"])


@pytest.mark.parametrize("edit", [
    ("log_title = ", "log_titel = "),          # unknown feature name (and one missing)
    ('"survey" = ', '"surveys" = '),            # unknown topic in topic_bias
    ("lexicon_candidate = ", "lexicon_candidat = "),  # [model]: unknown stacker feature
])
def test_bad_selector_config_rejected(tmp_path, edit):
    text = DEFAULT_TAXONOMY_PATH.read_text()
    new = text.replace(edit[0], edit[1], 1)
    assert new != text
    cfg = tmp_path / "bad.toml"
    cfg.write_text(new)
    with pytest.raises(ValueError):
        load_taxonomy(cfg)


@pytest.mark.parametrize("path", [BLIND4, BLIND5], ids=["blind4", "blind5"])
def test_blind_labels_are_valid(path):
    labels = json.loads(path.read_text())
    titles = _assert_valid_blind_labels(labels, 50, 20)
    for lab in labels:
        if lab["source"].startswith("github:"):  # feed items outside shared/: abstract stored
            assert len(lab.get("abstract", "").split()) >= 40
    n_out = sum(lab["source"].startswith("github:") for lab in labels)
    assert 0.4 <= n_out / len(labels) <= 0.6  # about half out of niche
    # disjoint from every other labelled set
    others = set()
    for name in ("topic_labels_blind2.json", "topic_labels_blind3.json", "topic_labels_blind4.json",
                 "topic_labels_blind5.json"):
        if name != path.name:
            others |= {lab["title"].lower() for lab in json.loads((path.parent / name).read_text())}
    if GOLD.exists():
        others |= {" ".join(g["title"].split()).lower() for g in json.loads(GOLD.read_text())}
    cv = _cv_module()
    others |= {r["title"].lower() for r in cv.load_fixture_papers() + cv.load_rss_papers()}
    assert not {t.lower() for t in titles} & others


def test_a_low_resource_language_model_is_multilingual_and_image_translation_is_not():
    # taxonomy-v1.3.1: more language names as cues; "image-to-image translation" is not between languages
    df = pl.DataFrame({"paper_id": ["a", "b"],
                       "title": ["MameLoshnLM: Yiddish Language Model and Evaluation Benchmark",
                                 "HyPER-GAN: Hybrid Patch-Based Image-to-Image Translation for Real-Time Photorealism"],
                       "abstract": ["We train a Yiddish language model and release a benchmark.",
                                    "We propose image-to-image translation with GANs for real-time photorealism."]})
    tags = tag_papers(df, load_taxonomy())
    topics = {pid: set(tags.filter(pl.col("paper_id") == pid)["topic"]) for pid in ("a", "b")}
    assert "multilingual" in topics["a"] and "multilingual" not in topics["b"]
