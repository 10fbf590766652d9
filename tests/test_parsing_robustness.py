"""Bad inputs, encodings, compression, and property tests for parse_dump."""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperlake.parsing import parse_dump
from paperlake.schemas import PARSED_LISTING_SCHEMA, PARSED_QUARANTINE_SCHEMA

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
REF = dt.date(2025, 6, 1)

ABS = ("We propose a new method for training language models that improves accuracy on many "
       "benchmarks. Our experiments show consistent gains across tasks and model sizes, and we release code.")
BLANK_PAGE = f"new\n\nSubscribe\n\nMar 21\n\nFirst Paper Title\n\n{ABS}\n\nSecond Paper: A Study\n\n{ABS}\n"


def check(res):
    assert dict(res.listings.schema) == PARSED_LISTING_SCHEMA
    assert dict(res.quarantine.schema) == PARSED_QUARANTINE_SCHEMA
    acc = res.accounting
    assert set(acc) == {"unit", "total", "listing", "quarantine", "furniture"}
    assert acc["unit"] in ("line", "record")
    assert acc["total"] == acc["listing"] + acc["quarantine"] + acc["furniture"]
    assert min(acc["total"], acc["listing"], acc["quarantine"], acc["furniture"]) >= 0
    assert res.listings["position"].to_list() == list(range(res.listings.height))
    if acc["quarantine"]:
        assert res.quarantine.height > 0
    assert res.quarantine["reason"].null_count() == 0
    return res


def test_empty_file():
    res = check(parse_dump(b"", "x.txt"))
    assert res.format == "empty" and res.listings.height == 0
    assert res.quarantine["reason"].to_list() == ["empty file"]


def test_whitespace_only():
    res = check(parse_dump(b"\n\n  \r\n", "x.txt"))
    assert res.format == "empty" and res.listings.height == 0


def test_binary_file():
    res = check(parse_dump(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, "x.png"))
    assert res.format == "binary" and res.encoding == "binary"
    assert "binary content" in res.quarantine["reason"][0]
    res = check(parse_dump(bytes(range(256)) * 50, "x.bin"))
    assert res.format == "binary"
    assert res.quarantine["reason"][0].startswith("binary content (")
    res = check(parse_dump(b"\x00\x01\x02abc" * 100, "x.bin"))
    assert res.quarantine["reason"][0] == "binary content (NUL bytes)"


def test_unknown_format():
    res = check(parse_dump(b"hello\nworld\nfoo\n", "x.txt"))
    assert res.format == "unknown" and res.listings.height == 0
    assert res.quarantine["reason"].to_list() == ["unknown format"]
    assert res.accounting["quarantine"] == 3


