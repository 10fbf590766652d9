"""arXiv RSS feeds (current and RSS 1.0), arXiv OAI-PMH harvests, arXiv listing pages and
huggingface.co/papers pages saved as HTML. The samples in tests/data/pages follow the public
layouts (arXiv's RSS and OAI-PMH formats, arxiv-browse's list templates, the papers JSON that
huggingface.co/papers hydrates from)."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import polars as pl

from paperlake import identity
from paperlake.ingest import Dump, ingest
from paperlake.parsing import parse_dump

PAGES = Path(__file__).resolve().parent / "data" / "pages"
ABS_TEXT = ("We introduce a framework that enables both multi-view character consistency and 3D camera control in video "
            "diffusion models through a novel customization data pipeline, and we release code and data.")


def _parse(name: str, data: bytes | None = None):
    return parse_dump(data if data is not None else (PAGES / name).read_bytes(), name)


def test_arxiv_rss_abstract_without_the_announcement():
    r = _parse("arxiv_rss.xml")
    rows = r.listings.to_dicts()
    assert (r.format, r.listing_date, r.accounting["listing"]) == ("rss", dt.date(2025, 1, 6), 2)
    assert rows[0]["abstract"].startswith("Large language models are expensive to serve.")
    assert rows[1]["abstract"].startswith("Retrieval-augmented generation (RAG)")
    assert [x["arxiv_id"] for x in rows] == ["2501.01234", "2412.09876"]
    assert rows[0]["authors"] == ["Alice Smith", "Bob Jones"] and rows[0]["categories"] == ["cs.CL", "cs.LG"]


def test_arxiv_rss_1_0_titles_without_the_id_suffix():
    r = _parse("arxiv_rss_legacy.xml")
    rows = r.listings.to_dicts()
    assert [x["title"] for x in rows] == ["Sparse Attention for Long-Context Language Models", "Instruction Tuning at Scale"]
    assert [x["categories"] for x in rows] == [["cs.CL"], ["cs.CL"]]  # from "[cs.CL]" in the suffix
    assert [x["arxiv_id"] for x in rows] == ["2306.01234", "2305.04321"]
    assert r.listing_date == dt.date(2023, 6, 5)


def test_arxiv_listing_page():
    r = _parse("arxiv_list_new.html")
    rows = r.listings.to_dicts()
    assert (r.format, r.listing_date) == ("arxiv_list_html", dt.date(2025, 1, 6))
    assert r.accounting == {"unit": "record", "total": 2, "listing": 2, "quarantine": 0, "furniture": 0}
    assert rows[0]["title"] == "QuantFast: 4-bit Weight Quantization for Fast LLM Inference"
    assert rows[0]["abstract"].startswith("Large language models are expensive to serve. We propose QuantFast")
    assert rows[0]["authors"] == ["Alice Smith", "Bob Jones"] and rows[0]["categories"] == ["cs.CL", "cs.LG"]
    assert rows[1]["arxiv_id"] == "2501.05678" and rows[1]["links"] == ["https://arxiv.org/abs/2501.05678"]


def test_an_arxiv_listing_entry_without_title_is_quarantined_the_others_kept():
    html = (PAGES / "arxiv_list_new.html").read_text()
    broken = html.replace("Speculative Decoding with Tiny Drafters", "", 1).encode()
    r = _parse("arxiv_list_new.html", broken)
    assert r.accounting == {"unit": "record", "total": 2, "listing": 1, "quarantine": 1, "furniture": 0}
    assert r.quarantine["reason"].to_list() == ["arXiv list entry without title"]
    assert "2501.05678" in r.quarantine["raw_text"][0]


def test_huggingface_papers_page_reads_its_embedded_papers():
    r = _parse("hf_papers_page.html")
    rows = r.listings.to_dicts()
    assert (r.format, r.listing_date, r.accounting["listing"]) == ("hf_papers_html", dt.date(2025, 1, 6), 2)
    assert rows[0]["ai_summary"] == "QuantFast quantizes LLM weights to 4 bits." and rows[0]["upvotes"] == 42
    assert rows[1]["title"] == "Speculative Decoding with Tiny Drafters & <Friends>"  # entities decoded once
    assert rows[1]["authors"] == ["Carol White"]


def test_any_other_html_page_is_quarantined_with_the_reason():
    r = _parse("other_page.html")
    assert r.format == "unknown" and r.listings.height == 0
    assert r.quarantine["reason"][0].startswith("unknown format (HTML page")


def test_one_paper_in_three_formats_is_one_paper():
    dumps = [Dump(n, (PAGES / n).read_bytes()) for n in ("arxiv_rss.xml", "arxiv_list_new.html", "hf_papers_page.html")]
    listings = ingest(dumps, ingested_at=dt.datetime(2025, 1, 6, tzinfo=dt.UTC)).listings
    papers = identity.assign_papers(listings).join(listings.select("listing_id", "arxiv_id"), on="listing_id")
    quantfast = papers.filter(pl.col("arxiv_id") == "2501.01234")
    assert quantfast.height == 3 and quantfast["paper_id"].n_unique() == 1


def test_arxiv_oai_pmh_harvest():
    r = _parse("arxiv_oai.xml")
    rows = r.listings.to_dicts()
    assert (r.format, r.listing_date) == ("arxiv_oai", dt.date(2025, 1, 6))
    assert r.accounting == {"unit": "record", "total": 3, "listing": 2, "quarantine": 1, "furniture": 0}
    assert [x["arxiv_id"] for x in rows] == ["2501.01234", "2501.05678"]
    assert rows[0]["authors"] == ["Alice Smith", "Bob Jones"] and rows[0]["categories"] == ["cs.CL", "cs.LG"]
    assert rows[0]["abstract"].startswith("Large language models are expensive to serve. We propose")
    assert rows[1]["authors"] == ["Carol White", "Dan Black"]  # oai_dc "Keyname, Forenames"
    assert rows[1]["abstract"].endswith("no loss in quality.")  # not the "Comment:" description
    assert rows[1]["published_at"] == dt.date(2025, 1, 5)
    assert r.quarantine["reason"].to_list() == ["deleted record (OAI-PMH)"]


def test_an_oai_pmh_error_response_is_quarantined_with_its_message():
    error = (b'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
             b'<responseDate>2025-01-06T12:00:00Z</responseDate><request verb="ListRecords">http://export.arxiv.org/oai2'
             b'</request><error code="noRecordsMatch">The combination of the values of the from, until, set and '
             b'metadataPrefix arguments results in an empty list.</error></OAI-PMH>')
    r = _parse("oai_error.xml", error)
    assert r.listings.height == 0
    assert r.quarantine["reason"][0].startswith("OAI-PMH response without records: The combination")


def test_a_huggingface_page_dated_by_its_date_string():
    import html
    import json

    props = {"periodType": "day", "dateString": "2025-01-07", "dailyPapers": [
        {"paper": {"id": "2501.01234", "title": "QuantFast", "summary": "We propose QuantFast, a method.",
                   "authors": [{"name": "Alice Smith"}]}, "title": "QuantFast", "publishedAt": "2025-01-06T00:00:00Z"}]}
    page = f'<div data-target="DailyPapers" data-props="{html.escape(json.dumps(props))}"></div>'
    assert parse_dump(f"<html><body>{page}</body></html>".encode(), "p.html").listing_date == dt.date(2025, 1, 7)


def test_a_huggingface_page_listing_papers_under_another_key():
    html = (PAGES / "hf_papers_page.html").read_text().replace("dailyPapers", "trendingPapers", 1)
    r = _parse("trending.html", html.encode())
    assert (r.format, r.listings.height) == ("hf_papers_html", 2)


def test_a_reader_capture_of_the_daily_page_keeps_title_only_entries():
    """huggingface.co/papers as a reader tool saves it: a "Title: / URL Source:" header, entries
    with a title linked to the paper but no abstract (the daily list does not show them)."""
    r = parse_dump((PAGES / "hf_papers_reader_capture.md").read_bytes(), "capture.md", reference_date=dt.date(2025, 1, 10))
    rows = r.listings.to_dicts()
    assert (r.format, r.listing_date) == ("hf_markdown", dt.date(2025, 1, 6))
    assert r.accounting["quarantine"] == 0 and r.accounting["total"] == r.accounting["listing"] + r.accounting["furniture"]
    assert [(x["arxiv_id"], x["upvotes"], x["abstract_flag"]) for x in rows] == [
        ("2501.01234", 42, "missing abstract"), ("2501.05678", 7, "missing abstract")]
    assert not any("2501.05678" in u for u in rows[0]["links"] or [])  # the next entry's thumbnail link


def test_a_digest_email_saved_as_text_keeps_its_headers_out_of_the_listings():
    mail = (b"From: digest@example.com\nSubject: Your daily AI papers\n\n"
            b"QuantFast: 4-bit Weight Quantization for Fast LLM Inference\n"
            b"Large language models are expensive to serve. We propose QuantFast, a post-training 4-bit weight "
            b"quantization method that delivers up to 2.5x speedup.\n\nUnsubscribe | Manage preferences\n")
    r = parse_dump(mail, "digest.eml")
    assert r.listings["title"].to_list() == ["QuantFast: 4-bit Weight Quantization for Fast LLM Inference"]
    assert r.accounting["quarantine"] == 0


def test_an_arxiv_listing_page_copied_as_text():
    r = _parse("arxiv_list_new.txt")
    rows = r.listings.to_dicts()
    assert (r.format, r.listing_date) == ("arxiv_list_text", dt.date(2025, 1, 6))
    assert r.accounting["quarantine"] == 0 and r.accounting["total"] == r.accounting["listing"] + r.accounting["furniture"]
    assert [x["arxiv_id"] for x in rows] == ["2501.01234", "2501.05678", "2501.09999"]
    assert rows[0]["title"] == "QuantFast: 4-bit Weight Quantization for Fast LLM Inference"
    assert rows[0]["authors"] == ["Alice Smith", "Bob Jones"] and rows[0]["categories"] == ["cs.CL", "cs.LG"]
    assert rows[0]["abstract"].startswith("Large language models are expensive to serve.")
    assert rows[2]["abstract"].endswith("WMT14 English-German.")  # a cross-list entry, its section heading skipped


def test_hf_feed_items_with_the_generating_model_as_the_summary_marker():
    """Newer HF paper feeds (github.com/MichaelMarkert/rss, 2026): "Abstract <AI summary>  Generated by
    <org/model> <abstract>"."""
    import json

    feed = {"version": "https://jsonfeed.org/version/1", "items": [
        {"id": "https://huggingface.co/papers/2608.19880", "title": "FreeToken: Edge-Native MoE Serving",
         "content_text": "Abstract FreeToken maps experts to heterogeneous local hardware.  Generated by "
                         "thinkingmachines/Inkling-Small Frontier open-weight models are increasingly available, "
                         "but serving them on personal machines remains hard. We present FreeToken.",
         "date_published": "2026-08-20T00:00:00Z"},
        {"id": "https://huggingface.co/papers/2608.19881", "title": "Images in the Wild",
         "content_text": "We study images generated by stabilityai/stable-diffusion-2 and find systematic artifacts "
                         "in their textures. The artifacts are detectable with a linear probe.",
         "date_published": "2026-08-20T00:00:00Z"}]}
    rows = parse_dump(json.dumps(feed).encode(), "hf_papers.json").listings.to_dicts()
    assert rows[0]["ai_summary"] == "FreeToken maps experts to heterogeneous local hardware."
    assert rows[0]["abstract"].startswith("Frontier open-weight models are increasingly available")
    assert rows[1]["ai_summary"] is None and rows[1]["abstract"].startswith("We study images generated by")


