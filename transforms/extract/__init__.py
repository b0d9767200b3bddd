"""Extraction: cleaned documents and sentences -> facts and the dimension rows they point to.

Every frame here has exactly the columns of its warehouse table (sql/schema); keys come from
transforms.keys.stable_key over the natural key (region full_name, person/organization/indicator/project
name), so batches agree on them without the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "dim_region": {
        "region_key": pl.Int64, "name": pl.String, "level": pl.String, "parent_region_key": pl.Int64,
        "full_name": pl.String, "code": pl.String,
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


@dataclass(frozen=True)
class Extracted:
    """Frames keyed by warehouse table name; missing tables are empty."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pl.DataFrame:
        frame = self.tables.get(name)
        if frame is None:
            return empty(name)
        return frame.select([pl.col(c).cast(t) for c, t in SCHEMAS[name].items()])


def extract(documents: pl.DataFrame, sentences: pl.DataFrame) -> Extracted:
    """documents: dim_document-shaped rows of the batch (document_key, headline, published_on, body, ...);
    sentences: fact_sentence rows. The extraction issue fills this in; until then no facts."""
    return Extracted()