@pytest.mark.parametrize(
    "encode,encoding",
    [
        (lambda s: s.encode("utf-8"), "utf-8"),
        (lambda s: codecs.BOM_UTF8 + s.encode("utf-8"), "utf-8-sig"),
        (lambda s: s.encode("utf-16"), "utf-16"),
        (lambda s: s.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (lambda s: s.replace("First", "Fïrst").encode("latin-1"), "latin-1"),
    ],
)
def test_encodings(encode, encoding):
    res = check(parse_dump(encode(BLANK_PAGE), "x.txt", reference_date=REF))
    assert res.encoding == encoding
    assert res.format == "hf_text_blank"
    assert res.listings.height == 2
    assert res.listings["title"][0] in ("First Paper Title", "Fïrst Paper Title")
    assert res.listings["abstract"][1] == ABS
    assert res.listing_date == dt.date(2025, 3, 21) and res.listing_date_inferred


def test_nul_bytes_in_text_are_dropped():
    data = BLANK_PAGE.replace("Second", "Sec\x00ond").encode()
    res = check(parse_dump(data, "x.txt", reference_date=REF))
    assert res.listings["title"][1] == "Second Paper: A Study"


def test_gzip_of_any_format():
    for name in ("000_401760bdafd52c0a.txt", "001_26fbe7b1dfcc9dd4.txt"):
        path = SAMPLES / name
        if not path.exists():
            pytest.skip("seed samples absent")
        raw = path.read_bytes()
        plain = parse_dump(raw, name, reference_date=REF)
        res = check(parse_dump(gzip.compress(raw), name + ".gz", reference_date=REF))
        assert res.compression == "gzip"
        assert res.listings.equals(plain.listings)
    doc = json.dumps([{"paper": {"id": "2410.12345", "title": "T", "summary": ABS}}]).encode()
    res = check(parse_dump(gzip.compress(doc), "x.json.gz"))
    assert res.compression == "gzip" and res.format == "hf_api_json" and res.listings.height == 1


def test_truncated_gzip():
    data = gzip.compress(BLANK_PAGE.encode() * 50)
    res = check(parse_dump(data[: len(data) // 2], "x.txt.gz", reference_date=REF))
    assert res.compression == "gzip"
    assert any("gzip" in r for r in res.quarantine["reason"].to_list())


def _api_doc(n):
    return [
        {"paper": {"id": f"2410.{10000 + i}", "title": f"Paper {i}", "summary": ABS, "upvotes": i,
                   "authors": [{"name": "A B"}], "publishedAt": "2024-10-22T17:59:30.000Z"},
         "title": f"Paper {i}", "publishedAt": "2024-10-25T00:57:09.392Z"}
        for i in range(n)
    ]


def test_truncated_json_salvages_complete_records():
    text = json.dumps(_api_doc(5), indent=1)
    cut = text[: text.index('"Paper 4"') + 3]
    res = check(parse_dump(cut.encode(), "x.json"))
    assert res.format == "hf_api_json"
    assert res.listings.height == 4
    assert res.quarantine.height == 1
    start = cut.rindex("\n {\n") + 2  # the "{" of the fifth record, cut inside its title
    reason = res.quarantine["reason"][0]
    assert reason.startswith(f"truncated JSON: the text ends at byte {len(cut)} inside a record that starts at "
                             f"byte {start} (Unterminated string starting at: line ")
    assert reason.endswith(")); 4 complete record(s) salvaged")  # the decoder's message is whole
    assert res.accounting == {"unit": "record", "total": 5, "listing": 4, "quarantine": 1, "furniture": 0}


def test_json_cut_between_records_or_broken_inside_says_which():
    text = json.dumps(_api_doc(3))
    cut = text[: text.index('}, {"paper"') + 1]  # ends right after the first record
    [reason] = check(parse_dump(cut.encode(), "x.json")).quarantine["reason"].to_list()
    assert reason.startswith(f"truncated JSON: the text ends at byte {len(cut)} before the record array is closed (")
    assert reason.endswith("; 1 complete record(s) salvaged")
    bad = text.replace('}, {"paper"', '} {"paper"', 1)  # a comma missing in a whole file
    [reason] = check(parse_dump(bad.encode(), "x.json")).quarantine["reason"].to_list()
    assert reason.startswith(f"invalid JSON at byte {bad.index('} {') + 2}: Expecting ',' delimiter: line 1 column ")


def test_truncated_jsonfeed():
    doc = {"version": "https://jsonfeed.org/version/1", "items": [
        {"id": f"https://huggingface.co/papers/2502.0{i}000", "title": f"T{i}", "content_text": ABS} for i in range(3)]}
    text = json.dumps(doc)
    res = check(parse_dump(text[:-30].encode(), "feed.json"))
    assert res.format == "jsonfeed" and res.listings.height == 2
    assert res.listings["arxiv_id"].to_list() == ["2502.00000", "2502.01000"]


def test_truncated_xml_salvages_items():
    items = "".join(
        f"<item><title>Paper {i}</title><link>https://huggingface.co/papers/2601.2038{i}</link>"
        f"<description><![CDATA[<p>{ABS}</p>]]></description></item>" for i in range(4))
    xml = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    res = check(parse_dump(xml[:-60].encode(), "x.xml"))
    assert res.format == "rss" and res.listings.height == 3
    assert res.quarantine["reason"][0].startswith("truncated XML")
    full = check(parse_dump(xml.encode(), "x.xml"))
    assert full.listings.height == 4 and full.quarantine.height == 0
    assert full.listings["abstract"][0] == ABS


def test_title_without_abstract_text_layouts():
    page = f"Subscribe\nTitle One\n{ABS}\nOrphan Title Without Abstract\nTitle Three: Method\n{ABS}\n"
    res = check(parse_dump(page.encode(), "x.txt"))
    assert res.format == "hf_text_compact"
    assert res.listings["title"].to_list() == ["Title One", "Title Three: Method"]
    q = res.quarantine.row(0, named=True)
    assert q["reason"] == "title without abstract" and q["line_start"] == 4 and q["line_end"] == 4
    page = BLANK_PAGE + "\nDangling Last Title\n"
    res = check(parse_dump(page.encode(), "x.txt", reference_date=REF))
    assert res.listings.height == 2
    assert res.quarantine["reason"].to_list() == ["title without abstract"]


def test_hard_wrapped_abstract_in_blank_layout():
    wrapped = "We propose a new method for training language\nmodels that improves accuracy on many bench-\nmarks and representa-\ntions. It is state-of-the-\nart.\n"
    page = f"Mar 21\n\nWrapped Paper\n\n{wrapped}\nOther Paper\n\n{ABS}\n"
    res = check(parse_dump(page.encode(), "x.txt", reference_date=REF))
    assert res.listings.height == 2
    a = res.listings["abstract"][0]
    assert "language models" in a and "representations" in a and "state-of-the-art" in a
    assert "bench-marks" in a  # ambiguous break keeps the hyphen


def test_html_entities_and_latex():
    doc = [{"title": "A &amp; B", "abstract": "We get 5\\% gains with <b>bold</b> &lt;tags&gt; and $x^2$ math. " + ABS,
            "url": "https://arxiv.org/abs/2410.12345v2"}]
    res = check(parse_dump(json.dumps(doc).encode(), "x.json"))
    row = res.listings.row(0, named=True)
    assert row["title"] == "A & B"
    assert row["abstract"].startswith("We get 5% gains with bold <tags> and $x^2$ math.")
    assert row["arxiv_id"] == "2410.12345"


def test_huge_single_line_is_quarantined_fast():
    data = b"A" * (50 * 1024 * 1024)
    t0 = time.perf_counter()
    res = check(parse_dump(data, "big.txt"))
    assert time.perf_counter() - t0 < 20
    assert res.listings.height == 0
    assert res.quarantine["reason"][0].startswith("line longer than 1 MB")
    assert len(res.quarantine["raw_text"][0]) < 10_000


def test_huge_line_inside_a_page_keeps_the_rest():
    page = BLANK_PAGE + "\n" + "x" * 2_000_000 + "\n"
    res = check(parse_dump(page.encode(), "x.txt", reference_date=REF))
    assert res.listings.height == 2
    assert "line longer than 1 MB" in res.quarantine["reason"].to_list()[0]


def test_year_inference_feb_29():
    page = BLANK_PAGE.replace("Mar 21", "Feb 29")
    res = check(parse_dump(page.encode(), "x.txt", reference_date=dt.date(2025, 6, 1)))
    assert res.listing_date == dt.date(2024, 2, 29)


_fragments = st.sampled_from([
    "new", "Subscribe", "Get trending papers in your email inbox!", "Mar 21", "", "Title: A Thing",
    ABS, "Short Title", "\\\\", "arXiv:2303.00769", "### [T](https://huggingface.co/papers/2410.12345)",
    "[1](https://huggingface.co/login)", "{", "[", "<rss>", "<item><title>x</title>", "\t", "·",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_property_arbitrary_bytes(data):
    check(parse_dump(data, "fuzz.bin"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_fragments, max_size=30), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_property_structured_noise(parts, nl, gz):
    data = nl.join(parts).encode()
    if gz:
        data = gzip.compress(data)
    res = check(parse_dump(data, "fuzz.txt", reference_date=REF))
    if res.accounting["unit"] == "line":
        for s, e in res.listings.select("line_start", "line_end").iter_rows():
            assert 1 <= s <= e <= res.accounting["total"]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=600))
def test_property_arbitrary_text(text):
    check(parse_dump(text.encode("utf-8", "surrogatepass"), "fuzz.txt"))


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=4000))
def test_property_any_json_truncation(cut):
    text = json.dumps(_api_doc(6))
    res = check(parse_dump(text[: cut % (len(text) + 1)].encode(), "x.json"))
    assert res.listings.height <= 6


def test_metadata_field_lines_of_other_formats_are_never_titles():
    """A text page parse of something that is not a page: no "Subjects: ..." or "AU  - ..." title."""
    from paperlake.parsing.decode import split_lines
    from paperlake.parsing.ledger import LineLedger
    from paperlake.parsing.text_pages import parse_text_page

    text = ("Subjects: Computation and Language (cs.CL)\nLarge language models are expensive to serve. We propose a "
            "method that delivers a large speedup on common hardware.\n\nAU  - Smith, Alice\nAB  - Large language "
            "models are expensive to serve. We propose a method that delivers a large speedup on hardware.\n")
    ledger = LineLedger(split_lines(text))
    parse_text_page(ledger, None)
    assert ledger.rows == []


def test_arxiv_listing_cross_listing_entries_are_listings():
    """Old arXiv listings mark cross-lists "Paper (*cross-listing*): id" (arxiv-browse test data)."""
    from paperlake.parsing import parse_dump

    text = (b"\\\\\nPaper: astro-ph/0601001\nFrom: A. Gould <a@b.c>\nDate: Mon, 2 Jan 2006 14:57:58 GMT   (588kb)\n\n"
            b"Title: Frequency of Hot Jupiters\nAuthors: Andrew Gould\nCategories: astro-ph\n\\\\\n"
            b"------------------------------------------------------------------------------\n"
            b"\\\\\nPaper (*cross-listing*): cond-mat/0601307\nFrom: A. M. Rey <a@b.c>\n"
            b"Date: Mon, 16 Jan 2006 18:54:03 GMT   (878kb)\n\nTitle: Quantum coherence of bosons\n"
            b"Authors: Ana Maria Rey\nCategories: cond-mat.other astro-ph\n\\\\\n")
    r = parse_dump(text, "listings_0601")
    assert r.listings["arxiv_id"].to_list() == ["astro-ph/0601001", "cond-mat/0601307"]
    assert r.accounting["quarantine"] == 0
    # "pastweek" listings separate their days with /* Thu, 2 Mar 2023 */ lines: page furniture
    sep = b"------------------------------------------------------------------------------\n"
    first, second = text.split(sep)
    r = parse_dump(first + sep + b"\\\\\n/* Thu, 2 Mar 2023 */\n\\\\\n" + sep + second, "pastweek")
    assert r.accounting["quarantine"] == 0 and r.listings.height == 2


def test_an_abstract_line_starting_with_an_arxiv_id_does_not_open_an_entry():
    from paperlake.parsing import parse_dump

    text = (b"\\\\\narXiv:0704.0123\nFrom: D. N. Makovetskii <a@b.c>\nDate: Mon, 2 Apr 2007 05:32:43 GMT   (362kb)\n\n"
            b"Title: Nonlinear Dynamics of the Phonon Stimulated Emission\nAuthors: D. N. Makovetskii\n"
            b"Categories: nlin.CD\n\\\\\n  The microwave phonon stimulated emission has been investigated (see previous works\n"
            b"arXiv:cond-mat/0303188 ; arXiv:cond-mat/0402640)\nPhenomena of branching were observed in experiments.\n\\\\\n")
    r = parse_dump(text, "0704.0123.abs")
    assert r.listings.height == 1 and r.accounting["quarantine"] == 0
    assert r.listings["abstract"][0].endswith("Phenomena of branching were observed in experiments.")


def test_digest_json_reads_every_array_of_paper_records():
    # a digest's papers under several keys ({"papers", "radar", "top5"}; {"deep_dive", "quick_skim"}) were read from
    # the first key only, the others dropped without a trace
    def rec(i, **extra):
        return {"title": f"Paper {i}", "summary": ABS, "arxiv_id": f"2501.{i:05d}", **extra}

    doc = {"run_date": "2025-06-01", "papers": [rec(1), rec(2)], "radar": [rec(3), rec(4)], "top5": [rec(1)],
           "sources_status": [{"name": "arxiv", "status": "ok"}]}
    res = check(parse_dump(json.dumps(doc).encode(), "daily.json"))
    assert res.listings["title"].to_list() == ["Paper 1", "Paper 2", "Paper 3", "Paper 4", "Paper 1"]
    doc = {"stats": {"n": 3}, "deep_dive": [rec(1, id="2501.00001")], "quick_skim": [rec(2, id="2501.00002", tier=1)] * 2}
    res = check(parse_dump(json.dumps(doc).encode(), "standard.json"))
    assert res.listings.height == 3 and res.accounting["total"] == 3
