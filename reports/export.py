"""Query results out of the warehouse as files: `gazette sql --format/--output` and `gazette export`.

Everything is written from Python (DuckDB relation -> Arrow record batches -> pyarrow's writers), never with
SQL COPY: the readers' connections may have external access switched off, and a COPY would need it."""

from __future__ import annotations

import contextlib
import io
import json
import math
import sys
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from warehouse.outputs import atomic_output

BATCH_ROWS = 65_536


@contextlib.contextmanager
def _batches(relation: duckdb.DuckDBPyRelation) -> Iterator[tuple[pa.Schema, Iterator[pa.RecordBatch]]]:
    # Closed on the way out, errors included: a stream left open (say, held by a traceback) keeps the
    # query's connection busy, and the next connection to the same file in this process waits on it.
    reader = relation.to_arrow_reader(BATCH_ROWS)
    try:
        yield reader.schema, iter(reader)
    finally:
        reader.close()


def _json_default(value: object) -> object:
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _finite(value: object) -> object:
    """value with every NaN or infinity (which JSON cannot hold) made None, at any depth."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _json_row(row: dict) -> bytes:
    try:
        text = json.dumps(row, ensure_ascii=False, default=_json_default, allow_nan=False)
    except ValueError:  # NaN or infinity somewhere: null, as JSON readers expect, not Python's NaN/Infinity
        text = json.dumps(_finite(row), ensure_ascii=False, default=_json_default, allow_nan=False)
    return text.encode("utf-8")


def _write_json(schema: pa.Schema, batches: Iterator[pa.RecordBatch], out: BinaryIO) -> int:
    """A JSON array of one object per row, streamed batch by batch; Chinese text is kept as is."""
    rows = 0
    out.write(b"[")
    for batch in batches:
        for row in batch.to_pylist():
            out.write(b"," if rows else b"")
            out.write(b"\n" + _json_row(row))
            rows += 1
    out.write(b"\n]\n" if rows else b"]\n")
    return rows


def _intervals_as_text(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """INTERVAL columns as DuckDB writes them ('1 day 02:00:00'): Arrow's CSV and Parquet writers have no
    interval type, and JSON none either."""
    if not any(str(t) == "INTERVAL" for t in relation.types):
        return relation
    names = ['"' + name.replace('"', '""') + '"' for name in relation.columns]
    return relation.project(", ".join(f"{n}::varchar as {n}" if str(t) == "INTERVAL" else n
                                      for n, t in zip(names, relation.types)))


def _csv_safe(schema: pa.Schema) -> pa.Schema:
    # CSV has no nested values: lists, structs and maps go out as their JSON-ish text.
    fields = [pa.field(f.name, pa.string()) if pa.types.is_nested(f.type) else f for f in schema]
    return pa.schema(fields)


def _write_csv(schema: pa.Schema, batches: Iterator[pa.RecordBatch], out: BinaryIO) -> int:
    safe = _csv_safe(schema)
    rows = 0
    with pa_csv.CSVWriter(out, safe) as writer:
        for batch in batches:
            if safe != schema:
                batch = pa.RecordBatch.from_arrays(
                    [pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=_json_default)
                               for v in col.to_pylist()], pa.string()) if pa.types.is_nested(col.type) else col
                     for col in batch.columns], schema=safe)
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def _write_parquet(schema: pa.Schema, batches: Iterator[pa.RecordBatch], path: Path) -> int:
    rows = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def write_relation(relation: duckdb.DuckDBPyRelation, fmt: str, output: Path | None = None,
                   max_rows: int = 40) -> int | None:
    """Write a query's result as fmt to output (a file, replaced atomically) or to stdout.
    Returns the rows written (None for the table format, which shows at most max_rows)."""
    if fmt == "table":
        if output is None:
            relation.show(max_rows=max_rows, max_width=200)
            return None
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            relation.show(max_rows=max_rows, max_width=200)
        with atomic_output(output) as partial:
            partial.write_text(text.getvalue(), encoding="utf-8")
        return None
    if fmt == "parquet" and output is None:
        raise ValueError("--format parquet needs --output FILE (Parquet is binary)")
    relation = _intervals_as_text(relation)
    with _batches(relation) as (schema, batches):
        if fmt == "parquet":
            with atomic_output(output) as partial:
                return _write_parquet(schema, batches, partial)
        writer = _write_csv if fmt == "csv" else _write_json
        if output is None:
            sys.stdout.flush()
            rows = writer(schema, batches, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return rows
        with atomic_output(output) as partial, partial.open("wb") as out:
            return writer(schema, batches, out)


def view_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The warehouse's own views (its stable interface), in name order."""
    return [name for (name,) in con.execute(
        "select view_name from duckdb_views() where not internal and schema_name = 'main' "
        "and database_name = current_database() order by view_name").fetchall()]


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [name for (name,) in con.execute(
        "select table_name from duckdb_tables() where not internal and schema_name = 'main' "
        "and database_name = current_database() order by table_name").fetchall()]


