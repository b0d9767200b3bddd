"""Article structure: kicker, headline and subheadline, broken print lines joined, paragraphs and headings."""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

import polars as pl

from transforms.clean.lines import is_kept
from transforms.rules import CleaningRules

_TERMINAL = "。！？!?；;…"
_CLOSERS = "”’」』》）)"
_CONTINUES = "，,、：:（(“‘《—-"


def title_like(rules: CleaningRules) -> pl.Expr:
    """Short and without sentence punctuation: a headline, subheadline or section heading."""
    text = pl.col("text")
    return (
        (text.str.len_chars() <= rules.title_max_chars)
        & ~text.str.contains(f"[{_TERMINAL}]")
        & ~text.str.contains(f"[{_CONTINUES}]$")
        & (text.str.count_matches("[，,]") <= 1)  # titles are phrases, not clause chains
    )


def continues_into_next(rules: CleaningRules, bigrams: pl.Series, *, by_length: bool = True) -> pl.Expr:
    """Whether a line (column text) runs on into the next one (column _next): the print layout broke it.

    It does when it ends on a comma-like mark, or is long and ends without sentence punctuation, or ends
    so that a dictionary word straddles the break (民|生热线 is evidence, 紧盯重点|为确保 is not) into a line of
    prose: two title-like lines (火车站|上世纪的老照片) are two titles, whatever word their edges make."""
    text, nxt = pl.col("text"), pl.col("_next")
    last = text.str.slice(-1, 1)
    heading_style = text.str.contains(r"[\p{Han}”」》] [\p{Han}“「《]") & ~text.str.contains("[，,、]")
    text_is_title = (text.str.len_chars() <= rules.title_max_chars) & ~text.str.contains(f"[{_TERMINAL}{_CONTINUES}]")
    next_is_title = (nxt.str.len_chars() <= rules.title_max_chars) & ~nxt.str.contains(f"[{_TERMINAL}{_CONTINUES}]")
    return (
        nxt.is_not_null()
        & ~last.str.contains(f"[{_TERMINAL}]")
        & ~nxt.str.contains(rules.kicker)
        & (
            last.str.contains(f"[{_CONTINUES}]")
            | ((text.str.len_chars() >= rules.long_line_chars) & ~heading_style & by_length)
            | (last.str.contains(r"\p{Han}") & (last + nxt.str.slice(0, 1)).is_in(bigrams.implode()) & ~heading_style
               & ~(text_is_title & next_is_title))
        )
    ).fill_null(False)


def two_char_words(vocabulary: Collection[str]) -> pl.Series:
    """The dictionary words a print line can break inside (民|生): evidence for joining lines."""
    return pl.Series("word", sorted(w for w in vocabulary if len(w) == 2), pl.String)


@cache
def roster_patterns() -> tuple[str, str]:
    """(a person's name, a role a leaders' directory lists), from the officials' closed classes."""
    from transforms.extract.officials import default_official_rules

    rules = default_official_rules()
    return f"^(?:{rules.name})$", f"^(?:{rules.directory_roles})$"


def _directory_line(text: pl.Expr) -> pl.Expr:
    """A leaders' directory's line: a role, padding, a name (书 记〓曹某, 副县长：李某)."""
    name, role = (pattern.removeprefix("^").removesuffix("$") for pattern in roster_patterns())
    return text.str.contains("[〓\\s:：]") & text.str.replace_all("[〓\\s:：]", "").str.contains(f"^{role}{name}$")


