"""What a document says about itself, computed once per document for the steps that read it: its date and
how the cleaning found it, the year it reports on (a bulletin opening `2022年，…`, a report titled
`某镇2021年政府工作报告`), the year each section heading sets for what follows (`2020年工作回顾`), and its own
region, the unit its headline or title line names as what it is about.

Pure Polars over the batch, frames keyed by document_key (one row per document that has the fact); the year
grammar is the periods' (transforms/rules/periods.toml). Where the text does not settle a fact, it stays null."""

from __future__ import annotations

import polars as pl

from transforms.extract.tables import per_text_rows
from transforms.extract.gazetteer import DEPTH, Gazetteer
from transforms.extract.periods import PeriodRules, default_period_rules, year_labels
from transforms.extract.script import to_simplified
from transforms.rules import word_alternation

# a bare short name before an organisation's ending names the organisation (郑州日报, 郑州某某有限公司);
# read so in the headline here and in the body by transforms/extract/regions.py
ORGANISATION = rf"^\p{{Han}}{{0,8}}?(?:{word_alternation('org_suffixes')})"
# A work report of year Y is delivered early in Y: its 今年 is Y and the year it reviews is Y-1.
_WORK_REPORT = "政府工作[报報]告"
# A heading: a short paragraph without the punctuation of a sentence.
_HEADING_CHARS = 32
_SENTENCE_MARKS = "[，,。；;！？!?：:]"

CONTEXT_SCHEMA = {"document_key": pl.Int64, "published_on": pl.Date, "published_on_basis": pl.String,
                  "anchor_on": pl.Date, "year": pl.Int32, "year_basis": pl.String}


def _heading_year(text: pl.Expr, rules: PeriodRules) -> pl.Expr:
    """The year a heading paragraph names (2020年工作回顾, 一、2022年主要目标), else null."""
    y = f"({rules.year})年"
    # a colon may end a heading (2020年工作回顾：); one naming two years (2021年工作和2022年安排) sets none
    is_heading = ((text.str.len_chars() <= _HEADING_CHARS) & ~text.str.replace("[：:]$", "").str.contains(_SENTENCE_MARKS)
                  & (text.str.count_matches(f"(?:{rules.year})年") == 1))
    # a year alone, not a date (2020年5月) nor a span (2019年以来, 2018年以前)
    year = text.str.extract(f"{y}(?:度)?(?:[^0-9〇零一二三四五六七八九十月以前后後]|$)", 1)
    return pl.when(is_heading).then(year.cast(pl.Int32, strict=False))


def _headings(sentences: pl.DataFrame, rules: PeriodRules) -> pl.DataFrame:
    """(document_key, paragraph_no, section_year) of the heading paragraphs that name a year."""
    return (sentences.filter(pl.col("text").str.contains(f"(?:{rules.year})年"))
            .group_by("document_key", "paragraph_no")
            .agg(pl.col("text").sort_by("sentence_no").str.join(""))
            .with_columns(section_year=_heading_year(pl.col("text"), rules).cast(pl.Int32))
            .filter(pl.col("section_year").is_not_null())
            .select("document_key", "paragraph_no", "section_year"))


def section_years(sentences: pl.DataFrame, rules: PeriodRules | None = None) -> pl.DataFrame:
    """(document_key, paragraph_no, section_year): per paragraph, the year of the last heading before it that
    names one; paragraphs before any such heading are not listed."""
    rules = rules or default_period_rules()
    headings = _headings(sentences, rules)
    every = sentences.select("document_key", "paragraph_no").unique()
    return (every.join(headings.select("document_key").unique(), on="document_key", how="semi")
            .sort("paragraph_no")
            .join_asof(headings.sort("paragraph_no"), on="paragraph_no", by="document_key",
                       strategy="backward", allow_exact_matches=False, check_sortedness=False)
            .filter(pl.col("section_year").is_not_null()))


