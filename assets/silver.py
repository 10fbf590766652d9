"""Silver: distinct papers and their listings, topic tags, metric mentions."""


from dataclasses import dataclass

import dagster as dg
import polars as pl

from assets._publish import (
    Check,
    TableWrite,
    check_specs,
    holds_writer_lock,
    publish,
    publish_group,
    table_kwargs,
    table_spec,
)
from paperlake import catalog, extraction, frames, identity, quality, tagging
from paperlake.delta import blank, in_predicate
from paperlake.ops import writer_pool
from paperlake.parallel import map_frame
from paperlake.text import code_links_expr
from pipelines.resources import GreatExpectationsResource, TaxonomyResource, WarehouseResource

PAPERS, PAPER_LISTINGS = "silver/papers", "silver/paper_listings"
IDENTITY_FEATURES = catalog.IDENTITY_FEATURES.name
FEATURES_VERSION = "features_version"
PAPER_TOPICS, PAPER_METRICS = "silver/paper_topics", "silver/paper_metrics"


class CheckNames:
    PAPERS_SUITE = "papers_gx_suite"
    PAPERS_RECONCILE = "papers_account_for_every_listing"
    PAPERS_ABSTRACTS = "papers_have_abstracts"
    PAPER_LISTINGS_SUITE = "paper_listings_gx_suite"
    PAPER_LISTINGS_RECONCILE = "one_row_per_bronze_listing"
    PAPER_LISTINGS_REFERENTIAL = "paper_ids_exist_in_papers"
    FEATURES_COVER_LISTINGS = "one_feature_row_per_bronze_listing"
    TOPICS_SUITE = "paper_topics_gx_suite"
    TOPICS_COVERAGE = "every_paper_has_1_to_4_topics"
    TOPICS_REFERENTIAL = "topic_paper_ids_exist_in_papers"
    METRICS_SUITE = "paper_metrics_gx_suite"
    METRICS_SPANS = "metric_spans_are_verbatim"
    METRICS_REFERENTIAL = "metric_paper_ids_exist_in_papers"


PAPERS_CHECKS = [
    Check(CheckNames.PAPERS_SUITE, "GX: paper_id unique and non-null, title non-null, n_listings >= 1."),
    Check(CheckNames.PAPERS_RECONCILE, "Sum of n_listings equals the number of bronze listings."),
    Check(CheckNames.PAPERS_ABSTRACTS, "At most 5% of papers lack an abstract.", blocking=False),
]
PAPER_LISTINGS_CHECKS = [
    Check(CheckNames.PAPER_LISTINGS_SUITE, "GX: listing_id unique, paper_id non-null, known match rules, similarity in [0, 1]."),
    Check(CheckNames.PAPER_LISTINGS_RECONCILE, "Exactly one row per bronze/listings row."),
    Check(CheckNames.PAPER_LISTINGS_REFERENTIAL, "Every paper_id exists in silver/papers."),
]
TOPICS_CHECKS = [
    Check(CheckNames.TOPICS_SUITE, "GX: topic ids from the taxonomy, score in (0, 1], (paper_id, topic) unique."),
    Check(CheckNames.TOPICS_COVERAGE, "Every paper has between 1 and 4 topics."),
    Check(CheckNames.TOPICS_REFERENTIAL, "Every paper_id exists in silver/papers."),
]
FEATURES_CHECKS = [
    Check(CheckNames.FEATURES_COVER_LISTINGS, "Exactly one feature row per bronze listing."),
]
METRICS_CHECKS = [
    Check(CheckNames.METRICS_SUITE, "GX: units and kinds from the spec, value non-null, spans non-negative, keys unique."),
    Check(CheckNames.METRICS_SPANS, "abstract[span_start:span_end] == mention for every row."),
    Check(CheckNames.METRICS_REFERENTIAL, "Every paper_id exists in silver/papers."),
]

MATCH_RULES = ["arxiv_id", "title", "near_duplicate", "new", "self"]
UNITS = ["%", "pp", "x", "params", "tokens", "examples", "languages", "bits", "seconds", "ms", "GB", "USD",
         "score", "count", "other"]
