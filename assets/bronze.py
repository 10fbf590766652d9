"""Bronze: landed dumps parsed into raw_dumps, listings and quarantine (one Delta table each).

Partitioned by dump (pipelines.landing.dump_partitions: one dynamic partition per distinct file
content). A run for partition K parses exactly the dump whose sha256 starts with K; a run over a
partition range (`paperlake run`, a single-run backfill) parses every dump of the range at once.
"""


import datetime as dt

import dagster as dg
import polars as pl

from assets._publish import Check, TableWrite, check_specs, holds_writer_lock, publish_group, table_spec
from paperlake import catalog, quality
from paperlake.ingest import CONTENT_COUNTS, Dump, ingest, with_content_counts
from paperlake.ops import writer_pool
from paperlake.versions import PARSER_VERSION
from pipelines.landing import FILE_TAG, dump_key, dump_keys_of, dump_partitions, hash_cache, locate
from pipelines.resources import GreatExpectationsResource, LandingZoneResource, WarehouseResource

RAW_DUMPS, LISTINGS, QUARANTINE = "bronze/raw_dumps", "bronze/listings", "bronze/quarantine"


class CheckNames:
    RAW_DUMPS_SUITE = "raw_dumps_gx_suite"
    ACCOUNTING = "every_input_unit_accounted_for"
    UNKNOWN_FORMATS = "no_unrecognised_dumps"
    LISTINGS_SUITE = "listings_gx_suite"
    LISTINGS_RECONCILE = "listings_match_raw_dump_counts"
    QUARANTINE_SUITE = "quarantine_gx_suite"
    QUARANTINE_RATE = "quarantine_rate_below_5pct"


RAW_DUMPS_CHECKS = [
    Check(CheckNames.RAW_DUMPS_SUITE, "GX: dump_id non-null and unique, byte_size >= 0, known accounting units."),
    Check(CheckNames.ACCOUNTING, "Every line/record is in a listing, in quarantine or recognised page furniture."),
    Check(CheckNames.UNKNOWN_FORMATS, "Every landed dump was recognised as a known format.", blocking=False),
]
LISTINGS_CHECKS = [
    Check(CheckNames.LISTINGS_SUITE, "GX: listing_id unique, title non-null, position >= 0."),
    Check(CheckNames.LISTINGS_RECONCILE, "Listings per new dump equal bronze/raw_dumps.n_listings, and every "
          "listing of earlier dumps is still stored (none lost, e.g. by restoring bronze/listings alone)."),
]
QUARANTINE_CHECKS = [
    Check(CheckNames.QUARANTINE_SUITE, "GX: quarantine_id unique, reason and dump_id non-null."),
    Check(CheckNames.QUARANTINE_RATE, "At most 5% of input units are quarantined.", blocking=False),
]


def _known_dumps(store) -> pl.DataFrame:
    """bronze/raw_dumps as stored; a table written before the content counts existed gets them
    counted once from bronze/listings (the next write stores them)."""
    if not store.exists(RAW_DUMPS):
        return pl.DataFrame(schema=catalog.RAW_DUMPS.schema)
    stored = store.read(RAW_DUMPS)
    if not set(CONTENT_COUNTS) <= set(stored.columns):
        stored = with_content_counts(stored, store.read(LISTINGS, ["dump_id", "abstract", "abstract_flag", "arxiv_id"]))
    return catalog.RAW_DUMPS.conform(stored)