def document_context(documents: pl.DataFrame, sentences: pl.DataFrame,
                     rules: PeriodRules | None = None) -> pl.DataFrame:
    """One row per document (CONTEXT_SCHEMA):
    anchor_on   the date 今年/去年 count from: published_on, else the first day of a work report's year;
    year        the year the document reports on: the headline's; else the one year its opening paragraph's
                labels and its headings all name (none when they name several);
    year_basis  headline | work_report | text."""
    rules = rules or default_period_rules()
    docs = documents.select(
        "document_key",
        pl.col("published_on").cast(pl.Date) if "published_on" in documents.columns
        else pl.lit(None, dtype=pl.Date).alias("published_on"),
        pl.col("published_on_basis") if "published_on_basis" in documents.columns
        else pl.lit(None, dtype=pl.String).alias("published_on_basis"),
        headline=pl.col("headline").fill_null("") if "headline" in documents.columns else pl.lit(""),
    )
    head_years = year_labels(pl.col("headline"), rules).list.eval(
        pl.element().str.extract(f"({rules.year})年", 1).cast(pl.Int32)).list.unique()
    report_year = pl.col("headline").str.extract(f"({rules.year})年度?[^0-9，,]{{0,4}}{_WORK_REPORT}", 1)
    # a work report without a year in its headline is the next year's when delivered in the last quarter
    # (建平县, 2018年12月22日: reviews 2018), else its date's year
    pub = pl.col("published_on")
    dated_report = pl.when(pl.col("headline").str.contains(_WORK_REPORT)).then(
        pub.dt.year().cast(pl.Int32) + (pub.dt.month() >= 10).cast(pl.Int32))
    docs = docs.with_columns(_report=pl.coalesce(report_year.cast(pl.Int32, strict=False), dated_report))
    docs = docs.with_columns(_head=pl.coalesce("_report", pl.when(head_years.list.len() == 1)
                                               .then(head_years.list.first())))
    # The opening paragraph's year labels (2022年，面对…; 2017年度…项目) and the headings' years.
    first = sentences.group_by("document_key").agg(pl.col("paragraph_no").min().alias("_first"))
    opening = (sentences.filter(pl.col("text").str.contains(f"(?:{rules.year})年"))
               .join(first, on="document_key")
               .filter(pl.col("paragraph_no") == pl.col("_first"))
               .group_by("document_key").agg(pl.col("text").sort_by("sentence_no").str.join(""))
               .select("document_key", _years=year_labels(pl.col("text"), rules).list.eval(
                   pl.element().str.extract(f"({rules.year})年", 1).cast(pl.Int32))))
    headings = (_headings(sentences, rules).group_by("document_key")
                .agg(pl.col("section_year").unique().alias("_years")))
    text_years = (pl.concat([opening, headings]).explode("_years").drop_nulls("_years")
                  .group_by("document_key").agg(pl.col("_years").unique())
                  .select("document_key", _text=pl.when(pl.col("_years").list.len() == 1)
                          .then(pl.col("_years").list.first())))
    docs = docs.join(text_years, on="document_key", how="left")
    basis = (pl.when(pl.col("_report").is_not_null()).then(pl.lit("work_report"))
             .when(pl.col("_head").is_not_null()).then(pl.lit("headline"))
             .when(pl.col("_text").is_not_null()).then(pl.lit("text")))
    return docs.select(
        "document_key", "published_on", "published_on_basis",
        anchor_on=pl.coalesce("published_on", pl.date(pl.col("_report"), 1, 1)),
        year=pl.coalesce("_head", "_text").cast(pl.Int32),
        year_basis=basis,
    ).cast(CONTEXT_SCHEMA)


# where a document names its own unit, most telling first (dim_document.region_source): its headline; a title
# line (a subheadline or kicker the cleaning moved out of the body, such as a report's `——…在建平县…会议上`, or
# the body's first line when it is short and no sentence: 沙沟镇2021年政府工作报告). A dateline (新华社北京5月10日电)
# names where a story was filed, not what it is about, and an opening clause (郑州市举行…，某某区设分会场) may name
# the unit above the one reported on: neither is read as the document's own unit.
SOURCES = ("headline", "title_line")
# the parts read, in order within a source: a subheadline's unit ranks with the headline's (the two are one
# title), the body's title line only after both
PARTS = {"headline": ("headline", 0), "subheads": ("title_line", 0), "first_line": ("title_line", 1)}
TITLE_LINE = r"^[^\n。！？!?；;，,]{4,30}$"