def test_an_rss_channel_without_a_date_takes_the_day_of_its_items():
    rss = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hugging Face Papers</title>'
           b"<item><title>A</title><link>https://huggingface.co/papers/2608.19880</link><description>We study a thing "
           b"in depth and report results.</description><pubDate>Wed, 19 Aug 2026 02:30:05 GMT</pubDate></item>"
           b"<item><title>B</title><link>https://huggingface.co/papers/2608.19881</link><description>We study another "
           b"thing in depth.</description><pubDate>Wed, 19 Aug 2026 03:40:57 GMT</pubDate></item></channel></rss>")
    assert parse_dump(rss, "hf_papers.xml").listing_date == dt.date(2026, 8, 19)


def test_an_arxiv_api_error_entry_is_quarantined_not_a_paper():
    """The arXiv API answers a bad id with an entry titled "Error" (github.com/lukasschwab/arxiv.py fixtures)."""
    atom = (b'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            b"<id>https://arxiv.org/api/x</id><title>arXiv Query</title><updated>2026-04-12T22:59:06Z</updated>"
            b"<entry><id>https://arxiv.org/api/errors#incorrect_id_format_for_abc</id><title>Error</title>"
            b"<updated>2026-04-12T22:59:06Z</updated><summary>incorrect id format for abc</summary>"
            b"<author><name>arXiv api core</name></author></entry></feed>")
    r = parse_dump(atom, "query.xml")
    assert r.listings.height == 0
    assert r.quarantine["reason"].to_list() == ["arXiv API error: incorrect id format for abc"]


def test_reading_notes_one_heading_per_paper_with_labelled_lines():
    """A heading per paper, "**Link:**", "**Authors:**", "**Abstract:**" lines (the abstract on the
    label's line or in the paragraph below it) and the reader's own notes, part of the entry."""
    r = _parse("reading_notes.md")
    rows = r.listings.to_dicts()
    assert r.format == "markdown_notes" and r.accounting["quarantine"] == 0
    assert [(x["title"], x["arxiv_id"]) for x in rows] == [
        ("Speculative Decoding with Big Little Decoder", "2302.07863"),
        ("QLoRA: Efficient Finetuning of Quantized LLMs", "2305.14314")]
    assert rows[0]["authors"] == ["Sehoon Kim", "Karttikeya Mangalam", "Jitendra Malik"]
    assert rows[0]["abstract"].startswith("The recent emergence") and rows[0]["abstract"].endswith("applications.")
    assert rows[1]["abstract"].startswith("We present QLoRA") and rows[1]["abstract_flag"] is None
    assert (rows[0]["line_start"], rows[0]["line_end"]) == (3, 8)  # "**My notes:**" belongs to the entry


def test_gzipped_reading_notes_are_still_markdown():
    """The ".md" check reads the name without its compression suffix: the text is decompressed."""
    plain = _parse("reading_notes.md")
    for name in ("reading_notes.md.gz", "READING_NOTES.MD.GZIP"):
        r = parse_dump(gzip.compress((PAGES / "reading_notes.md").read_bytes()), name)
        assert (r.format, r.compression) == ("markdown_notes", "gzip")
        assert r.listings.equals(plain.listings) and r.quarantine.equals(plain.quarantine)


def test_a_note_on_one_paper_with_front_matter_and_an_abstract_section():
    """An Obsidian-style note: the link and authors in the front matter, the abstract under an
    "## Abstract" heading (a section of the paper's note, never a paper titled "Abstract")."""
    r = _parse("paper_note_obsidian.md")
    [row] = r.listings.to_dicts()
    assert (row["title"], row["arxiv_id"]) == ("QLoRA: Efficient Finetuning of Quantized LLMs", "2305.14314")
    assert row["authors"][0] == "Tim Dettmers" and row["abstract"].startswith("We present QLoRA")
    assert r.accounting["quarantine"] == 0


