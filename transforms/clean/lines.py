"""Documents to lines: the unit every cleaning rule works on."""

from __future__ import annotations

import polars as pl

# NBSP, ideographic and other wide spaces become plain spaces; runs of spaces collapse to one.
_SPACES = r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]"
# Zero-width marks and C0/C1 control characters (other than tab and newline): never content.
_INVISIBLE = r"[\u200b-\u200f\u2060\ufeff\x00-\x08\x0b-\x1f\x7f-\x9f]"

LINE_SCHEMA = {
    "document_key": pl.Int64,
    "line_no": pl.Int32,
    "raw": pl.String,
    "text": pl.String,
    "drop_reason": pl.String,
    "rewrites": pl.List(pl.String),
}


def split_lines(docs: pl.DataFrame) -> pl.DataFrame:
    """(document_key, text) -> one row per line: raw as decoded, text with spacing normalised and stripped,
    and simp, its Simplified view."""
    return (
        docs.select("document_key", raw=pl.col("text").str.split("\n"))
        .with_columns(line_no=pl.int_ranges(1, pl.col("raw").list.len() + 1, dtype=pl.Int32))
        .explode("raw", "line_no")
        .with_columns(
            text=pl.col("raw")
            .str.replace_all(_INVISIBLE, "")
            .str.replace_all(_SPACES, " ")
            .str.replace_all(" {2,}", " ")
            .str.strip_chars(),
            drop_reason=pl.lit(None, pl.String),
            rewrites=pl.lit([], pl.List(pl.String)),
        )
        .select(list(LINE_SCHEMA))
        .pipe(with_simplified)
    )


def with_simplified(lines: pl.DataFrame, *, changed_only: bool = False) -> pl.DataFrame:
    """(Re)compute column simp, the Simplified view of text that rules match on (same length as text);
    changed_only: for the lines a rewrite changed since simp was last computed."""
    from transforms.clean.script import with_simplified_columns

    if not changed_only:
        return with_simplified_columns(lines, {"simp": "text"})
    return on_subset(lines, pl.col("rewrites").list.len() > 0,
                     lambda part: with_simplified_columns(part, {"simp": "text"}))


def on_subset(lines: pl.DataFrame, mask: pl.Expr, step) -> pl.DataFrame:
    """Run an expensive step only on the rows that can need it (mask), keeping the others and the order.
    Columns the step adds are null on the other rows."""
    marked = lines.with_columns(_row=pl.int_range(pl.len(), dtype=pl.UInt32), _in=mask.fill_null(False))
    done = step(marked.filter("_in"))
    return (
        pl.concat([done, marked.filter(~pl.col("_in"))], how="diagonal_relaxed")
        .sort("_row")
        .drop("_row", "_in")
        .select(list(done.drop("_row", "_in").columns))
    )


def is_kept() -> pl.Expr:
    return pl.col("drop_reason").is_null() & (pl.col("text") != "")


def drop_where(lines: pl.DataFrame, condition: pl.Expr, reason: str | pl.Expr) -> pl.DataFrame:
    """Mark kept lines matching condition as dropped for reason (first rule to claim a line wins)."""
    reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
    return lines.with_columns(
        drop_reason=pl.when(is_kept() & condition).then(reason_expr).otherwise(pl.col("drop_reason"))
    )


def rewrite(lines: pl.DataFrame, new_text: pl.Expr, reason: str) -> pl.DataFrame:
    """Replace kept lines' text, recording reason on the lines it changed."""
    return (
        lines.with_columns(_new=pl.when(is_kept()).then(new_text).otherwise(pl.col("text")))
        .with_columns(
            rewrites=pl.when(pl.col("_new") != pl.col("text"))
            .then(pl.col("rewrites").list.concat(pl.lit([reason], pl.List(pl.String))))
            .otherwise(pl.col("rewrites")),
            text=pl.col("_new"),
        )
        .drop("_new")
    )