KINDS = ["score", "improvement", "speedup", "reduction", "model_size", "data_size", "context_length", "count", "other"]


SOURCE_VERSION = "source_version"
PARALLEL_MIN_PAPERS = 4_000  # below this, extracting in-process beats handing slices to the (warm) workers
THREADED_MIN_PAPERS = 5_000  # topic tagging runs in threads (no start-up cost) from this many papers


@dataclass(frozen=True)
class Increment:
    """Which papers a derived table must (re)process since it last consumed silver/papers."""

    # Latest image (``columns`` + ``_deleted``) of every paper changed since, read from the change
    # data feed; None: everything (first run, new taxonomy/extractor, rewritten source).
    changed: pl.DataFrame | None
    columns: list[str]
    source_version: int

    @property
    def full(self) -> bool:
        return self.changed is None

    def split(self, store, table: str) -> tuple[pl.DataFrame, pl.DataFrame, bool]:
        """(papers to process, rows of `table` to keep as they are, whether `table` has no row
        of a changed paper, so the new rows can be appended instead of MERGEd)."""
        if self.changed is None:
            return store.read(PAPERS, self.columns), pl.DataFrame(schema=catalog.TABLES[table].schema), False
        stored = store.read(table)
        kept = stored.join(self.changed.select("paper_id"), on="paper_id", how="anti")
        todo = self.changed.filter(~pl.col("_deleted")).select(self.columns)
        return todo, kept, kept.height == stored.height

    def write_args(self, new_rows: pl.DataFrame, append: bool) -> dict:
        if self.changed is None:
            return {"delete_scope": "all"}
        if append:
            return {"changes": new_rows, "delete_scope": None, "new_keys_only": True}
        ids = self.changed["paper_id"].to_list()
        return {"changes": new_rows, "delete_scope": in_predicate("t.paper_id", ids) if ids else None}


def increment_since_last_run(store, table: str, version_key: str, version: str, columns: list[str]) -> Increment:
    """Papers changed since `table` last consumed silver/papers (their ``columns``), or a full pass."""
    source_version = store.version(PAPERS)
    last = store.latest_commit_with(table, SOURCE_VERSION)
    if not last or last.get(version_key) != version:
        return Increment(None, columns, source_version)
    return Increment(store.changes_since(PAPERS, int(last[SOURCE_VERSION]), ["paper_id"], columns), columns,
                     source_version)


# Paper columns the gold aggregates need (not the abstract).
PAPER_HEADER = ["paper_id", "title", "first_seen"]
# Bronze listing columns without the long text and list columns (for tables that only count).
LISTING_HEADER = [c for c in catalog.LISTINGS.schema if c not in ("abstract", "ai_summary", "authors", "links", "categories")]


def listings_for_identity(store, columns: list[str] | None = None) -> pl.DataFrame:
    """Bronze listings with `first_seen`: the page date (UTC midnight) or else the ingest time."""
    return store.read(catalog.LISTINGS.name, columns).with_columns(
        pl.coalesce(
            pl.col("listing_date").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"), pl.col("ingested_at")
        ).alias("first_seen")
    )


# silver/papers without its largest column: what the audit of an unchanged or incremental step reads.
PAPER_COLUMNS_BUT_ABSTRACT = [c for c in catalog.PAPERS.schema if c != "abstract"]


@dataclass(frozen=True)
class IdentityStep:
    """Full tables (audited) and, in incremental mode, just the rows to MERGE."""

    mode: str
    papers: pl.DataFrame  # without the abstract column unless mode == "full"
    papers_without_abstract: int
    paper_listings: pl.DataFrame
    assigned: int
    rebuilt: int
    features: pl.DataFrame  # silver/identity_features as it will be (audited)
    paper_changes: pl.DataFrame | None = None
    paper_delete_scope: str | None = "all"
    paper_target_filter: str | None = None  # bounds the stored papers the MERGE can touch
    listing_changes: pl.DataFrame | None = None
    feature_changes: pl.DataFrame | None = None  # None: write `features` whole
    # The changes hold only keys new to their table: append them (one commit, no MERGE scan).
    papers_append: bool = False
    listings_append: bool = False
    features_append: bool = False