@dg.multi_asset(
    specs=[table_spec(RAW_DUMPS), table_spec(LISTINGS), table_spec(QUARANTINE)],
    check_specs=check_specs(RAW_DUMPS, RAW_DUMPS_CHECKS)
    + check_specs(LISTINGS, LISTINGS_CHECKS)
    + check_specs(QUARANTINE, QUARANTINE_CHECKS),
    name="bronze_ingest",
    code_version=PARSER_VERSION,
    partitions_def=dump_partitions,
    # A backfill of many dumps is one run (one MERGE per table), not one run per dump.
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=writer_pool(RAW_DUMPS),
)
@holds_writer_lock(writer_pool(RAW_DUMPS))
def bronze_ingest(
    context: dg.AssetExecutionContext,
    landing: LandingZoneResource,
    warehouse: WarehouseResource,
    great_expectations: GreatExpectationsResource,
):
    """Parse the partitions' dumps unless already in bronze from this parser version."""
    store = warehouse.store()
    now = dt.datetime.now(dt.UTC)
    known = _known_dumps(store)
    current = known.filter(pl.col("parser_version") == PARSER_VERSION)
    try:
        keys = dump_keys_of(warehouse.folder(), context.partition_keys)  # a batch partition stands for its dumps
    except FileNotFoundError as exc:
        raise dg.Failure(str(exc), metadata={"partitions": ", ".join(context.partition_keys)}) from exc
    located = locate(landing.folder(), keys, hints=[context.run.tags.get(FILE_TAG, "")],
                     cache=hash_cache(warehouse.folder()))
    missing = [k for k in keys if k not in located]
    gone = [k for k in missing if k not in {dump_key(d) for d in known["dump_id"]}]
    if missing:
        context.log.warning(
            f"{len(missing)} partition(s) have no file in {landing.folder()}: {missing[:20]}"
            f" ({len(missing) - len(gone)} already in bronze, kept as they are)"
        )
    if gone and len(keys) == 1:
        raise dg.Failure(f"dump {keys[0]} is neither in the landing folder {landing.folder()} nor in bronze",
                         metadata={"partition": keys[0], "landing": landing.folder()})
    files = [Dump(name, data) for k in keys for name, data in located.get(k, [])]
    current_ids = set(current["dump_id"])
    todo = [d for d in files if d.dump_id not in current_ids]
    n_files, n_todo = len(files), len(todo)
    names = pl.DataFrame({"dump_id": [d.dump_id for d in files], "name": [d.name for d in files]},
                         schema={"dump_id": pl.String, "name": pl.String})
    # GX is imported while the parse workers run (it is needed for the checks below).
    batch = ingest(todo, ingested_at=now, while_waiting=great_expectations.warm_up)
    del located, files, todo  # the dumps' bytes: not needed past parsing (large backfills)
    # Keep the first ingest time of dumps re-parsed by a newer parser.
    first_seen = known.select("dump_id", pl.col("ingested_at").alias("_first"))
    raw = batch.raw_dumps.join(first_seen, on="dump_id", how="left").with_columns(
        pl.coalesce("_first", "ingested_at").alias("ingested_at")
    ).drop("_first")
    listings = batch.listings.drop("ingested_at").join(raw.select("dump_id", "ingested_at"), on="dump_id", how="left")
    quarantine = batch.quarantine.drop("ingested_at").join(raw.select("dump_id", "ingested_at"), on="dump_id", how="left")
    # Already-known dumps landed under a new name: record the alias.
    aliased = (
        current.join(names.group_by("dump_id").agg(pl.col("name").alias("_new")), on="dump_id")
        .with_columns(pl.concat_list("file_names", "_new").list.unique().list.sort().alias("file_names"))
        .drop("_new")
    )
    all_raw = pl.concat([current.join(aliased.select("dump_id"), on="dump_id", how="anti"), aliased, raw])
    all_raw = catalog.RAW_DUMPS.conform(all_raw)
    context.log.info(f"{len(keys)} dump(s), {n_files} landed files, {n_todo} to parse, "
                     f"{n_files - n_todo} already in bronze")

    # Checks evaluate the new batch; reconciliation covers the whole table after the write.
    gx = great_expectations
    accounting_bad = raw.filter(
        pl.col("units_total") != pl.col("units_listing") + pl.col("units_quarantine") + pl.col("units_furniture")
    )
    unknown = raw.filter(pl.col("format").is_in(["unknown", "empty", "binary"]))
    raw_outcomes = {
        CheckNames.RAW_DUMPS_SUITE: gx.submit(all_raw, "bronze_raw_dumps", [
            ("ExpectColumnValuesToNotBeNull", {"column": "dump_id"}),
            ("ExpectColumnValuesToBeUnique", {"column": "dump_id"}),
            ("ExpectColumnValuesToBeBetween", {"column": "byte_size", "min_value": 0}),
            ("ExpectColumnValuesToBeInSet", {"column": "accounting_unit", "value_set": ["line", "record"]}),
        ]),
        CheckNames.ACCOUNTING: quality.CheckOutcome(
            passed=accounting_bad.height == 0,
            metadata={
                "dumps_checked": raw.height,
                "units_total": int(raw["units_total"].sum()),
                "units_listing": int(raw["units_listing"].sum()),
                "units_quarantine": int(raw["units_quarantine"].sum()),
                "units_furniture": int(raw["units_furniture"].sum()),
                "unbalanced_dumps": accounting_bad["file_name"].to_list(),
            },
        ),
        CheckNames.UNKNOWN_FORMATS: quality.CheckOutcome(
            passed=unknown.height == 0,
            metadata={"unrecognised": unknown.select("file_name", "format").to_dicts()},
        ),
    }
    per_dump = listings.group_by("dump_id").len()
    mismatch = raw.join(per_dump, on="dump_id", how="left").filter(pl.col("n_listings") != pl.col("len").fill_null(0))
    # The stored rows of this batch's dumps (replaced below, not appended), and a count of the others':
    # every listing raw_dumps accounts for must still be there (a restore of bronze/listings alone loses some).
    in_batch = pl.col("dump_id").is_in(raw["dump_id"].implode())
    stored_rows = {t: store.rows_where(t, in_batch, ["dump_id"])["dump_id"] if store.exists(t) and raw.height
                   else pl.Series("dump_id", [], pl.String) for t in (LISTINGS, QUARANTINE)}
    others_expected = int(known.filter(~in_batch)["n_listings"].sum() or 0)
    others_stored = (store.count(LISTINGS) if store.exists(LISTINGS) else 0) - len(stored_rows[LISTINGS])
    listing_outcomes = {
        CheckNames.LISTINGS_SUITE: gx.submit(listings, "bronze_listings", [
            ("ExpectColumnValuesToNotBeNull", {"column": "listing_id"}),
            ("ExpectColumnValuesToBeUnique", {"column": "listing_id"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "title"}),
            ("ExpectColumnValuesToBeBetween", {"column": "position", "min_value": 0}),
        ]),
        CheckNames.LISTINGS_RECONCILE: quality.CheckOutcome(
            passed=mismatch.height == 0 and others_stored >= others_expected,
            metadata={"expected": int(raw["n_listings"].sum()), "actual": listings.height,
                      "mismatched_dumps": mismatch["file_name"].to_list(),
                      "earlier_dumps_listings_expected": others_expected,
                      "earlier_dumps_listings_stored": others_stored},
        ),
    }
    quarantine_outcomes = {
        CheckNames.QUARANTINE_SUITE: gx.submit(quarantine, "bronze_quarantine", [
            ("ExpectColumnValuesToBeUnique", {"column": "quarantine_id"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "reason"}),
            ("ExpectColumnValuesToNotBeNull", {"column": "dump_id"}),
        ]),
        CheckNames.QUARANTINE_RATE: quality.share_below(
            "quarantined units / input units", int(raw["units_quarantine"].sum()), int(raw["units_total"].sum()), 0.05
        ),
    }
    # Replaced, not appended: dumps parsed before (an older parser) and dumps whose rows are in
    # bronze without a raw_dumps row (a run stopped between its writes: raw_dumps is written last).
    stored = pl.concat([known["dump_id"], *stored_rows.values()])
    reparsed = raw.filter(pl.col("dump_id").is_in(stored.implode()))["dump_id"]
    # The new rows are the whole truth for those dumps: compared by row hash, only changes committed.
    scope = pl.col("dump_id").is_in(reparsed.implode()) if len(reparsed) else None
    # bronze/raw_dumps last: it is what the next run trusts as ingested (write_group)
    yield from publish_group(context, store, [
        # Rows of dumps never seen before have new keys (the dump's hash prefixes them): append.
        TableWrite(LISTINGS, listings, keys=["listing_id"], checks=LISTINGS_CHECKS, outcomes=listing_outcomes,
                   delete_scope=scope, new_keys_only=scope is None, extra_metadata={"new_listings": listings.height}),
        TableWrite(QUARANTINE, quarantine, keys=["quarantine_id"], checks=QUARANTINE_CHECKS,
                   outcomes=quarantine_outcomes, delete_scope=scope, new_keys_only=scope is None,
                   extra_metadata={"reasons": dg.MetadataValue.json(
                       quarantine.group_by("reason").len().sort("len", descending=True).head(20).to_dicts())}),
        TableWrite(RAW_DUMPS, all_raw, keys=["dump_id"], checks=RAW_DUMPS_CHECKS, outcomes=raw_outcomes,
                   delete_scope=None, extra_metadata={"dumps_covered": len(keys), "files_landed": n_files, "dumps_parsed": n_todo,
                                   "missing_files": len(missing)}),
    ])
