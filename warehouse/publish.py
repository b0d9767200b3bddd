"""The read snapshot: after a run that changed the warehouse, a copy of it for readers, swapped in at once.

Readers (`gazette sql`, `report`, `export`, a notebook, a BI tool) open the snapshot, so they never wait for a
run that is loading, and a run never waits for them. It is written in DuckDB's 1.2 storage format, so DuckDB
1.x tools and the DuckDB CLI from the package registry open it too."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

STORAGE_VERSION = "v1.2.0"


def snapshot_path(db: Path) -> Path:
    return db.with_name(f"{db.stem}.read{db.suffix or '.duckdb'}")


def read_path(db: Path) -> Path:
    """What readers open: the snapshot of the last completed run when there is one, else the warehouse."""
    snapshot = snapshot_path(db)
    return snapshot if snapshot.is_file() else db


def publish_snapshot(db: Path) -> Path:
    """Copy the warehouse into a new file beside it and rename it over the last snapshot: a reader holding the
    old one keeps reading it, the next reader opens the new one."""
    target = snapshot_path(db)
    partial = target.with_name(target.name + ".partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.execute("attach ? as warehouse (read_only)", [str(db)])
        con.execute(f"attach ? as snapshot (storage_version '{STORAGE_VERSION}')", [str(partial)])
        con.execute("copy from database warehouse to snapshot")
        con.execute("detach snapshot")
    finally:
        con.close()
    os.replace(partial, target)
    return target