def _blank_abstracts(papers: pl.DataFrame) -> int:
    return papers.select(blank("abstract").sum()).item()


def _papers_from(listings: pl.DataFrame, assignment: pl.DataFrame) -> pl.DataFrame:
    with_paper = listings.join(assignment.select("listing_id", "paper_id"), on="listing_id")
    return catalog.PAPERS.conform(
        identity.build_papers(with_paper).with_columns(code_links_expr("abstract", "links").alias("code_links"))
    )


def _listing_rows(listings: pl.DataFrame, assignment: pl.DataFrame) -> pl.DataFrame:
    return catalog.PAPER_LISTINGS.conform(
        listings.select("listing_id", "dump_id", "file_name", "position").join(assignment, on="listing_id")
    )


def _features_to_delta(f: pl.DataFrame) -> pl.DataFrame:
    """Delta has no unsigned integers: store the 64-bit hashes bit-for-bit as signed."""
    return f.with_columns(pl.col("ahash").reinterpret(signed=True),
                          pl.col("bands").list.eval(pl.element().reinterpret(signed=True)))


def _features_from_delta(f: pl.DataFrame) -> pl.DataFrame:
    return f.with_columns(pl.col("ahash").reinterpret(signed=False),
                          pl.col("bands").list.eval(pl.element().reinterpret(signed=False)))


def _stored_features(store) -> pl.DataFrame | None:
    """The stored features (as stored) if computed by this features version, else None."""
    last = store.latest_commit_with(IDENTITY_FEATURES, FEATURES_VERSION)
    if last.get(FEATURES_VERSION) != identity.features_version():
        return None
    return store.read(IDENTITY_FEATURES)


def _features_after(stored: pl.DataFrame | None, listings: pl.DataFrame, new: pl.DataFrame):
    """(features table as it will be, rows to MERGE or None to rewrite it whole, whether those
    rows are all new keys)."""
    if stored is None:
        return _features_to_delta(identity.identity_features(listings)), None, False
    added = _features_to_delta(identity.identity_features(new))
    kept = frames.anti(stored, added, "listing_id")
    return pl.concat([kept, added]), added, kept.height == stored.height


