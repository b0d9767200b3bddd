"""Helpers shared by the extraction tests: frames of our own sentences and precision/recall/F1."""

from __future__ import annotations

import polars as pl


def frames(texts: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One document per text, one sentence per text (span = whole body)."""
    docs = pl.DataFrame({"document_key": list(range(1, len(texts) + 1)), "headline": [""] * len(texts), "body": texts},
                        schema_overrides={"document_key": pl.Int64})
    sents = docs.select("document_key", pl.lit(1, pl.Int32).alias("sentence_no"), pl.lit(1, pl.Int32).alias("paragraph_no"),
                        pl.lit(0, pl.Int32).alias("span_start"), pl.col("body").str.len_chars().cast(pl.Int32).alias("span_end"),
                        pl.col("body").alias("text"), pl.lit("text").alias("kind"))
    return docs, sents


def precision_recall_f1(gold: set, got: set) -> tuple[float, float, float]:
    tp = len(gold & got)
    p = tp / len(got) if got else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
