"""Run settings from environment variables with local defaults (documented in README)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm")


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None


def _env_path(name: str) -> Path | None:
    raw = os.environ.get(name)
    return Path(raw) if raw else None


@dataclass(frozen=True)
class Settings:
    db: Path = field(default_factory=lambda: Path(os.environ.get("GAZETTE_DB", "warehouse/gazette.duckdb")))
    # Work is cut into batches of about this many raw bytes: one transaction and one staging folder each.
    batch_bytes: int = field(default_factory=lambda: int(_env_float("GAZETTE_BATCH_MB", 2) * 2**20))
    # Larger files are quarantined as too_large without being read into memory.
    max_file_bytes: int = field(default_factory=lambda: int(_env_float("GAZETTE_MAX_FILE_MB", 16) * 2**20))
    # How long a run waits for another process's write lock on the warehouse.
    lock_wait_seconds: float = field(default_factory=lambda: _env_float("GAZETTE_LOCK_WAIT_SECONDS", 60))
    # DuckDB's memory_limit for the end-of-run checks; its default is 80 % of RAM, and its buffer pool keeps
    # what it read up to the limit. Checks run on slices of documents, so a fixed limit holds at any size.
    # At 100 000 documents, in a process of their own, 256MB took +304 MB and 512MB +557 MB.
    check_memory_limit: str = field(default_factory=lambda: os.environ.get("GAZETTE_MEMORY_LIMIT") or "256MB")
    # DuckDB's memory_limit for `gazette sql`, `report`, `check` and `status` (unset: DuckDB's 80 % of RAM).
    query_memory_limit: str | None = field(default_factory=lambda: os.environ.get("GAZETTE_MEMORY_LIMIT") or None)
    # The load starts at this memory_limit and doubles it when a batch needs more: what it needs grows
    # with the warehouse (its key indexes; 100 000 documents fail under 128MB).
    load_memory_mb: int = field(default_factory=lambda: int(_env_float("GAZETTE_LOAD_MEMORY_MB", 512)))
    # The load keeps the write lock across batches (each its own transaction) and checkpoints then
    # releases it this often: a checkpoint costs about 0.6 s however little was written.
    hold_seconds: float = field(default_factory=lambda: _env_float("GAZETTE_HOLD_SECONDS", 10))
    # Worker threads (and Polars' pool) run at this much lower CPU priority than the loading thread, so the
    # single writer is not starved by them (0: the same priority).
    worker_nice: int = field(default_factory=lambda: int(_env_float("GAZETTE_WORKER_NICE", 10)))

    # After a run that changed the warehouse, publish a copy readers open instead (warehouse/publish.py).
    read_snapshot: bool = field(default_factory=lambda: os.environ.get("GAZETTE_READ_SNAPSHOT", "1") != "0")
    # An existing Dask scheduler for `--runner dask` (e.g. tcp://scheduler:8786); unset: a local cluster.
    dask_address: str | None = field(default_factory=lambda: os.environ.get("GAZETTE_DASK_ADDRESS") or None)
    # Where dbt writes the reporting marts (unset: NAME_marts.duckdb beside the warehouse NAME.duckdb).
    marts_db: Path | None = field(default_factory=lambda: _env_path("GAZETTE_MARTS_DB"))
    # After each completed run, rebuild the marts and write the HTML report here, linked from the run's
    # Prefect artifacts (unset: no report).
    report_html: Path | None = field(default_factory=lambda: _env_path("GAZETTE_REPORT_HTML"))
    # Files derived once per machine (the gazetteer as Parquet, the report's charting script); the
    # gazetteer's loader in transforms/ reads the same variable itself.
    cache: Path = field(default_factory=lambda: _env_path("GAZETTE_CACHE")
                        or Path(tempfile.gettempdir()) / "gazette-cache")

    @property
    def staging_root(self) -> Path:
        # absolute: the path is handed to workers, which may run in other folders (a Dask cluster)
        return Path(os.environ.get("GAZETTE_STAGING_DIR", self.db.parent / "staging")).absolute()


def warehouse_path(db: Path | None) -> Path:
    """A command's --db, else $GAZETTE_DB or the default."""
    return db or Settings().db

