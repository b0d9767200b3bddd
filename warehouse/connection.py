"""One place for DuckDB connections: short-lived writers, read-only readers, bulk-load settings."""

from __future__ import annotations

import os
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
    limit = memory_limit or os.environ.get("GAZETTE_MEMORY_LIMIT")
    if limit:
        con.execute("set memory_limit = ?", [limit])
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


def open_connection(path: Path, *, read_only: bool = False, wait_seconds: float = 0.0,
                    memory_limit: str | None = None, allow_files: Sequence[Path] = ()) -> duckdb.DuckDBPyConnection:
    """Open the warehouse, waiting up to wait_seconds while another process holds the file.
    memory_limit (e.g. "512MB") defaults to $GAZETTE_MEMORY_LIMIT, else DuckDB's own default."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=_NO_EXTENSIONS)
            break
        except duckdb.IOException as err:
            if not _is_lock_error(err):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{path} is locked by another process (a run in progress?); waited {wait_seconds:.0f}s. "
                    "DuckDB allows one writing process at a time; retry when it has finished."
                ) from err
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    _configure(con, path, memory_limit, read_only, allow_files)
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