def find_headline(lines: pl.DataFrame, rules: CleaningRules, words: pl.Series) -> pl.DataFrame:
    """Adds `part`: kicker, headline, subheadline or body for kept lines (null for dropped or blank ones).

    The headline is the first title-like line before the first paragraph of prose, skipping kickers
    (series or column labels) and an editor's note (编者按 and the prose under it)."""
    kept = is_kept()
    next_kept = pl.when(kept).then(pl.col("text")).shift(-1).backward_fill().over("document_key")
    ordered = lines.sort("document_key", "line_no").with_columns(
        _nb=pl.when(pl.col("text") != "").then((pl.col("text") != "").cast(pl.Int32).cum_sum().over("document_key")),
        _next=pl.when(kept).then(next_kept),
    ).with_columns(
        # Long unpunctuated lines are titles as often as broken prose here; only word evidence counts.
        _title=kept & title_like(rules) & ~continues_into_next(rules, words, by_length=False),
        _kicker=kept & pl.col("text").str.contains(rules.kicker),
        # A dash-led line (——在…会议上的讲话) is a subtitle: never the headline, whichever side of it it stands.
        _dash=kept & pl.col("text").str.contains("^[—－―]{1,2}"),
        _note=kept & pl.col("text").str.contains(rules.editor_note),
    )
    per_doc = ordered.group_by("document_key").agg(
        _note_start=pl.col("_nb").filter("_note").min(),
    )
    ordered = ordered.join(per_doc, on="document_key", how="left")
    note_end = (
        ordered.filter(pl.col("_title") & ~pl.col("_note") & (pl.col("_nb") > pl.col("_note_start")))
        .group_by("document_key")
        .agg(_note_end=pl.col("_nb").min())
    )
    ordered = ordered.join(note_end, on="document_key", how="left").with_columns(
        _in_note=(pl.col("_nb") >= pl.col("_note_start")) & (pl.col("_nb") < pl.col("_note_end").fill_null(1 << 30))
    )
    first_prose = (
        ordered.filter(kept & ~pl.col("_title") & ~pl.col("_in_note").fill_null(False) & ~pl.col("_kicker"))
        .group_by("document_key")
        .agg(_first_prose=pl.col("_nb").min())
    )
    ordered = ordered.join(first_prose, on="document_key", how="left")
    headline = (
        ordered.filter(
            pl.col("_title")
            & ~pl.col("_kicker")
            & ~pl.col("_dash")
            & ~pl.col("_in_note").fill_null(False)
            & (pl.col("_nb") < pl.col("_first_prose").fill_null(1 << 30))
        )
        .group_by("document_key")
        .agg(_headline=pl.col("_nb").min())
    )
    ordered = ordered.join(headline, on="document_key", how="left")
    # a directory's first heading (县 委 / 书 记〓某某) is no subtitle: the lines under it need it. One line a
    # document is looked at, the one under the headline.
    under = pl.col("_nb") == pl.col("_headline") + 1
    from transforms.clean.script import with_simplified_columns

    directory = (with_simplified_columns(ordered.filter(under & pl.col("_title") & pl.col("_next").is_not_null()),
                                         {"_next_simp": "_next"})
                 .filter(_directory_line(pl.col("_next_simp")))
                 .select("document_key", "line_no", _dir_heading=pl.lit(True)))
    ordered = (ordered.with_columns(_dir_heading=pl.lit(False)) if directory.is_empty()
               else ordered.join(directory, on=["document_key", "line_no"], how="left", maintain_order="left"))
    part = (
        pl.when(~kept)
        .then(None)
        .when(pl.col("_nb") == pl.col("_headline"))
        .then(pl.lit("headline"))
        .when(
            (pl.col("_nb") == pl.col("_headline") + 1)
            & pl.col("_title")
            & ~pl.col("_dir_heading").fill_null(False)
            & ~pl.col("_in_note").fill_null(False)
            & (pl.col("_nb") < pl.col("_first_prose").fill_null(1 << 30))
        )
        .then(pl.lit("subheadline"))
        .when(pl.col("_dash") & pl.col("_title") & pl.col("_headline").is_not_null()
              & (pl.col("_nb") < pl.col("_first_prose").fill_null(1 << 30)))
        .then(pl.lit("subheadline"))
        .when(pl.col("_kicker") & (pl.col("_nb") < pl.col("_headline").fill_null(0)))
        .then(pl.lit("kicker"))
        .otherwise(pl.lit("body"))
    )
    return ordered.with_columns(part=part).drop(
        "_nb", "_next", "_title", "_kicker", "_dash", "_note", "_note_start", "_note_end", "_in_note", "_first_prose", "_headline",
        "_dir_heading"
    )


def join_broken_lines(lines: pl.DataFrame, rules: CleaningRules, words: pl.Series) -> pl.DataFrame:
    """Body lines -> paragraphs, joining lines the print layout broke mid-sentence (continues_into_next).

    Returns document_key, paragraph_no, text, first_line_no, joined_line_nos, kind (text or heading)."""
    body = (
        lines.filter(pl.col("part") == "body")
        .sort("document_key", "line_no")
        .with_columns(_next=pl.col("text").shift(-1).over("document_key"), _last=pl.col("text").str.slice(-1, 1))
    )
    nxt, last = pl.col("_next"), pl.col("_last")
    continues = continues_into_next(rules, words)
    ascii_pair = last.str.contains("[A-Za-z0-9]") & nxt.str.slice(0, 1).str.contains("[A-Za-z0-9]")
    body = body.with_columns(
        _join=continues.fill_null(False),
        _sep=pl.when(continues & ascii_pair).then(pl.lit(" ")).otherwise(pl.lit("")),
    ).with_columns(
        paragraph_no=(
            pl.col("_join").shift(1, fill_value=False).not_().cast(pl.Int32).cum_sum().over("document_key")
        )
    )
    return body.group_by("document_key", "paragraph_no", maintain_order=True).agg(
        text=pl.concat_str(pl.col("text"), pl.col("_sep")).str.join(""),
        first_line_no=pl.col("line_no").first(),
        joined_line_nos=pl.col("line_no").filter(pl.col("_join")),
        lines=pl.len(),
    ).with_columns(
        kind=pl.when((pl.col("lines") == 1) & title_like(rules)).then(pl.lit("heading")).otherwise(pl.lit("text"))
    )
