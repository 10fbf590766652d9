"""Format detection on decoded text (cheap: looks at the head of the text only)."""

from __future__ import annotations

import re
from typing import Callable

_HEAD = 65536
_COMPRESSED = (".gz", ".gzip")

_MAILING = re.compile(r"^(?:arXiv:\d{4}\.\d{4,5}|arXiv:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}|Title:\s)", re.M)
_MD_PAPER_LINK = re.compile(r"\]\((?:https?://(?:www\.)?(?:huggingface\.co|hf\.co))?/papers/\d{4}\.\d{4,5}", re.I)
# Markdown that starts with a link or a badge ("[![Forks][forks-shield]][forks-url]", "[Title](url)"), not JSON
_MD_LINK_START = re.compile(r"\[(?:!\[[^\]\n]*\](?:\([^)\s]*\)|\[[^\]\n]*\])|[^\]\n\[\"{]*)\](?:\(\S+\)|\[[^\]\n]*\])")
_MD_MARKERS = re.compile(r"^(?:#{1,6}\s|\s*[-*]\s+\[|!\[|\[!\[)", re.M)


def plain_name(file_name: str) -> str:
    """The lower-cased file name without a compression suffix: extension checks see
    "notes.md.gz" as "notes.md" (the text is already decompressed)."""
    name = file_name.lower()
    for suffix in _COMPRESSED:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def detect_format(text: str, file_name: str = "") -> tuple[str, Callable | None]:
    """Return (format id, structured parser or None for line-based formats)."""
    head = text[:_HEAD]
    stripped = head.lstrip("\ufeff \t\r\n")
    first = stripped[:1]
    if first in "{[" and not _MD_LINK_START.match(stripped):
        from .json_formats import parse_json_dump

        return "json", parse_json_dump
    if first == "<":
        low = stripped[:4096].lower()
        if low.startswith("<!doctype html") or low.startswith("<html") or "<html" in low[:1024]:
            from .html_pages import parse_html_dump

            return "html", parse_html_dump
        from .xml_feeds import parse_xml_dump

        return "xml", parse_xml_dump

    if plain_name(file_name).endswith((".yaml", ".yml")):
        from .yaml_records import parse_yaml_dump

        return "yaml_record", parse_yaml_dump
    from .ris import looks_like_ris

    if looks_like_ris(head):
        from .ris import parse_ris

        return "ris", parse_ris
    from .bibtex import looks_like_bibtex

    if looks_like_bibtex(head):
        from .bibtex import parse_bibtex

        return "bibtex", parse_bibtex
    from .tables import sniff_delimiter

    delimiter = sniff_delimiter(head)
    if delimiter is not None:
        from functools import partial

        from .tables import parse_delimited

        return "table", partial(parse_delimited, delimiter=delimiter)
    if _looks_arxiv_mailing(head):
        return "arxiv_mailing", None
    from .arxiv_list_text import looks_like_arxiv_list_text

    if looks_like_arxiv_list_text(head):
        return "arxiv_list_text", None
    if len(_MD_PAPER_LINK.findall(head)) >= 2 or (
        plain_name(file_name).endswith((".md", ".markdown")) and _MD_MARKERS.search(head)
    ):
        return "hf_markdown", None

    from .decode import split_lines
    from .text_pages import sniff_text_page

    lines = split_lines(head) or [""]
    if len(lines) > 1 and len(head) == _HEAD:
        lines = lines[:-1]  # last line may be cut by the head window
    furn, abst, _blank = sniff_text_page(lines)
    if abst >= 1 or furn >= 2:
        return "hf_text", None
    return "unknown", None


def _looks_arxiv_mailing(head: str) -> bool:
    if "\\\\" not in head:
        return False
    hits = len(re.findall(r"^(?:arXiv|Paper)(?:\s*\(\*cross-listing\*\))?:\s*\S+", head, re.M))
    titles = len(re.findall(r"^Title:\s", head, re.M))
    return hits >= 1 and titles >= 1
