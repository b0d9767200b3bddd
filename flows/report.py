"""The analysts' commands: `gazette sql` (with --format/--output/-f), `gazette export`, `gazette report`.

flows/cli.py registers them with `register(app)`; the logic lives here and in flows/export.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from flows.settings import Settings, warehouse_path

FORMATS = ("table", "csv", "json", "parquet")
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
DbOption = Annotated[
    Optional[Path], typer.Option("--db", help="Warehouse file (default: $GAZETTE_DB or warehouse/gazette.duckdb).")
]
FormatOption = Annotated[Optional[str], typer.Option(
    "--format", help=f"Output format: {', '.join(FORMATS)} (default: from --output's suffix, else table).")]
OutputOption = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="Write the result to this file (replaced only once complete) instead of the terminal.")]


def format_for(output: Path | None, fmt: str | None) -> str:
    """The format asked for, else the one the output file's suffix names, else a table on the terminal."""
    if fmt:
        if fmt not in FORMATS:
            raise ValueError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output else ""
    return {"csv": "csv", "json": "json", "parquet": "parquet", "pq": "parquet"}.get(suffix, "table")



def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(code)


def _refuse_warehouse_files(targets: list[Path], db: Path) -> None:
    """Exit 2 with one line when an output would overwrite the warehouse, its snapshot or its marts."""
    from flows.marts import marts_path
    from warehouse.outputs import OutputRefused, refuse_warehouse_files

    try:
        for target in targets:
            refuse_warehouse_files(target, db, marts_path(db))
    except OutputRefused as err:
        _fail(str(err), 2)


def _reading(path: Path) -> Path:
    """What a reader opens: the read snapshot when it is current (published again when it is not), else the
    warehouse itself, said in one line."""
    from warehouse.publish import read_source

    source, note = read_source(path, use_snapshot=Settings().read_snapshot)
    if note:
        err_console.print(note, highlight=False)
    return source


def _failed_reading(err: Exception, path: Path, source: Path) -> str:
    """One line for a failure while reading source. A broken read snapshot is the snapshot's fault, not the
    warehouse's: it is published again, and the user told to run the command once more."""
    import duckdb

    from flows.errors import explain, first_line
    from warehouse.publish import publish_snapshot

    broken = isinstance(err, (duckdb.IOException, duckdb.SerializationException, duckdb.InternalException,
                              duckdb.FatalException)) or "corrupt" in str(err).lower() or "checksum" in str(err).lower()
    if source == path or not broken:
        return explain(err, path)
    try:
        publish_snapshot(path, force=True, wait_seconds=2.0)
        done = "published it again from the warehouse (which is not affected); run the command again"
    except Exception as publish_err:
        done = (f"could not publish it again ({first_line(publish_err)}); the warehouse is not affected: "
                "GAZETTE_READ_SNAPSHOT=0 reads it directly")
    return f"the read snapshot {source} is unreadable ({first_line(err)}); {done}"


def run_query(query: str, db: Path, fmt: str, output: Optional[Path], max_rows: int,
              allow_files: Optional[list[Path]] = None) -> None:
    """Run read-only queries (the last one's result is written): any statement that is not a query is refused
    before anything runs, as `gazette sql` always did."""
    import duckdb

    from flows.errors import existing_db, explain, first_line
    from flows.export import write_relation
    from warehouse.connection import WarehouseBusy, reader
    from warehouse.statements import KINDS, first_refused

    path = existing_db(warehouse_path(db), Console(soft_wrap=True))
    if output is not None:
        _refuse_warehouse_files([output], path)
    rows, source = None, path
    try:
        source = _reading(path)
        with reader(source, allow_files=allow_files or (), memory_limit=Settings().query_memory_limit) as con:
            statements = con.extract_statements(query)
            refused = first_refused(con, statements)
            if refused:
                i, what = refused
                _fail(f"refused: statement {i} of {len(statements)} is {what}; `gazette sql` runs read-only "
                      f"queries ({KINDS}). Nothing was run.", 2)
            relation = None
            for statement in statements:
                relation = con.sql(statement.query)
            if len(statements) > 1:
                err_console.print(f"ran {len(statements)} statements; the result of the last:", highlight=False)
            if relation is None:
                return
            rows = write_relation(relation, fmt, output, max_rows=max_rows)
    except duckdb.PermissionException as err:
        _fail(f"refused: {first_line(err)} (a query reads the warehouse only; --allow-files DIR lets it read "
              "files under DIR)", 2)
    except WarehouseBusy as err:
        _fail(f"error: {explain(err, path)}")
    except duckdb.Error as err:
        _fail(f"query failed: {_failed_reading(err, path, source)}")
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
    allow_files: Annotated[Optional[list[Path]], typer.Option(
        "--allow-files", help="Let the query read files under this folder (read_csv, read_parquet ...); repeat for "
        "several. Without it a query can read the warehouse and nothing else.")] = None,
) -> None:
    """Run a read-only query against the warehouse: print it as a table, or write CSV, JSON or Parquet.

    Only queries run (SELECT, EXPLAIN, PRAGMA, CALL): a statement that would write, attach, install or export
    is refused and nothing runs. Several statements separated by ';' run in order; the last one's result is
    written. Files outside the warehouse are out of reach unless --allow-files names them."""
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
    run_query(query, db, fmt, output, max_rows, allow_files)


