"""One place for DuckDB connections: short-lived writers, read-only readers, bulk-load settings."""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb


# Extensions are never fetched or loaded behind a query's back (there is no network at run time either).
_NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                  "allow_community_extensions": False}


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse's write lock for longer than we were willing to wait."""


def _configure(con: duckdb.DuckDBPyConnection, path: Path, memory_limit: str | None, read_only: bool,
               allow_files: Sequence[Path] = ()) -> None:
    # Bulk loads need no insertion order; spill to disk next to the warehouse rather than /tmp.
    con.execute("set preserve_insertion_order = false")
    if not read_only:
        # A checkpoint's vacuum merges the row groups written since into the table's partly filled last one,
        # rewriting up to 122 880 bodies at a time; we delete almost nothing, so there is little to reclaim.
        con.execute("set max_vacuum_tasks = 0")
    con.execute("set enable_progress_bar = false")  # a long migration or check would draw on our stdout
    if path.name != ":memory:":
        con.execute("set temp_directory = ?", [str(path.parent / ".duckdb_tmp")])
    if memory_limit:
        con.execute("set memory_limit = ?", [memory_limit])
    if read_only:
        # A reader can read the warehouse and nothing else: no file, network or extension access, and no
        # query can turn that back on.
        if allow_files:
            con.execute("set allowed_directories = ?", [[str(Path(d).resolve()) + "/" for d in allow_files]])
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")


def _is_lock_error(err: Exception) -> bool:
    text = str(err).lower()
    return "lock" in text or "conflicting" in text or "being used" in text


# Readers waiting for the write lock say so with a shared flock on this file beside the warehouse; a writer
# about to take the lock again gives them their turn first (up to READER_TURN_SECONDS), so a reader waits for
# one hold of the loader, not for the whole run.
READER_TURN_SECONDS = 5.0


def _queue_path(path: Path) -> Path:
    return path.with_name(path.name + ".readers")


def flock_held(lock: Path) -> bool:
    """Another process holds an flock on this file (a missing file is held by no one)."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _readers_waiting(path: Path) -> bool:
    return flock_held(_queue_path(path))


def _join_queue(path: Path) -> int | None:
    try:
        fd = os.open(_queue_path(path), os.O_CREAT | os.O_RDONLY, 0o666)
    except OSError:
        return None  # a folder we cannot write to: wait without a place in the queue
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def open_connection(path: Path, *, read_only: bool = False, wait_seconds: float = 0.0,
                    memory_limit: str | None = None, allow_files: Sequence[Path] = ()) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting up to wait_seconds while another process holds the file.
    memory_limit (e.g. "512MB") defaults to DuckDB's own (80 % of RAM)."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    queued: int | None = None
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
        turn = time.monotonic() + READER_TURN_SECONDS
        while _readers_waiting(path) and time.monotonic() < turn:
            time.sleep(0.02)
    try:
        while True:
            try:
                con = duckdb.connect(str(path), read_only=read_only, config=_NO_EXTENSIONS)
                break
            except duckdb.IOException as err:
                if not _is_lock_error(err):
                    raise
                if time.monotonic() >= deadline:
                    holder = re.search(r"PID (\d+)", str(err))
                    who = f"process {holder[1]}" if holder else "another process"
                    raise WarehouseBusy(
                        f"{path} is held by {who} (a run loading, or another reader or writer); waited "
                        f"{wait_seconds:.0f}s. DuckDB lets one process write, or several read; retry when it is done."
                    ) from err
                if read_only and queued is None:
                    queued = _join_queue(path)
                time.sleep(delay)
                delay = min(delay * 2, 0.2 if read_only else 1.0)
    finally:
        if queued is not None:
            os.close(queued)
    try:
        _configure(con, path, memory_limit, read_only, allow_files)
    except BaseException:
        # closed and dropped here, not left to the traceback: a connection alive in this process keeps the
        # file open in a mode the next writer (the run's etl_run row) cannot share, and leaks at exit
        con.close()
        del con
        raise
    return con


@contextmanager
def writer(path: Path, *, wait_seconds: float = 60.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection held only as long as the block: open, write, checkpoint, close."""
    con = open_connection(path, wait_seconds=wait_seconds)
    try:
        yield con
        con.execute("checkpoint")
    finally:
        con.close()


@contextmanager
def reader(path: Path, *, wait_seconds: float = 30.0, memory_limit: str | None = None,
           allow_files: Sequence[Path] = ()) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that can read nothing but the warehouse (and the folders in allow_files)."""
    con = open_connection(path, read_only=True, wait_seconds=wait_seconds, memory_limit=memory_limit,
                          allow_files=allow_files)
    try:
        yield con
    finally:
        con.close()
