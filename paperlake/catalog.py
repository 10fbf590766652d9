"""The data dictionary: every warehouse table, its grain, key and columns (Dagster-free).

Assets conform their output to these schemas, the Dagster catalog shows these
descriptions, and `docs/data-dictionary.md` is generated from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from paperlake.schemas import UTC_TS

S, I, F, B, D = pl.String, pl.Int64, pl.Float64, pl.Boolean, pl.Date
LS = pl.List(pl.String)


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    keys: tuple[str, ...]
    columns: dict[str, tuple[pl.DataType, str]]
    # Data files ordered by this column and of bounded size: a MERGE of recent rows rewrites the
    # few recent files, not the whole table, and range filters on it skip files.
    cluster_by: str | None = None

    @property
    def schema(self) -> dict[str, pl.DataType]:
        return {c: t for c, (t, _) in self.columns.items()}

    def conform(self, df: pl.DataFrame) -> pl.DataFrame:
        """Exactly this table's columns, in order, with its types."""
        return df.select(
            [
                (pl.col(c) if c in df.columns else pl.lit(None)).cast(t).alias(c)
                for c, t in self.schema.items()
            ]
        )


TABLES: dict[str, Table] = {}


def _table(name: str, grain: str, keys: tuple[str, ...], columns: dict[str, tuple[pl.DataType, str]],
           cluster_by: str | None = None) -> Table:
    TABLES[name] = Table(name, grain, keys, columns, cluster_by)
    return TABLES[name]


RAW_DUMPS = _table(
    "bronze/raw_dumps",
    "one row per distinct landed file content (identical bytes under another name are the same dump)",
    ("dump_id",),
    {
        "dump_id": (S, "sha256 of the file bytes"),
        "file_name": (S, "name of the file when first landed"),
        "file_names": (LS, "every name these bytes were landed under"),
        "byte_size": (I, "size of the file in bytes"),
        "format": (S, "detected format: hf_text_blank, hf_text_compact, hf_markdown, markdown_notes, markdown_list, "
                      "hf_api_json, hf_papers_html, "
                      "jsonfeed, scraped_json_dated, scraped_json_list, json_generic, json_markdown_items, jsonl, rss, atom, arxiv_atom, "
                      "arxiv_oai, arxiv_mailing, arxiv_list_html, arxiv_search_html, arxiv_list_text, html_list, html_paper_meta, csv, tsv, delimited, "
                      "parquet, "
                      "bibtex, ris, xml_records, yaml_record; unknown / empty / binary when nothing could be read"),
        "encoding": (S, "detected text encoding"),
        "compression": (S, "gzip when the file was compressed, else null"),
        "listing_date": (D, "page/listing date shown by the dump, else the date in its file name, if any"),
        "listing_date_inferred": (B, "true when the year (or date) of listing_date was inferred "
                                     "(from the file name or the ingest day)"),
        "n_listings": (I, "entries parsed into bronze/listings"),
        "n_quarantined": (I, "fragments sent to bronze/quarantine"),
        "n_missing_abstracts": (I, "listings of this dump without an abstract (null or blank)"),
        "n_flagged_abstracts": (I, "listings of this dump whose abstract is flagged (abstract_flag set)"),
        "n_with_arxiv_id": (I, "listings of this dump carrying an arXiv id"),
        "accounting_unit": (S, "line (text formats) or record (JSON/XML)"),
        "units_total": (I, "lines or records in the dump"),
        "units_listing": (I, "units that ended up in a listing"),
        "units_quarantine": (I, "units that ended up in quarantine"),
        "units_furniture": (I, "blank lines and recognised page furniture"),
        "parser_version": (S, "parser version that produced the bronze rows"),
        "ingested_at": (UTC_TS, "when the dump was first ingested (UTC)"),
    },
)

