"""The read snapshot: a copy of the warehouse for readers, swapped in at once, that knows whether it is current.

Readers (`gazette sql`, `report`, `export`, a notebook, a BI tool) open the snapshot, so they never wait for a
run that is loading, and a run never waits for them. It is written in DuckDB's 1.2 storage format, so DuckDB
1.x tools and the DuckDB CLI from the package registry open it too.

Every load transaction that changes rows raises the warehouse's commit counter (meta_commit, with the schema
version: the commit marker), and the snapshot is a copy of it. A snapshot whose marker differs from the
warehouse's is behind: a run stopped, failed or ran out of disk after its commits and before it published.
Any run, and any reader command, that finds it behind, missing, unreadable or half-published publishes it
again, or the reader reads the warehouse itself and says why.

A snapshot that is only behind (same schema, readable) is brought up to date from a copy of itself: the file
is copied in the kernel, the rows the warehouse gained since are applied to the copy, every table's count is
checked against the warehouse, and the copy is renamed into place. It costs what the runs since added, plus
the partly filled last row group (at most 122 880 rows) of each table with a key that gains rows: DuckDB's
1.x storage formats add rows to that row group and rewrite it whole. Anything else (missing, broken, a new
schema version, a table whose changes this module cannot tell) is a full copy of the warehouse."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.check import blocks_readable
from warehouse.connection import WarehouseBusy, flock_held, open_connection
from warehouse.load import DIMENSIONS, DOCUMENT_FACTS

log = logging.getLogger(__name__)

STORAGE_VERSION = "v1.2.0"
_NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class SnapshotNotPublished(RuntimeError):
    """A run committed data but could not publish the read snapshot."""


class _NotIncremental(Exception):
    """The changes since the snapshot cannot be told apart, or did not add up: copy the whole warehouse."""


# How each table changes between two load commits, as warehouse/load.py and flows/tasks.py write it. Only a
# migration deletes or rewrites rows, and it raises the schema version: then the whole warehouse is copied.
_WITH_DOCUMENT = DOCUMENT_FACTS  # added with their new document (dim_document), never changed
# Small beside the documents, compared whole: rows added or updated in place, by key
_UPSERTED = {"dim_source_file": ("source_uri", "document_key"), "etl_run": ("run_id",),
             **{table: (key,) for table, key in DIMENSIONS.items()}}
_APPENDED = ("quarantine",)  # added, never changed, no key column
_REPLACED = ("meta_commit",)  # one row
_FIXED = ("dim_date", "meta_schema_version")  # written by migrations alone


def snapshot_path(db: Path) -> Path:
    return db.with_name(f"{db.stem}.read{db.suffix or '.duckdb'}")


def _partial(db: Path) -> Path:
    target = snapshot_path(db)
    return target.with_name(target.name + ".partial")


def _lock_file(db: Path) -> Path:
    target = snapshot_path(db)
    return target.with_name(target.name + ".lock")


def read_path(db: Path) -> Path:
    """The snapshot when there is one, else the warehouse (read_source also checks that it is current)."""
    snapshot = snapshot_path(db)
    return snapshot if snapshot.is_file() else db


def commit_marker(con: duckdb.DuckDBPyConnection) -> tuple:
    """(schema version, commits) of the connection's database; None for what an older schema lacks."""
    try:
        return con.execute("select (select max(version) from meta_schema_version), "
                           "(select max(commits) from meta_commit)").fetchall()[0]
    except duckdb.CatalogException:  # before schema version 10 (or no schema at all)
        tables = {name for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database()").fetchall()}
        version = (con.execute("select max(version) from meta_schema_version").fetchall()[0][0]
                   if "meta_schema_version" in tables else None)
        return version, None


def _marker_of(path: Path) -> tuple:
    con = open_connection(path, read_only=True, wait_seconds=0)
    try:
        return commit_marker(con)
    finally:
        con.close()


def _first_line(err: BaseException) -> str:
    return (str(err).strip() or type(err).__name__).splitlines()[0]


def _lock_held(db: Path) -> bool:
    """Another process is publishing the snapshot now."""
    return flock_held(_lock_file(db))


def snapshot_problem(db: Path, *, publishing: bool = False, read_every_block: bool = False) -> str | None:
    """Why the snapshot cannot serve readers, as the end of a sentence ("is behind the warehouse ..."), or
    None when it carries the warehouse's last commit. None too while a writer holds the warehouse: the run
    publishes when it ends. publishing: the caller holds the publish lock (a .partial is then a leftover)."""
    return _diagnose(db, publishing=publishing, read_every_block=read_every_block)[0]


def _diagnose(db: Path, *, publishing: bool = False, read_every_block: bool = False) -> tuple[str | None, bool]:
    """snapshot_problem, and whether the snapshot is only behind: readable, of the warehouse's schema version,
    so that applying the rows added since brings it up to date."""
    snapshot, partial = snapshot_path(db), _partial(db)
    if partial.exists() and (publishing or not _lock_held(db)):
        return f"was left half-published ({partial.name} of an interrupted publish)", False
    if not snapshot.is_file():
        return "is missing", False
    try:
        theirs = _marker_of(snapshot)
        if read_every_block:
            con = open_connection(snapshot, read_only=True, wait_seconds=0)
            try:
                tables = {t for (t,) in con.execute("select table_name from duckdb_tables() "
                                                    "where database_name = current_database()").fetchall()}
                unread = blocks_readable(con, tables)
            finally:
                con.close()
            if not unread.ok:
                return f"is unreadable ({unread.sample[0][0]}: {unread.sample[0][1]})", False
    except duckdb.Error as err:
        return f"is unreadable ({_first_line(err)})", False
    try:
        con = open_connection(db, read_only=True, wait_seconds=0)
    except WarehouseBusy:
        return None, False
    try:
        ours = commit_marker(con)
    finally:
        con.close()
    if ours == theirs:
        return None, False
    if ours[0] != theirs[0]:
        return f"is behind the warehouse (schema version {theirs[0]}, the warehouse's {ours[0]})", False
    return (f"is behind the warehouse (load commit {theirs[1]}, the warehouse's {ours[1]})",
            None not in (ours[1], theirs[1]) and ours[1] > theirs[1])


@contextmanager
def _publish_lock(db: Path, wait_seconds: float) -> Iterator[None]:
    """One publisher at a time; raises TimeoutError when another holds the lock past wait_seconds."""
    fd = os.open(_lock_file(db), os.O_CREAT | os.O_RDWR, 0o666)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"another process is publishing {snapshot_path(db).name}") from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # releases the lock


