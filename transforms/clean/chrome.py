"""Page chrome: navigation, copyright, image names, table remnants, share prompts, the page's headline list."""

from __future__ import annotations

import polars as pl

from transforms.clean.lines import drop_where, is_kept, on_subset
from transforms.rules import CleaningRules

# E-papers print the page's other headlines above the navigation bar; the bar sits within this many lines.
HEADER_ZONE_LINES = 40


def drop_page_chrome(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """Mark lines matched by a [[chrome]] rule, first matching rule's reason wins. Rules see the line's
    Simplified view (column simp). One pass of all rules together finds the few lines any rule matches;
    only those are tried rule by rule."""
    any_rule = "|".join(f"(?:{rule.pattern})" for rule in rules.chrome)
    if not any_rule:
        return lines

    def first_reason(part: pl.DataFrame) -> pl.DataFrame:
        reason = pl.lit(None, pl.String)
        for rule in reversed(rules.chrome):
            condition = pl.col("simp").str.contains(rule.pattern)
            if rule.max_chars:
                condition &= pl.col("text").str.len_chars() <= rule.max_chars
            reason = pl.when(condition).then(pl.lit(rule.reason)).otherwise(reason)
        return part.with_columns(drop_reason=reason)

    return on_subset(lines, is_kept() & pl.col("simp").str.contains(any_rule), first_reason)


def drop_header_headline_list(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """Everything above the last navigation line of the page header is page furniture.

    The header ends before the first line of prose: a navigation bar printed after the article (the
    table-pipe e-paper layout puts its 上一篇 下一篇 bar under a one-line article) never takes the article
    with it."""
    nonblank = pl.col("text") != ""
    text = pl.col("text")
    prose = is_kept() & ((text.str.len_chars() > rules.title_max_chars) | text.str.contains("[。！？!?；;]"))
    ranked = lines.sort("document_key", "line_no").with_columns(
        _nb=pl.when(nonblank).then(nonblank.cast(pl.Int32).cum_sum().over("document_key")),
        _prose_before=prose.cast(pl.Int32).cum_sum().over("document_key"),
    )
    header_end = (
        ranked.filter(
            (pl.col("drop_reason") == "navigation")
            # 上一篇：<title> links close an article; they never end a page header
            & ~pl.col("simp").str.contains(r"^(上一篇|下一篇|上一条|下一条)\s*[:：]\s*\S")
            & (pl.col("_nb") <= HEADER_ZONE_LINES)
            & (pl.col("_prose_before") == 0)
        )
        .group_by("document_key")
        .agg(_header_end=pl.col("line_no").max())
    )
    marked = ranked.join(header_end, on="document_key", how="left")
    marked = drop_where(marked, pl.col("line_no") < pl.col("_header_end"), "page_headlines")
    return marked.drop("_nb", "_header_end", "_prose_before")


def drop_article_lists(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """Title-like lines under a widget that heads a list of other articles (相关阅读, 本版其他文章), up to the
    first line of prose, are the list's entries."""
    text = pl.col("text")
    prose = is_kept() & ((text.str.len_chars() > rules.title_max_chars) | text.str.contains("[。！？!?；;]"))
    header = (pl.col("drop_reason") == "widget") & pl.col("simp").str.contains(rules.article_list_header)
    ranked = lines.sort("document_key", "line_no").with_columns(
        _list=header.cast(pl.Int32).cum_sum().over("document_key"),
    ).with_columns(
        # prose seen since the last list header ends that list
        _prose_since=prose.cast(pl.Int32).cum_sum().over("document_key", "_list"),
    )
    marked = drop_where(ranked, (pl.col("_list") > 0) & (pl.col("_prose_since") == 0), "article_list")
    return marked.drop("_list", "_prose_since")