def test_a_paper_page_with_a_toolbar_of_links_and_a_translated_abstract_before_the_original():
    """hdShang/arxiv-daily, shiyibihua/arxiv-daily: a page per paper, its title heading over an HTML toolbar
    of arXiv links, labelled lines ("**作者**", "**发布日期**"), then sections: the Chinese translation of the
    abstract ("## 📝 摘要（中文）") before the paper's own ("## 📄 摘要（原文）")."""
    r = _parse("paper_page_toolbar_cn.md")
    [row] = r.listings.to_dicts()
    assert (row["title"], row["arxiv_id"]) == (
        "Agreement Between Large Language Models and Human Raters in Essay Scoring: A Research Synthesis", "2512.14561")
    assert row["authors"][:2] == ["Hongli Li", "Che Han Chen"] and row["published_at"] == dt.date(2025, 12, 18)
    assert row["abstract"].startswith("Despite the growing promise of large language models (LLMs) in automatic essay")
    assert row["links"][:2] == ["https://arxiv.org/abs/2512.14561", "https://arxiv.org/pdf/2512.14561.pdf"]
    assert r.format == "markdown_notes" and r.accounting["quarantine"] == 0


def test_a_note_on_one_paper_titled_in_its_front_matter():
    """HeXuPKU/daily-paper-reader: the title, authors, date and PDF link in the front matter, the body's
    "## 摘要" (a translation) then "## Abstract", then the digest's own summary (its sub-headings over prose
    are part of the note, not papers)."""
    r = _parse("paper_note_front_matter_cn.md")
    [row] = r.listings.to_dicts()
    assert (row["title"], row["arxiv_id"]) == (
        "Privacy-Preserving EHR Data Transformation via Geometric Operators: A Human-AI Co-Design Technical Report",
        "2603.22954")
    assert row["authors"][:2] == ["Maolin Wang", "Beining Bao"] and row["published_at"] == dt.date(2026, 3, 24)
    assert row["abstract"].startswith("Electronic health records (EHRs) and other real-world clinical data are essential")
    assert r.accounting["quarantine"] == 0
    # a summary section over a long paragraph (another page of the site) is part of the note, not a paper
    section = ("\n## 2. 方法论：核心思想、关键技术细节\n\n**核心思想**：整合代谢物GWAS汇总统计（来自Chen et al. 2023，1091个代谢物水平和"
               "309个代谢物比率）与单细胞/空间转录组数据，利用MAGMA将GWAS信号转换为基因水平关联Z分数，构建**基因程序**（up/down "
               "signatures），结合基因表达噪声加权，通过**加权AUCell样富集策略（sc-wAUCell）** 计算每个细胞/空间点的代谢物关联分数。"
               "再通过**一对比其余AUROC框架**识别细胞类型特异性代谢物关联。同时，引入**酶约束、比率整合的代谢流势能模型（gmMAP-flux）**，"
               "利用代谢物分数、酶表达、亚细胞区室、辅因子等先验知识推断**通路级代谢流方向和可行性**。此外，开发了**gmMAP-spatial、"
               "gmMAP-pseudotime、gmMAP-perturb、gmMAP-drug**等下游模块，分别用于空间映射、伪时间动态、扰动预测和药物匹配。\n")
    page = (PAGES / "paper_note_front_matter_cn.md").read_text()
    longer = _parse("paper_note_front_matter_cn.md", (page + section).encode())
    assert longer.listings["arxiv_id"].to_list() == ["2603.22954"] and longer.accounting["quarantine"] == 0
    # without a link to the paper a page titled in its front matter is no paper
    assert _parse("note.md", page.replace('pdf: "https://arxiv.org/pdf/2603.22954v1"', "pdf: none").encode()).listings.height == 0
    assert _parse("howto.md", b"---\ntitle: Zotero usage\n---\n\n## Abstract\nHow to save papers to Zotero.\n").listings.height == 0


def test_a_note_on_one_paper_named_in_its_front_matter():
    """R9-Hu/paper-digest: the front matter names the paper ("title:", "canonical_id: arxiv:...", "url:"), the
    body's headings ("## Problem", "## Relevance to ...") over prose are its sections, not papers: one listing
    (no abstract on the page). masataka123/geometry-paper-digest keeps the abstract in the front matter as a
    block scalar ("arxiv_abstract: >-"); Throne0826/Daily-Arxiv-AI-Notes tags the front matter's title."""
    r = _parse("paper_note_front_matter_sections.md")
    [row] = r.listings.to_dicts()
    assert (row["title"], row["arxiv_id"], row["authors"], row["published_at"]) == (
        "A Causal Model of Theory of Mind in Conflict for Artificial Intelligence", "2606.16944", ["Nikolos Gurney"],
        dt.date(2026, 6, 15))
    assert row["abstract"] is None and r.accounting["quarantine"] == 0
    page = ('---\nlayout: paper\ntitle: "[论文解读] Analytic Bertini theorem II: the local case"\nauthors: "Mingchen Xia"\n'
            'arxiv_abstract: >-\n  We prove the local analytic Bertini theorem,\n  confirming a conjecture of Boucksom.\n'
            'arxiv_id: "2607.25230v1"\npublished: true\n---\n\n# Analytic Bertini theorem II: the local case\n\n'
            '## 書誌情報\n\n- **arXiv:** [arXiv:2607.25230v1](https://arxiv.org/abs/2607.25230v1)\n\n## 要約\n\n'
            '多重劣調和関数の乗数イデアルを一般のファイバーへ制限したとき、ファイバー上で直接作る乗数イデアルと一致することを示す。\n')
    [row] = _parse("2026-08-06-analytic-bertini-local.md", page.encode()).listings.to_dicts()
    assert (row["title"], row["arxiv_id"], row["authors"]) == (
        "Analytic Bertini theorem II: the local case", "2607.25230", ["Mingchen Xia"])
    assert row["abstract"] == "We prove the local analytic Bertini theorem, confirming a conjecture of Boucksom."
    # a page whose front matter names a paper but that links several others is a digest: its items are the papers
    items = "".join(f"- [Related Paper Number {k}](https://arxiv.org/abs/2601.0000{k})\n" for k in range(1, 4))
    digest = (PAGES / "paper_note_front_matter_sections.md").read_text() + "\n## Related\n\n" + items
    assert _parse("d.md", digest.encode()).listings["arxiv_id"].to_list() == ["2601.00001", "2601.00002", "2601.00003"]


def test_a_digest_of_html_paper_cards():
    """Throne0826/Daily-Arxiv-AI-Notes: a Markdown digest whose papers are HTML cards, '<article>' around a
    "#### [Title](page.md)" heading (a link to the site's own page), an id badge ('<span>arXiv 2508.00344</span>')
    and a summary block ('<div class="daily-paper-summary">'): one listing per card, the card's prose its
    summary (not the abstract), the wrapper tags furniture."""
    r = _parse("digest_html_cards_cn.md")
    rows = r.listings.to_dicts()
    assert [(x["title"], x["arxiv_id"]) for x in rows] == [
        ("PilotRL: Training Language Model Agents via Global Planning-Guided Progressive Reinforcement Learning",
         "2508.00344"),
        ("Tools Are Not Islands: Set-Level Tool Retrieval for LLM Agents via Query-Conditioned Hyperedge Prediction",
         "2607.25718")]
    assert rows[0]["ai_summary"].startswith("本文针对语言模型智能体缺乏长程规划") and rows[0]["abstract"] is None
    assert rows[1]["ai_summary"].startswith("HYSET将LLM智能体的工具检索")
    # the page's count line is the only unrecognised line
    assert r.quarantine["raw_text"].to_list() == ["当日共 **4** 篇相关论文。多标签论文链接到其唯一正文页。"]
    # a heading over an HTML block naming no paper is no entry
    assert _parse("x.md", "## Tools\n\n<div class=\"note\">Install with pip</div>\n".encode()).listings.height == 0