def resolve_identity(store, listings: pl.DataFrame) -> IdentityStep:
    """Match only listings not yet in silver/paper_listings against the known ones (using the
    stored identity features), and rebuild only the papers they touch. A full pass on first run,
    on a new identity version, or when bronze lost rows."""
    last = store.latest_commit_with(PAPER_LISTINGS, "identity_version")
    existing = store.read(PAPER_LISTINGS) if last else None
    if (
        existing is None
        or last.get("identity_version") != identity.IDENTITY_VERSION
        or existing.join(listings, on="listing_id", how="anti").height
    ):
        assignment, features = identity.assign_papers_with_features(listings)
        papers = _papers_from(listings, assignment)
        return IdentityStep("full", papers, _blank_abstracts(papers), _listing_rows(listings, assignment),
                            listings.height, papers.height, features=_features_to_delta(features))

    new = listings.join(existing, on="listing_id", how="anti")
    stored = _stored_features(store)
    features, feature_changes, features_append = _features_after(stored, listings, new)
    if new.is_empty():
        papers = store.read(PAPERS, PAPER_COLUMNS_BUT_ABSTRACT)
        return IdentityStep("unchanged", papers, store.blank_count(PAPERS, "abstract"), existing, 0, 0,
                            features=features, paper_changes=papers.clear(),
                            paper_delete_scope=None, listing_changes=existing.clear(), feature_changes=feature_changes,
                            features_append=features_append)
    known = frames.semi(listings, existing, "listing_id")  # the listings' text is filtered, not gathered
    known = known.with_columns(known.select("listing_id").join(
        existing.select("listing_id", "paper_id", "match_rule", "similarity", "matched_listing_id"),
        on="listing_id", how="left", maintain_order="left").drop("listing_id"))
    known_features = None if stored is None else _features_from_delta(stored)
    result = identity.assign_papers(new, known=known, known_features=known_features)
    changed_rows = _listing_rows(listings, result)
    final = pl.concat([frames.anti(existing, changed_rows, "listing_id"), changed_rows])
    old_ids = existing.join(result, on="listing_id", how="semi").select("paper_id")
    affected = pl.concat([result.select("paper_id"), old_ids]).unique()
    rebuilt = _papers_from(listings, final.join(affected, on="paper_id", how="semi"))
    # The audit reads the stored papers without their abstracts: papers without one are counted
    # as stored (file statistics) - the affected papers' old rows + the rebuilt ones.
    stored_papers = store.read(PAPERS, PAPER_COLUMNS_BUT_ABSTRACT)
    kept_papers = frames.anti(stored_papers, affected, "paper_id")
    papers_append = kept_papers.height == stored_papers.height
    blank_stored = store.blank_count(PAPERS, "abstract")
    blank_before = 0 if papers_append or blank_stored == 0 else store.rows_where(
        PAPERS, pl.col("paper_id").is_in(affected["paper_id"].implode()), [blank("abstract").sum()]).item()
    blank_after = blank_stored - blank_before + _blank_abstracts(rebuilt)
    # papers whose listings all went to other papers: the only stored rows the MERGE deletes
    gone = frames.anti(affected, rebuilt, "paper_id")["paper_id"]
    # silver/papers is clustered by first_seen: the MERGE reads only files as recent as the
    # oldest stored paper it changes (a new dump mostly re-lists recent papers)
    seen = frames.semi(stored_papers, affected, "paper_id")["first_seen"]
    oldest = seen.min() if len(seen) and not seen.has_nulls() else None
    return IdentityStep(
        "incremental", pl.concat([kept_papers, rebuilt.select(PAPER_COLUMNS_BUT_ABSTRACT)]), blank_after, final,
        result.height, rebuilt.height, features=features,
        paper_changes=rebuilt,
        paper_delete_scope=in_predicate("t.paper_id", gone.to_list()) if len(gone) else None,
        paper_target_filter=f"t.first_seen >= '{oldest:%Y-%m-%dT%H:%M:%S.%fZ}'" if oldest is not None else None,
        listing_changes=changed_rows, feature_changes=feature_changes, papers_append=papers_append,
        listings_append=existing.join(changed_rows, on="listing_id", how="semi").is_empty(),
        features_append=features_append,
    )


