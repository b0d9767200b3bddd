"""The warehouse tables extraction fills, as staged frames (their columns and types, as in sql/schema), and
the helpers every extractor builds them with. The bottom of the package: it imports none of it."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "dim_region": {
        "region_key": pl.Int64, "name": pl.String, "level": pl.String, "parent_region_key": pl.Int64,
        "full_name": pl.String, "code": pl.String, "kind": pl.String,
    },
    "dim_person": {"person_key": pl.Int64, "name": pl.String},
    "dim_organization": {"organization_key": pl.Int64, "name": pl.String, "kind": pl.String},
    "dim_indicator": {"indicator_key": pl.Int64, "name": pl.String, "category": pl.String, "base_unit": pl.String},
    "dim_project": {"project_key": pl.Int64, "name": pl.String, "region_key": pl.Int64},
    "fact_metric": {
        "metric_key": pl.Int64, "document_key": pl.Int64, "sentence_no": pl.Int32, "span_start": pl.Int32,
        "span_end": pl.Int32, "region_key": pl.Int64, "indicator_key": pl.Int64, "value": pl.Float64,
        "unit": pl.String, "base_value": pl.Float64, "base_unit": pl.String, "measure": pl.String,
        "comparison": pl.String, "is_target": pl.Boolean, "qualifier": pl.String, "period_label": pl.String,
        "period_start_key": pl.Int32, "period_end_key": pl.Int32, "indicator_text": pl.String,
        "value_high": pl.Float64, "base_value_high": pl.Float64,
        # later statements of the same fact in the document (transforms/extract/restated.py)
        "restated": pl.List(pl.Struct({"sentence_no": pl.Int32, "span_start": pl.Int32, "span_end": pl.Int32})),
    },
    "fact_person_title": {
        "document_key": pl.Int64, "person_key": pl.Int64, "title": pl.String, "organization_key": pl.Int64,
        "region_key": pl.Int64, "sentence_no": pl.Int32, "span_start": pl.Int32, "span_end": pl.Int32,
    },
    "fact_mention": {
        "document_key": pl.Int64, "entity_type": pl.String, "entity_key": pl.Int64, "surface": pl.String,
        "sentence_no": pl.Int32, "span_start": pl.Int32, "span_end": pl.Int32,
    },
    "fact_term": {
        "document_key": pl.Int64, "term": pl.String, "pos": pl.String, "frequency": pl.Int32,
        "weight": pl.Float64, "rank": pl.Int32,
    },
}


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[table])


CHUNK_CHARS = 100_000


def per_text_rows(texts: pl.DataFrame, column: str, call: Callable[[str], list[tuple]],
                  schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """UDF for per-text library calls: call(text) -> tuples, once per text; the tuples become one frame
    (schema columns) with the text's document_key.

    The tuples become columns every CHUNK_CHARS of text: held for a whole 2 MB batch, jieba's token
    tuples added 60 MB to the process at their peak, in chunks 10 MB."""
    keys = texts["document_key"]
    frames, rows, counts, first, chars = [], [], [], 0, 0
    for i, text in enumerate(texts[column].to_list()):
        found = call(text)
        rows.extend(found)
        counts.append(len(found))
        chars += len(text)
        if chars >= CHUNK_CHARS or i == texts.height - 1:
            repeated = keys.slice(first, len(counts)).repeat_by(pl.Series(counts, dtype=pl.UInt32))
            # one list per column: Polars builds those 2.5x faster than a frame from row tuples
            columns = {name: [row[c] for row in rows] for c, name in enumerate(schema)}
            frames.append(pl.DataFrame(columns, schema=schema).with_columns(
                repeated.explode().drop_nulls().alias("document_key")))
            first, rows, counts, chars = first + len(counts), [], [], 0
    if not frames:
        return pl.DataFrame(schema={**schema, "document_key": keys.dtype})
    return pl.concat(frames)


def conform(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """frame as its warehouse table's staged shape: that table's columns, in order, cast to their types."""
    return frame.select([pl.col(c).cast(t) for c, t in SCHEMAS[table].items()])