LISTINGS = _table(
    "bronze/listings",
    "one row per entry seen in a dump (duplicates included)",
    ("listing_id",),
    {
        "listing_id": (S, "<first 16 hex of dump_id>-<position, 6 digits>: stable id of the entry"),
        "dump_id": (S, "bronze/raw_dumps.dump_id"),
        "file_name": (S, "file the entry came from"),
        "position": (I, "0-based order of the entry in its dump"),
        "line_start": (I, "1-based first line of the entry (text formats)"),
        "line_end": (I, "1-based last line of the entry, inclusive (text formats)"),
        "title": (S, "title, whitespace-normalised"),
        "abstract": (S, "abstract, whitespace-normalised, HTML decoded"),
        "ai_summary": (S, "AI-written summary shown by some pages (never part of abstract)"),
        "abstract_flag": (S, "why the abstract is not trusted (junk, too short), else null"),
        "arxiv_id": (S, "version-less arXiv id when known"),
        "authors": (LS, "author names when the dump lists them"),
        "published_at": (D, "publication date when the dump gives one"),
        "upvotes": (I, "upvotes when the dump gives them"),
        "links": (LS, "paper/code/project links offered by the dump"),
        "categories": (LS, "subject categories (arXiv formats)"),
        "listing_date": (D, "page/listing date of the dump"),
        "ingested_at": (UTC_TS, "when the dump was ingested (UTC)"),
    },
)

QUARANTINE = _table(
    "bronze/quarantine",
    "one row per input fragment that could not be turned into a listing",
    ("quarantine_id",),
    {
        "quarantine_id": (S, "<first 16 hex of dump_id>-q<index>"),
        "dump_id": (S, "bronze/raw_dumps.dump_id"),
        "file_name": (S, "file the fragment came from"),
        "line_start": (I, "1-based first line (text formats)"),
        "line_end": (I, "1-based last line, inclusive"),
        "raw_text": (S, "the raw fragment (first 8 KiB)"),
        "raw_length": (I, "length of the raw fragment in characters"),
        "reason": (S, "why it was quarantined"),
        "stage": (S, "pipeline stage that quarantined it"),
        "ingested_at": (UTC_TS, "when the dump was ingested (UTC)"),
    },
)

PAPERS = _table(
    "silver/papers",
    "one row per distinct paper",
    ("paper_id",),
    {
        "paper_id": (S, "stable content-derived paper id (same across runs and machines)"),
        "title": (S, "canonical title"),
        "abstract": (S, "canonical abstract; metric spans index into it"),
        "arxiv_id": (S, "version-less arXiv id when known"),
        "authors": (LS, "authors (union of what the listings offer)"),
        "published_at": (D, "publication date when known"),
        "links": (LS, "paper/code/project links (union)"),
        "code_links": (LS, "code repository links found in the abstract or links"),
        "canonical_listing_id": (S, "the listing the canonical record was taken from"),
        "first_seen": (UTC_TS, "earliest listing date (or ingest time) of any listing"),
        "last_seen": (UTC_TS, "latest listing date (or ingest time) of any listing"),
        "n_listings": (I, "number of listings of this paper"),
        "n_dumps": (I, "number of dumps it was listed in"),
    },
    cluster_by="first_seen",  # a new dump re-lists recent papers
)

PAPER_LISTINGS = _table(
    "silver/paper_listings",
    "one row per bronze listing: which paper it is",
    ("listing_id",),
    {
        "listing_id": (S, "bronze/listings.listing_id"),
        "dump_id": (S, "bronze/raw_dumps.dump_id"),
        "file_name": (S, "file the listing came from"),
        "position": (I, "0-based order of the entry in its dump"),
        "paper_id": (S, "silver/papers.paper_id"),
        "match_rule": (S, "rule that assigned the paper (arxiv_id, title, near_duplicate, new)"),
        "similarity": (F, "similarity to the matched listing (1.0 for exact rules)"),
        "matched_listing_id": (S, "listing it was matched to, if any"),
    },
)

IDENTITY_FEATURES = _table(
    "silver/identity_features",
    "one row per bronze listing: the identity features computed once, so a new dump is matched "
    "without recomputing the warehouse (internal; not for BI)",
    ("listing_id",),
    {
        "listing_id": (S, "bronze/listings.listing_id"),
        "axid": (S, "version-less arXiv id"),
        "tkey": (S, "normalised title key"),
        "ahash": (I, "64-bit hash of the normalised abstract (stored signed)"),
        "bands": (pl.List(I), "MinHash LSH band keys of the abstract (stored signed)"),
    },
)

