"""The read snapshot: a copy of the warehouse for readers, swapped in at once, that knows whether it is current.

Readers (`gazette sql`, `report`, `export`, a notebook, a BI tool) open the snapshot, so they never wait for a
run that is loading, and a run never waits for them. It is written in DuckDB's 1.2 storage format, so DuckDB
1.x tools and the DuckDB CLI from the package registry open it too.

Every load transaction that changes rows raises the warehouse's commit counter (meta_commit, with the schema
version: the commit marker), and the snapshot is a copy of it. A snapshot whose marker differs from the
warehouse's is behind: a run stopped, failed or ran out of disk after its commits and before it published.
Any run, and any reader command, that finds it behind, missing, unreadable or half-published publishes it
again, or the reader reads the warehouse itself and says why."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.check import blocks_readable
from warehouse.connection import WarehouseBusy, flock_held, open_connection

STORAGE_VERSION = "v1.2.0"
_NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class SnapshotNotPublished(RuntimeError):
    """A run committed data but could not publish the read snapshot."""


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
    snapshot, partial = snapshot_path(db), _partial(db)
    if partial.exists() and (publishing or not _lock_held(db)):
        return f"was left half-published ({partial.name} of an interrupted publish)"
    if not snapshot.is_file():
        return "is missing"
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
                return f"is unreadable ({unread.sample[0][0]}: {unread.sample[0][1]})"
    except duckdb.Error as err:
        return f"is unreadable ({_first_line(err)})"
    try:
        con = open_connection(db, read_only=True, wait_seconds=0)
    except WarehouseBusy:
        return None
    try:
        ours = commit_marker(con)
    finally:
        con.close()
    if ours == theirs:
        return None
    if ours[0] != theirs[0]:
        return f"is behind the warehouse (schema version {theirs[0]}, the warehouse's {ours[0]})"
    return f"is behind the warehouse (load commit {theirs[1]}, the warehouse's {ours[1]})"


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


def _copy(db: Path, after_copy: Callable[[], None] | None) -> None:
    """Copy the warehouse into a new file beside it and rename it over the last snapshot: a reader holding the
    old one keeps reading it, the next reader opens the new one. Whatever stops it removes the new file."""
    target, partial = snapshot_path(db), _partial(db)
    leftovers = (partial, partial.with_name(partial.name + ".wal"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        con = duckdb.connect(config=_NO_EXTENSIONS)
        try:
            con.execute("attach ? as warehouse (read_only)", [str(db)])
            con.execute(f"attach ? as snapshot (storage_version '{STORAGE_VERSION}')", [str(partial)])
            con.execute("copy from database warehouse to snapshot")
            con.execute("detach snapshot")
        finally:
            con.close()
        if after_copy is not None:
            after_copy()
        os.replace(partial, target)
    finally:
        for leftover in leftovers:  # a full disk gets its space back; an interrupted publish leaves nothing
            leftover.unlink(missing_ok=True)


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
        problem = snapshot_problem(db, publishing=True)
        if problem is None and not force:
            return None
        if _writer_holds(db):
            if busy_ok:
                return None
            raise WarehouseBusy(f"{db} is being written by another process")
        _copy(db, after_copy)
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