def test_an_html_digest_of_paper_blocks():
    """gisbi-kim/arxiv-daily-summary: a rendered digest whose papers are '<div>' blocks (a line linking the
    title to arXiv, an authors line, a summary paragraph), not list items: every block is an item, so each paper
    is a listing and the authors / summary lines are accounted (quarantined), not dropped."""
    r = _parse("digest_html_paper_divs.html")
    rows = r.listings.to_dicts()
    assert r.format == "html_list"
    assert [(x["title"], x["arxiv_id"]) for x in rows] == [
        ("WildSplatter: Feed-forward 3D Gaussian Splatting with Appearance Control from Unconstrained Images",
         "2604.21182"),
        ("EdgeFormer: local patch-based edge detection transformer on point clouds", "2604.21387")]
    # two authors lines, two summaries and the page container's own text (its headings)
    assert r.accounting["quarantine"] == 5


def test_a_digest_with_collapsible_abstracts_and_topic_sections():
    """A daily digest (WingEdge777/daily-papers): "## <area>" sections over "### N. [Title](arXiv)" entries,
    bullets with labels of its own ("评分", "标签"), the abstract in a "<details><summary>原始摘要</summary>"
    block. Every entry keeps its abstract and authors; the section headings and the block tags are furniture."""
    r = _parse("digest_details_blocks.md")
    rows = r.listings.to_dicts()
    assert r.format == "markdown_notes" and r.accounting["quarantine"] == 0
    assert [x["arxiv_id"] for x in rows] == ["2608.20316", "2608.19800", "2608.20338", "2608.20001"]
    assert rows[0]["title"] == "Pandora's AI Model Routing Box: Efficient Allocation with Costly Value Estimation"
    assert rows[0]["abstract"].startswith("Heterogeneous AI systems") and rows[0]["abstract"].endswith("expense of others.")
    assert rows[0]["authors"][:2] == ["Adam Fisch", "Shubhendu Trivedi"]
    assert rows[0]["published_at"] == dt.date(2026, 8, 20)  # "- **评分**: ⭐ 78/100 | **日期**: 2026-08-20"
    assert rows[3]["abstract"].startswith("We study vision encoders") and rows[3]["abstract_flag"] is None
    assert "</details>" not in " ".join(x["abstract"] for x in rows)


def test_a_translated_digest_keeps_the_original_title_and_its_cjk_abstract():
    """A Chinese digest of HF daily papers: the heading is a translated title, "**原文标题：**" the
    paper's own (wrapped onto an indented line), the abstract Chinese (no spaces: not "1 word" junk)."""
    r = _parse("digest_translated_cn.md")
    rows = r.listings.to_dicts()
    assert [(x["title"], x["arxiv_id"]) for x in rows] == [
        ("MMVU: Measuring Expert-Level Multi-Discipline Video Understanding", "2501.12380"),
        ("Agent-R: Training Language Model Agents to Reflect via Iterative Self-Training", "2501.11425")]
    assert all(x["abstract"] and x["abstract_flag"] is None for x in rows)
    assert rows[1]["abstract"].startswith("大型语言模型")


def test_a_digest_with_html_styled_labels_and_quoted_abstracts():
    """shuita2333/Arxiv-daily-paper: labels wrapped in inline HTML ("**<font color=#1a73e8>作者：</font>**"),
    the abstract quoted ("> ...") under an empty "摘要：" label, the author list ending "等 8 位作者"."""
    r = _parse("digest_html_labels.md")
    rows = r.listings.to_dicts()
    assert r.format == "markdown_notes"
    assert [x["arxiv_id"] for x in rows] == ["2608.19006", "2608.19013"]
    assert rows[0]["authors"] == ["Stephen Meisenbacher", "Vlad Garbuz", "Chirill Donos"]
    assert rows[0]["abstract"].startswith("Hate speech is a real") and not rows[0]["abstract"].startswith(">")
    assert all(x["abstract_flag"] is None for x in rows)
    # the header's quoted notes ("本类共 184 篇论文", a tip box) are the only unrecognised lines
    assert r.quarantine["line_start"].max() < 10


def test_lines_of_python_dict_literals_are_records_and_code_is_never_run(tmp_path):
    """CSQianDong/Awesome-arXiv-Daily-Reporter writes its ".jsonl" with print(record): single quotes, None.
    Each line is read as a literal; a line with a call in it (code, or a datetime) is a quarantined line."""
    marker = tmp_path / "ran"
    text = "\n".join([
        "{'arxiv_id': 'arXiv:2504.21202', 'title': 'Automatic Legal Writing Evaluation of LLMs', "
        "'authors': 'Ramon Pires, Rodrigo Nogueira', 'abstract': 'Despite the recent advances in Large Language "
        "Models, benchmarks for evaluating legal writing remain scarce due to the complexity of open-ended answers.', "
        "'comment': None}",
        f"{{'title': 'A Paper Whose Line Calls Code', 'x': open({str(marker)!r}, 'w')}}",
        "{'arxiv_id': 'arXiv:2503.24388', 'title': 'RIG: Synergizing Reasoning and Imagination in End-to-End "
        "Generalist Policy', 'abstract': 'Reasoning before action and imagining potential outcomes are essential "
        "for embodied agents operating in complex open-world environments.'}",
    ])
    r = parse_dump(text.encode(), "AI_papers.jsonl")
    rows = r.listings.to_dicts()
    assert r.format == "jsonl"
    assert [(x["arxiv_id"], x["authors"]) for x in rows] == [
        ("2504.21202", ["Ramon Pires", "Rodrigo Nogueira"]), ("2503.24388", None)]
    assert r.quarantine["reason"].to_list() == ["invalid JSON line"] and not marker.exists()
    assert r.accounting["total"] == 3


def test_json_groups_of_markdown_list_items_are_records():
    """monologg/nlp-arxiv-daily's web archive: {"<group>": {"<arXiv id>": "- <date>, **Title**, Authors et.al.,
    Paper: [url](url)"}}: one listing per item; a string linking no paper is a quarantined record."""
    import json

    doc = {"NLP": {"2601.00856": "- 2025-12-29, **Comment on: Your Brain on ChatGPT: Accumulation of Cognitive Debt**, "
                                 "Milos Stankovic et.al., Paper: [http://arxiv.org/abs/2601.00856v1](http://arxiv.org/abs/2601.00856v1)\n",
                   "note": "see the calendar for more days"},
           "Speech": {"2601.21768": "- 2026-01-29, **Zonkey: A Hierarchical Diffusion Language Model**, Alon Rozental "
                                    "et.al., Paper: [http://arxiv.org/abs/2601.21768v1](http://arxiv.org/abs/2601.21768v1)\n"}}
    r = parse_dump(json.dumps(doc).encode(), "2026-01.json")
    assert r.format == "json_markdown_items"
    assert [(x["title"], x["arxiv_id"]) for x in r.listings.to_dicts()] == [
        ("Comment on: Your Brain on ChatGPT: Accumulation of Cognitive Debt", "2601.00856"),
        ("Zonkey: A Hierarchical Diffusion Language Model", "2601.21768")]
    assert r.accounting == {"unit": "record", "total": 3, "listing": 2, "quarantine": 1, "furniture": 0}


def test_labelled_lines_of_another_document_are_no_paper():
    """A heading over "- Key: value" lines is a notes entry only if it has an abstract or a link that
    names a paper ("- Links: blue-400" in a design document does not)."""
    r = _parse("not_papers_design_doc.md")
    assert r.listings.height == 0


def test_a_reading_list_of_labelled_records():
    r = _parse("reading_list_fields.md")
    rows = r.listings.to_dicts()
    assert [x["arxiv_id"] for x in rows] == ["2305.14314", "2302.07863"]
    assert rows[1]["title"] == "Speculative Decoding with Big Little Decoder"
    assert rows[1]["abstract"].startswith("We propose Big Little Decoder")
    assert r.accounting["quarantine"] == 0


