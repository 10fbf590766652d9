"""Paper identity: one paper, however many times and ways it was listed.

Dagster-free. Input: listings (one row per entry of a dump). Output: the paper each
listing belongs to (`assign_papers`) and one row per paper (`build_papers`).

Identity layers (strongest first)
---------------------------------
1. ``arxiv_id``      - same version-less arXiv id  => same paper (always).
2. ``title``         - same :func:`title_key` (NFKC, casefold, punctuation and
                       whitespace collapsed) => same paper, unless that would join two
                       different arXiv ids.
3. ``near_duplicate``- one-permutation MinHash (128 bins, rotation-densified) of the
                       abstract's word 3-grams, LSH with 42 bands x 3 rows (buckets of
                       more than MAX_BUCKET distinct abstracts = boilerplate, skipped).
                       Candidate pairs are verified: estimated Jaccard J, containment C
                       and title-token Jaccard T; accept if the titles' "series markers"
                       (tokens with digits, roman numerals ii..xii: "2.0", "v2", "Part II")
                       are identical AND both abstracts have >= MIN_SHINGLES shingles AND
                       (J >= 0.9 or (J >= 0.5 and T >= 0.25) or (J >= 0.35 and T >= 0.6)
                       or (C >= 0.85 and T >= 0.25 and the smaller abstract has >= 30
                       shingles)).  similarity = max(J, C).

Listings are clustered transitively (union-find) over these edges, processed in a fixed
priority order (arXiv, then title, then near-duplicates by decreasing similarity); a union
that would put two *different* arXiv ids into one paper is refused (cannot-link).

paper_id rule (order independent, stable across runs and machines)
------------------------------------------------------------------
``paper_id = "p_" + sha256(anchor)[:16]`` where ``anchor`` is

* ``"arxiv:<id>"`` if any member of the cluster has an arXiv id (there is at most one by
  construction; version-less, lower-case), else
* ``"title:<k>"`` with ``k`` the lexicographically smallest non-empty title_key of the
  cluster's members, else
* ``"abstract:<k>"`` (smallest normalised abstract), else ``"listing:<min listing_id>"``.

It is a pure function of the cluster's content, so it does not depend on input row order,
ingest order or machine.  It can change only when a cluster gains information (e.g. a new
listing brings the arXiv id, or links two former papers); :func:`assign_papers` in
incremental mode then also returns the known listings whose paper_id changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from paperlake import frames
from paperlake.parsing.normalize import IRREGULAR_SPACE
from paperlake.strings import runs_to_space

IDENTITY_VERSION = "identity-3"  # 2: densification fixed (int64 overflow); 3: incremental re-explains known rows

UTC_TS = pl.Datetime("us", "UTC")

# --------------------------------------------------------------------------------------
# title_key
# --------------------------------------------------------------------------------------
_NON_ALNUM_PY = re.compile(r"[\W_]+")  # Python: \w == letters (L*) + numbers (N*) + "_"
_ALNUM_RS = r"\p{L}\p{N}"  # the same class for the Rust regex engine (polars)


def _casefold_fixups() -> dict[str, str]:
    """Characters whose casefold differs from their lowercase (e.g. ß -> ss, ς -> σ)."""
    out: dict[str, str] = {}
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        low = ch.lower()
        if low == ch and ch.casefold() != low:
            out[ch] = ch.casefold()
    return out


def _unassigned_ranges() -> str:
    ranges: list[tuple[int, int]] = []
    start = None
    for cp in range(sys.maxunicode + 2):
        un = cp <= sys.maxunicode and unicodedata.category(chr(cp)) == "Cn"
        if un and start is None:
            start = cp
        elif not un and start is not None:
            ranges.append((start, cp - 1))
            start = None
    parts = [f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges]
    return "[" + "".join(parts) + "]"


UNICODE_TABLES = Path(__file__).parent / "config" / "unicode_tables.json"


def compute_unicode_tables() -> dict:
    """The tables :func:`title_key_expr` needs, from Python's Unicode database (about 0.4 s)."""
    return {"unidata_version": unicodedata.unidata_version, "casefold_fixups": _casefold_fixups(),
            "unassigned_class": _unassigned_ranges()}


