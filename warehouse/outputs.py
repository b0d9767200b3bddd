"""Files the reader commands write (`sql -o`, `report -o`, `report --html`, `export`, the run's HTML report):
never one of the warehouse's own files, and never half-written."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from warehouse.publish import snapshot_path

# What DuckDB and Gazette keep beside a database file NAME: its write-ahead log, a copy being published, the
# readers' queue and the publish lock (warehouse/connection.py, warehouse/publish.py).
SIBLINGS = ("", ".wal", ".partial", ".partial.wal", ".readers", ".lock")


class OutputRefused(ValueError):
    """An output would overwrite one of the warehouse's files, or cannot be a file."""


def warehouse_files(db: Path, marts: Path | None = None) -> dict[Path, str]:
    """Every file that belongs to the warehouse db, its read snapshot and its marts, with what it is."""
    files = {}
    for base, what in ((db, "the warehouse"), (snapshot_path(db), "the warehouse's read snapshot"),
                       (marts, "the warehouse's marts")):
        if base is not None:
            for suffix in SIBLINGS:
                files[base.with_name(base.name + suffix)] = what + (f" ({suffix[1:]} file)" if suffix else "")
    return files


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def refuse_warehouse_files(target: Path, db: Path, marts: Path | None = None) -> None:
    """Raise OutputRefused when target is (by its resolved path, through symbolic links, or as a hard link to
    the same file) one of the warehouse's files, or is a folder."""
    resolved, identity = target.resolve(), _identity(target)
    for path, what in warehouse_files(db, marts).items():
        if path.resolve() == resolved or (identity is not None and _identity(path) == identity):
            raise OutputRefused(f"refused: {target} is {what}; write the output to another file")
    if target.is_dir():
        raise OutputRefused(f"{target} is a folder; name a file to write")


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """A temporary path in target's folder that is renamed over target only when the block succeeds: a reader
    of target sees the old file or the whole new one, and a failure leaves no half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        yield partial
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
