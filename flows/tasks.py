"""Prefect tasks: thin wrappers that give each step of a run retries, logging and a name in the UI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
from prefect import task
from prefect.cache_policies import NONE

from flows import batch as batch_steps
from flows import faults, runners
from flows.local import run_logger, transient
from flows.settings import Settings
from flows.staging import remove, staging_folders
from transforms.rules import CleaningRules
from warehouse.check import CheckResult, check_warehouse
from warehouse.connection import reader, writer
from warehouse.load import Loader, LoadResult
from warehouse.migrate import current_version, latest_version, migrate


# What a second try can fix: a busy or flaky file system. A missing file, a refused permission, a full disk
# or a bug fails the same way again, at once.
def _io_error(task, task_run, state) -> bool:
    try:
        state.result()
    except Exception as err:
        return transient(err)
    return False


Listing = tuple[pl.DataFrame, list[batch_steps.Refusal], int]
_handed: tuple[tuple[str, ...], Listing] | None = None


def hand_listing(paths: list[str], listing: Listing | None) -> None:
    """The CLI lists the files before Prefect starts (to size its bar) and hands the listing to the flow it
    then runs in this process, so the files are listed once. Taken once; None takes it back."""
    global _handed
    _handed = None if listing is None else (tuple(paths), listing)


@task(name="discover", retries=2, retry_delay_seconds=1, retry_condition_fn=_io_error, cache_policy=NONE)
def discover(paths: list[str]) -> Listing:
    global _handed
    handed, _handed = _handed, None
    if handed is not None and handed[0] == tuple(paths):
        files, refused, ignored = handed[1]
    else:
        files, refused, ignored = batch_steps.discover(paths)
    run_logger().info("found %d files (%d refused, %d ignored by suffix)", len(files), len(refused), ignored)
    return files, refused, ignored


@task(name="prepare-warehouse", cache_policy=NONE)
def prepare_warehouse(settings: Settings, run: dict, known_keys_path: Path) -> pl.DataFrame:
    """Migrate the schema, record the run (an etl_run row), close the books of runs that were killed, write
    the keys of loaded documents for the batch workers, and return the loaded source files (a short write,
    then released)."""
    logger = run_logger()
    live, abandoned = staging_folders(settings.staging_root, keep=run["run_id"])
    with writer(settings.db, wait_seconds=settings.lock_wait_seconds) as con:
        applied = migrate(con)
        _record_run(con, run)
        # A run still 'running' that no live process holds was killed (or died with its disk): close its books
        # before its staging goes, so no run stays 'running' for ever.
        interrupted = con.execute(
            "update etl_run set status = 'interrupted', finished_at = coalesce(finished_at, ?) "
            "where status = 'running' and run_id <> ? and run_id not in (select unnest(?::varchar[])) "
            "returning run_id", [run["started_at"], run["run_id"], live]).fetchall()
        if interrupted:
            logger.warning("runs %s were interrupted; their committed batches stay, the rest loads now",
                           [r for (r,) in interrupted])
        con.sql("select document_key from dim_document").pl().write_parquet(known_keys_path)
        sources = con.sql(
            "select source_uri, file_mtime, byte_size from dim_source_file union "
            # too_large depends on the limit too: such a file is passed over only while it is still over it
            "select source_uri, file_mtime, byte_size from quarantine "
            "where file_mtime is not null and (reason <> 'too_large' or byte_size > ?)",
            params=[settings.max_file_bytes]).pl()
    remove(abandoned)
    if applied:
        logger.info("migrated %s to schema version %s", settings.db, applied[-1])
    return sources


@task(name="process-batch", retries=1, retry_delay_seconds=1, retry_condition_fn=_io_error, cache_policy=NONE)
def process_batch(
    files: pl.DataFrame, *, known_keys_path: Path, staging: Path, settings: Settings,
    rules: CleaningRules, run_id: str, started_at: datetime, refusals: list[batch_steps.Refusal],
) -> batch_steps.BatchOutcome:
    runners.yield_cpu(settings.worker_nice)
    outcome = batch_steps.process_batch(
        files, known_keys_path=known_keys_path, staging=staging, settings=settings, rules=rules, run_id=run_id,
        started_at=started_at, refusals=refusals,
    )
    run_logger().info(
        "%s: %d files, %d new documents, %d already loaded, quarantined %s",
        staging.name, outcome.files, outcome.new_documents, outcome.known, outcome.quarantined or "none",
    )
    return outcome


@task(name="load-batch", cache_policy=NONE)
def load(outcome: batch_steps.BatchOutcome, loader: Loader, batch_no: int, fail_at: str | None = None) -> LoadResult:
    """The single writer: one transaction per batch."""
    faults.reach(f"staged:{batch_no}", fail_at)
    expected = [name for name, wanted in (("dim_document", outcome.new_documents), ("quarantine", outcome.quarantined))
                if wanted and not (outcome.staging / f"{name}.parquet").exists()]
    if expected:  # never "nothing to load": the worker staged somewhere this process cannot see
        raise batch_steps.StagingUnreachable(
            f"{outcome.staging}: batch {batch_no} staged {outcome.new_documents} documents but "
            f"{', '.join(expected)}.parquet is missing here; staging must be a folder every worker shares "
            "(set GAZETTE_STAGING_DIR)")
    result = loader.load(outcome.staging,
                         after_insert=lambda table: faults.reach(f"load:{batch_no}:{table}", fail_at))
    faults.reach(f"committed:{batch_no}", fail_at)
    return result


@task(name="record-run", retries=2, retry_delay_seconds=2, retry_condition_fn=_io_error, cache_policy=NONE)
def record_run(settings: Settings, row: dict) -> None:
    with writer(settings.db, wait_seconds=settings.lock_wait_seconds) as con:
        if current_version(con) < latest_version():  # prepare_warehouse migrated it, unless it failed first
            migrate(con)
        _record_run(con, row)


def _record_run(con, row: dict) -> None:
    """Insert or update the run's etl_run row."""
    con.execute(
        "insert or replace into etl_run by name select * from (select "
        "?::varchar as run_id, ?::varchar as flow_run_id, ?::timestamp as started_at, ?::timestamp as finished_at, "
        "?::varchar as status, ?::integer as files_seen, ?::integer as documents_loaded, "
        "?::integer as documents_skipped, ?::integer as files_quarantined, ?::varchar as pipeline_version, "
        "?::json as summary, ?::integer as integrity_violations)",
        [row["run_id"], row["flow_run_id"], row["started_at"], row["finished_at"], row["status"],
         row["files_seen"], row["documents_loaded"], row["documents_skipped"], row["files_quarantined"],
         row["pipeline_version"], row["summary"], row["integrity_violations"]],
    )


@task(name="check-warehouse", retries=2, retry_delay_seconds=2, retry_condition_fn=_io_error, cache_policy=NONE)
def check(settings: Settings, run_id: str) -> list[CheckResult]:
    """Integrity checks over the documents this run loaded, read-only, after its last load
    (`gazette check` covers the whole warehouse)."""
    with reader(settings.db, wait_seconds=settings.lock_wait_seconds,
                memory_limit=settings.check_memory_limit) as con:
        results = check_warehouse(con, run_id)
    logger = run_logger()
    for failed in (r for r in results if not r.ok):
        logger.error("integrity check %s: %d violations, e.g. %s", failed.name, failed.violations, failed.sample[:2])
    return results
