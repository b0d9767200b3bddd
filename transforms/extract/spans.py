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
    """Add the text of each span (start .. span_end), read from the sentence holding its start (from a window
    of it: slicing the body, or a long sentence, at every span walks it from its start each time)."""
    return (with_windows(frame, sentences, start, "span_end")
            .with_columns(pl.col("_wt").str.slice(pl.col(start) - pl.col("_wb"), pl.col("span_end") - pl.col(start))
                          .alias(alias))
            .drop("_ss", "_wb", "_wt"))


WINDOW = 256  # characters: a span's context is read from a piece of its sentence about this long


def text_windows(texts: pl.DataFrame, by: str, origin: str | None = None, text: str = "text",
                 width: int = WINDOW) -> pl.DataFrame:
    """Each text cut into pieces of `width` characters (one regex pass), a row per piece holding it with its
    neighbours: `by`, _ss (where the text starts: column `origin`, or 0), _ws (where the piece starts), _wb
    (where _wt starts) and _wt (the previous piece, the piece, the next piece). Around any position p of the
    text that row's _wt holds at least `width` characters each side (less at the text's ends), so slicing it
    costs O(width) where slicing the text at p walks it from its start: quadratic over a long text's spans."""
    start = pl.col(origin).cast(pl.Int64) if origin else pl.lit(0, pl.Int64)
    frame = texts.select(by, start.alias("_ss"), pl.col(text)).filter(pl.col(text).is_not_null())
    longer = pl.col(text).str.len_chars() > width
    # a text that fits in one piece is its own window (most sentences): only the longer ones are cut
    short = frame.filter(~longer).select(by, "_ss", _ws="_ss", _wb="_ss", _wt=text)
    long = frame.filter(longer)
    if long.is_empty():
        return short
    pieces = (long.select(by, "_ss", pl.col(text).str.extract_all(f"(?s).{{1,{width}}}").alias("_p"))
              .with_row_index("_t")
              .with_columns(pl.int_ranges(0, pl.col("_p").list.len()).alias("_n"))
              .explode(["_p", "_n"]))
    previous, following = pl.col("_p").shift(1).over("_t"), pl.col("_p").shift(-1).over("_t")
    return pl.concat([short, pieces.select(
        by, "_ss", (pl.col("_ss") + pl.col("_n") * width).alias("_ws"),
        (pl.col("_ss") + pl.max_horizontal(pl.col("_n") - 1, 0) * width).alias("_wb"),
        pl.concat_str(previous.fill_null(""), pl.col("_p"), following.fill_null("")).alias("_wt"),
    )])


def with_windows(frame: pl.DataFrame, texts: pl.DataFrame, start: str, end: str, *, by: str = "document_key",
                 origin: str | None = "span_start", text: str = "text", before: int = 0,
                 after: int = 0) -> pl.DataFrame:
    """frame with _ss, _wb and _wt (text_windows) of the text holding each row's `start` (the last text of
    its `by` group starting at or before it): _wt.str.slice(p - _wb, n) is the text's characters p .. p + n
    for p from `before` characters before `start` to `after` after `end`, as slicing the whole text would
    give them."""
    longest = frame.select((pl.col(end) - pl.col(start)).max()).item() or 0
    width = max(WINDOW, before, longest + after)
    windows = text_windows(texts, by, origin, text, width).sort("_ws")
    return (frame.with_row_index("_wi").with_columns(pl.col(start).cast(pl.Int64).alias("_wk")).sort("_wk")
            .join_asof(windows, left_on="_wk", right_on="_ws", by=by, check_sortedness=False)
            .sort("_wi").drop("_wi", "_wk", "_ws"))