def test_a_curated_list_of_paper_links_gives_title_only_listings():
    """An "awesome list": list items and table rows linking to arXiv are listings without an
    abstract; a table's header is furniture, its description paragraph is quarantined."""
    r = _parse("awesome_list.md")
    rows = r.listings.to_dicts()
    assert r.format == "markdown_list"
    assert [(x["arxiv_id"], x["abstract_flag"]) for x in rows] == [
        ("2305.14314", "missing abstract"), ("2210.17323", "missing abstract"), ("2211.17192", "missing abstract")]
    assert rows[1]["title"] == "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"
    assert r.quarantine["line_start"].to_list() == [3]  # "A curated list of papers ..."
    assert r.accounting["total"] == r.accounting["listing"] + r.accounting["furniture"] + r.accounting["quarantine"]


def test_a_curated_list_saved_as_html_gives_title_only_listings():
    """The same kind of list rendered as HTML (a README page, a reading list): list items and table
    rows linking to arXiv or Hugging Face papers are listings; a navigation item is furniture, an
    item of prose without a paper link is quarantined. It was one quarantined "unknown" page."""
    html = """<html><head><style>li {color: red}</style><script>var x = "<li>no</li>";</script></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li></ul></nav>
    <h2>Quantization</h2>
    <ul>
      <li><a href="https://arxiv.org/abs/2305.14314">QLoRA: Efficient Finetuning of Quantized LLMs</a> &ndash; NeurIPS 2023
        <ul><li>[<a href="https://arxiv.org/pdf/2210.17323">paper</a>] GPTQ: Accurate Post-Training Quantization for
        Generative Pre-trained Transformers</li></ul></li>
      <li>More papers are added every week by the maintainers.</li>
    </ul>
    <table><tr><th>Title</th><th>Link</th></tr>
      <tr><td>Fast Inference from Transformers via Speculative Decoding</td>
          <td><a href="https://huggingface.co/papers/2211.17192">HF</a></td></tr></table>
    <p>See also <a href="https://arxiv.org/abs/2401.04088">Mixtral of Experts</a>.</p>
    <p>Maintained by volunteers, pull requests welcome.</p>
    </body></html>"""
    r = parse_dump(html.encode(), "reading_list.html")
    rows = r.listings.to_dicts()
    assert r.format == "html_list"
    assert [(x["arxiv_id"], x["abstract_flag"]) for x in rows] == [
        ("2210.17323", "missing abstract"), ("2305.14314", "missing abstract"), ("2211.17192", "missing abstract"),
        ("2401.04088", "missing abstract")]
    assert rows[0]["title"] == "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers"
    assert rows[1]["title"] == "QLoRA: Efficient Finetuning of Quantized LLMs"
    assert rows[2]["title"] == "Fast Inference from Transformers via Speculative Decoding"
    assert rows[2]["links"] == ["https://huggingface.co/papers/2211.17192"]
    assert rows[3]["title"] == "Mixtral of Experts"  # a paragraph's paper link
    assert r.quarantine["raw_text"].to_list() == ["More papers are added every week by the maintainers.",
                                                  "Maintained by volunteers, pull requests welcome."]
    assert r.accounting == {"unit": "record", "total": 9, "listing": 4, "quarantine": 2, "furniture": 3}


def test_the_title_of_a_paper_link_item():
    from paperlake.parsing.markdown_page import linked_paper

    url = "https://arxiv.org/abs/2407.05040"
    # a title starting with a link word ("Code", "Paper") is a title, not a "[code]" link
    assert linked_paper(f"* [Code Less, Align More: Efficient LLM Fine-tuning]({url}). Yun-Da Tsai. [[Paper]]({url})") == (
        "Code Less, Align More: Efficient LLM Fine-tuning", url, "2407.05040")
    # the title after a leading "[paper]" link, up to the next link; before one, as before
    assert linked_paper(f"- [[paper]({url})] Efficient Data Pruning for Code [[code](https://github.com/a/b)]")[0] == (
        "Efficient Data Pruning for Code")
    assert linked_paper(f"- Efficient Data Pruning for Code [[paper]({url})]. Ann Lee")[0] == "Efficient Data Pruning for Code"
    assert linked_paper(f"- [paper]({url})") is None  # no title anywhere


def _titles_and_ids(page: str, name: str) -> tuple[list, list]:
    listings = parse_dump(page.encode(), name).listings
    return listings["title"].to_list(), listings["arxiv_id"].to_list()


def test_digest_titles_lose_their_numbering_and_trailing_id():
    # daily digests number their entries ("### 1. [Title](...)") or follow a title with its id ("(`2607.05394`) —")
    page = ("# Daily papers\n\n### 1. [Safety, Security, and Cognitive Risks in World Models](https://arxiv.org/abs/2604.01346)\n\n"
            "Some notes of the digest on this paper.\n\n"
            "### 2. [1.58-bit Models Are Enough](https://arxiv.org/abs/2604.01347)\n\n"
            "## Sources\n\n"
            "- **Weak-to-Strong Generalization via Direct On-Policy Distillation** (`2607.05394`) — "
            "[Hugging Face](https://huggingface.co/papers/2607.05394) · [arXiv](https://arxiv.org/abs/2607.05394)\n")
    assert _titles_and_ids(page, "2026-07-14.md") == (
        ["Safety, Security, and Cognitive Risks in World Models",
         "1.58-bit Models Are Enough",
         "Weak-to-Strong Generalization via Direct On-Policy Distillation"],
        ["2604.01346", "2604.01347", "2607.05394"],
    )


def test_a_digest_report_lists_its_papers_from_its_sources():
    """vollero/hf-daily-paper-summaries: a report of sections ("Executive summary", "Papers at a glance",
    "Coverage and uncertainty", "Sources"). Its papers are the Sources items; a section heading over prose is
    no paper, an at-a-glance row names its paper by id only, a connection row relates two papers."""
    r = _parse("digest_report_2026-07-22.md")
    rows = r.listings.to_dicts()
    assert (r.format, r.listing_date) == ("markdown_list", dt.date(2026, 7, 22))
    assert [(x["title"], x["arxiv_id"]) for x in rows] == [
        ("Generative World Renderer at the Speed of Play", "2607.18703"),
        ("Text Template Tokens Are Implicit Semantic Registers in Diffusion Transformers", "2607.19139"),
        ("DataFlow-Harness: A Grounded Code-Agent Platform for Constructing Editable LLM Data Pipelines", "2607.16617"),
        ("FlashRT: Agent Harness for Guiding Agents to Deploy Real-Time Multimodal Applications", "2607.18171")]
    assert all(x["abstract"] is None for x in rows)
    reasons = r.quarantine["reason"].to_list()
    assert reasons.count("paper row without a title (named by its id)") == 3
    assert r.quarantine.filter(pl.col("reason") == "unrecognised content")["line_start"].to_list() == [5, 18, 24, 28, 34]


_PROSE_PAPERS = ("# Weekly reading\n\n## Sparse Attention Makes Long Context Cheap\n"
                 "We propose a sparse attention scheme for long-context language models that reduces the memory "
                 "footprint of the key-value cache while keeping accuracy close to dense attention baselines.\n{link1}\n"
                 "## Quantized Adapters for Tiny Devices\n"
                 "We study low-bit adapters for on-device fine-tuning of language models and show that four-bit "
                 "adapters match full precision adapters on most tasks while cutting memory use.\n{link2}\n{tail}")


def test_headings_over_abstracts_stay_papers_beside_a_few_linked_items():
    # only a page listing more papers as linked items than it has headings over prose reads those as sections
    page = _PROSE_PAPERS.format(link1="", link2="", tail="## Related\n- [A Survey of Efficient Transformers]"
                                "(https://arxiv.org/abs/2009.06732)\n")
    assert _titles_and_ids(page, "weekly.md") == (
        ["Sparse Attention Makes Long Context Cheap", "Quantized Adapters for Tiny Devices",
         "A Survey of Efficient Transformers"], [None, None, "2009.06732"])


