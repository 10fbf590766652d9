"""Small vectorised text helpers shared by the silver and gold layers."""

from __future__ import annotations

import polars as pl

CODE_HOSTS = r"https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co|codeberg\.org)/[^\s)\]}>,;\"']+"


def code_links_expr(abstract: str = "abstract", links: str | None = None) -> pl.Expr:
    """Code/model repository URLs found in the abstract (and in `links`), trailing dots trimmed, de-duplicated."""
    found = pl.col(abstract).fill_null("").str.extract_all(CODE_HOSTS)
    if links is not None:
        found = pl.concat_list(found, pl.col(links).fill_null(pl.lit([], pl.List(pl.String))).list.eval(
            pl.element().filter(pl.element().str.contains(CODE_HOSTS))))
    return found.list.eval(pl.element().str.strip_chars_end(".")).list.unique(maintain_order=True)
