"""Extraction: cleaned documents and sentences -> facts and the dimension rows they point to.

Every frame here has exactly the columns of its warehouse table (sql/schema); keys come from
transforms.keys.stable_key over the natural key (region full_name, person/organization/indicator/project
name), so batches agree on them without the warehouse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Extracted:
    """Frames keyed by warehouse table name; missing tables are empty."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)

    def table(self, name: str) -> pl.DataFrame:
        frame = self.tables.get(name)
        if frame is None:
            return empty(name)
        return conform(frame, name)


@dataclass(frozen=True)
class Resources:
    """Dictionaries and rules extraction reads, loaded once per process by the caller."""

    gazetteer: object
    metric_rules: object
    official_rules: object

    @classmethod
    def load(cls) -> "Resources":
        from transforms.extract.metric_rules import default_metric_rules
        from transforms.extract.officials import default_official_rules
        from transforms.extract.gazetteer import load_gazetteer

        return cls(load_gazetteer(), default_metric_rules(), default_official_rules())


def extract(documents: pl.DataFrame, sentences: pl.DataFrame, resources: Resources | None = None,
            timings: dict[str, float] | None = None) -> Extracted:
    """documents: dim_document-shaped rows of the batch (document_key, headline, published_on, body, ...);
    sentences: fact_sentence rows. Returns every fact and dimension frame of the batch; timings, when
    given, receives the seconds spent in segmentation ('segment')."""
    import time

    from transforms.extract.attribution import metric_regions
    from transforms.extract.context import document_context
    from transforms.extract.metrics import extract_metrics
    from transforms.extract.officials import extract_officials
    from transforms.extract.projects import extract_projects
    from transforms.extract.regions import extract_regions
    from transforms.extract.script import to_simplified
    from transforms.extract.subject import region_context
    from transforms.extract.terms import extract_terms

    resources = resources or Resources.load()
    if documents.is_empty():
        return Extracted()
    # the Simplified form regions and officials match in (one character for one: spans index the body)
    matchable = documents.with_columns(to_simplified(documents["body"]).alias("match_text"))
    matchable_sentences = sentences.with_columns(to_simplified(sentences["text"]).alias("match_text"))
    dim_region, region_mentions, subject = extract_regions(matchable, matchable_sentences, resources.gazetteer)
    regions = region_context(dim_region, region_mentions, subject)
    context = document_context(documents, sentences)  # once per document, for every step that reads it
    metrics, indicators = extract_metrics(documents, sentences, resources.metric_rules, context=context)
    person_titles, persons, organizations, person_mentions = extract_officials(
        matchable, matchable_sentences, regions, resources.official_rules
    )
    projects, project_mentions = extract_projects(documents, sentences, subject)
    started = time.perf_counter()
    terms = extract_terms(documents)
    if timings is not None:
        timings["segment"] = timings.get("segment", 0.0) + time.perf_counter() - started
    mentions = pl.concat(
        [f.select(list(SCHEMAS["fact_mention"])) for f in (region_mentions, person_mentions, project_mentions)],
        how="vertical_relaxed",
    )
    return Extracted({
        "dim_region": dim_region,
        "dim_person": persons,
        "dim_organization": organizations,
        "dim_indicator": indicators,
        "dim_project": projects,
        "fact_metric": metric_regions(metrics, regions, subject, sentences),
        "fact_person_title": person_titles,
        "fact_mention": mentions,
        "fact_term": terms,
    })
