"""Reference-manager exports, BibTeX and RIS: one listing per entry (they used to be read as a
text page, a field line becoming a title); arXiv's metadata snapshot (JSON lines)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from paperlake.parsing import parse_dump

PAGES = Path(__file__).resolve().parent / "data" / "pages"


def test_arxiv_style_and_journal_style_entries():
    r = parse_dump((PAGES / "reading_list.bib").read_bytes(), "reading_list.bib")
    rows = r.listings.to_dicts()
    assert r.format == "bibtex"
    assert r.accounting == {"unit": "record", "total": 2, "listing": 2, "quarantine": 0, "furniture": 0}
    assert rows[0]["title"] == "QuantFast: 4-bit Weight Quantization for Fast LLM Inference"
    assert rows[0]["abstract"].startswith("Large language models are expensive to serve.")
    assert (rows[0]["arxiv_id"], rows[0]["categories"]) == ("2501.01234", ["cs.CL"])
    assert rows[0]["authors"] == ["Alice Smith", "Bob Jones"]
    assert (rows[1]["arxiv_id"], rows[1]["authors"], rows[1]["abstract_flag"]) == (
        "2501.05678", ["Carol White"], "missing abstract")  # id from "journal = {arXiv preprint arXiv:...}"


def test_tex_markup_strings_untitled_and_truncated_entries():
    text = rb"""% exported from a reference manager
