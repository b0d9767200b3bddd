"""Publication, edition and date: only where the text or the file name states them, never guessed."""

from __future__ import annotations

import polars as pl

from transforms.clean.lines import drop_where
from transforms.rules import CleaningRules

_CHROME_FOR_METADATA = ("navigation", "image", "page_headlines", "source", "copyright")


def drop_source_lines(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """Lines made only of source, date, time and counter tokens leave the body (they feed metadata)."""
    meta = rules.metadata
    rest = (
        pl.col("text")
        .str.replace_all(meta["source"], "")
        .str.replace_all(meta["date"], "")
        .str.replace_all(meta["extra_tokens"], "")
        .str.replace_all(r"[\s|｜/:：\-—()（）\[\]【】]", "")
    )
    has_token = pl.col("text").str.contains(meta["source"]) | pl.col("text").str.contains(meta["date"])
    return drop_where(lines, has_token & (rest == ""), "source")


def _first(expr: pl.Expr) -> pl.Expr:
    return expr.drop_nulls().first()


def document_metadata(lines: pl.DataFrame, docs: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """(document_key, source_uri) + marked lines -> publication, edition, published_on, published_on_source."""
    meta = rules.metadata
    evidence = lines.filter(pl.col("drop_reason").is_in(_CHROME_FOR_METADATA)).sort("document_key", "line_no")
    text = pl.col("text")
    path_date = pl.concat_str(
        text.str.extract(meta["epaper_path"], 1),
        text.str.extract(meta["epaper_path"], 2),
        text.str.extract(meta["epaper_path"], 3),
        separator="-",
    )
    line_date = pl.concat_str(
        text.str.extract(meta["date"], 1),
        text.str.extract(meta["date"], 2).str.zfill(2),
        text.str.extract(meta["date"], 3).str.zfill(2),
        separator="-",
    )
    found = evidence.group_by("document_key").agg(
        publication=_first(text.str.extract(meta["publication"], 1)),
        source_name=_first(text.str.extract(meta["source"], 1)),
        edition=_first(
            pl.coalesce(text.str.extract(meta["edition"], 1), text.str.extract(meta["epaper_path"], 4))
        ).cast(pl.Int32),
        text_date=_first(pl.coalesce(path_date, line_date).str.to_date("%Y-%m-%d", strict=False)),
    )
    file_name = pl.col("source_uri").str.extract(r"([^/\\]+)$", 1)
    file_date = pl.concat_str(
        file_name.str.extract(meta["filename_date"], 1),
        file_name.str.extract(meta["filename_date"], 2),
        file_name.str.extract(meta["filename_date"], 3),
        separator="-",
    ).str.to_date("%Y-%m-%d", strict=False)
    return (
        docs.select("document_key", "source_uri")
        .join(found, on="document_key", how="left")
        .with_columns(file_date=file_date)
        .select(
            "document_key",
            publication=pl.coalesce("source_name", "publication"),
            edition="edition",
            published_on=pl.coalesce("text_date", "file_date"),
            published_on_source=pl.when(pl.col("text_date").is_not_null())
            .then(pl.lit("text"))
            .when(pl.col("file_date").is_not_null())
            .then(pl.lit("filename")),
        )
    )
