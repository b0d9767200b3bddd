"""Batch loads: staged Parquet (one file per table) merged into the warehouse in one transaction.

Idempotency lives here, keyed by natural keys: a document is inserted once (document_id), its facts only
with it; dimension rows once per key; a source file once per (uri, document); quarantine once per
(uri, content, reason). Re-loading the same batch changes nothing."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from warehouse.connection import open_connection

log = logging.getLogger(__name__)

DOCUMENT_FACTS = (
    "fact_sentence", "fact_byline", "fact_cleaning", "fact_metric", "fact_person_title", "fact_mention", "fact_term",
)
DIMENSIONS = {
    "dim_region": "region_key",
    "dim_person": "person_key",
    "dim_organization": "organization_key",
    "dim_indicator": "indicator_key",
    "dim_project": "project_key",
}


@dataclass(frozen=True)
class LoadResult:
    documents_inserted: int
    source_files_inserted: int
    source_files_updated: int
    quarantined: int


def _stage(con: duckdb.DuckDBPyConnection, staging: Path, table: str) -> bool:
    """A temporary view stg_<table> over the batch's Parquet for table; False when the batch has none.

    DuckDB scans the file itself: reading it into pyarrow tables first and registering those kept the
    loading process about 80 MB higher (measured on 5 batches into a 100 000-document warehouse)."""
    path = staging / f"{table}.parquet"
    if not path.exists():
        return False
    literal = str(path).replace("'", "''")  # a view cannot take a bound parameter
    con.execute(f"create or replace temp view stg_{table} as select * from read_parquet('{literal}')")
    return True


def load_batch(con: duckdb.DuckDBPyConnection, staging: Path, *,
               after_insert: Callable[[str], None] | None = None) -> LoadResult:
    """Merge one staged batch. All or nothing: any error rolls the whole batch back.

    after_insert is called with each table's name inside the transaction: the hook fault injection uses."""
    con.execute("begin transaction")
    try:
        result = _merge(con, staging, after_insert or (lambda table: None))
        if any(astuple(result)):
            count_commit(con)
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # the failure already ended the transaction (a full disk does): report the failure, not this
        raise
    finally:
        for (name,) in con.execute(
                "select view_name from duckdb_views() where view_name like 'stg_%' and temporary").fetchall():
            con.execute(f"drop view {name}")
    return result


def count_commit(con: duckdb.DuckDBPyConnection) -> None:
    """Raise the warehouse's commit counter (meta_commit) in the current transaction: the read snapshot
    carries a copy, and a different count tells readers it is behind (warehouse/publish.py)."""
    if con.execute("select count(*) from duckdb_tables() where table_name = 'meta_commit' "
                   "and schema_name = 'main' and database_name = current_database()").fetchall()[0][0]:
        con.execute("update meta_commit set commits = commits + 1, committed_at = ?",
                    [datetime.now(timezone.utc).replace(tzinfo=None)])


def _ram_mb() -> int:
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20


