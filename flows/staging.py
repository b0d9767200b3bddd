"""Per-run staging folders, each locked (flock) by its live run, so a later run can tell a crashed run's
leftovers from a concurrent run's work."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

LOCK_NAME = ".lock"


class StagingArea:
    """staging_root/<run_id>, held for the life of the run."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.path = root / run_id
        self.path.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path / LOCK_NAME, os.O_CREAT | os.O_RDWR)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def batch(self, i: int) -> Path:
        return self.path / f"batch-{i:05d}"

    @property
    def known_keys(self) -> Path:
        return self.path / "known_keys.parquet"

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._fd)


def staging_folders(root: Path, *, keep: str) -> tuple[list[str], list[Path]]:
    """The run ids whose staging folder a live process holds, and the folders no live process holds (left by
    runs that were killed). Nothing is removed: the caller closes those runs' books first."""
    live: list[str] = []
    abandoned: list[Path] = []
    if not root.is_dir():
        return live, abandoned
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != keep):
        try:
            fd = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            live.append(folder.name)
        else:
            abandoned.append(folder)
        finally:
            os.close(fd)
    return live, abandoned


def remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
