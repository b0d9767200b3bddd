"""A document's own context, computed once per document and read by the later steps: here, the document's
own region -- the unit its headline or title line names as what it is about.

Frames are keyed by document_key, one row per document that has the fact."""

from __future__ import annotations

import polars as pl

from transforms.extract import per_text_rows
from transforms.extract.gazetteer import DEPTH, Gazetteer
from transforms.extract.script import to_simplified

# where a document names its own unit, most telling first. A dateline (新华社北京5月10日电) names where a story
# was filed, not what it is about, and an opening clause (郑州市举行…，某某区设分会场) may name the unit above
# the one reported on: neither is read as the document's own unit.
SOURCES = ("headline", "title")
# the body's first line is a title line when it is short and no sentence (沙沟镇2021年政府工作报告)
TITLE_LINE = r"^[^\n。！？!?；;，,]{4,30}$"


def _source_texts(documents: pl.DataFrame) -> pl.DataFrame:
    """document_key, source, text: the parts of a document that say what it is about."""
    def column(name: str) -> pl.Expr:
        return pl.col(name).fill_null("") if name in documents.columns else pl.lit("")

    body = pl.col("_body")
    first_line = body.str.extract(r"^\s*([^\n]*)", 1).fill_null("")
    frame = documents.select("document_key", pl.Series("_body", to_simplified(documents["body"].fill_null(""))),
                             pl.concat_str([column("headline"), column("subheadline"), column("kicker")], separator="\n")
                             .alias("_heads"))
    frame = frame.with_columns(pl.Series("_heads", to_simplified(frame["_heads"])))
    parts = frame.select(
        "document_key",
        pl.col("_heads").alias("headline"),
        pl.when(first_line.str.contains(TITLE_LINE)).then(first_line).otherwise(pl.lit("")).alias("title"),
    )
    return parts.unpivot(index="document_key", on=list(SOURCES), variable_name="source", value_name="text").filter(
        pl.col("text").str.len_chars() > 0)


def document_regions(documents: pl.DataFrame, gazetteer: Gazetteer,
                     resolved: pl.DataFrame | None = None) -> pl.DataFrame:
    """document_key, code, found (which of SOURCES named it): the document's own unit, the most specific one
    its headline (with subheadline and kicker), else its title line, names by full name or by a province's or city's
    short name. A name several units share counts only when the document's body names a relative of exactly
    one of them (resolved: document_key, code of the units the body names)."""
    schema = {"document_key": pl.Int64, "code": pl.String, "found": pl.String}
    if documents.is_empty() or gazetteer.units.is_empty():
        return pl.DataFrame(schema=schema)
    texts = _source_texts(documents).with_row_index("_t")
    if texts.is_empty():
        return pl.DataFrame(schema=schema)
    hits = per_text_rows(texts.select(pl.col("_t").cast(pl.Int64).alias("document_key"), "text"), "text",
                         gazetteer.automaton.find_matches_as_indexes,
                         {"pattern": pl.UInt32, "start": pl.Int32, "end": pl.Int32})
    hits = hits.select(pl.col("document_key").cast(pl.UInt32).alias("_t"), "start",
                       gazetteer.surface_list.gather(hits["pattern"]).alias("surface"))
    hits = hits.join(texts.select("_t", "document_key", "source"), on="_t")
    rows = gazetteer.surface_rows(hits["surface"])
    level = gazetteer.rows(rows["code"]).select("code", "level")
    cand = (hits.join(rows, on="surface")
            .join(level, on="code")
            .filter(~pl.col("is_short") | pl.col("level").is_in(["province", "city"]))
            .filter(pl.col("level").is_in(list(DEPTH)) & ~pl.col("level").is_in(["village", "community"])))
    cand = cand.with_columns(pl.len().over("document_key", "source", "start", "surface").alias("_n"))
    if resolved is not None and not resolved.is_empty():
        ambiguous = cand.filter(pl.col("_n") > 1).select("document_key", "code").unique()
        related = gazetteer.related_pairs(
            ambiguous.join(resolved.select("document_key", pl.col("code").alias("ctx")).unique(), on="document_key"),
            "code", "ctx").select("document_key", "code").unique().with_columns(pl.lit(True).alias("_rel"))
        cand = (cand.join(related, on=["document_key", "code"], how="left")
                .filter((pl.col("_n") == 1) | pl.col("_rel").fill_null(False))
                .with_columns(pl.len().over("document_key", "source", "start", "surface").alias("_n")))
    cand = cand.filter(pl.col("_n") == 1)
    order = pl.col("source").replace_strict({s: i for i, s in enumerate(SOURCES)}, return_dtype=pl.Int32)
    depth = pl.col("level").replace_strict(DEPTH, default=0, return_dtype=pl.Int32)
    best = (cand.with_columns(order.alias("_o"), depth.alias("_d"))
            .sort(["document_key", "_o", "_d", "start"], descending=[False, False, True, False])
            .group_by("document_key", maintain_order=True).first())
    return best.select(pl.col("document_key").cast(pl.Int64), "code", pl.col("source").alias("found"))
