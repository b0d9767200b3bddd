"""Cleaning: decoded documents -> canonical body, headline, sentences, bylines, and a log of what changed."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.clean.bylines import extract_byline_text, parse_bylines
from transforms.clean.chrome import (
    drop_article_lists,
    drop_by_shape,
    drop_header_headline_list,
    drop_page_chrome,
    drop_repeated_text,
)
from transforms.clean.lines import split_lines, with_simplified
from transforms.clean.metadata import document_metadata, drop_source_lines
from transforms.clean.sentences import assemble_body
from transforms.clean.structure import find_headline, join_broken_lines
from transforms.clean.text import (
    fullwidth_alnum,
    normalise_punctuation,
    strip_emphasis,
    strip_markup,
    strip_pinyin_glosses,
)
from transforms.rules import CleaningRules


@dataclass(frozen=True)
class Cleaned:
    documents: pl.DataFrame  # document_key, headline, subheadline, kicker, publication, edition, published_on, ...,
    # no_body (null, or why the document has no body: it is quarantined, not loaded)
    sentences: pl.DataFrame
    bylines: pl.DataFrame  # document_key, line_no, name, role, credit
    cleaning: pl.DataFrame  # document_key, line_no, action, reason, raw_text
    lines: pl.DataFrame  # every line with its fate, for inspection and tests


def mark_lines(docs: pl.DataFrame, rules: CleaningRules, words: pl.Series) -> pl.DataFrame:
    """Run the line rules in order: chrome, source lines, chrome by its shape, repeated teasers, markup, bylines, punctuation,
    structure."""
    lines = split_lines(docs)
    lines = drop_page_chrome(lines, rules)
    lines = drop_header_headline_list(lines, rules)
    lines = drop_article_lists(lines, rules)
    lines = drop_source_lines(lines, rules)
    lines = drop_by_shape(lines, rules, words)
    lines = drop_repeated_text(lines)
    lines = strip_emphasis(lines)
    lines = strip_markup(lines)
    lines = strip_pinyin_glosses(lines)
    lines = fullwidth_alnum(lines)
    lines = with_simplified(lines, changed_only=True)  # bylines match the view and cut the text
    lines = extract_byline_text(lines, rules)
    lines = normalise_punctuation(lines)
    return find_headline(lines, rules, words)


def cleaning_log(lines: pl.DataFrame, paragraphs: pl.DataFrame) -> pl.DataFrame:
    cols = ["document_key", "line_no", "action", "reason", "raw_text"]
    dropped = lines.filter(pl.col("drop_reason").is_not_null()).select(
        "document_key", "line_no", action=pl.lit("drop"), reason="drop_reason", raw_text="raw"
    )
    moved = lines.filter(pl.col("part").is_in(["headline", "subheadline", "kicker"])).select(
        "document_key", "line_no", action=pl.lit("move"), reason="part", raw_text="raw"
    )
    rewritten = (
        lines.filter(pl.col("rewrites").list.len() > 0)
        .select("document_key", "line_no", reason=pl.col("rewrites").list.unique(maintain_order=True), raw_text="raw")
        .explode("reason")
        .with_columns(action=pl.lit("rewrite"))
    )
    raw = lines.select("document_key", "line_no", "raw")
    joined = (
        paragraphs.select("document_key", line_no=pl.col("joined_line_nos"))
        .explode("line_no")
        .drop_nulls("line_no")
        .join(raw, on=["document_key", "line_no"])
        .select("document_key", "line_no", action=pl.lit("join"), reason=pl.lit("line_break"), raw_text="raw")
    )
    return (
        pl.concat([f.select(cols) for f in (dropped, moved, rewritten, joined)], how="vertical_relaxed")
        .with_columns(pl.col("line_no").cast(pl.Int32))
        .sort("document_key", "line_no", "action", "reason")
    )


# A dropped line with this many Chinese characters and a sentence mark was prose, if a rule that drops lines by
# their place on the page (not by their words) took it.
PROSE_HAN = 40
POSITIONAL_RULES = ("page_headlines", "article_list", "navigation", "page_tail", "link_bar")


def _han(text: pl.Expr) -> pl.Expr:
    return text.str.len_chars() - text.str.replace_all(r"\p{Han}+", "").str.len_chars()


def no_body(lines: pl.DataFrame, bodies: pl.DataFrame) -> pl.DataFrame:
    """document_key -> no_body: null for a document with a body, else why it has none: the rules that
    dropped its Chinese text, most text first. A document has no body when cleaning left no Chinese text,
    or when prose lines that rules dropped hold more Chinese text than the body kept (a chrome rule ate the
    article: better quarantined than loaded as a fragment)."""
    dropped = (
        lines.filter(pl.col("drop_reason").is_not_null() & (pl.col("drop_reason") != "byline"))
        .with_columns(_h=_han(pl.col("text")))
        .with_columns(_prose=(pl.col("_h") >= PROSE_HAN) & pl.col("text").str.contains("[。！？!?]")
                      & pl.col("drop_reason").is_in(POSITIONAL_RULES))
    )
    by_rule = (
        dropped.group_by("document_key", "drop_reason")
        .agg(_h=pl.col("_h").sum(), _prose_h=pl.col("_h").filter("_prose").sum())
        .sort("document_key", "_h", "drop_reason", descending=[False, True, False])
        .group_by("document_key", maintain_order=True)
        .agg(_prose_h=pl.col("_prose_h").sum(), _rules=pl.format("{} ({} Chinese characters)", "drop_reason", "_h")
             .filter(pl.col("_h") > 0).str.join(", "))
    )
    # only a body with no Chinese text or with prose dropped beside it can fail: count the others' text not at all
    suspects = (
        bodies.select("document_key", "body")
        .join(by_rule, on="document_key", how="left")
        .filter(~pl.col("body").str.contains(r"\p{Han}") | (pl.col("_prose_h").fill_null(0) > 0))
        .with_columns(_body_h=_han(pl.col("body")))
        .select(
            "document_key",
            no_body=pl.when((pl.col("_body_h") == 0) | (pl.col("_prose_h").fill_null(0) > pl.col("_body_h")))
            .then(pl.format("{} Chinese characters left in the body; removed by: {}", "_body_h",
                            pl.when(pl.col("_rules").fill_null("") == "").then(pl.lit("nothing (no text)"))
                            .otherwise(pl.col("_rules")))),
        )
    )
    return bodies.select("document_key").join(suspects, on="document_key", how="left", maintain_order="left")


def clean_documents(docs: pl.DataFrame, rules: CleaningRules, words: pl.Series) -> Cleaned:
    """docs: document_key, source_uri, text (decoded). words: the dictionary's two-character words
    (two_char_words), evidence for joining lines broken inside a word."""
    lines = mark_lines(docs, rules, words)
    paragraphs = join_broken_lines(lines, rules, words)
    bodies, sentences = assemble_body(paragraphs)
    parts = lines.filter(pl.col("part").is_in(["headline", "subheadline", "kicker"])).group_by(
        "document_key", "part"
    ).agg(pl.col("text").str.join(" "))
    header = parts.pivot(on="part", index="document_key", values="text")
    for col in ("headline", "subheadline", "kicker"):
        if col not in header.columns:
            header = header.with_columns(pl.lit(None, pl.String).alias(col))
    documents = (
        docs.select("document_key")
        .join(header.select("document_key", "headline", "subheadline", "kicker"), on="document_key", how="left")
        .join(document_metadata(lines, docs, rules), on="document_key", how="left")
        # a portal's table names the document; the lines above its text are then a subtitle at best
        .with_columns(headline=pl.coalesce("table_title", "headline"))
        .drop("table_title")
        .join(bodies, on="document_key", how="left")
        .with_columns(body=pl.col("body").fill_null(""))
        .with_columns(char_count=pl.col("body").str.len_chars().cast(pl.Int32))
    )
    documents = documents.join(no_body(lines, documents), on="document_key", how="left")
    return Cleaned(
        documents=documents,
        sentences=sentences,
        bylines=parse_bylines(lines, rules),
        cleaning=cleaning_log(lines, paragraphs),
        lines=lines,
    )
