"""Which region a figure is about: the unit the metric step read for it, resolved among the regions the
document names, else the document's subject region."""

from __future__ import annotations

import polars as pl


def metric_regions(metrics: pl.DataFrame, region_mentions: pl.DataFrame, subject: pl.DataFrame) -> pl.DataFrame:
    """region_name (as the metric step read it) -> region_key among the regions the document names;
    the document's subject when the figure names none (全区 in an article about 中原区)."""
    named = region_mentions.select("document_key", "region_key", region_name="name").unique(
        ["document_key", "region_name"], keep="first", maintain_order=True
    )
    return (
        metrics.drop("region_key")
        .join(named, on=["document_key", "region_name"], how="left")
        .join(subject.select("document_key", _subject_key="region_key"), on="document_key", how="left")
        .with_columns(region_key=pl.coalesce("region_key", "_subject_key"))
        .drop("_subject_key", "region_name")
    )