class Loader:
    """The run's single writer. Every batch is its own transaction, committed to DuckDB's write-ahead log;
    the file is checkpointed and its lock released once the connection has been held hold_seconds, and at
    the end. A checkpoint costs about 0.6 s however little was written, so one per batch took 40 % of the
    loading thread's time. A process killed in between loses nothing committed:
    DuckDB replays the log when the file is next opened.

    memory_limit_mb bounds DuckDB's buffer pool, which otherwise keeps what it read up to 80 % of RAM; a
    batch that needs more is rolled back and retried with twice the limit (up to half the RAM)."""

    def __init__(self, path: Path, *, hold_seconds: float, wait_seconds: float,
                 memory_limit_mb: int | None = None) -> None:
        self.path, self.hold_seconds, self.wait_seconds = path, hold_seconds, wait_seconds
        self.memory_limit_mb = memory_limit_mb
        self.con: duckdb.DuckDBPyConnection | None = None
        self.opened = 0.0

    def load(self, staging: Path, *, after_insert: Callable[[str], None] | None = None) -> LoadResult:
        if self.con is None:
            self.con = open_connection(self.path, wait_seconds=self.wait_seconds, memory_limit=self._limit())
            self.con.execute("set checkpoint_threshold = '1GB'")  # we checkpoint; DuckDB would every 16 MB
            self.opened = time.monotonic()
        try:
            while True:
                try:
                    return load_batch(self.con, staging, after_insert=after_insert)
                except duckdb.OutOfMemoryException:
                    # rolled back; what a load needs grows with the warehouse (its key indexes), so grow too
                    if self.memory_limit_mb is None or self.memory_limit_mb >= _ram_mb() // 2:
                        raise
                    self.memory_limit_mb *= 2
                    self.con.execute("set memory_limit = ?", [self._limit()])
                    log.warning("load needed more memory: DuckDB memory_limit raised to %d MB", self.memory_limit_mb)
        finally:
            if time.monotonic() - self.opened >= self.hold_seconds:
                self.release()

    def _limit(self) -> str | None:
        return None if self.memory_limit_mb is None else f"{int(self.memory_limit_mb)}MiB"

    def release(self) -> None:
        """Checkpoint and close: other processes may open the file until the next load."""
        if self.con is None:
            return
        con, self.con = self.con, None
        try:
            con.execute("checkpoint")
        finally:
            con.close()

    def __enter__(self) -> Loader:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _merge(con: duckdb.DuckDBPyConnection, staging: Path, checkpoint: Callable[[str], None]) -> LoadResult:
    documents = 0
    if _stage(con, staging, "dim_document"):
        con.execute(
            "create or replace temp table new_documents as "
            "select distinct s.document_key from stg_dim_document s "
            "anti join dim_document d on d.document_id = s.document_id"
        )
        documents = con.execute(
            "insert into dim_document by name "
            "select * from stg_dim_document where document_key in (select document_key from new_documents) "
            "qualify row_number() over (partition by document_key order by source_uri) = 1"
        ).fetchall()[0][0]
        checkpoint("dim_document")
        for table in DOCUMENT_FACTS:
            if _stage(con, staging, table):
                con.execute(
                    f"insert into {table} by name select * from stg_{table} "
                    "where document_key in (select document_key from new_documents)"
                )
                checkpoint(table)
    for table, key in DIMENSIONS.items():
        if _stage(con, staging, table):
            con.execute(
                f"insert into {table} by name select * from stg_{table} s "
                f"where not exists (select 1 from {table} d where d.{key} = s.{key}) "
                f"qualify row_number() over (partition by s.{key}) = 1"
            )
            checkpoint(table)
    inserted = updated = 0
    if _stage(con, staging, "dim_source_file"):
        updated = con.execute(
            "update dim_source_file d set last_seen_at = s.seen_at, file_mtime = s.file_mtime "
            "from stg_dim_source_file s "
            "where d.source_uri = s.source_uri and d.document_key = s.document_key "
            "and d.file_mtime is distinct from s.file_mtime and s.seen_at > d.last_seen_at"
        ).fetchall()[0][0]
        inserted = con.execute(
            "insert into dim_source_file (source_uri, document_key, first_seen_at, last_seen_at, file_mtime, byte_size) "
            "select source_uri, document_key, seen_at, seen_at, file_mtime, byte_size from stg_dim_source_file s "
            "where exists (select 1 from dim_document d where d.document_key = s.document_key) "
            "and not exists (select 1 from dim_source_file d "
            "                where d.source_uri = s.source_uri and d.document_key = s.document_key) "
            "qualify row_number() over (partition by source_uri, document_key) = 1"
        ).fetchall()[0][0]
        checkpoint("dim_source_file")
    quarantined = 0
    if _stage(con, staging, "quarantine"):
        quarantined = con.execute(
            "insert into quarantine by name select * from stg_quarantine s "
            "where not exists (select 1 from quarantine q where q.source_uri = s.source_uri "
            "                  and q.content_sha256 is not distinct from s.content_sha256 and q.reason = s.reason) "
            "qualify row_number() over (partition by source_uri, content_sha256, reason) = 1"
        ).fetchall()[0][0]
        checkpoint("quarantine")
    return LoadResult(documents, inserted, updated, quarantined)
