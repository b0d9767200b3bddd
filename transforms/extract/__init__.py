"""Extraction: cleaned documents and sentences -> facts and the dimension rows they point to.

Every frame here has exactly the columns of its warehouse table (transforms/extract/tables.py); keys come from
transforms.keys.stable_key over the natural key (region full_name, person/organization/indicator/project
name), so batches agree on them without the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from transforms.extract.tables import SCHEMAS, conform, empty


# dim_document's columns extraction fills: the document's own unit (dim_region) and where the text names it
DOCUMENT_COLUMNS = {"document_key": pl.Int64, "region_key": pl.Int64, "region_source": pl.String}


@dataclass(frozen=True)
class Extracted:
    """Frames keyed by warehouse table name; missing tables are empty. document_columns: DOCUMENT_COLUMNS, one
    row per document that has them, for the caller to add to its dim_document rows (with_document_columns)."""

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    document_columns: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DOCUMENT_COLUMNS))

    def with_document_columns(self, documents: pl.DataFrame) -> pl.DataFrame:
        """documents (dim_document rows) with the columns extraction fills, null where it found nothing."""
        return documents.drop([c for c in DOCUMENT_COLUMNS if c != "document_key"], strict=False).join(
            self.document_columns.cast(DOCUMENT_COLUMNS), on="document_key", how="left")

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
    def load(cls, cache: Path | None = None) -> "Resources":
        """cache: where the gazetteer is kept parsed (GAZETTE_CACHE; default: the temp dir)."""
        from transforms.extract.metric_rules import default_metric_rules
        from transforms.extract.officials import default_official_rules
        from transforms.extract.gazetteer import load_gazetteer

        return cls(load_gazetteer(cache=cache), default_metric_rules(), default_official_rules())


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
    from transforms.extract.scoped import for_texts
    from transforms.extract.script import to_simplified, traditional_rows
    from transforms.extract.subject import region_context
    from transforms.extract.terms import extract_terms

    resources = resources or Resources.load()
    if documents.is_empty():
        return Extracted()
    # the Simplified form regions and officials match in (one character for one: spans index the body)
    traditional = traditional_rows(documents["body"])
    matchable = documents.with_columns(to_simplified(documents["body"], traditional).alias("match_text"))
    # a sentence is a slice of its body: with no Traditional character in the bodies, none to look for in them
    simple = to_simplified(sentences["text"]) if traditional.any() else sentences["text"]
    matchable_sentences = sentences.with_columns(simple.alias("match_text"))
    heads = [c for c in ("headline", "subheadline", "kicker") if c in documents.columns]
    searched = matchable["match_text"].drop_nulls().to_list() + [
        text for c in heads for text in to_simplified(documents[c].drop_nulls()).to_list()]
    gazetteer = for_texts(resources.gazetteer, searched)  # a small batch builds no automaton of all the names
    dim_region, region_mentions, subject = extract_regions(matchable, matchable_sentences, gazetteer)
    regions = region_context(dim_region, region_mentions, subject)
    context = document_context(documents, sentences)  # once per document, for every step that reads it
    metrics, indicators = extract_metrics(documents, matchable_sentences, resources.metric_rules, context=context)
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
        "fact_metric": metric_regions(metrics, regions, subject, sentences, dim_region,
                                      resources.metric_rules.region_anaphora),
        "fact_person_title": person_titles,
        "fact_mention": mentions,
        "fact_term": terms,
    }, document_columns=subject.filter(pl.col("found").is_not_null()).select(
        "document_key", "region_key", region_source="found").cast(DOCUMENT_COLUMNS))
