"""The document's subject region: the one administrative unit an article is about, used by the metrics'
region attribution, the officials' organisations and the projects' regions alike."""

from __future__ import annotations

import polars as pl

# a higher unit mentioned this many times as often as the most mentioned local one is the article's subject
OVERWHELMING = 3


def gazetteer_subject(resolved: pl.DataFrame) -> pl.DataFrame:
    """Subject among gazetteer units (used for parents of suffix units): document_key, code, level."""
    scored = (resolved.filter(pl.col("level").is_in(["district", "county", "subdistrict", "town"]))
              .group_by("document_key", "code", "level").agg(pl.len().alias("n"))
              .sort(["document_key", "n", "code"], descending=[False, True, False])
              .group_by("document_key").first())
    return scored.select("document_key", "code", "level")


def document_subject(fact_mention: pl.DataFrame, dim_region: pl.DataFrame, documents: pl.DataFrame,
                     own: pl.DataFrame | None = None) -> pl.DataFrame:
    """The article's main unit: the document's own unit when its headline or title line names one (own:
    document_key, region_key; transforms/extract/context.py); else the most mentioned (headline,
    subheadline and kicker count 3 each) among districts/counties/subdistricts/towns (zones included),
    unless a higher unit is mentioned at least OVERWHELMING times as often (a city's news that names one of
    its districts in passing); else among all levels. Ties go to the first mentioned; current names before
    former ones."""
    schema = {"document_key": pl.Int64, "region_key": pl.Int64, "name": pl.String}
    if fact_mention.is_empty() and (own is None or own.is_empty()):
        return pl.DataFrame(schema=schema)
    heads = pl.concat_str([pl.col(c).fill_null("") for c in ("headline", "subheadline", "kicker")
                           if c in documents.columns], separator=" ")
    m = (fact_mention.group_by("document_key", pl.col("entity_key").alias("region_key"))
         .agg(pl.len().alias("n"), pl.col("span_start").min().alias("first"))
         .join(dim_region.select("region_key", "name", "level",
                                 *(["kind"] if "kind" in dim_region.columns else [])), on="region_key")
         .join(documents.select("document_key", heads.alias("_heads")), on="document_key")
         .with_columns(
             (pl.col("n") + 3 * pl.col("_heads").str.count_matches(pl.col("name"), literal=True)).alias("score"),
             pl.col("level").is_in(["district", "county", "subdistrict", "town"]).alias("local"),
             # a unit under a former name is the subject only when nothing current is named
             (pl.col("kind") != "former" if "kind" in dim_region.columns else pl.lit(True)).alias("current"),
         ))
    top_local = pl.col("score").filter(pl.col("local")).max().over("document_key")
    m = m.with_columns((pl.col("local") | (pl.col("score") >= OVERWHELMING * top_local.fill_null(0))
                        .fill_null(False)).alias("local"))
    best = (m.sort(["document_key", "current", "local", "score", "first"], descending=[False, True, True, True, False])
            .group_by("document_key").first())
    best = best.select([pl.col(c).cast(t) for c, t in schema.items()])
    if own is not None and not own.is_empty():
        named = own.join(dim_region.select("region_key", "name"), on="region_key").select(list(schema))
        best = pl.concat([named.select([pl.col(c).cast(t) for c, t in schema.items()]),
                          best.join(named, on="document_key", how="anti")])
    return best.sort("document_key")


def region_context(dim_region: pl.DataFrame, fact_mention: pl.DataFrame, subject: pl.DataFrame) -> pl.DataFrame:
    """Region mentions with name, level, parent_region_key and is_subject: the regions_frame extract_officials
    takes."""
    regions = fact_mention.filter(pl.col("entity_type") == "region")
    return (regions.select("document_key", pl.col("entity_key").alias("region_key"), "span_start", "span_end",
                           "sentence_no")
            .join(dim_region.select("region_key", "name", "level", "parent_region_key",
                                 *(["kind"] if "kind" in dim_region.columns else [])), on="region_key")
            .join(subject.select("document_key", "region_key", pl.lit(True).alias("is_subject")),
                  on=["document_key", "region_key"], how="left")
            .with_columns(pl.col("is_subject").fill_null(False))
            .select("document_key", "region_key", "name", "level", "span_start", "span_end", "is_subject",
                    "sentence_no", "parent_region_key"))
