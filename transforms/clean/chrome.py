"""Page chrome: navigation, copyright, image names, table remnants, share prompts, the page's headline list; and
the chrome no phrase names, told by its shape (drop_by_shape)."""

from __future__ import annotations

import re

import polars as pl

from transforms.clean.lines import drop_where, is_kept, on_subset
from transforms.clean.structure import roster_patterns, title_like
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
    with it. A breadcrumb (当前位置：首页 > 新闻) only ever stands above its article: a site notice of a
    sentence or two above it (本网改版试运行，欢迎提出意见。) is header too, a paragraph is not.
    An article whose text follows the bar without a title of its own had its headline above the bar
    (title, 日期：…, 字号, 上一篇 下一篇, text): the last title there is kept."""
    nonblank = pl.col("text") != ""
    text = pl.col("text")
    # the article's byline (记者 甲 通讯员 乙) opens the article as its prose does
    roles = "|".join(sorted(map(re.escape, rules.byline_roles), key=len, reverse=True))
    byline = (text.str.len_chars() <= rules.title_max_chars) & pl.col("simp").str.contains(
        f"^[□■◆●▲☉◎]?\\s*[（(【]?\\s*{rules.byline_role_prefix}(?:{roles})\\s*[:：|｜]?\\s*\\p{{Han}}")
    long_line = text.str.len_chars() > rules.title_max_chars
    ranked = lines.sort("document_key", "line_no").with_columns(
        _nb=pl.when(nonblank).then(nonblank.cast(pl.Int32).cum_sum().over("document_key")),
        # a long line or a byline: the article has started (also above a breadcrumb)
        _start=is_kept() & (long_line | byline),
    ).with_columns(_prose=pl.col("_start") | (is_kept() & text.str.contains("[。！？!?；;]"))).with_columns(
        _prose_before=pl.col("_prose").cast(pl.Int32).cum_sum().over("document_key"),
        _long_before=pl.col("_start").cast(pl.Int32).cum_sum().over("document_key"),
    )
    crumb = pl.col("simp").str.contains(rules.chrome_shape["breadcrumb"])
    header_end = (
        ranked.filter(pl.col("drop_reason") == "navigation").filter(
            # 上一篇：<title> links close an article; they never end a page header
            ~pl.col("simp").str.contains(r"^(上一篇|下一篇|上一条|下一条)\s*[:：]\s*\S")
            & (pl.col("_nb") <= HEADER_ZONE_LINES)
            & ((pl.col("_prose_before") == 0)
               | (crumb & (pl.col("_long_before") == 0)
                  & (pl.col("_prose_before") <= int(rules.chrome_shape["crumb_notice_lines"]))))
        )
        .group_by("document_key")
        .agg(_header_end=pl.col("line_no").max())
    )
    marked = ranked.join(header_end, on="document_key", how="left")
    # the article's own headline above the bar: when no title stands between the bar and the first prose
    title = is_kept() & title_like(rules) & ~pl.col("_prose")
    framed = marked.filter(pl.col("_header_end").is_not_null()).with_columns(
        _first_prose=pl.col("line_no").filter((pl.col("line_no") > pl.col("_header_end")) & pl.col("_prose"))
        .min().over("document_key"))
    titled = framed.filter((pl.col("line_no") > pl.col("_header_end"))
                           & (pl.col("line_no") < pl.col("_first_prose").fill_null(1 << 30))).filter(title)
    own = (
        framed.filter((pl.col("line_no") < pl.col("_header_end"))
                      & ~pl.col("document_key").is_in(titled["document_key"].implode()))
        .filter(title & (pl.col("simp").str.count_matches(r"\p{Han}") >= 4)
                & ~pl.col("simp").str.contains(rules.chrome_shape["headline_not"]))
        .group_by("document_key")
        .agg(_own=pl.col("line_no").max())
    )
    marked = (marked.with_columns(_own=pl.lit(None, pl.Int32)) if own.is_empty()
              else marked.join(own, on="document_key", how="left"))
    marked = drop_where(marked, (pl.col("line_no") < pl.col("_header_end"))
                        & (pl.col("line_no") != pl.col("_own")).fill_null(True), "page_headlines")
    return marked.drop("_nb", "_header_end", "_start", "_prose", "_prose_before", "_long_before", "_own")


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


# A teaser runs the text below it together (the title, the subtitle, the first lines, cut off): at least this many
# characters, compared with this many lines below it.
TEASER_MIN_CHARS = 20
TEASER_LINES = 8
_CUE_CHARS = 12


def drop_repeated_text(lines: pl.DataFrame) -> pl.DataFrame:
    """A line that the lines below it repeat, cut off or run together without spaces (a portal's summary or
    teaser of the article above the article itself), is chrome: the text stays in the lines below. Only documents
    where a line opens as one of the next two lines do are compared in full."""
    doc = "document_key"
    flat = pl.col("text").str.replace_all(r"\s+", "")
    # lines are in document order here; blank lines play no part
    part = lines.filter(pl.col("text") != "")
    head = pl.col("text").str.slice(0, _CUE_CHARS)
    # a teaser and the line it repeats are in one document; a shift across documents is checked, not grouped
    cue = is_kept() & (pl.col("text").str.len_chars() >= TEASER_MIN_CHARS) & (
        ((head == head.shift(-1)) & (pl.col(doc) == pl.col(doc).shift(-1)))
        | ((head == head.shift(-2)) & (pl.col(doc) == pl.col(doc).shift(-2))))
    suspects = part.filter(cue.fill_null(False))[doc].unique()
    if suspects.is_empty():
        return lines
    ahead = pl.concat_str([pl.col("_flat").shift(-k).over(doc) for k in range(1, TEASER_LINES + 1)],
                          ignore_nulls=True)
    teasers = part.filter(pl.col(doc).is_in(suspects.implode())).with_columns(_flat=flat).filter(
        is_kept() & (pl.col("_flat").str.len_chars() >= TEASER_MIN_CHARS) & ahead.str.starts_with(pl.col("_flat"))
        # a paragraph printed twice is the text's own: the copy a teaser makes is cut off or runs lines on
        & (pl.col("_flat") != pl.col("_flat").shift(-1).over(doc)).fill_null(True)
    ).select(doc, "line_no", _teaser=pl.lit(True))
    if teasers.is_empty():
        return lines
    marked = lines.join(teasers, on=[doc, "line_no"], how="left", maintain_order="left")
    return drop_where(marked, pl.col("_teaser").fill_null(False), "repeated_text").drop("_teaser")


# The reason a line dropped by its shape is recorded with: its strongest feature's.
SHAPE_REASONS = {
    "fields": "metadata_fields", "date_only": "page_date", "dated_header": "page_date", "url": "url",
    "bar_list": "link_bar", "word_list": "link_bar", "menu_run": "link_bar", "menu_run_by_chrome": "link_bar",
    "menu_run_of_words": "link_bar", "tail_after_chrome": "page_tail", "word_by_chrome": "link_bar",
    "dated_run": "link_bar", "head_menu_run": "link_bar", "label_value": "field_value", "link_arrow": "link_bar",
    "button": "widget",
}
# Chrome that opens a page's tail: not an image or a table rule, which stand inside articles too.
_TAIL_OPENERS = ("image", "table", "byline")


def _line_shapes(lines: pl.DataFrame, rules: CleaningRules, words: pl.Series | None) -> pl.DataFrame:
    """Candidate lines (kept, not prose) -> _i and the features a line shows by itself."""
    shape = rules.chrome_shape
    simp = pl.col("simp")
    han = simp.str.count_matches(r"\p{Han}")
    fields = ((simp.str.count_matches(shape["field"]) >= 2) & simp.str.contains(shape["field_value"])
              & simp.str.contains(shape["field_label"]))
    roles = "|".join(sorted(map(re.escape, rules.byline_roles), key=len, reverse=True))
    # a directory's line is tokens between spaces: only such lines are looked at token by token
    spaced = lines.filter(simp.str.contains(r"^\S{1,12}(?:[\s〓|｜]+\p{Han}{2,4}){1,8}$"))
    roster = spaced.select("_i", f_roster=_roster(simp, words))
    return lines.join(roster, on="_i", how="left").with_columns(pl.col("f_roster").fill_null(False)).select(
        "_i", "f_roster",
        f_fields=fields,
        f_date_only=simp.str.contains(shape["date_only"]),
        # a header lists tokens; a clause (2021年4月29日 10:00，某县召开…) is the lead broken across lines
        f_dated_header=simp.str.contains(shape["dated_header"]) & ~simp.str.contains("[，,、]"),
        f_url=simp.str.contains(shape["url"]) & (han <= int(shape["url_max_han"])),
        f_bar_list=simp.str.contains(shape["bar_list"]),
        f_word_list=simp.str.contains(shape["word_list"])
        & (han <= simp.str.count_matches(r"\p{Han}+") * float(shape["word_list_mean_chars"])),
        _menu=simp.str.contains(rf"^\p{{Han}}{{1,{int(shape['menu_item_chars'])}}}$"),
        f_title_like=title_like(rules),
        # a role word outside a metadata line (作者 :  浏览次数 : 12 is not a byline)
        f_byline=simp.str.contains(roles) & ~fields,
        _clock=simp.str.contains(shape["clock"]),
        # a menu item is a word (新闻, 财经); a directory's items are names
        _word=simp.is_in(words.implode()) if words is not None else pl.lit(False),
        # a link list's entry: a title with its date after it (某镇举办丰收节 2021-05-04, … 05-04)
        _dated=simp.str.contains(shape["dated_item"]),
        f_link_arrow=simp.str.contains(shape["link_arrow"]),
        # an editor's note's label (【编者按】) is the note's, not a button
        f_button=simp.str.contains(shape["button"]) & ~simp.str.contains(rules.editor_note),
        # a short value with no clause in it: what an empty field label on the line above stands for
        _value=(pl.col("text").str.len_chars() <= int(shape["label_value_max_chars"]))
        & ~simp.str.contains("[。！？!?；;，,、]"),
        # a person's name alone (a directory's line), not a word nor a site's or paper's name (某某网, 某某报)
        _name=simp.str.contains(roster_patterns()[0]) & ~simp.str.contains("[网报台站]$")
        & ~(simp.is_in(words.implode()) if words is not None else pl.lit(False)),
    )


def _roster(simp: pl.Expr, words: pl.Series | None) -> pl.Expr:
    """A directory's line, not a menu: a role, then names between spaces (副书记 甲某 乙某), or names alone;
    a name is a surname and one or two more characters that is not a dictionary word (新闻, 房产)."""
    name, role = roster_patterns()
    tokens = simp.str.extract_all(r"[^\s〓|｜]+")
    word = pl.element().is_in(words.implode()) if words is not None else pl.lit(False)
    is_name = pl.element().str.contains(name) & ~word
    return (tokens.list.len() >= 2) & tokens.list.slice(1).list.eval(is_name).list.all() & (
        tokens.list.first().str.contains(role) | tokens.list.first().str.contains(name))


_OWN = ("f_fields", "f_date_only", "f_dated_header", "f_url", "f_bar_list", "f_word_list", "_menu", "f_title_like",
        "f_byline", "_clock", "_word", "f_roster", "_dated", "_value", "_name", "f_link_arrow", "f_button")


def shape_features(lines: pl.DataFrame, rules: CleaningRules, words: pl.Series | None = None) -> pl.DataFrame:
    """Non-blank lines in document order -> one boolean column per [chrome_shape] weight (f_NAME), and _score,
    their weighted sum. Neighbours and zones are counted over non-blank lines only; the features a line
    shows by itself are computed for the lines that can be chrome (kept, not prose) only."""
    weights, doc = rules.chrome_shape["weights"], "document_key"
    text = pl.col("text")
    # an address's ? and length say nothing about prose
    plain = text.str.replace_all(r"(?i)(?:https?://|www\.)\S*", "")
    frame = lines.with_columns(
        _i=pl.int_range(pl.len(), dtype=pl.UInt32),
        _r=pl.int_range(pl.len()).over(doc),
        _prose=is_kept() & ((plain.str.len_chars() > rules.title_max_chars) | plain.str.contains("[。！？!?；;]")),
    )
    own = _line_shapes(frame.filter(is_kept() & ~pl.col("_prose")), rules, words)
    frame = frame.join(own, on="_i", how="left", maintain_order="left").with_columns(
        pl.col(_OWN).fill_null(False),
        _first=pl.col("_r").filter("_prose").min().over(doc),
        _last=pl.col("_r").filter("_prose").max().over(doc),
    )
    head, tail = pl.col("_r") < pl.col("_first"), pl.col("_r") > pl.col("_last")
    zones = {
        # a document without prose has no zones: its lines count as body
        "body": ~head.fill_null(False) & ~tail.fill_null(False),
        "prose": pl.col("_prose"),
    }
    frame = frame.with_columns(**{f"f_{name}": expr for name, expr in zones.items()})
    # Lines chrome by their own shape are chrome neighbours already: one pass finds the lines beside them.
    alone = pl.sum_horizontal(pl.col(name).cast(pl.Int32) * int(weights[name.removeprefix("f_")])
                              for name in (*_OWN, "f_body", "f_prose") if name.startswith("f_"))
    frame = frame.with_columns(
        _chrome=(pl.col("drop_reason").is_not_null() & ~pl.col("drop_reason").is_in(_TAIL_OPENERS))
        | (is_kept() & (alone >= int(rules.chrome_shape["threshold"]))),
        _menu=pl.col("_menu") & is_kept(),
    ).with_columns(
        _cc=pl.col("_chrome").cast(pl.Int32).cum_sum().over(doc),
        _run=(~pl.col("_menu")).cast(pl.Int32).cum_sum().over(doc),
        _below=pl.col("_chrome").shift(-1).over(doc).fill_null(False),
        # a document's lines stand together: the line above or below in the frame, if in the same document
        _above=(pl.col("_chrome").shift(1) & (pl.col(doc).shift(1) == pl.col(doc))).fill_null(False),
        _dated_next=((pl.col("_dated").shift(1) & (pl.col(doc).shift(1) == pl.col(doc))).fill_null(False)
                     | (pl.col("_dated").shift(-1) & (pl.col(doc).shift(-1) == pl.col(doc))).fill_null(False)),
        # the line above is a field's label with nothing after it (责任编辑： / 何某): this line is its value
        _after_label=(pl.col("simp").shift(1).str.contains(rules.chrome_shape["empty_label"])
                      & (pl.col(doc).shift(1) == pl.col(doc))).fill_null(False),
    ).with_columns(
        _cc_last=pl.col("_cc").filter(pl.col("_r") == pl.col("_last")).first().over(doc),
        _run_len=pl.col("_menu").cast(pl.Int32).sum().over(doc, "_run"),
        _run_words=(pl.col("_menu") & pl.col("_word")).cast(pl.Int32).sum().over(doc, "_run"),
        _run_by_chrome=(pl.col("_chrome").first() | pl.col("_below").last()).over(doc, "_run"),
        _run_names=(pl.col("_menu") & pl.col("_name")).cast(pl.Int32).sum().over(doc, "_run"),
    )
    context = {
        "menu_run": pl.col("_menu") & (pl.col("_run_len") >= 3),
        "menu_run_by_chrome": pl.col("_menu") & (pl.col("_run_len") >= 3) & pl.col("_run_by_chrome"),
        # one menu word alone beside a chrome line (首页 | 新闻 | 财经 / 财经)
        "word_by_chrome": pl.col("_menu") & pl.col("_word") & (pl.col("_above") | pl.col("_below")),
        # two or more dated titles together
        "dated_run": pl.col("_dated") & is_kept() & pl.col("_dated_next"),
        "menu_run_of_words": pl.col("_menu") & (pl.col("_run_len") >= 3)
        & (pl.col("_run_words") * 2 >= pl.col("_run_len")),
        "tail_after_chrome": tail & (pl.col("_cc") > pl.col("_cc_last")),
        # a site's name, menu and section above the article (某某网 / 选单 / 财经): short items before the first
        # prose, a word among them and no person's name (a directory's names stand in runs too)
        "head_menu_run": pl.col("_menu") & (pl.col("_run_len") >= 3) & head.fill_null(False)
        & (pl.col("_run_words") >= 1) & (pl.col("_run_names") == 0),
        "label_value": is_kept() & pl.col("_after_label") & pl.col("_value"),
    }
    frame = frame.with_columns(**{f"f_{name}": expr.fill_null(False) for name, expr in context.items()})
    return frame.with_columns(
        _score=pl.sum_horizontal(pl.col(f"f_{name}").cast(pl.Int32) * int(weight) for name, weight in weights.items())
    )


def drop_by_shape(lines: pl.DataFrame, rules: CleaningRules, words: pl.Series | None = None) -> pl.DataFrame:
    """A transparent scored rule set for the chrome the phrase rules miss: a kept line whose [chrome_shape]
    features weigh `threshold` or more is dropped, for the reason of its strongest feature (SHAPE_REASONS; a
    page clock's date line as `clock`, so that it never dates the page). A line chrome by its own shape is a
    chrome neighbour for the lines beside it (a footer's lines under its copyright).
    words: the dictionary's two-character words (a menu's items are words, a directory's are names)."""
    shape, weights = rules.chrome_shape, rules.chrome_shape["weights"]
    strongest = sorted(SHAPE_REASONS, key=lambda name: -int(weights[name]))
    reason = pl.lit("shape")
    for name in reversed(strongest):
        reason = pl.when(pl.col(f"f_{name}")).then(pl.lit(SHAPE_REASONS[name])).otherwise(reason)
    reason = pl.when((pl.col("f_date_only") | pl.col("f_dated_header")) & pl.col("_clock")).then(
        pl.lit("clock")).otherwise(reason)

    def step(part: pl.DataFrame) -> pl.DataFrame:
        scored = shape_features(part, rules, words)
        return drop_where(scored, pl.col("_score") >= int(shape["threshold"]), reason).select(part.columns)

    return on_subset(lines, pl.col("text") != "", step)