def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write NAME.parquet files into (created if missing).")],
    db: DbOption = None,
    tables: Annotated[bool, typer.Option(help="Also export every base table, not only the views.")] = False,
) -> None:
    """Write every view of the warehouse (its stable interface) as Parquet, one file each, for tools that
    read files. A file is replaced only once it is complete."""
    import duckdb

    from flows.export import export_parquet, table_names, view_names
    from warehouse.connection import WarehouseBusy, reader

    path = warehouse_path(db)
    if not path.exists():
        _fail(f"{path}: no warehouse yet; create it with `gazette run`.", 2)
    if directory.exists() and not directory.is_dir():
        _fail(f"{directory} is a file; name a folder to write the Parquet files into", 2)
    source = path
    try:
        source = _reading(path)
        with reader(source) as con:
            names = view_names(con) + (table_names(con) if tables else [])
            _refuse_warehouse_files([directory / f"{name}.parquet" for name in names], path)
            written = export_parquet(con, directory, names)
    except (duckdb.Error, WarehouseBusy) as err:
        _fail(f"export failed: {_failed_reading(err, path, source)}")
    for name, rows in written.items():
        console.print(f"{directory / (name + '.parquet')}: {rows} rows", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(sql)
    app.command()(export)
    app.command()(report)


def report(
    name: Annotated[Optional[str], typer.Argument(
        help="A mart of the dbt project (dbt/models/marts) to print or write; omit to list them.")] = None,
    db: DbOption = None,
    html: Annotated[Optional[Path], typer.Option(
        "--html", help="Write the charts page (one self-contained HTML file) here.")] = None,
    build: Annotated[Optional[bool], typer.Option(
        "--build/--no-build", help="Run `dbt build` first (default: when the warehouse or the project "
                                   "changed since the marts were built).")] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    max_rows: Annotated[int, typer.Option(help="Rows to print at most (table format).")] = 200,
) -> None:
    """Build the dbt project's marts from the warehouse (all its tests must pass) and print one, or write the
    HTML report. The marts live in their own file (NAME_marts.duckdb beside the warehouse, or
    $GAZETTE_MARTS_DB); the warehouse is only read."""
    from flows.export import write_relation
    from flows.marts import build_marts, mart_names, marts_path, needs_build, read_mart

    names = mart_names()
    if name is None and html is None and build is None:
        console.print("marts: " + ", ".join(names))
        return
    if name is not None and name not in names:
        _fail(f"no mart {name!r}; marts: {', '.join(names)}", 2)
    path = warehouse_path(db)
    if not path.exists():
        _fail(f"{path}: no warehouse yet; create it with `gazette run`.", 2)
    marts = marts_path(path)
    try:
        fmt = format_for(output, fmt)
    except ValueError as err:
        _fail(f"error: {err}", 2)
    _refuse_warehouse_files([p for p in (html, output) if p is not None], path)
    if build or (build is None and needs_build(path, marts)):
        err_console.print(f"dbt build: {path} -> {marts}", highlight=False)
        result = build_marts(path, marts)
        summary = [line for line in result.output.splitlines() if "Done." in line or "ERROR" in line or "FAIL" in line]
        if not result.ok:
            err_console.print(result.output[-6000:], highlight=False, markup=False)
            _fail("dbt build failed; the marts were left as they were")
        err_console.print("\n".join(summary[-3:]), highlight=False, markup=False)
    if not marts.exists():
        _fail(f"{marts}: no marts yet; run `gazette report --build`", 2)
    if html is not None:
        from flows.html_report import write_html_report

        write_html_report(marts, html)
        console.print(f"{html}: HTML report", highlight=False)
    if name is not None:
        con, relation = read_mart(marts, name)
        try:
            rows = write_relation(relation, fmt, output, max_rows=max_rows)
        finally:
            con.close()
        if output is not None:
            err_console.print(f"{output}: {rows} rows, {fmt}", highlight=False)
