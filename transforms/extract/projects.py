"""Named projects (恒大中原经贸中心项目, 贾鲁河综合治理工程) and quoted slogans (“四个中原”, “六片两园”).

Projects: a run of name characters ending in 项目/工程, cut on the left after the last verb or function
word (加快|推进|的|和 ...), kept when what remains, with generic words removed (重点, 重大, 民生, 二期 ...),
still has two characters: 重点项目 and 56个重大产业项目 are not names, 朱屯二期安置房项目 is. A run inside
quotation marks is a slogan, not a project (“区委一号工程”).

Slogans: text inside “” or 「」 of 2..20 characters without sentence punctuation (，。！？；：), so that
quoted speech is not a slogan, and of 3 characters or more unless it has a numeral (“精品” is emphasis). Keyed stable_key('slogan:' + text); the span covers the text without marks.

All of it is regex_spans / Polars string expressions over the batch's sentences; no Python UDF."""

from __future__ import annotations

import polars as pl

from transforms.extract.tables import SCHEMAS, conform
from transforms.extract.spans import regex_spans
from transforms.keys import keys_for
from transforms.rules import word_alternation

NAME_CHARS = r"[\p{Han}A-Za-z0-9·\-]"
PROJECT = NAME_CHARS + r"+?(?:项目|工程)"
SUFFIX = r"(?:项目|工程)$"
# after the last of these the name begins; what is left without the generic words must still be a name
LEFT_CUT = "^.*(?:" + word_alternation("project_left_cut") + ")"
GENERIC = word_alternation("project_generic")
SLOGAN = r"“[^“”]{2,20}”|「[^「」]{2,20}」"
SENTENCE_PUNCT = r"[，。！？；：,!?;:]"
NUMERAL = r"[0-9一二三四五六七八九十两百千万]"


def _quoted(sentences: pl.DataFrame) -> pl.DataFrame:
    """Every quotation of 2..20 characters: document_key, sentence_no, span_start (the sentence's), match,
    match_start."""
    return regex_spans(sentences, "text", SLOGAN, ["document_key", "sentence_no", "span_start"])


def project_candidates(sentences: pl.DataFrame, quoted: pl.DataFrame | None = None) -> pl.DataFrame:
    """Project names with body spans: document_key, sentence_no, name, span_start, span_end.
    quoted: _quoted(sentences), when the caller has it."""
    quoted = (_quoted(sentences) if quoted is None else quoted).select(
        "document_key", (pl.col("span_start") + pl.col("match_start")).alias("q_start"),
        (pl.col("span_start") + pl.col("match_start") + pl.col("match").str.len_chars()).alias("q_end"))
    hits = regex_spans(sentences, "text", PROJECT, ["document_key", "sentence_no", "span_start"])
    hits = (
        hits.with_columns(
            pl.concat_str(pl.col("match").str.replace(SUFFIX, "").str.replace(LEFT_CUT, ""),
                          pl.col("match").str.extract("(" + SUFFIX + ")", 1)).alias("name"))
        .with_columns(
            (pl.col("span_start") + pl.col("match_start") + pl.col("match").str.len_chars()).cast(pl.Int32)
            .alias("span_end"))
        .with_columns((pl.col("span_end") - pl.col("name").str.len_chars()).cast(pl.Int32).alias("span_start"))
        .filter(pl.col("name").str.replace_all(GENERIC, "").str.len_chars() >= 2)
        .with_row_index("_i")
    )
    inside_quotes = (hits.join(quoted, on="document_key")
                     .filter((pl.col("span_start") >= pl.col("q_start")) & (pl.col("span_end") <= pl.col("q_end")))
                     .select("_i"))
    return hits.join(inside_quotes, on="_i", how="anti").select(
        "document_key", "sentence_no", "name", "span_start", "span_end")


def slogan_candidates(sentences: pl.DataFrame, quoted: pl.DataFrame | None = None) -> pl.DataFrame:
    """Quoted slogans: document_key, sentence_no, text, span_start, span_end (inside the marks).
    quoted: _quoted(sentences), when the caller has it."""
    hits = _quoted(sentences) if quoted is None else quoted
    return (
        hits.with_columns(pl.col("match").str.slice(1, pl.col("match").str.len_chars() - 2).alias("text"))
        .filter(~pl.col("text").str.contains(SENTENCE_PUNCT)
                & (pl.col("text").str.strip_chars().str.len_chars().ge(3) | pl.col("text").str.contains(NUMERAL)))
        .select("document_key", "sentence_no", "text",
                (pl.col("span_start") + pl.col("match_start") + 1).cast(pl.Int32).alias("span_start"),
                (pl.col("span_start") + pl.col("match_start") + pl.col("match").str.len_chars() - 1).cast(pl.Int32)
                .alias("span_end"))
    )


def extract_projects(
    documents: pl.DataFrame, sentences: pl.DataFrame, subject: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """-> (dim_project, fact_mention rows with entity_type 'project' and 'slogan').

    subject: the per-document main region (document_key, region_key) from extract_regions; a project's
    region_key is its document's subject (the first document's, for a project named in several)."""
    quoted = _quoted(sentences)  # read by both: a quoted project name is a slogan
    projects = project_candidates(sentences, quoted)
    slogans = slogan_candidates(sentences, quoted)
    projects = projects.with_columns(keys_for(projects["name"]).alias("entity_key"))
    slogans = slogans.with_columns(
        keys_for("slogan:" + slogans["text"])
        .alias("entity_key"))
    if subject is None or subject.is_empty():
        subject = pl.DataFrame(schema={"document_key": pl.Int64, "region_key": pl.Int64})
    dim_project = (
        projects.join(subject.select("document_key", "region_key").unique("document_key"), on="document_key",
                      how="left")
        .sort("document_key", "span_start")
        .select(pl.col("entity_key").alias("project_key"), "name", "region_key")
        .unique("project_key", keep="first", maintain_order=True)
        .sort("name")
    )
    mentions = pl.concat([
        projects.select("document_key", pl.lit("project").alias("entity_type"), "entity_key",
                        pl.col("name").alias("surface"), "sentence_no", "span_start", "span_end"),
        slogans.select("document_key", pl.lit("slogan").alias("entity_type"), "entity_key",
                       pl.col("text").alias("surface"), "sentence_no", "span_start", "span_end"),
    ], how="vertical_relaxed")
    mentions = conform(mentions, "fact_mention").sort(
        "document_key", "span_start")
    return conform(dim_project, "dim_project"), mentions


