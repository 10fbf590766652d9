"""Real dumps in other formats (shared fixtures): per-file counts and spot checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperlake.parsing import parse_dump
from paperlake.schemas import PARSED_LISTING_SCHEMA, PARSED_QUARANTINE_SCHEMA

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
REF = dt.date(2026, 10, 5)

# file -> (format, unit, listings, title of first listing, abstract start of first listing)
EXPECTED = {
    "hf_daily_papers_api_2024-10-25.json": ("hf_api_json", "record", 29,
        "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss",
        "Contrastive loss is a powerful approach for representation learning, where larger batch"),
    "hf_papers_search_capture.md": ("hf_markdown", "line", 120,
        "OCC-RAG: Optimal Cognitive Core for Faithful Question Answering",
        "Recent progress in the development of language models has been defined by scale"),
    "jsonfeed_hf_papers_2025-02-04.json": ("jsonfeed", "record", 21,
        "AlignVLM: Bridging Vision and Language Latent Spaces for Multimodal Understanding",
        "Aligning visual features with language embeddings is a key challenge"),
    "jsonfeed_hf_papers_2025-08-26.json": ("jsonfeed", "record", 15,
        "InternVL3.5: Advancing Open-Source Multimodal Models in Versatility, Reasoning, and Efficiency",
        "We introduce InternVL 3.5, a new family of open-source multimodal models"),
    "scraped_hf_daily_2024-01-02.json": ("scraped_json_dated", "record", 8,
        "Improving Text Embeddings with Large Language Models",
        "In this paper, we introduce a novel and simple method for obtaining high-quality text embeddings"),
    "scraped_hf_daily_2026-01-15.json": ("scraped_json_list", "record", 24,
        "MemGovern: Enhancing Code Agents through Learning from Governed Human Experiences", None),
    "rss_hf_papers_2026-02-01.xml": ("rss", "record", 45,
        "STORM: Slot-based Task-aware Object-centric Representation for robotic Manipulation",
        "Visual foundation models provide strong perceptual features for robotics"),
    "arxiv_api_atom_2016.xml": ("arxiv_atom", "record", 10,
        "A Luttinger Liquid Core Inside Helium-4 Filled Nanopores",
        "As helium-4 is cooled below 2.17 K it undergoes a phase transition to a fundamentally"),
    "arxiv_listing_new_astro-ph.CO.txt": ("arxiv_mailing", "line", 23,
        "Searching for galaxy-scale strong-lenses in galaxy clusters with deep networks -- I: methodology and network performance",
        "Galaxy-scale strong lenses in galaxy clusters provide a unique tool to investigate"),
}


def _parse(name: str):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"shared real fixtures not present at {REAL}")
    return parse_dump(path.read_bytes(), name, reference_date=REF)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_counts(name):
    fmt, unit, n, title, abstract_start = EXPECTED[name]
    res = _parse(name)
    assert res.format == fmt
    assert res.listings.height == n
    assert dict(res.listings.schema) == PARSED_LISTING_SCHEMA
    assert dict(res.quarantine.schema) == PARSED_QUARANTINE_SCHEMA
    acc = res.accounting
    assert acc["unit"] == unit
    assert acc["total"] == acc["listing"] + acc["quarantine"] + acc["furniture"]
    assert res.quarantine.height == 0
    first = res.listings.row(0, named=True)
    assert first["title"] == title
    if abstract_start:
        assert first["abstract"].startswith(abstract_start)
    titles = res.listings["title"].to_list()
    assert all(t and "\n" not in t and "  " not in t for t in titles)
    abstracts = [a for a in res.listings["abstract"].to_list() if a]
    assert all("\n" not in a and "\\%" not in a and "AI-generated summary" not in a for a in abstracts)
    assert res.listings["arxiv_id"].null_count() == 0
    assert all("v" not in a for a in res.listings["arxiv_id"].to_list())


def test_hf_api_fields():
    res = _parse("hf_daily_papers_api_2024-10-25.json")
    first = res.listings.row(0, named=True)
    assert first["arxiv_id"] == "2410.17243"
    assert first["upvotes"] == 64
    assert first["published_at"] == dt.date(2024, 10, 22)
    assert first["authors"][0] == "Zesen Cheng" and len(first["authors"]) == 9
    assert res.listing_date == dt.date(2024, 10, 25)


def test_jsonfeed_ai_summary_split():
    res = _parse("jsonfeed_hf_papers_2025-08-26.json")
    assert res.listings["ai_summary"].null_count() == 0
    first = res.listings.row(0, named=True)
    assert first["ai_summary"].startswith("InternVL 3.5 introduces Cascade RL")
    assert "+16.0% gain" in first["abstract"]


def test_rss_authors_links_and_english_summary():
    res = _parse("rss_hf_papers_2026-02-01.xml")
    first = res.listings.row(0, named=True)
    assert first["authors"] == ["Alexandre Chapin", "Emmanuel Dellandréa", "Liming Chen"]
    assert "https://arxiv.org/pdf/2601.20381.pdf" in first["links"]
    assert first["ai_summary"].startswith("STORM enhances robotic manipulation")
    # no Chinese translation leaks into abstract / summary
    for col in ("abstract", "ai_summary"):
        assert not any("摘要" in (v or "") or "视觉" in (v or "") for v in res.listings[col].to_list())
    assert res.listing_date == dt.date(2026, 2, 1)


def test_scraped_list_junk_abstracts_flagged():
    res = _parse("scraped_hf_daily_2026-01-15.json")
    rows = {r["title"]: r for r in res.listings.iter_rows(named=True)}
    bot = rows["Ministral 3"]
    assert bot["abstract"] is None and "automated message" in bot["abstract_flag"]
    assert rows["Solar Open Technical Report"]["abstract_flag"] == "abstract is only links"
    empty = [r for t, r in rows.items() if t.startswith("UM-Text")][0]
    assert empty["abstract"] is None and empty["abstract_flag"] == "missing abstract"
    repeat = [r for t, r in rows.items() if t.startswith("End-to-End Video Character")][0]
    assert repeat["abstract"] is None and repeat["abstract_flag"] == "abstract repeats the title"
    good = [r for t, r in rows.items() if t.startswith("3AM:")][0]
    assert good["abstract_flag"] is None and good["abstract"].startswith("Video object segmentation")
    assert "https://github.com/QuantaAlpha/MemGovern" in rows[
        "MemGovern: Enhancing Code Agents through Learning from Governed Human Experiences"]["links"]


def test_scraped_dated_hard_wraps_joined():
    res = _parse("scraped_hf_daily_2024-01-02.json")
    first = res.listings.row(0, named=True)
    assert "obtaining high-quality text embeddings using only synthetic data" in first["abstract"]
    assert first["upvotes"] == 79 and res.listing_date == dt.date(2024, 1, 2)


def test_arxiv_atom_fields():
    res = _parse("arxiv_api_atom_2016.xml")
    ids = res.listings["arxiv_id"].to_list()
    assert ids[0] == "1201.4869" and "cond-mat/0412498" in ids
    first = res.listings.row(0, named=True)
    assert first["categories"] == ["cond-mat.mes-hall", "cond-mat.other"]
    assert first["published_at"] == dt.date(2012, 1, 23)
    second = res.listings.row(1, named=True)
    assert "(p >= 3, integer)" in second["abstract"]


def test_arxiv_mailing_replacements_and_fields():
    res = _parse("arxiv_listing_new_astro-ph.CO.txt")
    df = res.listings
    assert df.filter(df["abstract"].is_not_null()).height == 7
    assert df.filter(df["abstract_flag"] == "no abstract in listing (replacement)").height == 16
    first = df.row(0, named=True)
    assert first["arxiv_id"] == "2303.00769"
    assert first["categories"] == ["astro-ph.CO", "astro-ph.IM"]
    assert first["authors"][:2] == ["G. Angora", "P. Rosati"] and first["authors"][-1] == "E. Vanzella"
    assert first["abstract"].endswith("galaxy-scale lensing systems.")
    assert "Zoltán Haiman" in [a for r in df["authors"].to_list() for a in r]
    assert res.listing_date == dt.date(2023, 3, 3)


def test_markdown_fields():
    res = _parse("hf_papers_search_capture.md")
    first = res.listings.row(0, named=True)
    assert first["arxiv_id"] == "2606.00683" and first["upvotes"] == 101
    assert first["published_at"] == dt.date(2026, 5, 29)
    assert res.listing_date == dt.date(2026, 10, 2) and res.listing_date_inferred
    titles = res.listings["title"].to_list()
    assert "The Noisy Path from Source to Citation: Measuring How Scholars Engage with Past Research" in titles
    noisy = res.listings.row(titles.index(
        "The Noisy Path from Source to Citation: Measuring How Scholars Engage with Past Research"), named=True)
    assert "\\" not in noisy["abstract"] and noisy["published_at"] == dt.date(2025, 2, 27)
