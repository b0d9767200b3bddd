"""Spans of matches in text columns, vectorised over whole frames: every regex match with its offset,
every occurrence of a per-row literal, and the sentence a span starts in."""

from __future__ import annotations

import polars as pl

_MARK, _END = "\x01", "\x03"  # never in cleaned text (they are replaced below to keep lengths equal)


def regex_spans(frame: pl.DataFrame, text: str, pattern: str, keep: list[str]) -> pl.DataFrame:
    """Every non-overlapping match of `pattern` in column `text`, vectorised over the whole frame.

    Returns `keep` columns plus `match` (the matched text) and `match_start` (its char offset in `text`).
    Polars has no "find all with positions"; one regex pass (replace_all) brackets each match with control
    characters, and splitting on the opening one gives pieces: piece k > 0 is match k, its closing mark,
    then the text up to the next match. Match k starts at the summed char length of pieces < k, less the
    k - 1 closing marks among them. The pattern must not match the empty string."""
    body = pl.col(text).str.replace_many([_MARK, _END], ["\x02", "\x02"])
    pieces = pl.col("_pieces")
    out = (
        # a scan that only says "matches somewhere" is far cheaper than rewriting and splitting every row
        frame.filter(pl.col(text).str.contains(pattern))
        .select(*keep, body.str.replace_all(pattern, _MARK + "${0}" + _END).str.split(_MARK).alias("_pieces"))
        .filter(pieces.list.len() > 1)
        .select(
            *keep,
            pieces.list.slice(1).list.eval(pl.element().str.extract(f"^([^{_END}]*)", 1)).alias("match"),
            (pieces.list.eval(pl.element().str.len_chars().cum_sum()) - pl.int_ranges(0, pieces.list.len()))
            .list.head(pieces.list.len() - 1).alias("match_start"),
        )
        .explode(["match", "match_start"])
    )
    return out.with_columns(pl.col("match_start").cast(pl.Int32))


def literal_spans(frame: pl.DataFrame, text: str, literal: str, keep: list[str]) -> pl.DataFrame:
    """Every non-overlapping occurrence of the per-row literal in column `literal` inside column `text`
    (split by an expression works per row where replace_all does not): `keep` + `match_start`."""
    out = (
        frame.filter(pl.col(literal).str.len_chars() > 0)
        .select(
            *keep,
            pl.col(literal).str.len_chars().alias("_len"),
            pl.col(text).str.split(pl.col(literal)).alias("_pieces"),
        )
        .filter(pl.col("_pieces").list.len() > 1)
        .with_columns(
            pl.col("_pieces").list.eval(pl.element().str.len_chars().cum_sum()).alias("_cum"),
            pl.int_ranges(0, pl.col("_pieces").list.len() - 1).alias("_k"),
        )
        .with_columns(pl.col("_cum").list.head(pl.col("_pieces").list.len() - 1))
        .explode(["_cum", "_k"])
        .with_columns((pl.col("_cum") + pl.col("_k") * pl.col("_len")).cast(pl.Int32).alias("match_start"))
    )
    return out.select(*keep, "match_start")


def attach_sentence(frame: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Add sentence_no for spans (document_key, span_start) by the sentence that contains their start."""
    s = sentences.select("document_key", "sentence_no", pl.col("span_start").alias("_s_start")).sort("_s_start")
    return (
        frame.sort("span_start")
        .join_asof(s, left_on="span_start", right_on="_s_start", by="document_key", check_sortedness=False)
        .drop("_s_start")
    )


def span_text(frame: pl.DataFrame, sentences: pl.DataFrame, start: str = "span_start",
              alias: str = "surface") -> pl.DataFrame:
    """Add the text of each span (start .. span_end), read from the sentence holding its start: slicing the
    whole body at every span's offset walks the body from its start each time (quadratic in its length)."""
    s = sentences.select("document_key", pl.col("span_start").cast(pl.Int64).alias("_ss"), pl.col("text").alias("_st"))
    return (frame.with_row_index("_i").with_columns(pl.col(start).cast(pl.Int64).alias("_k")).sort("_k")
            .join_asof(s.sort("_ss"), left_on="_k", right_on="_ss", by="document_key", check_sortedness=False)
            .with_columns(pl.col("_st").str.slice(pl.col("_k") - pl.col("_ss"), pl.col("span_end") - pl.col("_k"))
                          .alias(alias))
            .sort("_i").drop("_i", "_k", "_ss", "_st"))
