"""Run settings from environment variables with local defaults (documented in README)."""

from __future__ import annotations

import os
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


@dataclass(frozen=True)
class Settings:
    db: Path = field(default_factory=lambda: Path(os.environ.get("GAZETTE_DB", "warehouse/gazette.duckdb")))
    # Work is cut into batches of about this many raw bytes: one transaction and one staging folder each.
    batch_bytes: int = field(default_factory=lambda: int(_env_float("GAZETTE_BATCH_MB", 2) * 2**20))
    # Larger files are quarantined as too_large without being read into memory.
    max_file_bytes: int = field(default_factory=lambda: int(_env_float("GAZETTE_MAX_FILE_MB", 16) * 2**20))
    # How long a run waits for another process's write lock on the warehouse.
    lock_wait_seconds: float = field(default_factory=lambda: _env_float("GAZETTE_LOCK_WAIT_SECONDS", 60))

    @property
    def staging_root(self) -> Path:
        return Path(os.environ.get("GAZETTE_STAGING_DIR", self.db.parent / "staging"))
