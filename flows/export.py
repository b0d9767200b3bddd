"""Query results out of the warehouse as files: `gazette sql --format/--output` and `gazette export`.

Everything is written from Python (DuckDB relation -> Arrow record batches -> pyarrow's writers), never with
SQL COPY: the readers' connections may have external access switched off, and a COPY would need it."""

from __future__ import annotations

import contextlib
import io
import json
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


def _write_json(schema: pa.Schema, batches: Iterator[pa.RecordBatch], out: BinaryIO) -> int:
    """A JSON array of one object per row, streamed batch by batch; Chinese text is kept as is."""
    rows = 0
    out.write(b"[")
    for batch in batches:
        for row in batch.to_pylist():
            out.write(b"," if rows else b"")
            out.write(b"\n" + json.dumps(row, ensure_ascii=False, default=_json_default).encode("utf-8"))
            rows += 1
    out.write(b"\n]\n" if rows else b"]\n")
    return rows


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