def _copy(db: Path, after_copy: Callable[[], None] | None, *, incremental: bool = False,
          full_reason: str = "") -> str:
    """Write the new snapshot into a file beside the last one and rename it over it: a reader holding the old
    one keeps reading it, the next reader opens the new one. Whatever stops it removes the new file.
    incremental: start from a copy of the last snapshot and apply what the warehouse gained since (a full copy
    when that cannot be shown complete). Returns how it was written ("incremental" or "full")."""
    target, partial = snapshot_path(db), _partial(db)
    leftovers = (partial, partial.with_name(partial.name + ".wal"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        how = "full"
        if incremental:
            try:
                _update_copy(db, target, partial)
                how = "incremental"
                log.info("read snapshot: applied what the warehouse gained since the last one")
            except (_NotIncremental, duckdb.Error) as err:
                reason = _first_line(err)
                for leftover in leftovers:
                    leftover.unlink(missing_ok=True)
        else:
            reason = full_reason
        if how == "full":
            log.info("read snapshot: a full copy (%s)", reason)
            _full_copy(db, partial)
        if after_copy is not None:
            after_copy()
        os.replace(partial, target)
        return how
    finally:
        for leftover in leftovers:  # a full disk gets its space back; an interrupted publish leaves nothing
            leftover.unlink(missing_ok=True)


def _full_copy(db: Path, partial: Path) -> None:
    con = duckdb.connect(config=_NO_EXTENSIONS)
    try:
        con.execute("attach ? as warehouse (read_only)", [str(db)])
        con.execute(f"attach ? as snapshot (storage_version '{STORAGE_VERSION}')", [str(partial)])
        con.execute("copy from database warehouse to snapshot")
        con.execute("detach snapshot")
    finally:
        con.close()


def _copy_file(source: Path, target: Path) -> None:
    """Copy in the kernel: copy_file_range shares the blocks where the file system can (XFS, Btrfs)."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        size = os.fstat(src.fileno()).st_size
        try:
            done = 0
            while done < size:
                copied = os.copy_file_range(src.fileno(), dst.fileno(), size - done)
                if copied == 0:
                    raise OSError(errno.EIO, f"{source} shrank while it was copied")
                done += copied
        except OSError as err:
            if err.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL):
                raise
            src.seek(0)
            dst.seek(0)
            dst.truncate()
            shutil.copyfileobj(src, dst, 2**20)


def _catalog(con: duckdb.DuckDBPyConnection, database: str) -> list:
    """Every table's and index's definition, every view's name and every comment: equal in both, only rows
    differ. A view's text is not compared (a copy writes it back in other words): views are re-created."""
    return [con.execute(sql, [database]).fetchall() for sql in (
        "select table_name, sql, comment from duckdb_tables() where database_name = ? order by all",
        "select view_name, comment from duckdb_views() where database_name = ? and not internal order by all",
        "select table_name, column_name, comment from duckdb_columns() where database_name = ? order by all",
        "select index_name, sql from duckdb_indexes() where database_name = ? order by all",
        "select sequence_name from duckdb_sequences() where database_name = ? order by all",
    )]


def _update_copy(db: Path, snapshot: Path, partial: Path) -> None:
    """The last snapshot, copied to partial, with the rows the warehouse added or changed since applied to it.
    Raises _NotIncremental when the changes cannot be told apart or the tables' counts do not add up."""
    if snapshot.with_name(snapshot.name + ".wal").exists():
        raise _NotIncremental("the snapshot has a write-ahead log: something wrote to it")
    holder = duckdb.connect(str(snapshot), read_only=True, config=_NO_EXTENSIONS)  # nobody writes it meanwhile
    try:
        _copy_file(snapshot, partial)
    finally:
        holder.close()
    con = duckdb.connect(config=_NO_EXTENSIONS)
    try:
        con.execute("set preserve_insertion_order = false")
        con.execute("set max_vacuum_tasks = 0")  # a vacuum rewrites whole row groups: what a full copy costs
        con.execute("attach ? as w (read_only)", [str(db)])
        con.execute("attach ? as s", [str(partial)])
        version = con.execute("select tags['storage_version'] from duckdb_databases() "
                              "where database_name = 's'").fetchall()[0][0]
        if version != f"{STORAGE_VERSION}+":
            raise _NotIncremental(f"the snapshot is in storage version {version}")
        free, used = con.execute("select free_blocks, used_blocks from pragma_database_size() "
                                 "where database_name = 's'").fetchall()[0]
        if free > used:  # blocks rewritten by earlier updates and not reused yet: a full copy compacts it
            raise _NotIncremental(f"the snapshot's file is mostly free space ({free} of {free + used} blocks)")
        if _catalog(con, "w") != _catalog(con, "s"):
            raise _NotIncremental("its tables, views or comments differ from the warehouse's")
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables() where database_name = 'w'")
                  .fetchall()}
        unknown = tables - {"dim_document", *_WITH_DOCUMENT, *_UPSERTED, *_APPENDED, *_REPLACED, *_FIXED}
        if unknown:
            raise _NotIncremental(f"how {', '.join(sorted(unknown))} change is not known here")
        con.execute("begin transaction")
        _apply(con, tables)
        _replace_views(con)
        if _catalog(con, "w") != _catalog(con, "s"):
            raise _NotIncremental("the views could not be made the warehouse's")
        counts = {t: con.execute(f"select (select count(*) from w.{t}), (select count(*) from s.{t})")
                  .fetchall()[0] for t in sorted(tables)}
        wrong = [f"{t} {theirs} rows, the warehouse's {ours}" for t, (ours, theirs) in counts.items() if ours != theirs]
        if wrong:
            raise _NotIncremental(f"the changes did not add up ({'; '.join(wrong)})")
        markers = con.execute("select (select max(version) from w.meta_schema_version), "
                              "(select max(commits) from w.meta_commit), "
                              "(select max(version) from s.meta_schema_version), "
                              "(select max(commits) from s.meta_commit)").fetchall()[0]
        if markers[:2] != markers[2:]:
            raise _NotIncremental("the commit marker was not carried over")
        con.execute("commit")
        con.execute("checkpoint s")
        con.execute("detach s")
    finally:
        con.close()
    if partial.with_name(partial.name + ".wal").exists():
        raise _NotIncremental("the updated copy kept a write-ahead log")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _replace_views(con: duckdb.DuckDBPyConnection) -> None:
    """The warehouse's views, with their comments, in s: migrations re-create them on every run."""
    views = con.execute("select schema_name, view_name, sql, comment from duckdb_views() "
                        "where database_name = 'w' and not internal").fetchall()
    columns = con.execute("select c.schema_name, c.table_name, c.column_name, c.comment from duckdb_columns() c "
                          "join duckdb_views() v on v.database_name = c.database_name "
                          "and v.schema_name = c.schema_name and v.view_name = c.table_name "
                          "where c.database_name = 'w' and c.comment is not null").fetchall()
    for schema, name in con.execute("select schema_name, view_name from duckdb_views() "
                                    "where database_name = 's' and not internal").fetchall():
        con.execute(f'drop view s."{schema}"."{name}"')
    con.execute("use s")  # a view's tables are named without their database
    try:
        for schema, name, sql, comment in views:
            con.execute(f'use s."{schema}"')
            con.execute(sql)
            if comment is not None:
                con.execute(f'comment on view s."{schema}"."{name}" is {_quote(comment)}')
        for schema, name, column, comment in columns:
            con.execute(f'comment on column s."{schema}"."{name}"."{column}" is {_quote(comment)}')
    finally:
        con.execute("use memory")


def _apply(con: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    """Apply to s what w added or changed since s was a copy of it, table by table (in a transaction)."""
    con.execute("create temp table new_documents as select document_key from w.dim_document "
                "anti join s.dim_document using (document_key)")
    # a semi join with few keys reads the bodies of those documents alone
    con.execute("insert into s.dim_document select * from w.dim_document semi join new_documents using (document_key)")
    for table in _WITH_DOCUMENT:
        if table in tables:  # by key, not by row number: a row number does not show a row gone (a vacuum renumbers)
            con.execute(f"insert into s.{table} select * from w.{table} semi join new_documents using (document_key)")
    for table, key in _UPSERTED.items():
        if table in tables:
            con.execute(f"create temp table changed as select * from w.{table} except select * from s.{table}")
            con.execute(f"delete from s.{table} where ({', '.join(key)}) in "
                        f"(select ({', '.join(key)}) from changed)")
            con.execute(f"insert into s.{table} select * from changed")
            con.execute("drop table changed")
    for table in _APPENDED:
        if table in tables:
            con.execute(f"insert into s.{table} select * from w.{table} except all select * from s.{table}")
    for table in _REPLACED:
        if table in tables:
            con.execute(f"delete from s.{table}")
            con.execute(f"insert into s.{table} select * from w.{table}")
    for table in _FIXED:
        if table in tables and not con.execute(f"select (select bit_xor(hash(t)) from w.{table} t) = "
                                               f"(select bit_xor(hash(t)) from s.{table} t)").fetchall()[0][0]:
            raise _NotIncremental(f"{table} differs from the warehouse's")
    con.execute("drop table new_documents")


def _writer_holds(db: Path) -> bool:
    try:
        open_connection(db, read_only=True, wait_seconds=0).close()
    except WarehouseBusy:
        return True
    return False


def publish_snapshot(db: Path, *, wait_seconds: float = 60.0, force: bool = False, busy_ok: bool = False,
                     after_copy: Callable[[], None] | None = None) -> str | None:
    """Publish the snapshot when it is not current (always, with force). Returns what was wrong with it (None:
    it was current and left alone). While another process writes the warehouse nothing can be copied: with
    busy_ok that is left to the writer's run, which publishes when it ends; else WarehouseBusy is raised.
    after_copy runs between the copy and the rename (fault injection)."""
    with _publish_lock(db, wait_seconds):
        problem, only_behind = _diagnose(db, publishing=True)
        if problem is None and not force:
            return None
        if _writer_holds(db):
            if busy_ok:
                return None
            raise WarehouseBusy(f"{db} is being written by another process")
        _copy(db, after_copy, incremental=only_behind and not force,
              full_reason="on request" if force else f"the snapshot {problem}")
        return problem or "was republished on request"


def read_source(db: Path, *, use_snapshot: bool = True, wait_seconds: float = 2.0) -> tuple[Path, str | None]:
    """What a reader opens, and one line to tell the user when it is not the current snapshot: the snapshot
    when it is current or could be published again within wait_seconds; else the warehouse itself."""
    if not use_snapshot:
        return db, None
    problem = snapshot_problem(db)
    if problem is None:
        return snapshot_path(db), None
    try:
        publish_snapshot(db, wait_seconds=wait_seconds)
    except (OSError, TimeoutError, duckdb.Error, WarehouseBusy) as err:
        why = ("no space left on the disk" if isinstance(err, OSError) and err.errno == errno.ENOSPC
               or "No space left" in str(err) else _first_line(err))
        return db, (f"reading the warehouse itself: its read snapshot {snapshot_path(db).name} {problem}, and it "
                    f"could not be published again now ({why})")
    return snapshot_path(db), f"the read snapshot {snapshot_path(db).name} {problem}: published it again"
