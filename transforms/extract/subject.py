"""The document's subject region: the one administrative unit an article is about, used by the metrics'
region attribution, the officials' organisations and the projects' regions alike."""

from __future__ import annotations

import polars as pl


def gazetteer_subject(resolved: pl.DataFrame) -> pl.DataFrame:
    """Subject among gazetteer units (used for parents of suffix units): document_key, code, level."""
    scored = (resolved.filter(pl.col("level").is_in(["district", "county", "subdistrict", "town"]))
              .group_by("document_key", "code", "level").agg(pl.len().alias("n"))
              .sort(["document_key", "n", "code"], descending=[False, True, False])
              .group_by("document_key").first())
    return scored.select("document_key", "code", "level")


def document_subject(fact_mention: pl.DataFrame, dim_region: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The article's main unit: most mentioned (headline, subheadline and kicker count 3 each) among
    districts/counties/subdistricts/towns (zones included), else among all levels; ties go to the first
    mentioned; current names before former ones."""
    schema = {"document_key": pl.Int64, "region_key": pl.Int64, "name": pl.String}
    if fact_mention.is_empty():
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
    best = (m.sort(["document_key", "current", "local", "score", "first"], descending=[False, True, True, True, False])
            .group_by("document_key").first())
    return best.select([pl.col(c).cast(t) for c, t in schema.items()]).sort("document_key")


def region_context(dim_region: pl.DataFrame, fact_mention: pl.DataFrame, subject: pl.DataFrame) -> pl.DataFrame:
    """Region mentions with name, level and is_subject: the regions_frame extract_officials takes."""
    regions = fact_mention.filter(pl.col("entity_type") == "region")
    return (regions.select("document_key", pl.col("entity_key").alias("region_key"), "span_start", "span_end",
                           "sentence_no")
            .join(dim_region.select("region_key", "name", "level",
                                 *(["kind"] if "kind" in dim_region.columns else [])), on="region_key")
            .join(subject.select("document_key", "region_key", pl.lit(True).alias("is_subject")),
                  on=["document_key", "region_key"], how="left")
            .with_columns(pl.col("is_subject").fill_null(False))
            .select("document_key", "region_key", "name", "level", "span_start", "span_end", "is_subject",
                    "sentence_no"))