def test_a_links_item_right_after_an_abstract_is_the_entry_s_link():
    # "...abstract.\n- [arXiv](...)" with no blank line between: the item ends the abstract's paragraph
    page = _PROSE_PAPERS.format(link1="- [arXiv](https://arxiv.org/abs/2401.00001)",
                                link2="- [arXiv](https://arxiv.org/abs/2401.00002)", tail="")
    r = parse_dump(page.encode(), "weekly.md")
    rows = r.listings.to_dicts()
    assert [(x["title"], x["arxiv_id"]) for x in rows] == [
        ("Sparse Attention Makes Long Context Cheap", "2401.00001"), ("Quantized Adapters for Tiny Devices", "2401.00002")]
    assert rows[0]["abstract"].endswith("close to dense attention baselines.")
    assert r.accounting["quarantine"] == 0


def test_a_digest_names_a_paper_by_id_and_short_name_in_tables_and_by_title_in_lists():
    # other days of the same digest: "`2608.05987` AgentOPSD" / "LongStraw (`2607.14952`)" in the paper column,
    # a plain "Title — `id` — [Hugging Face](...)" source item
    page = ("## Papers at a glance\n\n| Paper | Core contribution | Links |\n|---|---|---|\n"
            "| `2608.05987` AgentOPSD | Recursive, turn-level GRPO credit. | [HF](https://huggingface.co/papers/2608.05987) |\n"
            "| LongStraw (`2607.14952`) | Detached long-prompt state. | [HF](https://huggingface.co/papers/2607.14952) |\n\n"
            "## Sources\n\n- AgentOPSD: Recursive Self-Distillation for Agentic Reinforcement Learning — `2608.05987` — "
            "[Hugging Face](https://huggingface.co/papers/2608.05987) · [arXiv](https://arxiv.org/abs/2608.05987)\n")
    assert _titles_and_ids(page, "2026-08-07.md") == (
        ["AgentOPSD: Recursive Self-Distillation for Agentic Reinforcement Learning"], ["2608.05987"])


def test_a_table_row_linking_to_a_paper_takes_its_title_from_the_title_column():
    page = ("# CV arXiv daily\n\n## SLAM\n\n|Publish Date|Title|Authors|PDF|Code|\n|---|---|---|---|---|\n"
            "|**2026-05-13**|**LEXI-SG: Monocular 3D Scene Graph Mapping**|Christina Kassab et.al.|"
            "[2605.13741](http://arxiv.org/abs/2605.13741)|null|\n\n"
            "- [A Paper In A Plain List Of Papers](https://arxiv.org/abs/2605.00001)\n")
    assert _titles_and_ids(page, "README.md") == (
        ["LEXI-SG: Monocular 3D Scene Graph Mapping",
         "A Paper In A Plain List Of Papers"],
        ["2605.13741", "2605.00001"],
    )