def export_parquet(con: duckdb.DuckDBPyConnection, directory: Path, names: list[str]) -> dict[str, int]:
    """Each of `names` (views or tables) as directory/NAME.parquet; returns rows written per name."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in names:
        relation = con.table(name) if "." not in name else con.sql(f"select * from {name}")
        with _batches(relation) as (schema, batches), \
                atomic_output(directory / f"{name.split('.')[-1]}.parquet") as partial:
            written[name] = _write_parquet(schema, batches, partial)
    return written


# Excel's limits: rows per sheet (the header included), characters per cell, characters in a sheet name
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767
XLSX_MAX_NAME = 31


def _xlsx_value(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; DuckDB's timestamps here are UTC
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str) and len(value) > XLSX_MAX_CELL:
        return value[: XLSX_MAX_CELL - 1] + "…"
    return value


def write_xlsx(path: Path, sheets: list[tuple[str, duckdb.DuckDBPyRelation, str, dict[str, str]]]) -> dict[str, int]:
    """One workbook: a first sheet "说明" describing every sheet and column, then one sheet per
    (name, relation, description, column descriptions), its header the relation's columns. Rows past Excel's
    limit and text past its cell limit are cut, and the 说明 sheet says so. Returns rows written per name."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)  # rows streamed to disk: memory stays flat whatever the size
    bold = Font(bold=True)

    def header(sheet, names) -> list:
        cells = [WriteOnlyCell(sheet, value=name) for name in names]
        for cell in cells:
            cell.font = bold
        return cells

    notes = workbook.create_sheet("说明")
    notes.append(header(notes, ("sheet", "column", "description")))
    titles = {}
    for name, relation, description, columns in sheets:
        title = name[:XLSX_MAX_NAME]
        titles[name] = title
        total = relation.aggregate("count(*)").fetchall()[0][0]
        cut = f" Only the first {XLSX_MAX_ROWS - 1} of its {total} rows fit in a sheet." \
            if total >= XLSX_MAX_ROWS else ""
        notes.append([title, None, (f"{name}: " if title != name else "") + (description or "") + cut])
        for column in relation.columns:
            notes.append([title, column, columns.get(column, "")])
    written = {}
    for name, relation, _, _ in sheets:
        sheet = workbook.create_sheet(titles[name])
        sheet.freeze_panes = "A2"
        sheet.append(header(sheet, relation.columns))
        rows = 0
        with _batches(relation.limit(XLSX_MAX_ROWS - 1)) as (_, batches):
            for batch in batches:
                for row in batch.to_pylist():
                    sheet.append([_xlsx_value(v) for v in row.values()])
                rows += batch.num_rows
        written[name] = rows
    with atomic_output(path) as partial:
        workbook.save(partial)
    return written


def column_comments(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, tuple[str, dict[str, str]]]:
    """name -> (its comment, {column: comment}) from the catalog (COMMENT ON, from dbt's sources.yml)."""
    out = {name: ("", {}) for name in names}
    for name, comment in con.execute(
            "select view_name, comment from duckdb_views() where schema_name = 'main' and not internal "
            "union all select table_name, comment from duckdb_tables() where schema_name = 'main'").fetchall():
        if name in out:
            out[name] = (comment or "", out[name][1])
    for name, column, comment in con.execute(
            "select table_name, column_name, comment from duckdb_columns() where schema_name = 'main' "
            "and not internal order by table_name, column_index").fetchall():
        if name in out and comment:
            out[name][1][column] = comment
    return out
