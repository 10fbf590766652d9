"""Tables of papers (CSV / TSV with a header row, Parquet): one listing per row."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl

from paperlake.parsing import parse_dump
from paperlake.parsing.tables import sniff_delimiter

ROWS = pl.DataFrame({
    "title": ["QuantFast: 4-bit Weight Quantization for Fast LLM Inference", "Speculative Decoding with Tiny Drafters"],
    "abstract": ["Large language models are expensive to serve.\nWe propose QuantFast, a post-training 4-bit weight "
                 "quantization method that delivers up to 2.5x speedup, \"without\" retraining.",
                 "We train a 68M-parameter drafter for speculative decoding and obtain a 3.1x speedup on MT-Bench."],
    "arxiv_id": ["2501.01234", "2501.05678"],
    "authors": ["Alice Smith, Bob Jones", "Carol White"],
    "date": ["2025-01-06", "2025-01-06"],
    "upvotes": [42, 7],
})


def _check(r, fmt: str) -> None:
    assert (r.format, r.listing_date) == (fmt, dt.date(2025, 1, 6))
    assert r.accounting == {"unit": "record", "total": 2, "listing": 2, "quarantine": 0, "furniture": 0}
    rows = r.listings.to_dicts()
    assert [x["arxiv_id"] for x in rows] == ["2501.01234", "2501.05678"]
    assert rows[0]["authors"] == ["Alice Smith", "Bob Jones"] and rows[0]["upvotes"] == 42
    assert rows[0]["abstract"].startswith("Large language models are expensive to serve. We propose QuantFast")
    assert '"without" retraining' in rows[0]["abstract"]  # a quoted, multi-line CSV field


def test_csv_and_tsv():
    _check(parse_dump(ROWS.write_csv().encode(), "papers.csv"), "csv")
    _check(parse_dump(ROWS.write_csv(separator="\t").encode(), "papers.tsv"), "tsv")


def test_parquet_flat_and_with_the_hugging_face_paper_struct():
    buf = io.BytesIO()
    ROWS.write_parquet(buf)
    _check(parse_dump(buf.getvalue(), "papers.parquet"), "parquet")
    hf = pl.DataFrame({"paper": [{"id": "2501.01234", "title": "QuantFast", "summary": "Large language models are "
                                  "expensive to serve. We propose QuantFast, a post-training method.",
                                  "authors": [{"name": "Alice Smith"}], "upvotes": 42}],
                       "title": ["QuantFast"], "publishedAt": ["2025-01-06T00:12:00.000Z"]})
    buf = io.BytesIO()
    hf.write_parquet(buf)
    r = parse_dump(buf.getvalue(), "daily_papers.parquet")
    row = r.listings.row(0, named=True)
    assert (r.format, r.listing_date, row["arxiv_id"], row["authors"]) == (
        "parquet", dt.date(2025, 1, 6), "2501.01234", ["Alice Smith"])


def test_a_csv_export_of_flattened_records_with_list_cells():
    """pandas' json_normalize(...).to_csv() of the daily papers API: dotted column names, lists
    written as Python reprs. Read as the records they were (it was "unknown format")."""
    text = (
        "paper.id,paper.title,paper.summary,paper.authors,paper.publishedAt,numComments,title\n"
        "2501.01234,QuantFast,\"Large language models are expensive to serve. We propose QuantFast, a post-training "
        "method with up to 2.5x speedup.\",\"[{'name': 'Alice Smith'}, {'name': 'Bob Jones'}]\","
        "2025-01-06T00:12:00.000Z,3,QuantFast\n"
        "2501.05678,[Re] Tiny Drafters,We train a 68M-parameter drafter for speculative decoding.,[],"
        "2025-01-06T00:12:00.000Z,0,[Re] Tiny Drafters\n"
    )
    assert sniff_delimiter(text) == ","
    r = parse_dump(text.encode(), "daily_papers_flat.csv")
    rows = r.listings.to_dicts()
    assert (r.format, r.accounting["listing"], r.accounting["quarantine"]) == ("csv", 2, 0)
    assert [x["arxiv_id"] for x in rows] == ["2501.01234", "2501.05678"]
    assert rows[0]["authors"] == ["Alice Smith", "Bob Jones"] and rows[0]["published_at"] == dt.date(2025, 1, 6)
    assert rows[1]["title"] == "[Re] Tiny Drafters"  # brackets that are not a list stay text
    assert rows[0]["abstract"].startswith("Large language models are expensive to serve.")


def test_a_row_with_the_wrong_number_of_fields_is_quarantined_the_others_kept():
    r = parse_dump(ROWS.write_csv().encode() + b"just one field\n", "papers.csv")
    assert r.accounting == {"unit": "record", "total": 3, "listing": 2, "quarantine": 1, "furniture": 0}
    assert r.quarantine["reason"].to_list() == ["row with 1 fields, the header has 6"]


def test_an_unreadable_parquet_file_is_one_quarantine_row():
    r = parse_dump(b"PAR1" + b"\x00" * 64, "broken.parquet")
    assert r.listings.height == 0 and r.quarantine["reason"][0].startswith("unreadable Parquet file")


def test_prose_with_commas_is_not_a_table():
    assert sniff_delimiter("Title, abstract and more of a paper\nSome prose, with commas, follows here.") is None
    assert sniff_delimiter("title,abstract\n") is None  # a header without rows
    assert sniff_delimiter("title;authors\n\"A paper\";\"A. Smith\"\n") == ";"


def test_a_markdown_table_and_capitalised_headers():
    md = (b"| Title | Abstract | arXiv ID |\n|---|:---:|---|\n"
          b"| QuantFast | Large language models are expensive to serve. We propose QuantFast. | 2501.01234 |\n")
    r = parse_dump(md, "list.md")
    row = r.listings.row(0, named=True)
    assert (r.format, r.accounting["listing"], row["title"], row["arxiv_id"]) == ("delimited", 1, "QuantFast", "2501.01234")


def test_bibliographic_api_json_semantic_scholar_openalex_csl():
    import json

    s2 = {"data": [{"paperId": "a", "externalIds": {"ArXiv": "2501.01234"}, "title": "QuantFast",
                    "abstract": "Large language models are expensive to serve. We propose QuantFast.",
                    "authors": [{"authorId": "1", "name": "Alice Smith"}], "publicationDate": "2025-01-03"}]}
    openalex = {"results": [{"title": "QuantFast", "publication_date": "2025-01-03",
                             "ids": {"doi": "https://doi.org/10.48550/arxiv.2501.01234"},
                             "authorships": [{"author": {"display_name": "Alice Smith"}}],
                             "abstract_inverted_index": {"Large": [0], "language": [1], "models": [2], "are": [3],
                                                         "expensive": [4], "to": [5], "serve.": [6]}}]}
    csl = [{"type": "article", "title": "QuantFast", "abstract": "Large language models are expensive to serve.",
            "author": [{"family": "Smith", "given": "Alice"}], "URL": "http://arxiv.org/abs/2501.01234",
            "issued": {"date-parts": [[2025, 1, 3]]}}]
    for doc in (s2, openalex, csl):
        row = parse_dump(json.dumps(doc).encode(), "export.json").listings.row(0, named=True)
        assert (row["arxiv_id"], row["authors"], row["published_at"]) == ("2501.01234", ["Alice Smith"], dt.date(2025, 1, 3))
        assert row["abstract"].startswith("Large language models are expensive to serve.")


def test_the_arxiv_announcement_is_not_part_of_an_abstract_in_any_format():
    csv_text = ('title,abstract,url\nAgentic Search,"arXiv:2603.01234v2 Announce Type: new Abstract: We study '
                'cost-aware agentic search for enterprise workflows.",https://arxiv.org/abs/2603.01234\n')
    row = parse_dump(csv_text.encode(), "notes.csv").listings.row(0, named=True)
    assert row["abstract"] == "We study cost-aware agentic search for enterprise workflows."


def test_hugging_face_paper_objects_without_their_daily_wrapper_are_dated_by_their_listing_day():
    import json

    recs = [{"id": "2509.04664", "publishedAt": "2025-09-04T21:26:31.000Z", "submittedOnDailyAt": "2025-09-08T02:44:20Z",
             "title": "Why Language Models Hallucinate", "summary": "Language models guess when uncertain.",
             "ai_summary": "Models guess.", "authors": [{"name": "Adam Tauman Kalai"}], "upvotes": 26}]
    r = parse_dump(json.dumps(recs).encode(), "papers.json")
    row = r.listings.row(0, named=True)
    assert (r.listing_date, row["arxiv_id"], row["ai_summary"]) == (dt.date(2025, 9, 8), "2509.04664", "Models guess.")


def test_a_zotero_csv_export():
    """Zotero's CSV export: the abstract under "Abstract Note", authors as "Last, First; ..."."""
    csv_text = (
        '"Key","Item Type","Publication Year","Author","Title","DOI","Url","Abstract Note","Date"\n'
        '"ABCD1234","preprint","2023","Dettmers, Tim; Pagnoni, Artidoro; van der Berg, Jan",'
        '"QLoRA: Efficient Finetuning of Quantized LLMs","10.48550/arXiv.2305.14314","http://arxiv.org/abs/2305.14314",'
        '"We present QLoRA, an efficient finetuning approach that reduces memory usage enough to finetune a 65B '
        'parameter model on a single 48GB GPU.","2023-05-23"\n')
    r = parse_dump(csv_text.encode(), "zotero.csv")
    row = r.listings.row(0, named=True)
    assert (r.format, row["arxiv_id"], row["published_at"]) == ("csv", "2305.14314", dt.date(2023, 5, 23))
    assert row["authors"] == ["Tim Dettmers", "Artidoro Pagnoni", "Jan van der Berg"]
    assert row["abstract"].startswith("We present QLoRA")