def _halves(text: str) -> list[str]:
    words = text.split()
    return [" ".join(words[:len(words) // 2]), " ".join(words[len(words) // 2:])]


def test_chinese_labelled_digests_and_notes():
    # Chinese digests of Hugging Face / arXiv papers: "- **论文链接**: [url](url)" under a numbered heading,
    # "**作者**：..." with a full-width colon, the English abstract in a "## 摘要（原文）" section as a blockquote
    digest = ("今日论文\n\n---\n\n### 1. **[EvoArena: Tracking Memory Evolution for Robust LLM Agents]**\n"
              "- **论文链接**: [https://huggingface.co/papers/2606.13681](https://huggingface.co/papers/2606.13681)\n"
              "- **核心痛点与创新点**: 动态环境对智能体提出了巨大挑战。\n")
    assert _titles_and_ids(digest, "huggingface-daily-papers-2026-06-12.md") == (
        ["EvoArena: Tracking Memory Evolution for Robust LLM Agents"],
        ["2606.13681"],
    )
    note = ("# Virtually Being: Customizing Camera-Controllable Video Diffusion Models\n"
            "**arXiv**：[2510.14179v1](https://arxiv.org/abs/2510.14179)\n**作者**：Yuancheng Xu, Wenqi Xian\n\n"
            "## 3 点简述\n- 核心问题：视频扩散模型存在不足。\n\n## 摘要（原文）\n\n"
            + "".join(f"> {line}\n" for line in _halves(ABS_TEXT)))
    res = parse_dump(note.encode(), "2510.14179v1-virtually-being.md")
    row = res.listings.row(0, named=True)
    assert (row["arxiv_id"], row["authors"]) == ("2510.14179", ["Yuancheng Xu", "Wenqi Xian"])
    assert row["abstract"] == ABS_TEXT


def test_markdown_opening_with_badges_is_markdown_and_a_bold_title_is_the_title():
    # a README that opens with reference-style badge links is not JSON ("[" first); "- date, **Title**, authors,
    # Paper: [url](url)": the bold words are the title, not the whole item
    page = ("[![Contributors][contributors-shield]][contributors-url]\n[![Forks][forks-shield]][forks-url]\n\n"
            "> Updated on 2022.12.02\n\n## SLAM\n\n"
            "- 2022-11-30, **MVRackLay: Monocular Multi-View Layout Estimation for Warehouse Racks**, Meher Shashwat Nigam "
            "et.al., Paper: [http://arxiv.org/abs/2211.16882v1](http://arxiv.org/abs/2211.16882v1)\n")
    assert _titles_and_ids(page, "wechat.md") == (
        ["MVRackLay: Monocular Multi-View Layout Estimation for Warehouse Racks"],
        ["2211.16882"],
    )


def test_json_records_grouped_under_a_list_of_groups():
    # {"categories": [{"name": ..., "papers": [{arxiv_id, title, link, brief}]}]} (EvilCalf/papers-daily):
    # the records of every group, the digest's "brief" as the AI summary, the push date as the listing date
    r = _parse("digest_grouped_categories.json")
    rows = r.listings.to_dicts()
    assert (r.format, r.listing_date, r.accounting["listing"], r.accounting["quarantine"]) == (
        "json_generic", dt.date(2026, 3, 30), 3, 0)
    assert [x["title"] for x in rows] == [
        "When Perplexity Lies: Generation-Focused Distillation of Hybrid Sequence Models",
        "A Universal Vibe? Finding and Controlling Language-Agnostic Informal Register with SAEs",
        "Stabilizing Rubric Integration Training via Decoupled Advantage Normalization",
    ]
    assert [x["arxiv_id"] for x in rows] == ["2603.26556", "2603.26236", "2603.26535"]
    assert [x["categories"] for x in rows] == [["cs.CL"], ["cs.CL"], ["cs.AI"]]
    assert rows[0]["published_at"] == dt.date(2026, 3, 27)
    assert rows[2]["ai_summary"].startswith("本文提出的PAPO方法") and "<p>" not in rows[2]["ai_summary"]


def test_an_item_naming_a_paper_by_id_then_its_authors_gives_no_title():
    # "**<emoji> Headline** — teaser" over "- [2604.14134](https://arxiv.org/abs/...) — Brunello, Mandal, ..."
    # (VojtechW/vojtechs-arxiv-digest): the author list is no title, and the bold headline is the digest's own
    # short name of the paper (its report gives another title), so the item is quarantined, not listed
    r = _parse("digest_id_author_items.md")
    assert r.listings.height == 0
    q = r.quarantine.filter(pl.col("reason") == "paper item without a title (its id, then its authors)")
    assert q["line_start"].to_list() == [11, 16, 30]
    assert ["2604.14134" in q["raw_text"][0], "de Gouveia Dal Pino" in q["raw_text"][1]] == [True, True]
    assert r.accounting["listing"] + r.accounting["quarantine"] + r.accounting["furniture"] == r.accounting["total"]
    # a title before the id link is still the title
    items = ("# Papers\n\n- **Sparse Attention for Long Context Models** [2604.14134](https://arxiv.org/abs/2604.14134)"
             " — Rao, Carullo\n- **Dense Retrieval at Scale** [2604.14135](https://arxiv.org/abs/2604.14135) — Wang, Li\n")
    assert _titles_and_ids(items, "list.md") == (
        ["Sparse Attention for Long Context Models", "Dense Retrieval at Scale"], ["2604.14134", "2604.14135"])


def test_a_front_matter_note_with_surname_initials_authors_and_a_compact_date():
    # HeXuPKU/daily-paper-reader notes: bioRxiv authors as "Surname, Initials" pairs, "date: 20170612"
    page = ('---\ntitle: "SNPic: SNP Topic Modeling for Interpretable Clustering of Complex phenotypes"\n'
            'authors: "Leyi, Z., Seiler, C., Speed, D., Micheroli, R., Ospelt, C."\ndate: 20260424\n'
            'pdf: "https://www.biorxiv.org/content/10.64898/2026.04.22.720106v1.full.pdf"\nsource: biorxiv\n---\n\n'
            "## Abstract\nGenome-wide association studies (GWAS) have cataloged thousands of disease-associated variants, "
            "yet grouping complex phenotypes by their shared genetic architecture remains difficult at scale.\n")
    rows = parse_dump(page.encode(), "note.md").listings.to_dicts()
    assert [(x["title"], x["authors"], x["published_at"]) for x in rows] == [
        ("SNPic: SNP Topic Modeling for Interpretable Clustering of Complex phenotypes",
         ["Z. Leyi", "C. Seiler", "D. Speed", "R. Micheroli", "C. Ospelt"], dt.date(2026, 4, 24))]


def test_a_title_label_before_a_heading_s_title_is_no_part_of_it():
    # SihoonSung/Daily-Paper-Summary: "## 📌 Title: <title>" over labelled lines
    page = ("# 📝 Daily Paper Analysis: 2026-02-11\n\n## 📌 Title: Attention Is All You Need\n"
            "**Link:** [https://arxiv.org/abs/1706.03762](https://arxiv.org/abs/1706.03762)\n"
            "**Authors:** Ashish Vaswani, et al.\n\n---\n\n### 🔍 Deep Summary & Context\n"
            "This paper is the birth of the Transformer model.\n")
    rows = parse_dump(page.encode(), "2026-02-11_detailed_analysis.md").listings.to_dicts()
    assert [(x["title"], x["arxiv_id"], x["authors"]) for x in rows] == [
        ("Attention Is All You Need", "1706.03762", ["Ashish Vaswani"])]
    assert _titles_and_ids("# Papers\n\n- Paper title: [Dense Retrieval at Scale](https://arxiv.org/abs/2604.14135)\n",
                           "list.md") == (["Dense Retrieval at Scale"], ["2604.14135"])


def test_an_html_item_naming_a_paper_by_id_then_its_authors_gives_no_title():
    # gisbi-kim/arxiv-daily-summary: a must-read block's '<p><a>arxiv:2604.21192</a> · Varun Bhatt et al.</p>'
    # under its heading; the author is no title: quarantined (the page lists the paper by its title below)
    r = _parse("digest_mustread_html.html")
    assert [(x["title"], x["arxiv_id"]) for x in r.listings.to_dicts()] == [
        ("How VLAs (Really) Work In Open-World Environments", "2604.21192"),
        ("Open-H-Embodiment: A Large-Scale Dataset for Enabling Foundation Models in Medical Robotics", "2604.21017")]
    q = r.quarantine.filter(pl.col("reason") == "paper item without a title (its id, then its authors)")
    assert q["raw_text"].to_list() == ["[arxiv:2604.21192](https://arxiv.org/abs/2604.21192) · Varun Bhatt et al.",
                                       "[arxiv:2604.21050](https://arxiv.org/abs/2604.21050) · Jnaneshwar Das"]
    assert r.accounting["listing"] + r.accounting["quarantine"] + r.accounting["furniture"] == r.accounting["total"]


def test_a_yaml_paper_record_and_yaml_that_names_no_paper():
    # deep-diver/hf-daily-paper-newsletter: one YAML file per paper (title, link, author, summary, date)
    r = _parse("hf_newsletter_paper.yaml")
    assert (r.format, r.accounting["listing"], r.accounting["total"]) == ("yaml_record", 1, 1)
    row = r.listings.to_dicts()[0]
    assert (row["title"], row["arxiv_id"], row["authors"], row["published_at"]) == (
        "Valori: A Deterministic Memory Substrate for AI Systems", "2512.22280", ["Varshith Gudur"], dt.date(2025, 12, 25))
    assert row["abstract"].startswith("AI systems currently use") and row["links"] == ["https://huggingface.co/papers/2512.22280"]
    # a CI workflow, a config with a nested title, docker-compose, a post without a paper: no listing, each quarantined
    others = {
        "newsletter.yml": "name: send_newsletter\n\non:\n  workflow_run:\n    workflows: [\"mov_to_gif\"]\njobs:\n  build:\n"
                          "    runs-on: ubuntu-latest\n",
        "configs.yaml": "general:\n  git_branch: \"main\"\nemail:\n  title: \"🤗 Daily Paper\"\n  receivers:\n    - a@b.org\n",
        "docker-compose.yml": "version: \"3.8\"\nservices:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
        "first.yaml": "date: 2022-01-01 15:34\ntitle: First article\nlink: https://github.com/codingpot/newsletter\n"
                      "summary: Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n",
        "comments.yaml": "# nothing here\n---\n",
    }
    for name, text in others.items():
        r = _parse(name, text.encode())
        assert (r.format, r.listings.height, r.accounting["quarantine"], r.accounting["total"]) == ("unknown", 0, 1, 1), name
        assert r.quarantine["reason"].to_list() == [
            "YAML document naming no paper (a title and an arXiv id, paper URL or DOI)"], name


def test_an_id_link_then_a_short_title_is_a_listing_by_that_title():
    # a short Title Case phrase after the id is a title, not one author (a lone name needs a byline's "·" or "et al.")
    page = ("# Reading list\n\n- [2401.00001](https://arxiv.org/abs/2401.00001) — Scaling Laws Revisited\n"
            "- [2401.00002](https://arxiv.org/abs/2401.00002) — Brunello, Mandal, Di Russo\n")
    r = parse_dump(page.encode(), "reading.md")
    assert [(x["title"], x["arxiv_id"]) for x in r.listings.to_dicts()] == [("Scaling Laws Revisited", "2401.00001")]
    assert r.quarantine["reason"].to_list() == ["paper item without a title (its id, then its authors)"]


def test_a_yaml_collection_of_paper_records():
    # a site's `_data/papers.yml`: records under "papers:", read as the same JSON would be; an item that is no
    # mapping is quarantined, a decimal id stays as written (a float would read 2401.10000 as 2401.1)
    text = ("# reading list\npapers:\n"
            "  - title: \"Attention Is All You Need\"\n    arxiv: 1706.03762\n    authors: [Ashish Vaswani, Noam Shazeer]\n"
            "    date: 2017-06-12\n    abstract: >-\n      The dominant sequence transduction models are based on complex\n"
            "      recurrent or convolutional neural networks.\n"
            "  - title: Lookahead Decoding\n    arxiv_id: 2401.10000\n    authors:\n      - Yichao Fu\n      - Peter Bailis\n"
            "  - just a note\n")
    r = _parse("papers.yml", text.encode())
    assert (r.format, r.accounting["listing"], r.accounting["quarantine"], r.accounting["total"]) == ("yaml_record", 2, 1, 3)
    rows = r.listings.to_dicts()
    assert [(d["title"], d["arxiv_id"], d["authors"]) for d in rows] == [
        ("Attention Is All You Need", "1706.03762", ["Ashish Vaswani", "Noam Shazeer"]),
        ("Lookahead Decoding", "2401.10000", ["Yichao Fu", "Peter Bailis"])]
    assert rows[0]["published_at"] == dt.date(2017, 6, 12)
    assert rows[0]["abstract"] == ("The dominant sequence transduction models are based on complex recurrent or "
                                   "convolutional neural networks.")
    assert r.quarantine.select("reason", "raw_text").rows() == [("record is not a YAML mapping", '"just a note"')]
    # a top-level list of records, two documents
    r = _parse("list.yaml", b"- title: Lookahead Decoding\n  link: https://arxiv.org/abs/2401.10000\n---\n"
                            b"- {title: Attention Is All You Need, url: 'https://arxiv.org/abs/1706.03762'}\n")
    assert [(d["title"], d["arxiv_id"]) for d in r.listings.to_dicts()] == [
        ("Lookahead Decoding", "2401.10000"), ("Attention Is All You Need", "1706.03762")]


def test_a_workshop_papers_yml_with_author_mappings_and_folded_titles():
    # a workshop site's _data/papers.yml (RAG4Reports 2026, excerpt): numeric ids, authors as {name, url}, titles
    # folded over two lines; parser-1.2.3 quarantined the whole file as one "YAML document naming no paper"
    r = _parse("workshop_papers.yml")
    assert (r.format, r.accounting["listing"], r.accounting["quarantine"]) == ("yaml_record", 2, 0)
    assert [(d["title"], d["arxiv_id"], d["authors"]) for d in r.listings.to_dicts()] == [
        ("StructSurvey: Structured Agentic Retrieval for Automated Survey Paper Generation", None,
         ["Paolo Pedinotti", "Enrico Santus"]),
        ("REFSafE: A RAG-Enabled Framework for Predictive Risk Analysis and Automated Safety Report Generation in "
         "Mission-Critical Environments", None, ["Sanjay Das", "Ran Elgedawy"])]


def test_an_arxiv_search_results_page():
    # arxiv.org/search/ saved as HTML: per result its id link, subject tags, title (with search-hit spans), author
    # links, the full abstract (not the shortened one, no "△ Less" toggle) and the submission date
    r = _parse("arxiv_search_results.html")
    assert (r.format, r.accounting["listing"], r.accounting["quarantine"], r.accounting["total"]) == (
        "arxiv_search_html", 2, 0, 2)
    rows = r.listings.to_dicts()
    assert [(d["title"], d["arxiv_id"], d["authors"], d["categories"], d["published_at"]) for d in rows] == [
        ("Faster Speculative Decoding with Tree Drafts", "2501.01234", ["Ada Lovelace", "Alan Turing"],
         ["cs.CL", "cs.LG"], dt.date(2025, 1, 2)),
        ("Draft Models Need Not Be Small", "2412.09876", ["Grace Hopper"], ["cs.CL"], dt.date(2024, 12, 15))]
    assert rows[0]["abstract"] == ("Large language models are slow to decode. We propose tree drafts that verify several "
                                   "candidate continuations at once, reaching a 2.8x speedup on MT-Bench without "
                                   "changing the output distribution.")
    assert rows[1]["abstract"].endswith("up to 35% faster than a 68M draft.")
    # the compact markup some saved pages have: bare classes, an old-style id, no full abstract (the short one, its
    # ellipsis and toggle dropped), a result without a title quarantined with its text
    page = ('<html><body><ol><li class="arxiv-result"><p class="list-title"><a href="https://arxiv.org/abs/hep-th/9901001">'
            'arXiv:hep-th/9901001</a></p><div class="tags"><span class="tag is-small">hep-th</span></div>'
            '<p class="title is-5 mathjax">A <span class="search-hit">Review</span> of Strings</p>'
            '<p class="authors"><span>Authors:</span><a>Ada Lovelace</a>, <a>Alan Turing</a></p>'
            '<p class="abstract mathjax"><span class="abstract-short">We review how open strings end on branes and what '
            'their spectra tell us about gauge&hellip; '
            '<a class="is-size-7">&#9661; More</a></span></p></li>'
            '<li class="arxiv-result"><p class="list-title"><a href="/abs/2401.00002">arXiv:2401.00002</a></p>'
            '<p class="authors"><a>Nobody</a></p></li></ol></body></html>')
    r = _parse("search.html", page.encode())
    assert [(d["title"], d["arxiv_id"], d["authors"], d["categories"], d["abstract"]) for d in r.listings.to_dicts()] == [
        ("A Review of Strings", "hep-th/9901001", ["Ada Lovelace", "Alan Turing"], ["hep-th"],
         "We review how open strings end on branes and what their spectra tell us about gauge")]
    assert r.quarantine.select("reason", "raw_text").rows() == [
        ("arXiv search result without title", "arXiv:2401.00002 Nobody")]


def test_a_hugging_face_paper_page_saved_as_html():
    # huggingface.co/papers/<id>: the page hydrates from {"paper": {...}, "comments": [...]} in a data-props
    # attribute (data-target="PaperContent"); before parser-1.2.4 the page was quarantined as an unknown HTML page
    r = _parse("hf_paper_page.html")
    assert (r.format, r.listing_date, r.accounting["listing"], r.accounting["total"]) == (
        "hf_papers_html", dt.date(2025, 8, 5), 1, 1)
    row = r.listings.to_dicts()[0]
    assert (row["title"], row["arxiv_id"], row["authors"], row["published_at"]) == (
        "Kronos: A Foundation Model for the Language of Financial Markets", "2508.02739", ["Yu Shi", "Zongliang Fu"],
        dt.date(2025, 8, 2))
    assert row["abstract"].startswith("The success of large-scale pre-training paradigm")
    assert row["ai_summary"] == "Kronos is a foundation model for financial K-line data."


def test_a_paper_page_with_citation_meta_tags():
    # an arXiv abstract page saved as HTML: one paper from its Highwire citation_* meta tags ("Surname, Given" authors)
    r = _parse("arxiv_abs_page.html")
    assert (r.format, r.accounting["listing"], r.accounting["total"]) == ("html_paper_meta", 1, 1)
    row = r.listings.to_dicts()[0]
    assert (row["title"], row["arxiv_id"], row["authors"], row["published_at"], row["links"]) == (
        "Faster Speculative Decoding with Tree Drafts", "2501.01234", ["Ada Lovelace", "Alan Turing"],
        dt.date(2025, 1, 2), ["https://arxiv.org/abs/2501.01234"])
    assert row["abstract"].endswith("reaching a 2.8x speedup on MT-Bench.")
    # an ACL Anthology paper page: "Given Surname" authors, a month-only date, the page as its link, no abstract tag
    page = ('<html><head><meta content="Scaling Laws Revisited" name="citation_title">'
            '<meta content="Ada Lovelace" name="citation_author"><meta content="Alan Turing" name="citation_author">'
            '<meta content="2023/7" name="citation_publication_date">'
            '<link rel="canonical" href="https://aclanthology.org/2023.acl-long.1/"></head>'
            '<body><h2 id="title"><a href="https://aclanthology.org/2023.acl-long.1.pdf">Scaling Laws Revisited</a></h2>'
            '<p>See also <a href="https://arxiv.org/abs/2401.00001">arXiv:2401.00001</a></p></body></html>')
    r = _parse("2023.acl-long.1.html", page.encode())
    assert [(d["title"], d["arxiv_id"], d["authors"], d["published_at"], d["links"], d["abstract_flag"])
            for d in r.listings.to_dicts()] == [
        ("Scaling Laws Revisited", None, ["Ada Lovelace", "Alan Turing"], None,
         ["https://aclanthology.org/2023.acl-long.1/"], "missing abstract")]
