"""Paragraphs to the stored body and its sentences, with character spans into the body."""

from __future__ import annotations

import polars as pl

PARAGRAPH_SEP = "\n"
# A sentence: text up to a run of final marks plus any closing quotes, or a trailing piece without one.
_SENTENCE = r"[^。！？!?]*[。！？!?]+[”’」』）)]*|[^。！？!?]+"


def assemble_body(paragraphs: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(document_key, paragraph_no, text, kind) -> (bodies: document_key, body; sentences with spans)."""
    paragraphs = paragraphs.sort("document_key", "paragraph_no").with_columns(
        _len=pl.col("text").str.len_chars()
    ).with_columns(
        paragraph_start=(pl.col("_len") + len(PARAGRAPH_SEP)).cum_sum().over("document_key")
        - (pl.col("_len") + len(PARAGRAPH_SEP))
    )
    bodies = paragraphs.group_by("document_key", maintain_order=True).agg(
        body=pl.col("text").str.join(PARAGRAPH_SEP)
    )
    pieces = (
        paragraphs.select(
            "document_key", "paragraph_no", "paragraph_start", "kind", piece=pl.col("text").str.extract_all(_SENTENCE)
        )
        .explode("piece")
        .drop_nulls("piece")
        .with_columns(_plen=pl.col("piece").str.len_chars())
        .with_columns(
            _offset=pl.col("_plen").cum_sum().over("document_key", "paragraph_no") - pl.col("_plen"),
            _lead=pl.col("_plen") - pl.col("piece").str.strip_chars_start().str.len_chars(),
            text=pl.col("piece").str.strip_chars(),
        )
        .filter(pl.col("text") != "")
    )
    sentences = pieces.select(
        "document_key",
        sentence_no=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("document_key"),
        paragraph_no=pl.col("paragraph_no").cast(pl.Int32),
        span_start=(pl.col("paragraph_start") + pl.col("_offset") + pl.col("_lead")).cast(pl.Int32),
        span_end=(pl.col("paragraph_start") + pl.col("_offset") + pl.col("_lead") + pl.col("text").str.len_chars()).cast(
            pl.Int32
        ),
        text="text",
        kind="kind",
    )
    return bodies, sentences
