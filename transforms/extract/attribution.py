"""Which region a figure is about, among the regions extract_regions found in its document.

A figure belongs to the unit it modifies (2000平方米的某某社区), else to the nearest unit named before it in
its clause or in its sentence's first clause (the topic) (某某村安置房项目…，总建筑面积45万平方米; 某某新区东至…，南至某某镇，
总规划面积33平方公里; not across a semicolon), else to the unit the metric step read for it (全区 -> the
district), else to the document's subject. A unit above the subject's level is context, not the figure's
owner (在郑州市15个县（市）区中排名第一 in an article about a district), and so is a unit under a former name
when the subject is current."""

from __future__ import annotations

import polars as pl

from transforms.extract.gazetteer import DEPTH


def _depth(level: str) -> pl.Expr:
    return pl.col(level).replace_strict(DEPTH, default=9, return_dtype=pl.Int32)


def metric_regions(metrics: pl.DataFrame, region_mentions: pl.DataFrame, subject: pl.DataFrame,
                   sentences: pl.DataFrame | None = None) -> pl.DataFrame:
    """metrics: fact_metric rows with `region_name` (the metric step's reading); region_mentions: the
    region_context frame (with sentence_no); subject: document_key, region_key; sentences: fact_sentence
    rows (without them only the metric step's reading and the subject count). -> fact_metric rows."""
    mentions = region_mentions.select("document_key", "region_key", "name", "level", "span_start",
                                      *(["sentence_no"] if "sentence_no" in region_mentions.columns else []))
    subject_level = (subject.select("document_key", pl.col("region_key").alias("_subject_key"))
                     .join(mentions.select(pl.col("region_key").alias("_subject_key"), pl.col("level").alias("_sl"))
                           .unique("_subject_key"), on="_subject_key", how="left"))
    out = metrics.drop("region_key").with_row_index("_m").join(subject_level, on="document_key", how="left")
    owner = (_depth("level") >= _depth("_sl")) | pl.col("_sl").is_null()

    # (1) the unit the figure modifies, else the first unit of its clause or of its sentence's first clause
    topic = pl.DataFrame(schema={"_m": pl.UInt32, "_topic": pl.Int64})
    if sentences is not None and "sentence_no" in mentions.columns:
        text = sentences.select("document_key", "sentence_no", pl.col("span_start").alias("_ss"), "text")
        cand = (out.select("_m", "document_key", "sentence_no", "span_start", "span_end", "_sl")
                .join(mentions.rename({"span_start": "_ms"}), on=["document_key", "sentence_no"])
                .join(text, on=["document_key", "sentence_no"])
                .with_columns(
                    pl.col("text").str.slice(0, pl.col("_ms") - pl.col("_ss")).alias("_before"),
                    pl.col("text").str.slice(pl.col("_ms") - pl.col("_ss"),
                                             (pl.col("span_start") - pl.col("_ms")).clip(0)).alias("_between"))
                .filter(owner))
        # 2000平方米的某某社区: the unit right after 的 (not after 、: 江苏38个、广东31个 lists units with theirs)
        modified = (cand.filter((pl.col("_ms") == pl.col("span_end") + 1)
                                & (pl.col("text").str.slice(pl.col("span_end") - pl.col("_ss"), 1) == "的"))
                    .group_by("_m").agg(pl.col("region_key").first().alias("_mod")))
        first_clause = ~pl.col("_before").str.replace(r"^.*[；;]", "").str.contains("[，,]")
        topic = (cand.filter((pl.col("_ms") < pl.col("span_start")) & ~pl.col("_between").str.contains("[；;]")
                             & (~pl.col("_between").str.contains("[，,]") | first_clause))
                 .sort("_ms").group_by("_m").agg(pl.col("region_key").last().alias("_topic"))
                 .join(modified, on="_m", how="full", coalesce=True)
                 .select("_m", pl.coalesce("_mod", "_topic").alias("_topic")))
    # (2) the metric step's reading, when it names a unit of the document
    named = mentions.select("document_key", pl.col("region_key").alias("_named"), pl.col("name").alias("region_name"),
                            "level").unique(["document_key", "region_name"], keep="first", maintain_order=True)
    # An anaphora (全市) read as a unit the gazetteer puts at another level (辉县市, a county-level city) is
    # that level's nearest unit named earlier in the document instead, else the subject if of that level.
    anaphor = pl.col("region_anaphor") if "region_anaphor" in out.columns else pl.lit(None, dtype=pl.String)
    out = out.with_columns(_ad=anaphor.replace_strict(DEPTH, default=None, return_dtype=pl.Int32))
    read = (out.select("_m", "document_key", "region_name", "_sl", "_ad").join(named, on=["document_key", "region_name"])
            .filter(owner & (pl.col("_ad").is_null() | (pl.col("_ad") == _depth("level"))))
            .select("_m", "_named"))
    unread = out.filter(pl.col("_ad").is_not_null()).join(read, on="_m", how="anti")
    by_level = (mentions.select("document_key", pl.col("region_key").alias("_lvl_key"), pl.col("span_start").alias("_ls"),
                                _depth("level").alias("_ad"))
                .filter(pl.col("_ad") < 5).sort("_ls"))
    leveled = (unread.select("_m", "document_key", "span_start", "_ad").sort("span_start")
               .join_asof(by_level, left_on="span_start", right_on="_ls", by=["document_key", "_ad"],
                          strategy="backward", check_sortedness=False)
               .join(subject_level.select("document_key", "_subject_key", _sd=_depth("_sl")), on="document_key",
                     how="left")
               .select("_m", _leveled=pl.coalesce("_lvl_key", pl.when(pl.col("_sd") == pl.col("_ad"))
                                                  .then("_subject_key"))))
    return (
        out.join(topic, on="_m", how="left").join(read, on="_m", how="left").join(leveled, on="_m", how="left")
        .with_columns(region_key=pl.coalesce("_topic", "_named", "_leveled", "_subject_key"))
        .sort("_m").drop("_m", "_topic", "_named", "_leveled", "_subject_key", "_sl", "_ad", "region_name",
                         *(["region_anaphor"] if "region_anaphor" in out.columns else []))
    )
