"""The `ingest` flow: discover -> process batches (read, clean, extract, stage) -> load each -> record the run."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import deque
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow
from prefect.runtime import flow_run

from flows import batch as batch_steps
from flows import cancel, faults, local, progress, tasks
from flows.settings import Settings
from flows.staging import StagingArea
from reports import artifacts
from reports.summary import RunSummary
from transforms import PIPELINE_VERSION
from transforms.rules import load_cleaning_rules
from warehouse.load import Loader
from warehouse.publish import SnapshotNotPublished, publish_snapshot


def _publish_for_readers(settings: Settings, summary: RunSummary, row: dict, fail_at: str | None) -> None:
    """Publish the read snapshot when it is not current (this run's commits, or an earlier run's that stopped
    before publishing). A completed run that cannot publish ends failed, or cancelled on a signal, and is
    recorded so: its data is kept, and the next run or reader publishes it. A failed run's own error stands."""
    logger = local.run_logger()
    try:
        problem = publish_snapshot(settings.db, wait_seconds=settings.lock_wait_seconds, busy_ok=True,
                                   after_copy=lambda: faults.reach("publish", fail_at))
    except BaseException as err:
        if summary.status != "completed":
            logger.warning("could not publish the read snapshot: %s", err)
            return
        stopped = cancel.is_stop(err)
        summary.status = "cancelled" if stopped else "failed"
        summary.error = (f"the read snapshot was not published ({type(err).__name__}: "
                         f"{(str(err).strip() or 'stopped').splitlines()[0]}); the committed batches are kept, "
                         "and the next run or reader publishes it")
        row.update(status=summary.status, summary=json.dumps(asdict(summary), ensure_ascii=False))
        try:
            tasks.record_run(settings, row)
        except Exception as record_err:
            logger.warning("could not record the run: %s", record_err)
        if stopped:
            raise
        raise SnapshotNotPublished(summary.error) from err
    if snapshot_news(problem, summary.batches):
        logger.warning("the read snapshot %s: published it again", problem)


def snapshot_news(problem: str | None, batches: int) -> bool:
    """Whether what publishing found is worth a warning: a run that loaded batches leaves the snapshot behind
    by its own commits, which is no news; one left behind by an earlier run, or broken, is."""
    if problem in (None, "is missing"):
        return False
    return not (batches > 0 and problem.startswith("is behind the warehouse (load commit"))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


@flow(name="ingest", log_prints=False)
def ingest(
    paths: list[str],
    db: str | None = None,
    batch_mb: float | None = None,
    max_file_mb: float | None = None,
    fail_at: str | None = None,
    in_flight: int = 4,
) -> dict:
    """Load raw articles under `paths` (files, folders or globs) into the DuckDB warehouse at `db`.

    in_flight bounds the batches being processed at once (set it to about twice the workers).
    fail_at is a test hook (flows.faults): raise at that point, e.g. load:0:fact_sentence."""
    base = Settings()
    settings = replace(
        base,
        db=Path(db) if db else base.db,
        batch_bytes=int(batch_mb * 2**20) if batch_mb else base.batch_bytes,
        max_file_bytes=int(max_file_mb * 2**20) if max_file_mb else base.max_file_bytes,
    )
    logger = local.run_logger()
    started_at, clock = _now(), time.perf_counter()
    run_id = f"{started_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    summary = RunSummary(run_id=run_id, db=str(settings.db))
    rules = load_cleaning_rules()  # fail before touching anything when a rule file is broken
    cancel.clear()
    row = {"run_id": run_id, "flow_run_id": str(flow_run.id) if flow_run.id else None, "started_at": started_at,
           "finished_at": None, "status": "running", "files_seen": None, "documents_loaded": None,
           "documents_skipped": None, "files_quarantined": None, "pipeline_version": PIPELINE_VERSION,
           "summary": None, "integrity_violations": None}
    staging = StagingArea(settings.staging_root, run_id)
    loader = Loader(settings.db, hold_seconds=settings.hold_seconds, wait_seconds=settings.lock_wait_seconds,
                    memory_limit_mb=settings.load_memory_mb)
    try:
        files, refused, summary.files_ignored = local.call(tasks.discover, paths)
        summary.files_seen = files.height + len(refused)
        known_sources = local.call(tasks.prepare_warehouse, settings, row, staging.known_keys)
        to_read, summary.skipped_unchanged = batch_steps.unchanged_files(files, known_sources)
        batches = batch_steps.plan_batches(to_read, settings.batch_bytes) or ([to_read.clear()] if refused else [])
        summary.batches = len(batches)
        progress.report("files", summary.skipped_unchanged, files.height)

        def submit(i: int):
            return local.submit(
                tasks.process_batch, batches[i], known_keys_path=staging.known_keys, staging=staging.batch(i),
                settings=settings, rules=rules, run_id=run_id, started_at=started_at, refusals=refused if i == 0 else [],
            )

        # A bounded window of batches in flight: memory stays flat however large the corpus.
        window = deque(submit(i) for i in range(min(in_flight, len(batches))))
        done_files = summary.skipped_unchanged
        for i in range(len(batches)):
            outcome = window.popleft().result()
            if i + len(window) + 1 < len(batches):
                window.append(submit(i + len(window) + 1))
            load_started = time.perf_counter()
            result = local.call(tasks.load, outcome, loader, batch_no=i, fail_at=fail_at)
            shutil.rmtree(outcome.staging, ignore_errors=True)
            summary.add_batch(outcome, result, time.perf_counter() - load_started)
            done_files += outcome.files
            progress.report("files", done_files, files.height)
        load_started = time.perf_counter()
        loader.release()  # the last checkpoint, before the checks open the file read-only
        summary.add_seconds("load", time.perf_counter() - load_started)
        summary.close_books()
        if summary.documents_loaded:  # the checks cover the run's documents: none, nothing to check
            summary.add_checks(local.call(tasks.check, settings, run_id))
        summary.status = "completed"
    except BaseException as err:
        if cancel.is_stop(err):
            cancel.request()  # the batches still in flight stop at their next stage
            summary.status, summary.error = "cancelled", f"stopped by {type(err).__name__}"
        else:
            summary.status, summary.error = "failed", f"{type(err).__name__}: {err}"
        raise
    finally:
        try:
            loader.release()  # after a failure: what the failed run committed is kept
        except Exception as err:
            logger.warning("could not checkpoint the warehouse: %s", err)
        staging.close()
        summary.seconds = round(time.perf_counter() - clock, 1)
        row.update(finished_at=_now(), status=summary.status, files_seen=summary.files_seen,
                   documents_loaded=summary.documents_loaded, documents_skipped=summary.documents_skipped,
                   files_quarantined=summary.files_quarantined, integrity_violations=summary.integrity_violations,
                   summary=json.dumps(asdict(summary), ensure_ascii=False))
        try:
            local.call(tasks.record_run, settings, row)
            artifacts.publish_run(asdict(summary), settings.db, settings.report_html, settings.marts_db, settings.cache)
        except Exception as err:  # the run's own outcome matters more than its audit row
            logger.warning("could not record the run: %s", err)
        if settings.read_snapshot and summary.status != "cancelled":  # a stopped run stops; the next one publishes
            _publish_for_readers(settings, summary, row, fail_at)
        logger.info("run %s %s: %d loaded, %d skipped, %d quarantined", run_id, summary.status,
                    summary.documents_loaded, summary.documents_skipped, summary.files_quarantined)
    return asdict(summary)
