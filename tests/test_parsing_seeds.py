"""Seed plain-text captures (two HF Daily Papers layouts): exact counts and accounting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from paperlake.parsing import parse_dump
from paperlake.schemas import PARSED_LISTING_SCHEMA, PARSED_QUARANTINE_SCHEMA

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
REF = dt.date(2025, 6, 1)

EXPECTED = {
    "000_401760bdafd52c0a.txt": ("hf_text_blank", 78, dt.date(2025, 3, 21)),
    "001_26fbe7b1dfcc9dd4.txt": ("hf_text_compact", 119, None),
    "002_90856c9f4c750d83.txt": ("hf_text_compact", 218, None),
    "003_db0b3df43dbf1dc7.txt": ("hf_text_blank", 87, dt.date(2024, 7, 31)),
}


def _parse(name: str):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"seed sample {path} not present")
    return parse_dump(path.read_bytes(), name, reference_date=REF), path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_counts_and_accounting(name):
    res, path = _parse(name)
    fmt, n, date = EXPECTED[name]
    assert res.format == fmt
    assert res.encoding == "utf-8"
    assert res.compression is None
    assert res.listings.height == n
    assert res.quarantine.height == 0
    assert dict(res.listings.schema) == PARSED_LISTING_SCHEMA
    assert dict(res.quarantine.schema) == PARSED_QUARANTINE_SCHEMA
    acc = res.accounting
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert acc["unit"] == "line" and acc["total"] == n_lines
    assert acc["total"] == acc["listing"] + acc["quarantine"] + acc["furniture"]
    assert res.listing_date == date
    assert res.listing_date_inferred is (date is not None)
    assert res.listings["position"].to_list() == list(range(n))
    assert res.listings["title"].null_count() == 0
    assert res.listings["abstract"].null_count() == 0
    # titles are short, abstracts are prose
    assert res.listings["title"].str.len_chars().max() < 200
    assert res.listings["abstract"].str.len_chars().min() > 400
    assert res.listings["abstract_flag"].null_count() == n


def test_seeds_total_502():
    total = sum(_parse(name)[0].listings.height for name in EXPECTED)
    assert total == 502


def test_every_seed_line_accounted_for():
    for name in EXPECTED:
        res, path = _parse(name)
        lines = path.read_text(encoding="utf-8").splitlines()
        covered = set()
        for s, e in res.listings.select("line_start", "line_end").iter_rows():
            assert 1 <= s <= e <= len(lines)
            covered.update(range(s, e + 1))
        # everything not in a listing is blank or page furniture
        rest = [lines[i - 1] for i in range(1, len(lines) + 1) if i not in covered]
        # blank lines inside a listing's span (blank layout) are furniture too
        inner_blank = sum(1 for i in covered if not lines[i - 1].strip())
        assert len(rest) + inner_blank == res.accounting["furniture"]
        assert len(covered) - inner_blank == res.accounting["listing"]
        for line in rest:
            assert len(line) < 60, line


def test_glued_subscribe_prefix_is_removed():
    res, _ = _parse("002_90856c9f4c750d83.txt")
    first = res.listings.row(0, named=True)
    assert first["title"] == "A Thorough Examination of Decoding Methods in the Era of LLMs"
    assert first["line_start"] == 3 and first["line_end"] == 4
    assert first["abstract"].startswith("Decoding methods play an indispensable role")


def test_blank_layout_spot_checks():
    res, _ = _parse("000_401760bdafd52c0a.txt")
    first = res.listings.row(0, named=True)
    assert first["title"].startswith("ReAGent: Towards A Model-agnostic Feature Attribution")
    assert first["abstract"].startswith("Feature attribution methods (FAs)")
    assert (first["line_start"], first["line_end"]) == (11, 13)
    # LaTeX percent unescaped, literal <EOS> kept (not an HTML tag)
    abstracts = " ".join(res.listings["abstract"].to_list())
    assert "\\%" not in abstracts
    assert "<EOS>" in abstracts


def test_title_with_question_mark_is_still_a_title():
    res, _ = _parse("003_db0b3df43dbf1dc7.txt")
    titles = res.listings["title"].to_list()
    assert any(t.startswith("Are LLMs Better than Reported? Detecting Label Errors") for t in titles)


def test_year_inference_uses_reference_date():
    res, _ = _parse("000_401760bdafd52c0a.txt")
    assert res.listing_date == dt.date(2025, 3, 21)
    path = SAMPLES / "000_401760bdafd52c0a.txt"
    res2 = parse_dump(path.read_bytes(), path.name, reference_date=dt.date(2025, 3, 20))
    assert res2.listing_date == dt.date(2024, 3, 21) and res2.listing_date_inferred


def test_a_date_in_the_file_name_dates_the_page():
    """A daily page shows "Mar 21" without its year: the latest Mar 21 not after the reference
    (the ingest day), unless the file's name is dated, as archives of daily pages usually are."""
    data = (SAMPLES / "000_401760bdafd52c0a.txt").read_bytes()
    today = dt.date(2026, 12, 7)
    assert parse_dump(data, "000_401760bdafd52c0a.txt", reference_date=today).listing_date == dt.date(2026, 3, 21)
    assert parse_dump(data, "hf_daily_2024-03-21.txt", reference_date=today).listing_date == dt.date(2024, 3, 21)
    assert parse_dump(data, "daily_20240322_papers.txt", reference_date=today).listing_date == dt.date(2024, 3, 21)
    # a page without a date line is dated by its name (inferred), an undated name leaves it undated
    compact = (SAMPLES / "001_26fbe7b1dfcc9dd4.txt").read_bytes()
    dated = parse_dump(compact, "hf_daily_2024-03-22.txt", reference_date=today)
    assert (dated.listing_date, dated.listing_date_inferred) == (dt.date(2024, 3, 22), True)
    assert parse_dump(compact, "001_26fbe7b1dfcc9dd4.txt", reference_date=today).listing_date is None