@string{acl = "ACL"}
@inproceedings{k1,
  title = {{BERT}: Pre-training of Deep {B}idirectional Transformers \& more},
  author = {Devlin, Jacob and Chang, Ming-Wei},
  booktitle = acl,
  year = 2019,
  abstract = "It obtains 80.5\% on GLUE.",
}
@article{k2, author = {Nobody}, year = {2020}}
@misc{k3,
  title = {Unclosed {entry
"""
    r = parse_dump(text, "t.bib")
    row = r.listings.row(0, named=True)
    assert r.accounting == {"unit": "record", "total": 4, "listing": 1, "quarantine": 2, "furniture": 1}
    assert row["title"] == "BERT: Pre-training of Deep Bidirectional Transformers & more"
    assert row["abstract"] == "It obtains 80.5% on GLUE." and row["authors"] == ["Jacob Devlin", "Ming-Wei Chang"]
    assert row["published_at"] is None  # a year is not a day
    assert r.quarantine["reason"].to_list() == ["BibTeX entry without title", "truncated BibTeX entry (unbalanced braces)"]


def test_ris_records():
    r = parse_dump((PAGES / "reading_list.ris").read_bytes(), "reading_list.ris")
    row = r.listings.row(0, named=True)
    assert r.format == "ris"
    assert r.accounting == {"unit": "record", "total": 3, "listing": 1, "quarantine": 2, "furniture": 0}
    assert row["title"] == "QuantFast: 4-bit Weight Quantization for Fast LLM Inference"
    assert row["abstract"].endswith("delivers up to 2.5x speedup.")  # a wrapped AB line continues it
    assert (row["arxiv_id"], row["authors"]) == ("2501.01234", ["Alice Smith", "Bob Jones"])
    assert r.quarantine["reason"].to_list() == ["RIS record without title", "truncated RIS record (no ER)"]


def test_bibtex_accents_and_formatting_commands():
    r = parse_dump(rb"@article{k, title = {Caf{\'e} Models for \textbf{Fast} Decoding}, "
                   rb'author = {Bal{\'a}zs, Csaba and M{\"u}ller, J{\"o}rg and Stra{\ss}e, Ana}}', "k.bib")
    row = r.listings.row(0, named=True)
    assert row["title"] == "Café Models for Fast Decoding"
    assert row["authors"] == ["Csaba Balázs", "Jörg Müller", "Ana Straße"]


def test_tex_letters_written_as_control_words():
    """{\\AA}, \\o{}, \\l and \\ss followed by a space (which TeX consumes) become the letters."""
    r = parse_dump(rb"@article{k, title = {Stellar Models}, "
                   rb"author = {{\AA}gren, Nils and Kj{\ae}rgaard, Per and Ko\l odziej, Anna and H{\"a}u\ss ler, B. and \O{}stensen, R.}}",
                   "k.bib")
    assert r.listings.row(0, named=True)["authors"] == [
        "Nils Ågren", "Per Kjærgaard", "Anna Kołodziej", "B. Häußler", "R. Østensen"]


def test_arxiv_metadata_snapshot_lines():
    """arXiv's metadata snapshot (JSON lines, as on Kaggle): TeX in author names, the first
    version's submission date as the publication date."""
    record = {
        "id": "0704.0001", "submitter": "Pavel Nadolsky", "authors": "C. Bal\\'azs, E. L. Berger, P. M. Nadolsky",
        "title": "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies",
        "categories": "hep-ph",
        "abstract": "  A fully differential calculation in perturbative quantum chromodynamics is\npresented for the "
                    "production of massive photon pairs at hadron colliders.\n",
        "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
                     {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"}],
        "update_date": "2008-11-13",
    }
    lines = [json.dumps(record), json.dumps({**record, "id": "0704.0002"})]
    r = parse_dump("\n".join(lines).encode(), "arxiv-metadata.json")
    row = r.listings.row(0, named=True)
    assert (r.format, r.listings.height, row["arxiv_id"]) == ("jsonl", 2, "0704.0001")
    assert row["authors"] == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky"]
    assert row["published_at"] == dt.date(2007, 4, 2) and row["categories"] == ["hep-ph"]
    assert row["title"] == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"


def test_openreview_notes_with_values_wrapped_in_objects():
    """OpenReview's API (v2) wraps every content field: {"title": {"value": ...}}."""
    note = {"id": "abc123", "forum": "abc123", "content": {
        "title": {"value": "Efficient Streaming Language Models with Attention Sinks"},
        "authors": {"value": ["Guangxuan Xiao", "Yuandong Tian"]},
        "abstract": {"value": "Deploying Large Language Models (LLMs) in streaming applications such as multi-round "
                              "dialogue, where long interactions are expected, is urgently needed."}}}
    r = parse_dump(json.dumps({"notes": [note], "count": 1}).encode(), "openreview.json")
    row = r.listings.row(0, named=True)
    assert (r.listings.height, r.quarantine.height) == (1, 0)
    assert row["title"] == "Efficient Streaming Language Models with Attention Sinks"
    assert row["authors"] == ["Guangxuan Xiao", "Yuandong Tian"] and row["abstract"].startswith("Deploying")


def test_an_acl_anthology_volume():
    """XML records that are not a feed: one listing per <paper>; markup inside titles and
    abstracts is kept as text; the volume's editors are not authors."""
    r = parse_dump((PAGES / "acl_anthology_volume.xml").read_bytes(), "2023.acl.xml")
    rows = r.listings.to_dicts()
    assert (r.format, len(rows), r.quarantine["reason"].to_list()) == ("xml_records", 2, ["record without title"])
    assert rows[1]["title"] == "SafeConv: Explaining and Correcting Conversational Unsafe Behavior"
    assert rows[0]["authors"] == ["Yajiao Liu", "Xin Jiang"]
    assert "MUST_{\\mathrm{adaptive}} to optimize" in rows[0]["abstract"] and rows[0]["abstract"].endswith("adaptive.")
    assert rows[0]["links"] == ["https://doi.org/10.18653/v1/2023.acl-long.1"]
    assert rows[0]["published_at"] == dt.date(2023, 7, 1)  # the volume's month and year


def test_pubmed_articles():
    """PubMed XML: the article's title, not its journal's; labelled abstract parts joined."""
    r = parse_dump((PAGES / "pubmed_articles.xml").read_bytes(), "pubmed.xml")
    rows = r.listings.to_dicts()
    assert [x["title"] for x in rows] == ["Large language models encode clinical knowledge.",
                                          "Performance of ChatGPT on a radiology board-style examination."]
    assert rows[0]["abstract"] == ("Large language models (LLMs) have demonstrated impressive capabilities. "
                                   "Med-PaLM reaches 67.6% accuracy on MedQA.")
    assert rows[0]["authors"] == ["Karan Singhal", "Shekoofeh Azizi"] and rows[0]["published_at"] == dt.date(2023, 8, 3)
    assert r.accounting["quarantine"] == 0


def test_a_crossref_works_response():
    """Crossref: records under message.items, the title as a list, the abstract as JATS XML."""
    doc = {"status": "ok", "message-type": "work-list", "message": {"total-results": 1, "items": [{
        "DOI": "10.1234/abc", "title": ["Attention Is All You Need"],
        "author": [{"given": "Ashish", "family": "Vaswani"}, {"given": "Noam", "family": "Shazeer"}],
        "abstract": "<jats:title>Abstract</jats:title><jats:p>The dominant sequence transduction models are based on "
                    "complex recurrent or convolutional neural networks.</jats:p>",
        "published": {"date-parts": [[2017, 6, 12]]}}]}}
    r = parse_dump(json.dumps(doc).encode(), "crossref.json")
    row = r.listings.row(0, named=True)
    assert (row["title"], row["published_at"]) == ("Attention Is All You Need", dt.date(2017, 6, 12))
    assert row["abstract"] == "The dominant sequence transduction models are based on complex recurrent or convolutional neural networks."
    assert row["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
