"""Derived resources kept between runs: one Parquet file per derivation in the cache folder (GAZETTE_CACHE,
default <tmp>/gazette-cache), named by a hash of its inputs and of the code that derives it.

A file is trusted only when the folder belongs to this user and no one else may write to it, the file carries
its whole key in its own metadata and it has the expected columns; anything else (corrupt, foreign, stale) is
derived again and, where the folder is safe, written again. Parquet only: nothing read back is executed, and
file names come from the hash and fixed names, never from an input file."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import polars as pl

CACHE_DIR = Path(tempfile.gettempdir()) / "gazette-cache"


_folder = CACHE_DIR


def set_default_dir(folder: Path | None) -> None:
    """The folder for derivations asked for without one: flows pass Settings.cache (GAZETTE_CACHE) here, so
    that settings are read in one place."""
    global _folder
    _folder = Path(folder) if folder else CACHE_DIR


def default_dir() -> Path:
    return _folder
KEY_FIELD = "gazette_cache_key"


def safe_dir(folder: Path | None) -> Path | None:
    """folder, created private when missing; None when it is not this user's alone (a shared temp folder
    where another user made it first, or one anyone may write to)."""
    folder = Path(folder or default_dir())
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return None
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return None
    return None if st.st_mode & 0o022 else folder


def cache_key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


@cache
def source_digest(*paths: str) -> str:
    """The code that derives a cached resource, part of its key."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def file_stamp(paths: Iterable[Path]) -> str:
    """Inputs by path, size and modification time (as the gazetteer cache has always been keyed)."""
    return "|".join(f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in paths)


def cache_path(folder: Path, name: str, key: str) -> Path:
    return folder / f"{name}-{key[:16]}.parquet"


def read_cached(folder: Path | None, name: str, key: str, schema: dict[str, pl.DataType]) -> pl.DataFrame | None:
    """The frame cached under name and key, or None when there is none to trust."""
    if folder is None:
        return None
    path = cache_path(folder, name, key)
    try:
        if pl.read_parquet_metadata(path).get(KEY_FIELD) != key:
            return None
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError):
        return None
    return frame if dict(frame.schema) == dict(schema) else None


def write_cached(folder: Path | None, name: str, key: str, frame: pl.DataFrame) -> None:
    """Written whole under a temporary name, then renamed: a reader sees the old file or the new one. A cache
    that cannot be written costs the next process the derivation, nothing more."""
    if folder is None:
        return
    path = cache_path(folder, name, key)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        frame.write_parquet(tmp, metadata={KEY_FIELD: key})
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)


def cached_frame(folder: Path | None, name: str, key: str, schema: dict[str, pl.DataType],
                 build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """build()'s frame (of schema), from the cache when a trusted copy is there, else built and cached."""
    found = read_cached(folder, name, key, schema)
    if found is not None:
        return found
    frame = build()
    write_cached(folder, name, key, frame)
    return frame


def package_file(package: str, *parts: str) -> Path:
    """A data file shipped inside an installed package, found without importing it (importing jieba costs
    0.2 s of CPU and pulls in pkg_resources)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


@cache
def jieba_dictionary() -> pl.DataFrame:
    """jieba's dict.txt (word, freq, tag), read once per process for every vocabulary derived from it."""
    return pl.read_csv(package_file("jieba", "dict.txt"), separator=" ", has_header=False, quote_char=None,
                       new_columns=["word", "freq", "tag"],
                       schema_overrides={"word": pl.String, "freq": pl.Int64, "tag": pl.String})
