"""Run settings from environment variables with local defaults (documented in README)."""

from __future__ import annotations

import math
import os
import re
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm")


class SettingsError(ValueError):
    """A setting's value is out of its range: the message is one line naming the variable."""


def _env_number(name: str, default: float, low: float, high: float, *, low_open: bool = False,
                integer: bool = False) -> float:
    """$name as a number in [low, high] ((low, high] with low_open), else SettingsError naming the range."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    ok = math.isfinite(value) and (value > low if low_open else value >= low) and value <= high
    if ok and integer and value != int(value):
        ok = False
    if not ok:
        kind = "a whole number" if integer else "a number"
        bounds = f"{'greater than' if low_open else 'from'} {low:g} {'and at most' if low_open else 'to'} {high:g}"
        raise SettingsError(f"{name}={raw!r}: must be {kind} {bounds}")
    return int(value) if integer else value


def check_number(name: str, value: float, low: float, high: float) -> float:
    """A command-line option held to the range of its variable: (low, high], finite."""
    if not (math.isfinite(value) and low < value <= high):
        raise SettingsError(f"{name}={value!r}: must be a number greater than {low:g} and at most {high:g}")
    return value


# DuckDB's memory_limit syntax (a number and a unit, or a share of RAM); below 64MB nothing useful runs.
_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)\s*$", re.IGNORECASE)
_UNITS = {"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def _env_memory(name: str) -> str | None:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    found = _SIZE.match(raw)
    if found:
        number, unit = float(found[1]), found[2].lower()
        if (0 < number <= 100) if unit == "%" else number * _UNITS[unit] >= 64e6:
            return raw.strip()
    raise SettingsError(f"{name}={raw!r}: must be a DuckDB memory size of at least 64MB, e.g. 512MB, 2GB or 50%")


def _env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip() not in ("0", "1"):
        raise SettingsError(f"{name}={raw!r}: must be 0 or 1")
    return raw.strip() == "1"


def _env_path(name: str) -> Path | None:
    raw = os.environ.get(name)
    return Path(raw) if raw else None


@dataclass(frozen=True)
class Settings:
    db: Path = field(default_factory=lambda: Path(os.environ.get("GAZETTE_DB", "warehouse/gazette.duckdb")))
    # Work is cut into batches of about this many raw bytes: one transaction and one staging folder each.
    batch_bytes: int = field(
        default_factory=lambda: int(_env_number("GAZETTE_BATCH_MB", 2, 0, 4096, low_open=True) * 2**20))
    # Larger files are quarantined as too_large without being read into memory.
    max_file_bytes: int = field(
        default_factory=lambda: int(_env_number("GAZETTE_MAX_FILE_MB", 16, 0, 4096, low_open=True) * 2**20))
    # How long a run waits for another process's write lock on the warehouse.
    lock_wait_seconds: float = field(default_factory=lambda: _env_number("GAZETTE_LOCK_WAIT_SECONDS", 60, 0, 86400))
    # DuckDB's memory_limit for the end-of-run checks; its default is 80 % of RAM, and its buffer pool keeps
    # what it read up to the limit. Checks run on slices of documents, so a fixed limit holds at any size.
    # At 100 000 documents, in a process of their own, 256MB took +304 MB and 512MB +557 MB.
    check_memory_limit: str = field(default_factory=lambda: _env_memory("GAZETTE_MEMORY_LIMIT") or "256MB")
    # DuckDB's memory_limit for `gazette sql`, `report`, `check` and `status` (unset: DuckDB's 80 % of RAM).
    query_memory_limit: str | None = field(default_factory=lambda: _env_memory("GAZETTE_MEMORY_LIMIT"))
    # The load starts at this memory_limit and doubles it when a batch needs more: what it needs grows
    # with the warehouse (its key indexes; 100 000 documents fail under 128MB).
    load_memory_mb: int = field(
        default_factory=lambda: _env_number("GAZETTE_LOAD_MEMORY_MB", 512, 64, 65536, integer=True))
    # The load keeps the write lock across batches (each its own transaction) and checkpoints then
    # releases it this often: a checkpoint costs about 0.6 s however little was written.
    hold_seconds: float = field(default_factory=lambda: _env_number("GAZETTE_HOLD_SECONDS", 10, 0, 3600))
    # Worker threads (and Polars' pool) run at this much lower CPU priority than the loading thread, so the
    # single writer is not starved by them (0: the same priority).
    worker_nice: int = field(default_factory=lambda: _env_number("GAZETTE_WORKER_NICE", 10, 0, 19, integer=True))

    # After a run that changed the warehouse, publish a copy readers open instead (warehouse/publish.py).
    read_snapshot: bool = field(default_factory=lambda: _env_flag("GAZETTE_READ_SNAPSHOT", True))
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



def settings_errors() -> list[str]:
    """One line per environment variable whose value is out of range (empty: all good). Commands call it once
    at start-up, before any work, so nothing later fails on a setting half-way through."""
    errors = []
    for spec in fields(Settings):
        try:
            spec.default_factory()
        except SettingsError as err:
            if str(err) not in errors:  # GAZETTE_MEMORY_LIMIT feeds two fields
                errors.append(str(err))
    return errors