@dg.multi_asset(
    specs=[table_spec(PAPERS, deps=[catalog.LISTINGS.name]), table_spec(PAPER_LISTINGS, deps=[catalog.LISTINGS.name]),
           table_spec(IDENTITY_FEATURES, deps=[catalog.LISTINGS.name])],
    check_specs=check_specs(PAPERS, PAPERS_CHECKS) + check_specs(PAPER_LISTINGS, PAPER_LISTINGS_CHECKS)
    + check_specs(IDENTITY_FEATURES, FEATURES_CHECKS),
    name="silver_identity",
    code_version=identity.IDENTITY_VERSION,
    pool=writer_pool(PAPERS),
)
@holds_writer_lock(writer_pool(PAPERS))
def silver_identity(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                    great_expectations: GreatExpectationsResource):
    """Resolve listings to papers (arXiv id, normalised title, near-duplicates)."""
    store = warehouse.store()
    listings = listings_for_identity(store)
    step = resolve_identity(store, listings)
    papers, paper_listings = step.papers, step.paper_listings
    context.log.info(f"identity: {step.mode}, {step.assigned} listings assigned, {step.rebuilt} papers rebuilt")
    gx = great_expectations
    papers_outcomes = {
        CheckNames.PAPERS_SUITE: gx.submit(papers, "silver_papers", [
            ("ExpectColumnValuesToNotBeNull", {"column": "paper_id"}),
            ("ExpectColumnValuesToBeUnique", {"column": "paper_id"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "title"}),
            ("ExpectColumnValuesToBeBetween", {"column": "n_listings", "min_value": 1}),
        ]),
        CheckNames.PAPERS_RECONCILE: quality.reconcile(
            "sum(n_listings) == bronze listings", listings.height, int(papers["n_listings"].sum() or 0)
        ),
        CheckNames.PAPERS_ABSTRACTS: quality.share_below("papers without abstract", step.papers_without_abstract,
                                                         papers.height, 0.05),
    }
    pl_outcomes = {
        CheckNames.PAPER_LISTINGS_SUITE: gx.submit(paper_listings, "silver_paper_listings", [
            ("ExpectColumnValuesToBeUnique", {"column": "listing_id"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "paper_id"}),
            ("ExpectColumnValuesToBeInSet", {"column": "match_rule", "value_set": MATCH_RULES}),
            ("ExpectColumnValuesToBeBetween", {"column": "similarity", "min_value": 0, "max_value": 1}),
        ]),
        CheckNames.PAPER_LISTINGS_RECONCILE: quality.reconcile(
            "rows == bronze listings", listings.height, paper_listings["listing_id"].n_unique()
        ),
        CheckNames.PAPER_LISTINGS_REFERENTIAL: quality.referential(paper_listings, papers, "paper_id", PAPERS),
    }
    rules = paper_listings.group_by("match_rule").len().sort("len", descending=True)
    stats = {"identity_mode": step.mode, "listings_assigned": step.assigned, "papers_rebuilt": step.rebuilt}
    # silver/paper_listings last: the listings it holds are the ones the next run takes as assigned
    yield from publish_group(context, store, [
        TableWrite(PAPERS, papers, keys=["paper_id"], checks=PAPERS_CHECKS, outcomes=papers_outcomes,
                   changes=step.paper_changes, delete_scope=step.paper_delete_scope, new_keys_only=step.papers_append,
                   target_filter=step.paper_target_filter,
                   extra_metadata={"listings": listings.height, "papers": papers.height, **stats}),
        TableWrite(IDENTITY_FEATURES, step.features, keys=["listing_id"], checks=FEATURES_CHECKS,
                   outcomes={CheckNames.FEATURES_COVER_LISTINGS: quality.CheckOutcome(
                       passed=step.features.height == listings.height
                       and step.features["listing_id"].n_unique() == listings.height
                       and step.features.join(listings, on="listing_id", how="anti").is_empty(),
                       metadata={"features": step.features.height, "listings": listings.height})},
                   changes=step.feature_changes, delete_scope="all" if step.feature_changes is None else None,
                   new_keys_only=step.features_append,
                   commit_versions={FEATURES_VERSION: identity.features_version()}),
        TableWrite(PAPER_LISTINGS, paper_listings, keys=["listing_id"], checks=PAPER_LISTINGS_CHECKS,
                   outcomes=pl_outcomes, changes=step.listing_changes,
                   delete_scope="all" if step.listing_changes is None else None, new_keys_only=step.listings_append,
                   extra_metadata={"match_rules": dg.MetadataValue.json(rules.to_dicts()), **stats}),
    ])


