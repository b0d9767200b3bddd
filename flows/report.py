"""The analysts' commands: `gazette sql` (with --format/--output/-f), `gazette export`, `gazette report`.

flows/cli.py registers them with `register(app)`; the logic lives here and in flows/export.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from flows.export import FORMATS, export_parquet, format_for, table_names, view_names, write_relation
from flows.settings import Settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
DbOption = Annotated[
    Optional[Path], typer.Option("--db", help="Warehouse file (default: $GAZETTE_DB or warehouse/gazette.duckdb).")
]
FormatOption = Annotated[Optional[str], typer.Option(
    "--format", help=f"Output format: {', '.join(FORMATS)} (default: from --output's suffix, else table).")]
OutputOption = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="Write the result to this file (replaced only once complete) instead of the terminal.")]


def _db(db: Optional[Path]) -> Path:
    return db or Settings().db


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(code)


def run_query(query: str, db: Path, fmt: str, output: Optional[Path], max_rows: int) -> None:
    import duckdb

    from warehouse.connection import WarehouseBusy, reader

    if not db.exists():
        _fail(f"{db}: no warehouse yet; create it with `gazette run`.", 2)
    try:
        with reader(db) as con:
            relation = con.sql(query)
            if relation is None:
                return
            rows = write_relation(relation, fmt, output, max_rows=max_rows)
    except (duckdb.Error, WarehouseBusy) as err:
        _fail(f"query failed: {err}")
    except ValueError as err:
        _fail(f"error: {err}", 2)
    if output is not None:
        counted = "" if rows is None else f"{rows} {'row' if rows == 1 else 'rows'}, "
        err_console.print(f"{output}: {counted}{fmt}", highlight=False)


def sql(
    query: Annotated[Optional[str], typer.Argument(
        help="SQL to run read-only, e.g. \"select headline from v_document\" (or use -f).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the SQL from this file.")] = None,
    db: DbOption = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    max_rows: Annotated[int, typer.Option(help="Rows to print at most (table format).")] = 40,
) -> None:
    """Run a read-only query against the warehouse: print it as a table, or write CSV, JSON or Parquet."""
    if (query is None) == (file is None):
        _fail("give either a QUERY or -f FILE", 2)
    if file is not None:
        if not file.is_file():
            _fail(f"{file}: no such file", 2)
        query = file.read_text(encoding="utf-8")
    try:
        fmt = format_for(output, fmt)
    except ValueError as err:
        _fail(f"error: {err}", 2)
    if fmt == "parquet" and output is None:
        _fail("error: --format parquet needs --output FILE (Parquet is binary)", 2)
    run_query(query, _db(db), fmt, output, max_rows)


def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write NAME.parquet files into (created if missing).")],
    db: DbOption = None,
    tables: Annotated[bool, typer.Option(help="Also export every base table, not only the views.")] = False,
) -> None:
    """Write every view of the warehouse (its stable interface) as Parquet, one file each, for tools that
    read files. A file is replaced only once it is complete."""
    import duckdb

    from warehouse.connection import WarehouseBusy, reader

    path = _db(db)
    if not path.exists():
        _fail(f"{path}: no warehouse yet; create it with `gazette run`.", 2)
    try:
        with reader(path) as con:
            names = view_names(con) + (table_names(con) if tables else [])
            written = export_parquet(con, directory, names)
    except (duckdb.Error, WarehouseBusy) as err:
        _fail(f"export failed: {err}")
    for name, rows in written.items():
        console.print(f"{directory / (name + '.parquet')}: {rows} rows", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(sql)
    app.command()(export)