@functools.cache
def _unicode_tables() -> dict:
    """The shipped tables when they were made from this Python's Unicode version, else computed.
    (Re)write the shipped file with ``python -m paperlake.identity``."""
    try:
        shipped = json.loads(UNICODE_TABLES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        shipped = {}
    if shipped.get("unidata_version") == unicodedata.unidata_version:
        return shipped
    return compute_unicode_tables()


def _fixups() -> dict[str, str]:
    return _unicode_tables()["casefold_fixups"]


def _unassigned_class() -> str:
    """Regex class of code points unassigned in *Python's* Unicode database.

    polars' Rust regex / case tables may know a newer Unicode version; those characters
    are non-word characters for :func:`title_key`, so the vectorised form blanks them
    first to keep both implementations in exact agreement.
    """
    return _unicode_tables()["unassigned_class"]


def title_key(title: str | None) -> str:
    """Normalised title: NFKC, casefold, every run of non letter/number chars -> one space.

    ``title_key("  Attention   is ALL you need!") == "attention is all you need"``
    """
    if title is None:
        return ""
    s = unicodedata.normalize("NFKC", title).casefold()
    return _NON_ALNUM_PY.sub(" ", s).strip()


def title_key_expr(col: str | pl.Expr = "title") -> pl.Expr:
    """Vectorised :func:`title_key` (agrees with it; nulls become "")."""
    e = pl.col(col) if isinstance(col, str) else col
    fx = _fixups()
    un = _unassigned_class()
    e = e.fill_null("").str.replace_all(un, " ").str.normalize("NFKC").str.replace_all(un, " ")
    e = e.str.to_lowercase()
    e = e.str.replace_many(list(fx.keys()), list(fx.values()))
    return runs_to_space(e, _ALNUM_RS).str.strip_chars(" ")


# --------------------------------------------------------------------------------------
# arXiv ids
# --------------------------------------------------------------------------------------
_ARXIV_NEW = r"(\d{4}\.\d{4,5})"
_ARXIV_OLD = r"([a-z\-]+(?:\.[a-z]{2})?/\d{7})"


def arxiv_id_expr(col: str = "arxiv_id") -> pl.Expr:
    s = pl.col(col).cast(pl.String).str.strip_chars().str.to_lowercase()
    new = s.str.extract(_ARXIV_NEW, 1)
    old = s.str.extract(_ARXIV_OLD, 1)
    return pl.coalesce(new, old)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------
def _sha16(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()[:16]


def paper_id_for(anchor: str) -> str:
    """paper_id from its anchor string (``"arxiv:<id>"`` / ``"title:<key>"`` / ...)."""
    return "p_" + _sha16(anchor)


class _UnionFind:
    """Union-find with a cannot-link constraint: one arXiv id per component at most."""

    def __init__(self, arxiv_of_node: list[str | None]):
        n = len(arxiv_of_node)
        self.parent = list(range(n))
        self.arx = list(arxiv_of_node)

    def find(self, a: int) -> int:
        p = self.parent
        root = a
        while p[root] != root:
            root = p[root]
        while p[a] != root:
            p[a], a = root, p[a]
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        xa, xb = self.arx[ra], self.arx[rb]
        if xa is not None and xb is not None and xa != xb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.arx[ra] = xa if xa is not None else xb
        return True


# --------------------------------------------------------------------------------------
# preparation
# --------------------------------------------------------------------------------------
_EPOCH = pl.lit(0).cast(UTC_TS)


def _text_key_expr(col: str) -> pl.Expr:
    """Cheap normalisation for abstracts (lower-case, non letter/number runs -> " ")."""
    return runs_to_space(pl.col(col).fill_null("").str.to_lowercase(), _ALNUM_RS).str.strip_chars(" ")


def _prepare(df: pl.DataFrame) -> pl.DataFrame:
    """Normalise the identity-relevant columns; one row per listing_id, sorted."""
    cols = df.columns

    def opt(name: str, dtype: pl.DataType) -> pl.Expr:
        return (pl.col(name) if name in cols else pl.lit(None)).cast(dtype)

    first_seen = opt("first_seen", pl.Datetime("us", "UTC")) if "first_seen" in cols else pl.lit(None).cast(UTC_TS)
    out = df.select(
        pl.col("listing_id").cast(pl.String),
        opt("title", pl.String).alias("title"),
        opt("abstract", pl.String).alias("abstract"),
        (arxiv_id_expr("arxiv_id") if "arxiv_id" in cols else pl.lit(None, pl.String)).alias("axid"),
        first_seen.alias("first_seen"),
    )
    # the string normalisation on its own (lazy: the streaming engine spreads it over all cores)
    keys = out.lazy().select(
        title_key_expr("title").alias("tkey"),
        _text_key_expr("abstract").alias("akey"),
    ).select(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in ("tkey", "akey")).collect(engine="streaming")
    out = out.hstack(keys.get_columns())
    if out["listing_id"].is_duplicated().any():
        out = out.unique("listing_id", keep="first", maintain_order=True)
    return out.sort("listing_id")


# --------------------------------------------------------------------------------------
# clustering
# --------------------------------------------------------------------------------------
@dataclass
class _Clusters:
    frame: pl.DataFrame  # prepared rows + node (int) + comp (int) + paper_id
    nd_edges: pl.DataFrame  # near-duplicate edges actually used: a, b (listing rows), sim


def _cluster(prep: pl.DataFrame, nd_edges: pl.DataFrame | None) -> _Clusters:
    """Connected components over arxiv / title / near-dup edges with cannot-link."""
    n = prep.height
    prep = prep.with_row_index("row")
    # Atoms: listings sharing an arXiv id, or (without arXiv id) sharing a title_key, are
    # merged unconditionally; a listing with neither is its own atom.
    atom_key = (
        pl.when(pl.col("axid").is_not_null())
        .then(pl.lit("a:") + pl.col("axid"))
        .when(pl.col("tkey").is_not_null())
        .then(pl.lit("t:") + pl.col("tkey"))
        .otherwise(pl.lit("l:") + pl.col("listing_id"))
    )
    prep = prep.with_columns(atom_key.alias("atom_key"))
    atoms = (
        prep.group_by("atom_key")
        .agg(pl.col("axid").first(), pl.col("tkey").min())
        .sort("atom_key")
        .with_row_index("atom")
    )
    prep = prep.join(atoms.select("atom_key", "atom"), on="atom_key", how="left").sort("row")
    atom_of_row = prep["atom"].to_numpy().astype(np.int64)

    uf = _UnionFind(atoms["axid"].to_list())

    # Title edges between arXiv atoms and the no-arXiv title atom (or other arXiv atoms)
    # sharing a title_key.  Deterministic order: title key, then arxiv id.
    tk_atoms = (
        prep.filter(pl.col("tkey").is_not_null())
        .select("tkey", "atom", "axid")
        .unique()
        .sort("tkey", "axid", nulls_last=False)
    )
    multi = tk_atoms.filter(pl.len().over("tkey") > 1)
    if multi.height:
        # star edges: every atom of the title group to the group's first atom (the no-arXiv
        # atom if any, else the smallest arXiv id).
        first = multi.group_by("tkey", maintain_order=True).agg(pl.col("atom").first().alias("a0"))
        e = multi.join(first, on="tkey").filter(pl.col("atom") != pl.col("a0"))
        # the no-arXiv atom (if any) links to the smallest arXiv id first
        for a, b in zip(e["a0"].to_list(), e["atom"].to_list()):
            uf.union(a, b)

    if nd_edges is not None and nd_edges.height:
        rid = prep.select(pl.col("listing_id"), pl.col("row").cast(pl.Int64))
        e = nd_edges.join(rid.rename({"listing_id": "a", "row": "ra"}), on="a").join(
            rid.rename({"listing_id": "b", "row": "rb"}), on="b"
        )
        ea = atom_of_row[e["ra"].to_numpy()]
        eb = atom_of_row[e["rb"].to_numpy()]
        sim = e["sim"].to_numpy()
        order = np.lexsort((eb, ea, -sim))
        for i in order.tolist():
            uf.union(int(ea[i]), int(eb[i]))

    roots = np.fromiter((uf.find(i) for i in range(atoms.height)), dtype=np.int64, count=atoms.height)
    prep = prep.with_columns(pl.Series("comp", roots[atom_of_row] if n else np.zeros(0, np.int64)))

    # paper_id from cluster content
    anchors = prep.group_by("comp").agg(
        pl.col("axid").drop_nulls().min().alias("ax"),
        pl.col("tkey").drop_nulls().min().alias("tk"),
        pl.col("akey").drop_nulls().min().alias("ak"),
        pl.col("listing_id").min().alias("lid"),
    )
    anchors = anchors.with_columns(
        pl.when(pl.col("ax").is_not_null())
        .then(pl.lit("arxiv:") + pl.col("ax"))
        .when(pl.col("tk").is_not_null())
        .then(pl.lit("title:") + pl.col("tk"))
        .when(pl.col("ak").is_not_null())
        .then(pl.lit("abstract:") + pl.col("ak"))
        .otherwise(pl.lit("listing:") + pl.col("lid"))
        .alias("anchor")
    )
    anchors = anchors.with_columns(
        pl.col("anchor").map_elements(paper_id_for, return_dtype=pl.String).alias("paper_id")
    )
    prep = prep.join(anchors.select("comp", "paper_id"), on="comp", how="left").sort("row")
    return _Clusters(prep, nd_edges if nd_edges is not None else _empty_edges())


def _empty_edges() -> pl.DataFrame:
    return pl.DataFrame(schema={"a": pl.String, "b": pl.String, "sim": pl.Float64})


# --------------------------------------------------------------------------------------
# match rule / matched listing (explanations)
# --------------------------------------------------------------------------------------
def _explain(cl: _Clusters) -> pl.DataFrame:
    """match_rule, similarity, matched_listing_id per listing.

    Within a paper, members are ordered by (first_seen, listing_id).  The first member is
    ``"new"``.  Any other member is explained by the earliest earlier member sharing its
    arXiv id (``"arxiv_id"``), else sharing its title_key (``"title"``), else by its best
    near-duplicate edge inside the paper (``"near_duplicate"``, preferring earlier members).
    """
    f = cl.frame.with_columns(pl.col("first_seen").fill_null(_EPOCH).alias("_fs"))
    f = f.sort("paper_id", "_fs", "listing_id").with_columns(
        pl.int_range(pl.len()).over("paper_id").alias("rank")
    )
    base = f.select("row", "listing_id", "paper_id", "axid", "tkey", "rank")

    def earliest_sharing(key: str) -> pl.DataFrame:
        first = (
            base.filter(pl.col(key).is_not_null())
            .sort("rank")
            .group_by("paper_id", key)
            .agg(pl.col("listing_id").first().alias("m_" + key), pl.col("rank").first().alias("r_" + key))
        )
        return first

    out = base.join(earliest_sharing("axid"), on=["paper_id", "axid"], how="left")
    out = out.join(earliest_sharing("tkey"), on=["paper_id", "tkey"], how="left")

    # near-dup partner: best edge (prefer earlier partner, then higher sim)
    e = cl.nd_edges
    if e.height:
        rows = f.select("listing_id", "paper_id", "rank")
        both = pl.concat(
            [e.select(pl.col("a").alias("lx"), pl.col("b").alias("ly"), "sim"),
             e.select(pl.col("b").alias("lx"), pl.col("a").alias("ly"), "sim")]
        )
        both = both.join(rows.rename({"listing_id": "lx", "paper_id": "px", "rank": "rx"}), on="lx")
        both = both.join(rows.rename({"listing_id": "ly", "paper_id": "py", "rank": "ry"}), on="ly")
        both = both.filter(pl.col("px") == pl.col("py")).with_columns(
            (pl.col("ry") < pl.col("rx")).alias("earlier")
        )
        best = (
            both.sort(["lx", "earlier", "sim", "ry", "ly"], descending=[False, True, True, False, False])
            .group_by("lx")
            .agg(pl.col("ly").first().alias("m_nd"), pl.col("sim").first().alias("s_nd"))
            .rename({"lx": "listing_id"})
        )
        out = out.join(best, on="listing_id", how="left")
    else:
        out = out.with_columns(pl.lit(None, pl.String).alias("m_nd"), pl.lit(None, pl.Float64).alias("s_nd"))

    ax_ok = pl.col("r_axid").is_not_null() & (pl.col("r_axid") < pl.col("rank"))
    tk_ok = pl.col("r_tkey").is_not_null() & (pl.col("r_tkey") < pl.col("rank"))
    out = out.with_columns(
        pl.when(pl.col("rank") == 0).then(pl.lit("new"))
        .when(ax_ok).then(pl.lit("arxiv_id"))
        .when(tk_ok).then(pl.lit("title"))
        .when(pl.col("m_nd").is_not_null()).then(pl.lit("near_duplicate"))
        .when(pl.col("m_axid").is_not_null() & (pl.col("m_axid") != pl.col("listing_id"))).then(pl.lit("arxiv_id"))
        .when(pl.col("m_tkey").is_not_null() & (pl.col("m_tkey") != pl.col("listing_id"))).then(pl.lit("title"))
        .otherwise(pl.lit("near_duplicate"))
        .alias("match_rule"),
    )
    out = out.with_columns(
        pl.when(pl.col("match_rule") == "new").then(None)
        .when(pl.col("match_rule") == "arxiv_id").then(pl.col("m_axid"))
        .when(pl.col("match_rule") == "title").then(pl.col("m_tkey"))
        .otherwise(pl.col("m_nd"))
        .alias("matched_listing_id"),
        pl.when(pl.col("match_rule") == "near_duplicate")
        .then(pl.col("s_nd").fill_null(0.0).clip(0.0, 1.0))
        .otherwise(1.0)
        .cast(pl.Float64)
        .alias("similarity"),
    )
    return out.select("row", "listing_id", "paper_id", "match_rule", "similarity", "matched_listing_id")


# --------------------------------------------------------------------------------------
# near duplicates: MinHash (one-permutation hashing) + LSH banding + verification
# --------------------------------------------------------------------------------------
N_BINS = 128  # one-permutation MinHash bins per abstract
BAND_ROWS = 3  # bins per LSH band
N_BANDS = N_BINS // BAND_ROWS  # 42 bands: P(candidate) = 0.996 at J=0.5, 0.94 at J=0.4
MAX_BUCKET = 25  # LSH buckets with more distinct abstracts are boilerplate: not expanded
MIN_SHINGLES = 12  # abstracts with fewer word 3-grams take no part in near-dup matching
MIN_SHINGLES_CONTAINMENT = 30  # the smaller abstract must be this long for the containment rule

_U64_MAX = np.uint64(0xFFFFFFFFFFFFFFFF)
_VAL_MASK = np.uint64((1 << 57) - 1)
_P1 = np.uint64(0x9E3779B97F4A7C15)
_P2 = np.uint64(0xC2B2AE3D27D4EB4F)
_WORD_SEED = 0x5EED
_ROMAN = ["ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii"]


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (wrapping uint64 arithmetic, vectorised)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


SIGNATURE_CHUNK = 20_000  # abstracts signed at a time: bounds the exploded word/shingle arrays


def _signatures(texts: list[str] | pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """OPH MinHash signatures of word 3-gram shingles.

    Returns (sig[n, N_BINS] uint64 with _U64_MAX for empty bins, n_shingles[n]). Computed in
    chunks of at most SIGNATURE_CHUNK abstracts (each abstract's signature depends on it alone),
    so memory stays bounded however many abstracts there are.
    """
    texts = pl.Series("t", texts, dtype=pl.String)
    n = len(texts)
    sig = np.empty((n, N_BINS), dtype=np.uint64)
    nsh = np.zeros(n, dtype=np.int64)

    # numpy and polars release the GIL: chunks are signed in threads, two at a time at most
    # (each holds its exploded shingle arrays); equal chunks, at least two from 2,000 abstracts
    # (one chunk left a core idle)
    n_chunks = max(-(-n // SIGNATURE_CHUNK), 2 if n >= 2_000 else 1)
    size = -(-n // n_chunks) if n else 1

    def sign(lo: int) -> None:
        hi = min(n, lo + size)
        sig[lo:hi], nsh[lo:hi] = _signature_chunk(texts.slice(lo, hi - lo))

    starts = range(0, n, size)
    if len(starts) > 1:
        with ThreadPoolExecutor(min(2, len(starts))) as pool:
            list(pool.map(sign, starts))
    else:
        for lo in starts:
            sign(lo)
    return sig, nsh


def _signature_chunk(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    n = len(texts)
    sig = np.full(n * N_BINS, _U64_MAX, dtype=np.uint64)
    nsh = np.zeros(n, dtype=np.int64)
    # word hashes: polars' hash with a fixed seed (deterministic for a polars version;
    # only near-duplicate *candidates* depend on it, paper_id anchors do not)
    w = (
        pl.DataFrame({"t": texts})
        .select(pl.col("t").fill_null("").str.split(" ").list.eval(pl.element().filter(pl.element() != "").hash(_WORD_SEED)).alias("h"))
        .with_row_index("doc")
        .explode("h")
        .drop_nulls("h")
    )
    doc = w["doc"].to_numpy().astype(np.int64)
    h = w["h"].to_numpy().astype(np.uint64)
    if len(h) >= 3:
        same = doc[:-2] == doc[2:]
        sd = doc[:-2][same]
        sh = _mix64(_mix64(h[:-2] * _P1 + h[1:-1]) * _P2 + h[2:])[same]
        nsh = np.bincount(sd, minlength=n).astype(np.int64)
        b = (sh >> np.uint64(57)).astype(np.int64)
        np.minimum.at(sig, sd * N_BINS + b, sh & _VAL_MASK)
    return _densify(sig.reshape(n, N_BINS)), nsh


def _densify(sig: np.ndarray) -> np.ndarray:
    """Rotation densification of OPH: an empty bin takes the value of the next non-empty
    bin (circularly), re-hashed with the distance, so that every bin is usable."""
    n, k = sig.shape
    if n == 0:
        return sig
    empty = sig == _U64_MAX
    if not empty.any():
        return sig
    # nxt[:, j] = first non-empty bin at or after j, circularly (as j + distance): two
    # backward sweeps over the bins, vectorised over the docs
    nxt = np.empty((n, k), dtype=np.int64)
    cur = np.full(n, -1, dtype=np.int64)
    for j in range(k - 1, -1, -1):
        cur = np.where(empty[:, j], cur, j + k)
    for j in range(k - 1, -1, -1):
        cur = np.where(empty[:, j], cur, j)
        nxt[:, j] = cur
    all_empty = empty.all(axis=1)
    bins = np.arange(k)[None, :]
    nxt = np.where(all_empty[:, None], bins, nxt)
    dist = (nxt - bins).astype(np.uint64)
    src = np.take_along_axis(sig, nxt % k, axis=1)
    dens = _mix64(src + dist * _P2) & _VAL_MASK
    out = np.where(empty, dens, sig)
    out[all_empty] = _U64_MAX
    return out


def _band_matrix(sig: np.ndarray, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(k[n, N_BANDS] band keys, ok[n, N_BANDS] usable) for every doc."""
    n = sig.shape[0]
    bands = sig[:, : N_BANDS * BAND_ROWS].reshape(n, N_BANDS, BAND_ROWS)
    ok = ~(bands == _U64_MAX).any(axis=2) & eligible[:, None]
    k = np.broadcast_to(np.arange(N_BANDS, dtype=np.uint64) * _P2, (n, N_BANDS)).copy()
    for r in range(BAND_ROWS):
        k = _mix64(k * _P1 + bands[:, :, r])
    return k, ok


def _band_keys(sig: np.ndarray, eligible: np.ndarray) -> pl.DataFrame:
    """(k: band key, d: doc) for every non-empty band of every eligible doc."""
    n = sig.shape[0]
    k, ok = _band_matrix(sig, eligible)
    d = np.broadcast_to(np.arange(n, dtype=np.int64)[:, None], (n, N_BANDS))
    return pl.DataFrame({"k": k[ok], "d": d[ok]}, schema={"k": pl.UInt64, "d": pl.Int64})


class _NearDupIndex:
    """Units (distinct title_key + abstract) with abstract signatures and LSH band keys."""

    def __init__(self, prep: pl.DataFrame):
        rows = prep.filter(pl.col("akey").is_not_null()).select(
            "listing_id", pl.col("tkey").fill_null(""), "akey"
        )
        self.sig, self.nsh = _signatures(rows.select(pl.col("akey").unique().sort())["akey"])
        # doc = index of the abstract among the sorted distinct ones (a dense rank: no string copies)
        rows = rows.select(
            "listing_id", "tkey", (pl.col("akey").rank("dense") - 1).cast(pl.Int64).alias("doc")
        )
        rows = rows.with_columns(pl.Series("nsh", self.nsh[rows["doc"].to_numpy()]))
        units = (
            rows.group_by("tkey", "doc")
            .agg(pl.col("nsh").first(), pl.col("listing_id").min().alias("rep"))
            .sort("rep")
            .with_row_index("unit")
        )
        units = units.with_columns(pl.col("tkey").str.split(" ").alias("ttok"))
        units = units.with_columns(
            pl.col("ttok")
            .list.eval(pl.element().filter(pl.element().str.contains(r"\d") | pl.element().is_in(_ROMAN)))
            .list.sort()
            .list.join(" ")
            .alias("markers")
        )
        self.units = units
        self.eligible = self.nsh >= MIN_SHINGLES
        self.bands = _band_keys(self.sig, self.eligible)
        self.unit_rows = rows.join(units.select("tkey", "doc", "unit"), on=["tkey", "doc"]).select(
            "listing_id", "unit"
        )

    def bucket_counts(self) -> pl.DataFrame:
        return self.bands.group_by("k").agg(pl.len().alias("cnt"))

    def candidate_docs(self, docs_mask: np.ndarray | None, counts: pl.DataFrame | None) -> pl.DataFrame:
        """Doc pairs (a < b) sharing a band bucket of at most MAX_BUCKET docs.

        docs_mask: if given, only pairs with at least one doc in the mask (incremental).
        counts: bucket sizes to apply the MAX_BUCKET rule with (default: this index's).
        """
        b = self.bands
        if counts is None:
            counts = self.bucket_counts()
        keep = counts.filter((pl.col("cnt") >= 2) & (pl.col("cnt") <= MAX_BUCKET))
        b = b.join(keep.select("k"), on="k", how="semi")
        left = b
        if docs_mask is not None:
            sel = pl.DataFrame({"d": np.flatnonzero(docs_mask).astype(np.int64)})
            left = b.join(sel, on="d", how="semi")
        if docs_mask is None:  # each unordered pair once; buckets in slices to bound the join's memory
            n_slices = max(1, b.height // 2_000_000)
            parts = []
            for i in range(n_slices):
                bi = b.filter(pl.col("k") % n_slices == i) if n_slices > 1 else b
                pairs = bi.join(bi, on="k", suffix="_r").filter(pl.col("d") < pl.col("d_r"))
                parts.append(pairs.select(pl.col("d").alias("da"), pl.col("d_r").alias("db")).unique())
            return pl.concat(parts).unique()
        pairs = left.join(b, on="k", suffix="_r").filter(pl.col("d") != pl.col("d_r"))
        pairs = pairs.select(
            pl.min_horizontal("d", "d_r").alias("da"), pl.max_horizontal("d", "d_r").alias("db")
        ).unique()
        return pairs

    def verify(self, doc_pairs: pl.DataFrame, same_docs: np.ndarray | None = None) -> pl.DataFrame:
        """Unit pairs (ua < ub) that are near duplicates, with similarity.

        Candidate unit pairs: units on the two docs of a candidate doc pair, and units
        sharing the same abstract (different title_key).
        """
        u = self.units.select("unit", "doc", "nsh", "ttok", "markers")
        # doc-pair estimates
        da = doc_pairs["da"].to_numpy()
        db = doc_pairs["db"].to_numpy()
        # Estimated Jaccard = share of equal bins. A densified signature has no empty bin unless it has no
        # shingle at all (every bin empty, never equal to a filled one); two such signatures get 0.
        order = np.argsort(da, kind="stable")  # rows of sig read in order: fewer cache misses
        sa_idx, sb_idx = da[order], db[order]
        jac_sorted = np.empty(len(da), dtype=np.float64)
        step = 100_000

        def estimate(s: int) -> None:
            eq = (self.sig[sa_idx[s : s + step]] == self.sig[sb_idx[s : s + step]]).sum(axis=1)
            jac_sorted[s : s + step] = eq / N_BINS

        with ThreadPoolExecutor(2) as pool:  # numpy releases the GIL
            list(pool.map(estimate, range(0, len(da), step)))
        jac = np.empty(len(da), dtype=np.float64)
        jac[order] = jac_sorted
        jac[(self.nsh[da] == 0) & (self.nsh[db] == 0)] = 0.0
        dp = pl.DataFrame({"da": da, "db": db, "J": jac})
        su = u if same_docs is None else u.join(pl.DataFrame({"doc": same_docs.astype(np.uint32)}).cast({"doc": u.schema["doc"]}), on="doc", how="semi")
        same_doc = su.filter(pl.len().over("doc") > 1).select(
            pl.col("doc").alias("da"), pl.col("doc").alias("db"), pl.lit(1.0).alias("J")
        ).unique()
        dp = pl.concat([dp.with_columns(pl.col("da").cast(pl.Int64), pl.col("db").cast(pl.Int64)),
                        same_doc.with_columns(pl.col("da").cast(pl.Int64), pl.col("db").cast(pl.Int64))])
        dp = dp.filter(pl.col("J") >= 0.3)
        ul = u.with_columns(pl.col("doc").cast(pl.Int64))
        up = dp.join(ul.rename(lambda c: c + "_a"), left_on="da", right_on="doc_a").join(
            ul.rename(lambda c: c + "_b"), left_on="db", right_on="doc_b"
        )
        up = up.filter(pl.col("unit_a") != pl.col("unit_b"))
        na = pl.col("nsh_a").cast(pl.Float64)
        nb = pl.col("nsh_b").cast(pl.Float64)
        inter = pl.col("J") * (na + nb) / (1.0 + pl.col("J"))
        nmin = pl.min_horizontal(na, nb)
        up = up.with_columns(
            (inter / nmin).clip(0.0, 1.0).alias("C"),
            nmin.alias("nmin"),
            (
                pl.col("ttok_a").list.set_intersection("ttok_b").list.len()
                / pl.col("ttok_a").list.set_union("ttok_b").list.len().clip(1)
            ).alias("T"),
        )
        J, C, T = pl.col("J"), pl.col("C"), pl.col("T")
        accept = pl.col("markers_a").eq_missing(pl.col("markers_b")) & (pl.col("nmin") >= MIN_SHINGLES) & (
            (J >= 0.9)
            | ((J >= 0.5) & (T >= 0.25))
            | ((J >= 0.35) & (T >= 0.6))
            | ((C >= 0.85) & (pl.col("nmin") >= MIN_SHINGLES_CONTAINMENT) & (T >= 0.25))
        )
        up = up.filter(accept).with_columns(pl.max_horizontal(J, C).clip(0.0, 1.0).alias("sim"))
        return (
            up.select(
                pl.min_horizontal("unit_a", "unit_b").alias("ua"),
                pl.max_horizontal("unit_a", "unit_b").alias("ub"),
                "sim",
            )
            .group_by("ua", "ub")
            .agg(pl.col("sim").max())
            .sort("ua", "ub")
        )

    def unit_edges_to_listing_edges(self, ue: pl.DataFrame, allowed: pl.DataFrame | None = None) -> pl.DataFrame:
        if allowed is None:
            reps = self.units.select("unit", "rep")
        else:
            reps = (
                self.unit_rows.join(allowed.select("listing_id"), on="listing_id", how="semi")
                .group_by("unit")
                .agg(pl.col("listing_id").min().alias("rep"))
            )
        return (
            ue.join(reps.rename({"unit": "ua", "rep": "a"}), on="ua")
            .join(reps.rename({"unit": "ub", "rep": "b"}), on="ub")
            .select("a", "b", "sim")
        )


# --------------------------------------------------------------------------------------
# persistable identity features (incremental matching without recomputing the warehouse)
# --------------------------------------------------------------------------------------
_DOC_SEED = 0xD0C5EED

FEATURES_SCHEMA: dict[str, pl.DataType] = {
    "listing_id": pl.String,
    "axid": pl.String,  # version-less arXiv id (or null)
    "tkey": pl.String,  # title_key (null if empty)
    "ahash": pl.UInt64,  # 64-bit hash of the normalised abstract (null if no abstract)
    "bands": pl.List(pl.UInt64),  # LSH band keys of the abstract (empty if < MIN_SHINGLES)
}


def features_version() -> str:
    """Version of :func:`identity_features`' output.

    Band keys and ``ahash`` depend on polars' string hash (see :func:`_signatures`), so the
    version carries a fingerprint of it: stored features whose version differs from the
    running one must be recomputed (``identity_features`` over all listings).
    """
    probe = pl.Series(["paperlake identity probe", "a b c"]).hash(_WORD_SEED).to_list()
    probe += pl.Series(["paperlake identity probe"]).hash(_DOC_SEED).to_list()
    return f"{IDENTITY_VERSION}/f1/{_sha16(','.join(map(str, probe)))}"


def _features_of(prep: pl.DataFrame, signed: tuple[np.ndarray, np.ndarray] | None = None) -> pl.DataFrame:
    """Identity features of prepared rows (see :func:`identity_features`).

    signed: (sig, nsh) of the distinct sorted abstract keys, when already computed (a
    :class:`_NearDupIndex` over the same rows has them).
    """
    docs = prep.filter(pl.col("akey").is_not_null()).select("akey").unique().sort("akey")
    sig, nsh = signed if signed is not None else _signatures(docs["akey"])
    k, ok = _band_matrix(sig, nsh >= MIN_SHINGLES)
    d = np.broadcast_to(np.arange(docs.height, dtype=np.int64)[:, None], k.shape)
    bands = (
        pl.DataFrame({"d": d[ok], "k": k[ok]}, schema={"d": pl.Int64, "k": pl.UInt64})
        .group_by("d", maintain_order=True)
        .agg(pl.col("k").alias("bands"))
    )
    docs = docs.with_row_index("d").with_columns(pl.col("d").cast(pl.Int64)).join(bands, on="d", how="left")
    out = prep.select("listing_id", "axid", "tkey", "akey").join(docs.select("akey", "bands"), on="akey", how="left")
    out = out.with_columns(
        pl.col("akey").hash(_DOC_SEED).alias("ahash"),
        pl.col("bands").fill_null(pl.lit([], dtype=pl.List(pl.UInt64))),
    )
    return out.select([pl.col(c).cast(t) for c, t in FEATURES_SCHEMA.items()]).sort("listing_id")


def identity_features(listings: pl.DataFrame) -> pl.DataFrame:
    """Per-listing identity features, computed once and stored next to the assignment.

    One row per listing_id (schema :data:`FEATURES_SCHEMA`): arXiv id, title_key, a hash
    of the normalised abstract and its LSH band keys.  Pass them (for the known listings)
    to ``assign_papers(batch, known=..., known_features=...)``: the batch is then matched
    against the warehouse by joins on these columns instead of recomputing every known
    listing's keys and MinHash signature.  They are a pure function of a listing's
    title / abstract / arxiv_id (and of :func:`features_version`).
    """
    return _features_of(_prepare(listings))


OUTPUT_SCHEMA: dict[str, pl.DataType] = {
    "listing_id": pl.String,
    "paper_id": pl.String,
    "match_rule": pl.String,
    "similarity": pl.Float64,
    "matched_listing_id": pl.String,
}


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------
def assign_papers(
    listings: pl.DataFrame, known: pl.DataFrame | None = None, known_features: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Assign every listing to a paper.

    listings: listing_id, title, abstract, arxiv_id, published_at, first_seen (extra
    columns are ignored).  known: listings already assigned (same columns + paper_id and,
    ideally, their match_rule / similarity / matched_listing_id), or None.  Returns
    listing_id, paper_id, match_rule, similarity, matched_listing_id for every row of
    ``listings`` -- plus, in incremental mode, the rows of ``known`` whose paper_id (or
    explanation, when given) changed because of the batch (upsert by listing_id).

    known_features: :func:`identity_features` of (ideally all) known listings, as stored by
    the caller.  With them the cost of an incremental call grows with the batch and the
    known papers it touches, not with ``known``: only those papers' listings are
    re-normalised and re-signed.  Known listings missing from it are computed on the fly;
    without it, all of them are (same result, full cost).
    """
    if known is None or known.height == 0:
        return assign_papers_with_features(listings)[0]
    return _assign_incremental(listings, known, known_features)


def assign_papers_with_features(listings: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Full pass: (``assign_papers(listings)``, ``identity_features(listings)``), sharing the
    normalisation and the MinHash signatures between the two."""
    prep = _prepare(listings)
    idx = _NearDupIndex(prep) if prep.height >= 2 else None
    edges = idx.unit_edges_to_listing_edges(idx.verify(idx.candidate_docs(None, None))) if idx else _empty_edges()
    assignment = _explain(_cluster(prep, edges)).drop("row").sort("listing_id").select(list(OUTPUT_SCHEMA))
    return assignment, _features_of(prep, (idx.sig, idx.nsh) if idx else None)


def _local_index(prep: pl.DataFrame) -> _NearDupIndex | None:
    if prep.filter(pl.col("akey").is_not_null()).height == 0:
        return None
    return _NearDupIndex(prep)


def _assign_incremental(
    listings: pl.DataFrame, known: pl.DataFrame, known_features: pl.DataFrame | None
) -> pl.DataFrame:
    """Match a batch against known listings.

    Equivalent to running the near-duplicate index over known + batch (the original
    formulation), but everything known is reached through ``known_features``:

    1. papers touched by the batch: same arXiv id / title_key (joins on the features), or a
       verified near-duplicate edge from a batch abstract.  Near-dup candidates are the
       known abstracts sharing an LSH bucket with a batch abstract (join on band keys);
       only those listings are prepared and signed (a local index), bucket sizes for the
       MAX_BUCKET rule are counted over known + batch for just the buckets concerned;
    2. batch + all known listings of the touched papers are re-clustered (local index over
       them, same global bucket sizes); known rows whose paper_id changed are returned.
    """
    # Warehouse-sized frames (known listings with their text, features with their band lists)
    # are subset with frames.semi / frames.anti (filters), never gathered through a join.
    batch = _prepare(listings)
    bids = batch.select("listing_id")
    known = known.with_columns(pl.col("listing_id").cast(pl.String), pl.col("paper_id").cast(pl.String))
    # listings re-sent that are already known are re-evaluated as part of the batch
    known = frames.anti(known, bids, "listing_id")
    known_ids = known.select("listing_id", "paper_id")

    if known_features is None:
        kf = _features_of(_prepare(known))
    else:
        kf = known_features.select(list(FEATURES_SCHEMA)).cast(FEATURES_SCHEMA)  # type: ignore[arg-type]
        kf = frames.semi(kf, known_ids, "listing_id")
        # listing_id is unique on both sides: as many features as known listings = none missing
        missing = known.clear() if kf.height == known.height else frames.anti(known, kf, "listing_id")
        if missing.height:
            kf = pl.concat([kf, _features_of(_prepare(missing))])
    kf = kf.with_columns(kf.select("listing_id").join(known_ids, on="listing_id", how="left",
                                                      maintain_order="left")["paper_id"])
    bf = _features_of(batch)

    touched: set[str] = set()
    # arXiv and title joins against the known listings
    for key in ("axid", "tkey"):
        hit = frames.semi(kf, bf[key].drop_nulls(), key)
        touched.update(hit["paper_id"].drop_nulls().to_list())

    # (doc hash, band key) of known and batch abstracts, for the band keys looked at: bucket
    # sizes (distinct abstracts per band key, MAX_BUCKET rule) are those of known + batch,
    # exactly as a batch run over everything would see.
    bex = bf.select("ahash", pl.col("bands").alias("k")).explode("k").drop_nulls("k")

    def known_bands(keys: pl.Series) -> pl.DataFrame:
        return (kf.lazy().select("ahash", pl.col("bands").alias("k")).explode("k")
                .filter(pl.col("k").is_in(keys.unique().implode())).collect())

    def counts_for(keys: pl.Series, kex: pl.DataFrame | None = None) -> pl.DataFrame:
        kex = known_bands(keys) if kex is None else kex
        both = pl.concat([kex, bex.filter(pl.col("k").is_in(keys.unique().implode()))])
        return both.unique().group_by("k").agg(pl.len().cast(pl.UInt32).alias("cnt"))

    def prepared_known(lids: pl.DataFrame) -> pl.DataFrame:
        rows = frames.semi(known, lids, "listing_id")
        return _prepare(rows).join(known_ids, on="listing_id", how="left")

    # near-duplicate candidates: known abstracts sharing a (non-boilerplate) bucket with a
    # batch abstract, or equal to one; all their listings form the local index.
    kex1 = known_bands(bex["k"])
    counts1 = counts_for(bex["k"], kex1)
    valid1 = counts1.filter((pl.col("cnt") >= 2) & (pl.col("cnt") <= MAX_BUCKET)).select("k")
    cand_hash = pl.concat([kex1.join(valid1, on="k", how="semi").select("ahash"), bf.select("ahash").drop_nulls()])
    k1 = prepared_known(frames.semi(kf, cand_hash, "ahash"))
    s1 = pl.concat([batch, k1.drop("paper_id")], how="vertical_relaxed").sort("listing_id")
    idx = _local_index(s1)
    if idx is not None:
        bdocs = (
            idx.unit_rows.join(bids, on="listing_id", how="semi")
            .join(idx.units.select("unit", "doc"), on="unit")["doc"].unique().to_numpy().astype(np.int64)
        )
        m = np.zeros(idx.sig.shape[0], dtype=bool)
        m[bdocs] = True
        ue = idx.verify(idx.candidate_docs(m, counts1), same_docs=bdocs)
        units_hit = pl.concat([ue.select(pl.col("ua").alias("unit")), ue.select(pl.col("ub").alias("unit"))])
        hit_l = idx.unit_rows.join(units_hit.unique(), on="unit", how="semi")
        touched.update(k1.join(hit_l, on="listing_id", how="semi")["paper_id"].drop_nulls().to_list())

    sub_known = prepared_known(known_ids.filter(pl.col("paper_id").is_in(sorted(touched))))
    sub = pl.concat([batch, sub_known.drop("paper_id")], how="vertical_relaxed").sort("listing_id")
    idx = _local_index(sub)
    edges = _empty_edges()
    if idx is not None:
        counts2 = counts_for(idx.bands["k"])
        sdocs = np.arange(idx.sig.shape[0], dtype=np.int64)
        ue = idx.verify(idx.candidate_docs(None, counts2), same_docs=sdocs)
        edges = idx.unit_edges_to_listing_edges(ue, allowed=sub)
    cl = _cluster(sub, edges)
    res = _explain(cl).drop("row").select(list(OUTPUT_SCHEMA))
    # Known rows come back when their paper or its explanation changed (a batch listing can
    # become the paper's first member, so the formerly "new" one is now the duplicate).
    compared = [c for c in OUTPUT_SCHEMA if c != "listing_id" and c in known.columns]
    old = frames.semi(known, sub_known, "listing_id").select(
        "listing_id", pl.lit(True).alias("_known"), *[pl.col(c).cast(OUTPUT_SCHEMA[c]).alias(f"_old_{c}") for c in compared])
    res = res.join(old, on="listing_id", how="left")
    changed = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"_old_{c}")) for c in compared])
    res = res.filter(pl.col("_known").is_null() | changed)
    return res.sort("listing_id").select(list(OUTPUT_SCHEMA))


# --------------------------------------------------------------------------------------
# papers
# --------------------------------------------------------------------------------------
PAPERS_SCHEMA: dict[str, pl.DataType] = {
    "paper_id": pl.String,
    "title": pl.String,
    "abstract": pl.String,
    "arxiv_id": pl.String,
    "authors": pl.List(pl.String),
    "published_at": pl.Date,
    "links": pl.List(pl.String),
    "first_seen": UTC_TS,
    "last_seen": UTC_TS,
    "n_listings": pl.Int64,
    "n_dumps": pl.Int64,
    "canonical_listing_id": pl.String,
}


def _normalised_length(text: pl.Series) -> pl.Series:
    """Length after collapsing whitespace runs and stripping (0 for null), as ``_al``. Text whose
    only whitespace is single inner spaces (cleaned text: nearly all) is measured as it is."""
    length = text.str.len_chars().fill_null(0)
    irregular = text.str.contains(IRREGULAR_SPACE).fill_null(False)
    if irregular.any():
        fixed = text.filter(irregular).str.replace_all(r"\s+", " ").str.strip_chars().str.len_chars()
        length = length.scatter(irregular.arg_true(), fixed)
    return length.alias("_al")


def build_papers(assigned: pl.DataFrame) -> pl.DataFrame:
    """One row per paper_id.

    Canonical listing (deterministic regardless of row order), first wins:
      1. has an arXiv id,
      2. has authors,
      3. longest abstract (whitespace-normalised length),
      4. earliest first_seen,
      5. smallest listing_id.
    title / abstract / authors / published_at come from the canonical listing (a null
    field falls back to the next listing in canonical order that has it); arxiv_id is the
    cluster's (version-less) arXiv id; links is the sorted union; first_seen / last_seen
    are min / max over listings; n_dumps counts distinct dump_id (else file_name).
    """
    cols = assigned.columns

    def opt(name: str, dtype: pl.DataType) -> pl.Expr:
        return (pl.col(name) if name in cols else pl.lit(None)).cast(dtype).alias(name)

    dump_col = "dump_id" if "dump_id" in cols else ("file_name" if "file_name" in cols else None)
    df = assigned.select(
        pl.col("paper_id").cast(pl.String),
        pl.col("listing_id").cast(pl.String),
        opt("title", pl.String),
        opt("abstract", pl.String),
        (arxiv_id_expr("arxiv_id") if "arxiv_id" in cols else pl.lit(None, pl.String)).alias("arxiv_id"),
        opt("authors", pl.List(pl.String)),
        opt("published_at", pl.Date),
        opt("links", pl.List(pl.String)),
        opt("first_seen", UTC_TS),
        (pl.col(dump_col).cast(pl.String) if dump_col else pl.lit(None, pl.String)).alias("_dump"),
    )
    df = df.with_columns(pl.col("authors").list.len().fill_null(0).alias("_na"), _normalised_length(df["abstract"]))
    df = df.sort(
        ["paper_id", pl.col("arxiv_id").is_null(), pl.col("_na") == 0, "_al", "first_seen", "listing_id"],
        descending=[False, False, False, True, False, False],
        nulls_last=True,
    )
    empty_list = pl.col("authors").list.len().fill_null(0) == 0
    papers = df.group_by("paper_id", maintain_order=True).agg(
        pl.col("title").drop_nulls().first(),
        pl.col("abstract").drop_nulls().first(),
        pl.col("arxiv_id").drop_nulls().first(),
        pl.col("authors").filter(~empty_list).first(),
        pl.col("published_at").drop_nulls().first(),
        pl.col("links").list.explode(keep_nulls=False, empty_as_null=False).drop_nulls().unique().sort().alias("links"),
        pl.col("first_seen").min(),
        pl.col("first_seen").max().alias("last_seen"),
        pl.len().cast(pl.Int64).alias("n_listings"),
        pl.col("_dump").drop_nulls().n_unique().cast(pl.Int64).alias("n_dumps"),
        pl.col("listing_id").first().alias("canonical_listing_id"),
    )
    papers = papers.with_columns(
        pl.col("authors").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("links").fill_null(pl.lit([], dtype=pl.List(pl.String))),
    )
    return papers.select([pl.col(c).cast(t) for c, t in PAPERS_SCHEMA.items()]).sort("paper_id")


if __name__ == "__main__":
    UNICODE_TABLES.write_text(json.dumps(compute_unicode_tables(), ensure_ascii=True, sort_keys=True), encoding="utf-8")
    print(f"wrote {UNICODE_TABLES} (Unicode {unicodedata.unidata_version})")
