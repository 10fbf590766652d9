"""Versions recorded in every Delta commit and used as Dagster code versions."""

from __future__ import annotations

import functools

from paperlake import __version__ as CODE_VERSION


# Bump when the readers' output changes: bronze re-parses dumps parsed by an older version.
# 1.2: Markdown reading notes and lists of paper links, TeX letters ({\AA}, \l) and accents in arXiv metadata
# authors, first-version dates, Zotero CSV, OpenReview, Crossref, XML records (ACL Anthology, PubMed), dates
# from file names; 1.2.1: CSV exports of flattened records (paper.title columns, list cells), lists of paper
# links saved as HTML, link-word titles ("Code Less, ...") and "[paper](...) Title" items in lists;
# 1.2.2: Markdown digests with abstracts in "<details><summary>" blocks and labels of their own, translated
# digests' original titles, labels styled with inline HTML, CJK abstracts judged in characters, lines of Python dict
# literals as JSON lines, JSON groups of Markdown list items, several labels on one line of a digest;
# 1.2.3: digest reports listing their papers in items (section headings over prose, rows naming a paper by id
# or relating two papers are no papers), pages on one paper with an HTML toolbar of links or their title in the
# front matter, the original abstract preferred to a translation before it; a page on one paper named in its front
# matter (arXiv id / URL, abstract as a block scalar) whose body headings are its sections; digests of HTML paper
# cards (a heading over an 'arXiv <id>' badge and a summary block: the summary is the ai_summary), tag-only lines furniture
# and, in HTML pages of paper links, '<div>' blocks as items (a rendered digest's paper blocks); JSON paper records
# grouped under a top-level list of groups ({"categories": [{"name", "papers": [...]}]}), a digest's "brief" as AI summary;
# an item naming a paper by its id, then its authors ("- [2604.14134](...) — Brunello, Mandal") has no title: quarantined;
# "Surname, Initials" author lists (bioRxiv: "Leyi, Z., Seiler, C."), compact dates ("date: 20170612"), a "Title:" label
# (after an emoji or not: "## 📌 Title: ...") before a heading's or an item's title dropped; an item naming a paper
# by "arXiv:<id>", then one author or "Name et al." ("[arxiv:2604.21192](...) · Varun Bhatt et al."), also in HTML pages
# of paper links, has no title either: quarantined; YAML files of paper records (format yaml_record: one paper per
# document, "title:", "link:", "author:", "summary:"), other YAML (configs, CI workflows) quarantined, no listing;
# 1.2.4: YAML collections of paper records (a top-level list, or a list under "papers:" etc.) read as JSON ones;
# arXiv search results pages saved as HTML (format arxiv_search_html), a Hugging Face paper's own page saved as HTML;
# a page about one paper with Highwire citation_* meta tags (arXiv abstract pages, ACL Anthology, OpenReview: html_paper_meta)
PARSER_VERSION = "parser-1.2.4"


def parser_version() -> str:
    return PARSER_VERSION


def identity_version() -> str:
    from paperlake import identity

    return identity.IDENTITY_VERSION


@functools.cache
def taxonomy_version() -> str:
    from paperlake.tagging import load_taxonomy

    return load_taxonomy().version


def extractor_version() -> str:
    from paperlake import extraction

    return extraction.EXTRACTOR_VERSION


def all_versions() -> dict[str, str]:
    return {
        "code_version": CODE_VERSION,
        "parser_version": parser_version(),
        "identity_version": identity_version(),
        "taxonomy_version": taxonomy_version(),
        "extractor_version": extractor_version(),
    }
