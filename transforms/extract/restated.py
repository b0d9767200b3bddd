"""Facts once: the same figure (same indicator, region, period, value, unit, measure, comparison, target or
not) stated more than once in a document is one fact, at its first statement; the later statements' spans go
into its `restated` list (sentence_no, span_start, span_end), so that every span stays reachable."""

from __future__ import annotations

import polars as pl

RESTATED = pl.List(pl.Struct({"sentence_no": pl.Int32, "span_start": pl.Int32, "span_end": pl.Int32}))
# What makes two statements one fact. A figure without an indicator is never merged: two 3个 in one
# article are as likely two things as one.
_SAME = ["document_key", "indicator", "region_name", "_period", "period_end_key", "_value", "base_unit", "measure",
         "comparison", "is_target"]


def merge_restated(frame: pl.DataFrame) -> pl.DataFrame:
    """frame: figures with the _SAME columns (period as period_start_key or, without one, period_label;
    base_value) and sentence_no, span_start, span_end. Returns one row per fact with `restated` (null when
    stated once)."""
    frame = frame.with_columns(
        _period=pl.coalesce(pl.col("period_start_key").cast(pl.String), pl.col("period_label")),
        _value=pl.col("base_value").round(6),
    )
    mergeable = pl.col("indicator").is_not_null()
    later = mergeable & (pl.col("span_start") > pl.col("span_start").min().over(_SAME, order_by="span_start"))
    restated = (
        frame.filter(later)
        .sort("span_start")
        .group_by(_SAME, maintain_order=True)
        .agg(pl.struct(pl.col("sentence_no").cast(pl.Int32), pl.col("span_start").cast(pl.Int32),
                       pl.col("span_end").cast(pl.Int32)).alias("restated"))
    )
    return (
        frame.filter(~later.fill_null(False))
        .join(restated, on=_SAME, how="left", nulls_equal=True)
        .with_columns(pl.col("restated").cast(RESTATED))
        .drop("_period", "_value")
    )