PAPER_TOPICS = _table(
    "silver/paper_topics",
    "one row per (paper, topic) tag",
    ("paper_id", "topic"),
    {
        "paper_id": (S, "silver/papers.paper_id"),
        "topic": (S, "topic id from the taxonomy"),
        "score": (F, "calibrated probability that the topic is a main subject, in (0, 1]"),
        "method": (S, "tagging method (lexicon+linear-v1: lexicon selector stacked with the topic model)"),
        "taxonomy_version": (S, "taxonomy config version (+ content hash, + topic model file hash)"),
    },
)

PAPER_METRICS = _table(
    "silver/paper_metrics",
    "one row per quantitative mention in an abstract",
    ("paper_id", "span_start"),
    {
        "paper_id": (S, "silver/papers.paper_id"),
        "mention": (S, "verbatim mention: abstract[span_start:span_end]"),
        "span_start": (I, "start offset into silver/papers.abstract"),
        "span_end": (I, "end offset (exclusive)"),
        "value": (F, "canonical value (7B -> 7e9, 53% -> 53, ranges -> upper end)"),
        "unit": (S, "%, pp, x, params, tokens, examples, languages, bits, seconds, ms, GB, USD, score, count, other"),
        "kind": (S, "score, improvement, speedup, reduction, model_size, data_size, context_length, count, other"),
        "metric": (S, "normalised metric name when stated"),
        "benchmark": (S, "benchmark/dataset when stated"),
        "qualifier": (S, "up to, over, less than, about, average"),
        "note": (S, "range text or other note"),
        "extractor_version": (S, "metric extractor version"),
    },
)

TOPIC_TRENDS = _table(
    "gold/topic_trends",
    "one row per topic and listing month",
    ("topic", "period_start"),
    {
        "topic": (S, "topic id"),
        "period_start": (D, "first day of the listing month"),
        "papers": (I, "distinct papers with this topic listed in the month"),
        "new_papers": (I, "papers with this topic first seen in the month"),
        "period_papers": (I, "distinct papers listed in the month (all topics)"),
        "share": (F, "papers / period_papers"),
    },
)

BENCHMARK_RESULTS = _table(
    "gold/benchmark_results",
    "one row per reported score on a named benchmark",
    ("paper_id", "span_start"),
    {
        "benchmark": (S, "benchmark/dataset name"),
        "metric": (S, "metric name; 'unspecified' when the abstract names none (as in benchmark_leaderboard)"),
        "value": (F, "reported value"),
        "unit": (S, "unit of value"),
        "qualifier": (S, "up to, over, ..."),
        "paper_id": (S, "silver/papers.paper_id"),
        "title": (S, "paper title"),
        "mention": (S, "verbatim mention"),
        "span_start": (I, "offset of the mention in the abstract"),
        "rank": (I, "rank within (benchmark, metric, unit); 1 = best (lower is better for error metrics)"),
        "first_seen": (UTC_TS, "when the paper was first seen"),
    },
)

PAPER_CATALOG = _table(
    "gold/paper_catalog",
    "one BI-friendly row per paper",
    ("paper_id",),
    {
        "paper_id": (S, "silver/papers.paper_id"),
        "title": (S, "title"),
        "arxiv_id": (S, "arXiv id when known"),
        "primary_topic": (S, "highest-scoring topic"),
        "topics": (S, "all topics, comma-separated, best first"),
        "n_metrics": (I, "quantitative mentions extracted"),
        "best_speedup_x": (F, "largest speedup in x (times) claimed"),
        "max_model_params": (F, "largest model size mentioned (parameters)"),
        "headline_result": (S, "first benchmark score mentioned, as text"),
        "code_url": (S, "first code link"),
        "paper_url": (S, "link to the paper: its arXiv page, else the listing's first arXiv, Hugging Face "
                         "paper, DOI, OpenReview or ACL Anthology link; null if none (code/project links are not)"),
        "authors": (S, "authors, comma-separated; null when no dump lists them"),
        "first_seen": (UTC_TS, "first listing (UTC): the dump's page date, else when it was ingested"),
        "last_seen": (UTC_TS, "last listing (UTC)"),
        "n_listings": (I, "number of listings"),
    },
)


def table_description(name: str) -> str:
    t = TABLES.get(name)
    return f"Grain: {t.grain}. Key: {', '.join(t.keys)}." if t else ""


def column_description(table: str, column: str) -> str | None:
    t = TABLES.get(table)
    if t and column in t.columns:
        return t.columns[column][1]
    return "change-detection hash of the non-key columns" if column == "row_hash" else None