@dg.asset(
    **table_kwargs(PAPER_TOPICS, deps=[PAPERS]),
    check_specs=check_specs(PAPER_TOPICS, TOPICS_CHECKS),
    code_version=tagging.load_taxonomy().version,
)
@holds_writer_lock(writer_pool(PAPER_TOPICS))
def paper_topics(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                 great_expectations: GreatExpectationsResource, taxonomy: TaxonomyResource):
    """Multi-label topic tags from the versioned taxonomy config."""
    store = warehouse.store()
    tax = taxonomy.load()
    inc = increment_since_last_run(store, PAPER_TOPICS, "taxonomy_version", tax.version,
                                   ["paper_id", "title", "abstract"])
    todo, kept, append = inc.split(store, PAPER_TOPICS)
    papers = store.read(PAPERS, ["paper_id"])
    new = catalog.PAPER_TOPICS.conform(
        map_frame(lambda df: tagging.tag_papers(df, tax), todo, min_rows=THREADED_MIN_PAPERS, threads=True))
    topics = pl.concat([kept, new])
    context.log.info(f"tagging {todo.height} of {papers.height} papers ({'full' if inc.full else 'incremental'})")
    per_paper = papers.select("paper_id").join(topics.group_by("paper_id").len(), on="paper_id", how="left")
    bad = per_paper.filter(~pl.col("len").fill_null(0).is_between(1, 4))
    outcomes = {
        CheckNames.TOPICS_SUITE: great_expectations.submit(topics, "silver_paper_topics", [
            ("ExpectColumnValuesToBeInSet", {"column": "topic", "value_set": list(tax.topics)}),
            ("ExpectColumnValuesToBeBetween", {"column": "score", "min_value": 0, "max_value": 1,
                                               "strict_min": True}),
            ("ExpectCompoundColumnsToBeUnique", {"column_list": ["paper_id", "topic"]}),
            ("ExpectColumnValuesToNotBeNull", {"column": "paper_id"}),
        ]),
        CheckNames.TOPICS_COVERAGE: quality.CheckOutcome(
            passed=bad.height == 0,
            metadata={"papers": papers.height, "papers_outside_1_to_4": bad.height,
                      "examples": str(bad.head(5).to_dicts())},
        ),
        CheckNames.TOPICS_REFERENTIAL: quality.referential(topics, papers, "paper_id", PAPERS),
    }
    dist = topics.group_by("topic").len().sort("len", descending=True)
    return publish(context, store, PAPER_TOPICS, topics, keys=["paper_id", "topic"], checks=TOPICS_CHECKS,
                   outcomes=outcomes, **inc.write_args(new, append),
                   commit_versions={"taxonomy_version": tax.version, SOURCE_VERSION: str(inc.source_version)},
                   extra_metadata={"taxonomy_version": tax.version, "papers_tagged": todo.height,
                                   "topic_counts": dg.MetadataValue.json(dist.to_dicts())})


@dg.asset(
    **table_kwargs(PAPER_METRICS, deps=[PAPERS]),
    check_specs=check_specs(PAPER_METRICS, METRICS_CHECKS),
    code_version=extraction.EXTRACTOR_VERSION,
)
@holds_writer_lock(writer_pool(PAPER_METRICS))
def paper_metrics(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                  great_expectations: GreatExpectationsResource):
    """Quantitative mentions (value, unit, kind, metric, benchmark) extracted from abstracts."""
    store = warehouse.store()
    inc = increment_since_last_run(store, PAPER_METRICS, "extractor_version", extraction.EXTRACTOR_VERSION,
                                   ["paper_id", "abstract"])
    todo, kept, append = inc.split(store, PAPER_METRICS)
    papers = store.read(PAPERS, ["paper_id"])
    abstracts = todo.filter(pl.col("abstract").is_not_null()).select("paper_id", "abstract")
    new = catalog.PAPER_METRICS.conform(map_frame(extraction.extract_metrics, abstracts, min_rows=PARALLEL_MIN_PAPERS))
    metrics = pl.concat([kept, new])
    context.log.info(f"extracting from {todo.height} of {papers.height} papers")
    outcomes = {
        CheckNames.METRICS_SUITE: great_expectations.submit(metrics, "silver_paper_metrics", [
            ("ExpectColumnValuesToBeInSet", {"column": "unit", "value_set": UNITS}),
            ("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": KINDS}),
            ("ExpectColumnValuesToNotBeNull", {"column": "value"}),
            ("ExpectColumnValuesToBeBetween", {"column": "span_start", "min_value": 0}),
            ("ExpectCompoundColumnsToBeUnique", {"column_list": ["paper_id", "span_start"]}),
        ]),
        # Kept rows were verified when written and their papers have not changed since.
        CheckNames.METRICS_SPANS: quality.spans_verbatim(new, todo, scope="all rows" if inc.full else "rows written this run"),
        CheckNames.METRICS_REFERENTIAL: quality.referential(metrics, papers, "paper_id", PAPERS),
    }
    kinds = metrics.group_by("kind").len().sort("len", descending=True)
    return publish(context, store, PAPER_METRICS, metrics, keys=["paper_id", "span_start"], checks=METRICS_CHECKS,
                   outcomes=outcomes, **inc.write_args(new, append),
                   commit_versions={SOURCE_VERSION: str(inc.source_version)},
                   extra_metadata={"papers_processed": todo.height,
                                   "papers_with_metrics": metrics["paper_id"].n_unique(),
                                                      "kinds": dg.MetadataValue.json(kinds.to_dicts())})
