"""Publication, edition and date: only where the text or the file name states them, never guessed."""

from __future__ import annotations

import polars as pl

from transforms.clean.lines import drop_where, is_kept, on_subset
from transforms.rules import CleaningRules

# Dropped lines whose text may state the page's publication, edition or date.
_CHROME_FOR_METADATA = ("navigation", "image", "page_headlines", "source", "copyright", "gov_metadata", "url",
                        "font_controls", "metadata_fields", "page_date")
# How far into a document a report's dateline (——2024年2月27日在…会议上) may stand.
_DATELINE_LINES = 8


def drop_source_lines(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """Lines made only of source, date, time, publication and counter tokens leave the body (they feed
    metadata). Matched on the Simplified view (simp), and only on lines holding a source or date token."""
    meta = rules.metadata
    simp = pl.col("simp")
    rest = (
        simp.str.replace_all(meta["source"], "")
        .str.replace_all(meta["date"], "")
        .str.replace_all(meta["publication"], "")
        .str.replace_all(meta["extra_tokens"], "")
        .str.replace_all(r"[\s\p{P}\p{S}]", "")
    )
    has_token = simp.str.contains(meta["source"]) | simp.str.contains(meta["date"])
    return on_subset(lines, is_kept() & has_token, lambda part: drop_where(part, rest == "", "source"))


def source_author(rules: CleaningRules) -> pl.Expr:
    """A source line's author (来自：某某日报；张三 / 作者：张三) as byline text: role word, space, name."""
    simp, author = pl.col("simp"), rules.metadata["author"]
    label = pl.coalesce(simp.str.extract(author, 2), simp.str.extract(author, 1))
    name = simp.str.extract(author, 3)
    role = pl.when(label.is_in(["记者", "通讯员", "实习生"])).then(label).otherwise(pl.lit("作者"))
    return pl.when((pl.col("drop_reason") == "source") & name.is_not_null()).then(pl.concat_str(role, pl.lit(" "), name))


def _first(expr: pl.Expr) -> pl.Expr:
    return expr.drop_nulls().first()


def _ymd(text: pl.Expr, pattern: str, first_group: int = 1) -> pl.Expr:
    """The date a pattern's three consecutive groups (year, month, day) spell, or null."""
    return pl.concat_str(
        text.str.extract(pattern, first_group),
        text.str.extract(pattern, first_group + 1).str.zfill(2),
        text.str.extract(pattern, first_group + 2).str.zfill(2),
        separator="-",
    ).str.to_date("%Y-%m-%d", strict=False)


# The month a year's part (2021年上半年, 2021年1-8月) ends in.
_PART_END = {"一季度": 3, "第一季度": 3, "上半年": 6, "前三季度": 9}


def _running_date(lead: pl.Expr, meta: dict) -> pl.Expr:
    """A full date in the first sentence; else its opening month and day (9月7日，…) in the year of a part of a
    year the same sentence reviews (…2021年上半年工作…), when that part ended before the month: the review
    of a year's part comes after it, in that year."""
    full = _ymd(lead, meta["running_date"])
    day = lead.str.extract_groups(r"^\s*(\d{1,2})月(\d{1,2})日")
    part = lead.str.extract_groups(r"((?:19|20)\d{2})年(一季度|第一季度|上半年|前三季度|1\s*[-－—至到]\s*(\d{1,2})月)")
    ends = pl.coalesce(part.struct[1].replace_strict(_PART_END, default=None), part.struct[2].cast(pl.Int32, strict=False))
    month = day.struct[0].cast(pl.Int32, strict=False)
    reviewed = pl.when(month > ends).then(
        pl.concat_str(part.struct[0], day.struct[0].str.zfill(2), day.struct[1].str.zfill(2), separator="-")
    ).str.to_date("%Y-%m-%d", strict=False)
    return pl.coalesce(full, reviewed)


def document_metadata(lines: pl.DataFrame, docs: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """(document_key, source_uri) + marked lines -> publication, edition, table_title (a portal table's title
    cell), published_on, published_on_source
    (text, filename) and published_on_basis (where in the text: epaper_path, labelled, metadata_line,
    dateline, running_text — the last a weaker basis, used only when the page states nothing else)."""
    meta = rules.metadata
    simp = pl.col("simp")
    evidence = lines.filter(pl.col("drop_reason").is_in(_CHROME_FOR_METADATA)).sort("document_key", "line_no")
    labelled = f"(?:{meta['date_label']})[^0-9]{{0,8}}{meta['date']}"
    path_date, label_date, line_date = _ymd(simp, meta["epaper_path"]), _ymd(simp, labelled), _ymd(simp, meta["date"])
    source_name = simp.str.extract(meta["source"], 1)
    title_head = simp.str.extract(meta["table_title"], 1).str.len_chars()
    found = evidence.group_by("document_key").agg(
        # the paper a navigation bar names first (返回主页 | 某某晚报 | 版面导航) is the page's own
        navbar_paper=_first(pl.when(simp.str.contains("返回主页|返回首页|版面导航|标题导航"))
                            .then(simp.str.extract(meta["publication"], 1))),
        publication=_first(simp.str.extract(meta["publication"], 1)),
        source_name=_first(pl.when(~source_name.str.contains(meta["source_unnamed"])).then(source_name)),
        table_title=_first(pl.col("text").str.slice(title_head, simp.str.extract(meta["table_title"], 2).str.len_chars())
                           .filter(pl.col("drop_reason") == "gov_metadata")),
        source_paper=_first(simp.str.extract(meta["source"], 1).str.extract(meta["publication"], 1)),
        edition=_first(
            pl.coalesce(simp.str.extract(meta["edition"], 1), simp.str.extract(meta["epaper_path"], 4))
        ).cast(pl.Int32),
        path_date=_first(path_date),
        label_date=_first(label_date),
        line_date=_first(line_date),
    )
    kept = lines.filter(is_kept()).sort("document_key", "line_no").with_columns(
        _rank=pl.int_range(pl.len()).over("document_key")
    )
    stated = (
        kept.filter(pl.col("_rank") < _DATELINE_LINES)
        .group_by("document_key")
        .agg(dateline_date=_first(_ymd(simp, meta["dateline"])))
    )
    # The first line of prose, where a news item says when its event happened.
    running = (
        kept.filter(pl.col("text").str.contains("[。！？]"))
        .group_by("document_key")
        .agg(_lead=pl.col("simp").first())
        .select("document_key", running_date=_running_date(pl.col("_lead").str.extract("^([^。！？]*)", 1), meta))
    )
    file_name = pl.col("source_uri").str.extract(r"([^/\\]+)$", 1)
    file_date = pl.concat_str(
        file_name.str.extract(meta["filename_date"], 1),
        file_name.str.extract(meta["filename_date"], 2),
        file_name.str.extract(meta["filename_date"], 3),
        separator="-",
    ).str.to_date("%Y-%m-%d", strict=False)
    bases = ("path_date", "label_date", "line_date", "dateline_date")
    names = ("epaper_path", "labelled", "metadata_line", "dateline")
    basis = pl.when(pl.col(bases[0]).is_not_null()).then(pl.lit(names[0]))
    for column, name in zip(bases[1:], names[1:]):
        basis = basis.when(pl.col(column).is_not_null()).then(pl.lit(name))
    basis = basis.when(pl.col("file_date").is_not_null()).then(pl.lit("filename"))
    basis = basis.when(pl.col("running_date").is_not_null()).then(pl.lit("running_text"))
    return (
        docs.select("document_key", "source_uri")
        .join(found, on="document_key", how="left")
        .join(stated, on="document_key", how="left")
        .join(running, on="document_key", how="left")
        .with_columns(file_date=file_date, text_date=pl.coalesce(*bases))
        .select(
            "document_key",
            publication=pl.coalesce("source_paper", "navbar_paper", "source_name", "publication"),
            table_title="table_title",
            edition="edition",
            published_on=pl.coalesce("text_date", "file_date", "running_date"),
            published_on_source=pl.when(pl.col("text_date").is_not_null())
            .then(pl.lit("text"))
            .when(pl.col("file_date").is_not_null())
            .then(pl.lit("filename"))
            .when(pl.col("running_date").is_not_null())
            .then(pl.lit("text")),
            published_on_basis=basis,
        )
    )