def _source_texts(documents: pl.DataFrame) -> pl.DataFrame:
    """document_key, part (of PARTS), text: the parts of a document that say what it is about."""
    def column(name: str) -> pl.Expr:
        return pl.col(name).fill_null("") if name in documents.columns else pl.lit("")

    body = pl.col("_body")
    first_line = body.str.extract(r"^\s*([^\n]*)", 1).fill_null("")
    frame = documents.select("document_key", pl.Series("_body", to_simplified(documents["body"].fill_null(""))),
                             column("headline").alias("_head"),
                             pl.concat_str([column("subheadline"), column("kicker")], separator="\n").alias("_subs"))
    frame = frame.with_columns(pl.Series("_head", to_simplified(frame["_head"])),
                               pl.Series("_subs", to_simplified(frame["_subs"])))
    parts = frame.select(
        "document_key",
        pl.col("_head").alias("headline"),
        pl.col("_subs").alias("subheads"),
        pl.when(first_line.str.contains(TITLE_LINE)).then(first_line).otherwise(pl.lit("")).alias("first_line"),
    )
    return parts.unpivot(index="document_key", on=list(PARTS), variable_name="part", value_name="text").filter(
        pl.col("text").str.len_chars() > 0)


def document_regions(documents: pl.DataFrame, gazetteer: Gazetteer,
                     resolved: pl.DataFrame | None = None) -> pl.DataFrame:
    """document_key, code, found (which of SOURCES named it): the document's own unit, the most specific one
    its headline (with subheadline and kicker), else its body's title line, names by full name or by a province's
    or city's short name. A name several units share counts only when the document's body names a relative of exactly
    one of them (resolved: document_key, code of the units the body names)."""
    schema = {"document_key": pl.Int64, "code": pl.String, "found": pl.String}
    if documents.is_empty() or gazetteer.units.is_empty():
        return pl.DataFrame(schema=schema)
    texts = _source_texts(documents).with_row_index("_t")
    if texts.is_empty():
        return pl.DataFrame(schema=schema)
    hits = per_text_rows(texts.select(pl.col("_t").cast(pl.Int64).alias("document_key"), "text"), "text",
                         gazetteer.automaton.find_matches_as_indexes,
                         {"pattern": pl.UInt32, "start": pl.Int32, "end": pl.Int32})
    hits = hits.select(pl.col("document_key").cast(pl.UInt32).alias("_t"), "start", "end",
                       gazetteer.surface_list.gather(hits["pattern"]).alias("surface"))
    hits = hits.join(texts.select("_t", "document_key", "part", "text"), on="_t")
    # a bare short name before an organisation's ending names the organisation (郑州日报, 重庆某某有限公司)
    after = pl.col("text").str.slice(pl.col("end"), 12)
    hits = hits.with_columns(after.str.contains(ORGANISATION).alias("_org")).drop("text")
    rows = gazetteer.surface_rows(hits["surface"])
    level = gazetteer.rows(rows["code"]).select("code", "level")
    cand = (hits.join(rows, on="surface")
            .join(level, on="code")
            .filter(~pl.col("is_short") | (pl.col("level").is_in(["province", "city"]) & ~pl.col("_org")))
            .filter(pl.col("level").is_in(list(DEPTH)) & ~pl.col("level").is_in(["village", "community"])))
    cand = cand.with_columns(pl.len().over("document_key", "part", "start", "surface").alias("_n"))
    if resolved is not None and not resolved.is_empty():
        ambiguous = cand.filter(pl.col("_n") > 1).select("document_key", "code").unique()
        related = gazetteer.related_pairs(
            ambiguous.join(resolved.select("document_key", pl.col("code").alias("ctx")).unique(), on="document_key"),
            "code", "ctx").select("document_key", "code").unique().with_columns(pl.lit(True).alias("_rel"))
        cand = (cand.join(related, on=["document_key", "code"], how="left")
                .filter((pl.col("_n") == 1) | pl.col("_rel").fill_null(False))
                .with_columns(pl.len().over("document_key", "part", "start", "surface").alias("_n")))
    cand = cand.filter(pl.col("_n") == 1)
    rank = {part: i for i, part in enumerate(PARTS)}
    order = pl.col("part").replace_strict({p: PARTS[p][1] for p in PARTS}, return_dtype=pl.Int32)
    depth = pl.col("level").replace_strict(DEPTH, default=0, return_dtype=pl.Int32)
    best = (cand.with_columns(order.alias("_o"), depth.alias("_d"),
                              pl.col("part").replace_strict(rank, return_dtype=pl.Int32).alias("_p"))
            .sort(["document_key", "_o", "_d", "_p", "start"], descending=[False, False, True, False, False])
            .group_by("document_key", maintain_order=True).first())
    found = pl.col("part").replace_strict({p: PARTS[p][0] for p in PARTS}, return_dtype=pl.String)
    return best.select(pl.col("document_key").cast(pl.Int64), "code", found.alias("found"))
