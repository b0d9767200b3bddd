"""What a command says when it fails: one line with the cause and what to do about it."""

from __future__ import annotations

import errno
from pathlib import Path

import typer
from rich.console import Console


def first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]


def existing_db(path: Path, console: Console) -> Path:
    """The warehouse at path, or exit 2 with one line when there is none."""
    if not path.is_file():
        console.print(f"[red]error:[/red] {path}: no warehouse there; create it with `gazette run` "
                      "or name one with --db.", highlight=False)
        raise typer.Exit(2)
    return path


def explain(err: BaseException, path: Path) -> str:
    """One line with the cause of a failure to open or use the warehouse, and what to do about it."""
    import duckdb

    from warehouse.connection import WarehouseBusy
    from warehouse.migrate import SchemaTooNew

    text = first_line(err)
    if isinstance(err, (WarehouseBusy, SchemaTooNew)):
        return f"{path}: {text}"
    if isinstance(err, OSError) and err.errno == errno.ENOSPC or "No space left on device" in str(err):
        return (f"no space left on the disk holding {path.resolve().parent} (warehouse, staging or DuckDB's "
                "temporary files); free some and run again: batches already committed are kept")
    if isinstance(err, duckdb.Error):
        lowered = str(err).lower()
        if "not a valid duckdb database file" in lowered or "could not read enough bytes" in lowered:
            return (f"{path} is not a readable warehouse (truncated or not a DuckDB file): {text}. "
                    "Restore it from a copy, or run into a new --db")
        if "corrupt database file" in lowered or "checksum" in lowered:
            return f"{path} is corrupt ({text}); restore it from a copy, or rebuild it with `gazette run` into a new --db"
        if "version number" in lowered:
            return f"{path} was written by another DuckDB version ({text}); use Gazette's pinned DuckDB"
    return f"{type(err).__name__}: {text}"
