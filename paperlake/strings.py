"""Vectorised string helpers shared by identity and tagging (Polars expressions)."""

from __future__ import annotations

import polars as pl


def runs_to_space(e: pl.Expr, chars: str) -> pl.Expr:
    """``e.str.replace_all(f"[^{chars}]+", " ")``: each run of characters outside the class
    ``chars`` (a regex class body without the space, e.g. ``a-z0-9``) becomes one space.

    The pattern leaves alone the runs that already are one space (most of them: the gaps between
    words), so there is a replacement per punctuation mark, not per word: the same result, about
    2.5x faster on abstracts.
    """
    other = f"[^{chars}]"
    return e.str.replace_all(f"{other}*[^{chars} ]{other}*| {{2,}}", " ")
