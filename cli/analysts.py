"""The analysts' commands: `gazette sql` (with --format/--output/-f), `gazette export`, `gazette report`.

cli/app.py registers them with `register(app)`; the logic lives here and in reports/export.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from cli.errors import first_line
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



def _write_error(err: OSError, output: Path | None) -> str:
    """One line for a file that could not be written: the file the user named, and why."""
    return f"cannot write {output or err.filename}: {err.strerror or first_line(err)}"


def _fail(message: str, code: int = 1) -> None:
    err_console.print(f"[red]{message}[/red]", highlight=False)
    raise typer.Exit(code)


def _refuse_warehouse_files(targets: list[Path], db: Path) -> None:
    """Exit 2 with one line when an output would overwrite the warehouse, its snapshot or its marts."""
    from reports.marts import marts_path
    from warehouse.outputs import OutputRefused, refuse_warehouse_files

    try:
        for target in targets:
            refuse_warehouse_files(target, db, marts_path(db, Settings().marts_db))
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

    from cli.errors import explain, first_line
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
    import pyarrow as pa

    from cli.errors import existing_db, explain, first_line
    from reports.export import write_relation
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
        _fail(f"error: {first_line(err)}", 2)
    except OSError as err:
        _fail(f"error: {_write_error(err, output)}")
    except pa.ArrowException as err:
        _fail(f"error: cannot write the result as {fmt}: {first_line(err)}")
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
        try:
            query = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            _fail(f"{file}: not UTF-8 text (byte {err.start}); save the SQL as UTF-8", 2)
        except OSError as err:
            _fail(f"{file}: cannot read it ({err.strerror})", 2)
    try:
        fmt = format_for(output, fmt)
    except ValueError as err:
        _fail(f"error: {err}", 2)
    if fmt == "parquet" and output is None:
        _fail("error: --format parquet needs --output FILE (Parquet is binary)", 2)
    run_query(query, db, fmt, output, max_rows, allow_files)


EXPORT_FORMATS = ("parquet", "xlsx")


def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write into (created if missing).")],
    db: DbOption = None,
    tables: Annotated[bool, typer.Option(help="Also export every base table, not only the views.")] = False,
    marts: Annotated[bool, typer.Option(help="Also export the dbt marts (built first when the warehouse "
                                             "changed).")] = False,
    fmt: Annotated[str, typer.Option("--format", help="parquet: DIR/NAME.parquet per view; xlsx: one workbook "
                                                      "DIR/NAME.xlsx (NAME: the warehouse's), a sheet per view "
                                                      "and a first sheet 说明 describing every column.")] = "parquet",
) -> None:
    """Write every view of the warehouse (its stable interface) for tools that read files: Parquet, one file
    each, or one Excel workbook. A file is replaced only once it is complete."""
    import duckdb

    from reports.export import column_comments, export_parquet, table_names, view_names, write_xlsx
    from warehouse.connection import WarehouseBusy, reader

    if fmt not in EXPORT_FORMATS:
        _fail(f"--format must be one of {', '.join(EXPORT_FORMATS)}, not {fmt!r}", 2)
    path = warehouse_path(db)
    if not path.exists():
        _fail(f"{path}: no warehouse yet; create it with `gazette run`.", 2)
    if directory.exists() and not directory.is_dir():
        _fail(f"{directory} is a file; `gazette export` writes its files into a folder", 2)
    marts_file = fresh_marts(db, None) if marts else None
    written: dict[str, int] = {}
    source = path
    try:
        source = _reading(path)
        with reader(source) as con, _marts_reader(marts_file) as marts_con:
            names = view_names(con) + (table_names(con) if tables else [])
            mart_names = _mart_tables(marts_con)
            _refuse_warehouse_files([directory / f"{name}.parquet" for name in names + mart_names]
                                    if fmt == "parquet" else [directory / f"{path.stem}.xlsx"], path)
            if fmt == "parquet":
                for name, rows in export_parquet(con, directory, names).items():
                    written[str(directory / f"{name}.parquet")] = rows
                if marts_con is not None:
                    for name, rows in export_parquet(marts_con, directory, mart_names).items():
                        written[str(directory / f"{name}.parquet")] = rows
            else:
                from reports.marts import mart_descriptions

                said = column_comments(con, names)
                sheets = [(name, con.table(name), *said[name]) for name in names]
                if marts_con is not None:
                    described = mart_descriptions()
                    sheets += [(name, marts_con.table(name), *described.get(name, ("", {}))) for name in mart_names]
                workbook = directory / f"{path.stem}.xlsx"
                for name, rows in write_xlsx(workbook, sheets).items():
                    written[f"{workbook}, sheet {name[:31]}"] = rows
    except (duckdb.Error, WarehouseBusy) as err:
        _fail(f"export failed: {_failed_reading(err, path, source)}")
    except OSError as err:
        _fail(f"export failed: {_write_error(err, None)}")
    for label, rows in written.items():
        console.print(f"{label}: {rows} rows", highlight=False, markup=False)


def _marts_reader(marts: Optional[Path]):
    import contextlib

    import duckdb

    if marts is None:
        return contextlib.nullcontext()
    return contextlib.closing(duckdb.connect(str(marts), read_only=True))


def _mart_tables(con) -> list[str]:
    from reports.export import table_names
    from reports.marts import mart_names

    return [] if con is None else [name for name in table_names(con) if name in mart_names()]


def register(app: typer.Typer) -> None:
    app.command()(sql)
    app.command()(export)
    app.command()(report)
    app.command()(figures)


def fresh_marts(db: Optional[Path], build: Optional[bool]) -> Path:
    """The marts file of the warehouse, built first when asked or when the warehouse or the dbt project
    changed since the last build (build None)."""
    from reports.marts import build_marts, marts_path, needs_build

    path = warehouse_path(db)
    if not path.exists():
        _fail(f"{path}: no warehouse yet; create it with `gazette run`.", 2)
    marts = marts_path(path, Settings().marts_db)
    if build or (build is None and needs_build(path, marts)):
        _readable_warehouse(path)  # dbt would say it in ~90 lines
        err_console.print(f"dbt build: {path} -> {marts}", highlight=False)
        result = build_marts(path, marts)
        summary = [line for line in result.output.splitlines() if "Done." in line or "ERROR" in line or "FAIL" in line]
        if not result.ok:
            errors = [line.strip() for line in summary if "Done." not in line]
            cause = errors[0] if errors else (result.output.strip().splitlines() or ["no output"])[-1]
            _fail(f"dbt build failed, the marts were left as they were: {cause} (dbt's log: {result.log})")
        err_console.print("\n".join(summary[-3:]), highlight=False, markup=False)
    if not marts.exists():
        _fail(f"{marts}: no marts yet; run `gazette report --build`", 2)
    return marts


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
    import duckdb
    import pyarrow as pa

    from reports.export import write_relation
    from reports.marts import mart_names, read_mart

    names = mart_names()
    if name is None and html is None and build is None:
        console.print("marts: " + ", ".join(names))
        return
    if name is not None and name not in names:
        _fail(f"no mart {name!r}; marts: {', '.join(names)}", 2)
    try:
        fmt = format_for(output, fmt)
    except ValueError as err:
        _fail(f"error: {err}", 2)
    _refuse_warehouse_files([p for p in (html, output) if p is not None], warehouse_path(db))
    marts = fresh_marts(db, build)
    if html is not None:
        from reports.html import write_html_report

        try:
            write_html_report(marts, html, Settings().cache)
        except duckdb.Error as err:
            _fail(f"error: {_marts_error(err, marts)}")
        except OSError as err:
            _fail(f"error: {_write_error(err, html)}")
        console.print(f"{html}: HTML report", highlight=False)
    if name is not None:
        try:
            con, relation = read_mart(marts, name)
        except duckdb.Error as err:
            _fail(f"error: {_marts_error(err, marts)}")
        try:
            rows = write_relation(relation, fmt, output, max_rows=max_rows)
        except duckdb.Error as err:
            _fail(f"error: {_marts_error(err, marts)}")
        except OSError as err:
            _fail(f"error: {_write_error(err, output)}")
        except pa.ArrowException as err:
            _fail(f"error: cannot write {name} as {fmt}: {first_line(err)}")
        finally:
            con.close()
            del con, relation  # not kept alive by the exit's traceback
        if output is not None:
            err_console.print(f"{output}: {rows} rows, {fmt}", highlight=False)


def _marts_error(err: Exception, marts: Path) -> str:
    return f"{marts} is not a readable marts file ({first_line(err)}); rebuild it with `gazette report --build`"


def _readable_warehouse(path: Path) -> None:
    """Exit with one line unless path opens as a DuckDB warehouse."""
    import duckdb

    from cli.errors import explain
    from warehouse.connection import WarehouseBusy, reader

    try:
        with reader(path, wait_seconds=0):
            pass
    except WarehouseBusy:
        pass  # a run holds it: dbt waits for it as before
    except duckdb.Error as err:
        _fail(f"error: {explain(err, path)}")


MEASURES = ("level", "growth_pct", "share_pct", "rank", "count", "change")


def figures(
    indicator: Annotated[str, typer.Argument(
        help="Indicator: a canonical name or any alias the extractor knows (GDP, 生产总值, 固投), or the noun "
             "phrase of an indicator outside the list.")],
    region: Annotated[Optional[str], typer.Option(
        "--region", help="Only this region: its name, full name or a short form (二七 for 二七区).")] = None,
    from_year: Annotated[Optional[int], typer.Option("--from", help="First year shown.")] = None,
    to_year: Annotated[Optional[int], typer.Option("--to", help="Last year shown.")] = None,
    measure: Annotated[str, typer.Option(
        help=f"Which figures: {', '.join(MEASURES)} or all.")] = "level",
    undated: Annotated[bool, typer.Option(
        "--undated", help="Also list the figures with no single year (undated or spanning years).")] = False,
    db: DbOption = None,
    build: Annotated[Optional[bool], typer.Option(
        "--build/--no-build", help="Run `dbt build` first (default: when the warehouse changed).")] = None,
) -> None:
    """An indicator's values over the years, one line each: year, value (亿/万 and unit), region and where
    it was read (headline, date, the sentence, shortened). Targets are marked 目标. Reads the
    fct_indicator_series mart, built from the warehouse when it changed."""
    from rich.cells import cell_len

    from reports.figures import indicator_names, read_series, resolve_indicator, shorten

    if measure != "all" and measure not in MEASURES:
        _fail(f"--measure must be one of {', '.join(MEASURES)} or all, not {measure!r}", 2)
    name = resolve_indicator(indicator)
    marts = fresh_marts(db, build)
    import duckdb

    con = duckdb.connect(str(marts), read_only=True)
    try:
        dated, no_year = read_series(con, name, region=region, from_year=from_year, to_year=to_year,
                                     measures=None if measure == "all" else (measure,))
        if dated.is_empty() and no_year.is_empty():
            if region is not None:
                places = read_series(con, name)[0]["region"].unique(maintain_order=True).to_list()
                _fail(f"no figures of {name} for {region}" + (f"; regions with figures of it: "
                                                               f"{', '.join(places[:12])}" if places else ""), 1)
            _fail(f"no figures of {name}" + (f" ({measure})" if measure != "all" else "")
                  + f"; indicators with the most figures: {', '.join(indicator_names(con)[:12])}", 1)
    finally:
        con.close()

    def cells(row: dict, when: str) -> list[str]:
        marks = " ".join(m for m in ("目标" if row["is_target"] else "",
                                     f"≠{row['values_stated']}" if row["values_stated"] > 1 else "") if m)
        headline = f"《{shorten(row['headline'], 24)}》" if row["headline"] else "(no headline)"
        return [when, marks, row["shown"], row["region"], headline, str(row["published_on"] or "no date"),
                shorten(row["sentence"])]

    lines = [cells(r, str(r["year"]) + ("" if r["full_year"] else f" {r['period_label'] or ''}"))
             for r in dated.iter_rows(named=True)]
    if undated:
        lines += [cells(r, r["period_label"] or "年份不详") for r in no_year.iter_rows(named=True)]
    widths = [max(cell_len(line[i]) for line in lines) for i in range(len(lines[0]) - 1)] if lines else []
    regions = dated["region"].n_unique()
    title = name + (f" ({indicator})" if name != indicator else "") + f", {measure}"
    console.print(f"{title}: {dated.height} figures with a year in {regions} region{'s' if regions != 1 else ''}"
                  + (" (目标: a target; ≠N: documents give N values, fct_reconciliation has them)"
                     if any(line[1] for line in lines) else ""), highlight=False, markup=False)
    for line in lines:
        padded = [cell + " " * (width - cell_len(cell)) for cell, width in zip(line, widths)]
        console.print("  ".join(padded + line[-1:]), highlight=False, markup=False)
    if no_year.height and not undated:
        console.print(f"{no_year.height} more without a single year (undated, or spanning years): --undated "
                      "lists them", highlight=False, markup=False)
