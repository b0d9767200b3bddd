"""Metrics: every number that measures or targets something -> fact_metric rows (+ dim_indicator).

Everything runs over the whole batch of sentences as Polars expressions: one regex pass finds the candidate
figures with their offsets, context windows are string slices, rules (transforms/rules/metrics.toml,
indicators.csv) are regexes and joins. Python runs per *distinct* string only in two places:
  * numerals -> values (transforms/extract/numerals.py, one grammar) over the distinct numeral strings, joined
    back; ranges, signs, rounding and currencies are expressions again;
  * stable_key over distinct natural keys (transforms.keys.keys_for).
Region names are not resolved to dim_region here: the `region_name` column carries the admin-unit name the
figure is about, for the region step to resolve (region_key stays null)."""

from __future__ import annotations

import re

import polars as pl

from transforms.clean.script import with_simplified_columns
from transforms.extract.tables import SCHEMAS
from transforms.extract.context import document_context, section_years
from transforms.extract.indicators import assign_indicators
from transforms.extract.metric_rules import MetricRules
from transforms.extract.numerals import FIGURE_SCHEMA, base_value, figure_table, range_low
from transforms.extract.periods import assign_periods
from transforms.extract.restated import merge_restated
from transforms.extract.spans import regex_spans, with_windows
from transforms.extract.targets import forecast_paragraphs, is_target
from transforms.keys import keys_for

_CLAUSE_END = "[，；。：！？,;]"
_CUE_CHARS = 24   # cues that end where a figure starts (growth, fall, currency, implied unit) are shorter


def _alt(words) -> str:
    """Regex alternation of literal words, longest first (leftmost-first engines take the first that fits)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _spans(frame: pl.DataFrame, text: str, pattern: str, keep: list[str]) -> pl.DataFrame:
    """Every match of pattern in column text with its char offset `off` (see regions.regex_spans)."""
    return regex_spans(frame, text, pattern, keep).rename({"match_start": "off"})


def _candidates(sentences: pl.DataFrame, rules: MetricRules) -> pl.DataFrame:
    units = _alt(u.surface for u in rules.units)
    joiners = _alt(rules.range_joiners) or "(?!)"
    ara, chi, mag = f"(?:{rules.arabic})", f"(?:{rules.chinese})", f"(?:{rules.range_magnitude})"
    # a range (Arabic, its low end may carry 万: 1万-5万元) or one number; a sign written on it
    num = (f"(?:{rules.sign})?(?:{ara}(?:{mag}|%)?(?:{joiners}){ara}|{ara}|{chi}(?:(?:{joiners}){chi})?)")
    pcn = f"(?:{rules.sign})?{rules.percent_chinese}"
    inner = _alt(rules.qualifiers_inner) or "(?!)"
    jf = rules.jiao_fen or "(?!)"
    # 元角分 first: at one position the first alternative that matches wins
    money = f"{num}(?:{inner})?元(?:{jf})" if rules.jiao_fen else "(?!)"
    mags, bare = f"(?:{rules.magnitude})", f"(?:{rules.bare_magnitude})"
    pattern = f"{rules.rank_surface}|{pcn}|{money}|{num}{mags}?(?:{inner})?(?:{units})|{ara}{bare}"
    found = _spans(sentences, "text", pattern, ["document_key", "sentence_no", "paragraph_no", "s_start", "text"])
    parts = (
        f"^(?:(?P<rank>{rules.rank_surface})|(?P<pcn>{pcn})"
        f"|(?P<numtext>{num})(?P<mag>{mags})?(?P<inner>{inner})?(?P<unit>{units})(?P<jf>{jf})?"
        f"|(?P<barenum>{ara})(?P<bare>{bare}))$"
    )
    found = found.with_columns(pl.col("match").str.extract_groups(parts).alias("g")).unnest("g")
    found = pl.concat([found, _list_items(sentences, rules, ara, mags, inner, units)], how="diagonal_relaxed")
    return found.with_columns(
        num=pl.coalesce(pl.col("numtext").str.replace("%", "", literal=True), pl.col("barenum"),
                        pl.col("rank").str.replace("^首位$", "一").str.replace_all("^[第前]|[名位]$", ""),
                        pl.col("pcn").str.replace("千分之", "", literal=True)),
        # 千分之三 is 3 ‰, like 3‰
        unit=pl.when(pl.col("pcn").str.contains("千分之", literal=True)).then(pl.lit("‰"))
        .when(pl.col("pcn").is_not_null()).then(pl.lit("%"))
        .otherwise(pl.concat_str(pl.col("mag").fill_null(""), pl.col("unit"))),
        is_chinese=pl.coalesce(pl.col("numtext"), pl.col("rank"), pl.col("pcn"))
        .str.contains(f"^[第前]?(?:{rules.sign})?{chi}").fill_null(False),
    )


def _list_items(sentences: pl.DataFrame, rules: MetricRules, ara: str, mags: str, inner: str,
                units: str) -> pl.DataFrame:
    """Numbers listed before a shared unit (高4.0、5.8、7.4个百分点): each but the last (which the main pattern
    finds) becomes a candidate with the last one's unit; its span is the number alone."""
    sep = rules.list_separator
    if not sep:
        return pl.DataFrame()
    sentences = sentences.filter(pl.col("text").str.contains(f"\\d{re.escape(sep)}\\d"))
    lists = _spans(sentences, "text", f"(?:{ara}{sep})+{ara}{mags}?(?:{inner})?(?:{units})",
                   ["document_key", "sentence_no", "paragraph_no", "s_start", "text"])
    if lists.height == 0:
        return pl.DataFrame()
    items = pl.col("match").str.split(sep)
    tail = f"^{ara}(?P<mag>{mags})?(?:{inner})?(?P<unit>{units})$"
    lists = lists.with_columns(
        pl.col("match").str.extract_all(f"^(?:{ara}{sep})+").list.first().str.strip_suffix(sep)
        .str.split(sep).alias("item"),
        items.list.last().str.extract_groups(tail).alias("g"),
    ).unnest("g").with_columns(
        start=pl.col("item").list.eval((pl.element().str.len_chars() + len(sep)).cum_sum()
                                       - pl.element().str.len_chars() - len(sep)),
    ).explode("item", "start")
    return lists.select(
        "document_key", "sentence_no", "paragraph_no", "s_start", "text",
        pl.col("item").alias("match"), (pl.col("off") + pl.col("start")).alias("off"),
        pl.col("item").alias("numtext"), "mag", "unit",
    )


def _contexts(frame: pl.DataFrame, quote_pairs: tuple[str, ...] = ("“”",)) -> pl.DataFrame:
    off, n = pl.col("off"), pl.col("match").str.len_chars()
    # before and after as columns first: every context below reads them
    frame = frame.with_columns(before=pl.col("text").str.slice(0, off), after=pl.col("text").str.slice(off + n))
    before, after = pl.col("before"), pl.col("after")
    return frame.with_columns(
        left=before.str.slice(pl.max_horizontal(off - 12, 0), pl.min_horizontal(off, 12)),
        right=after.str.slice(0, 12),
        clause_before=before.str.replace(f"^.*{_CLAUSE_END}", ""),
        clause_after=after.str.replace(f"{_CLAUSE_END}.*$", ""),
        span_start=(pl.col("s_start") + off).cast(pl.Int32),
        span_end=(pl.col("s_start") + off + n).cast(pl.Int32),
        # Length of the quotation the figure sits in (null when not quoted or the quote runs past the sentence).
        quote_len=pl.min_horizontal(
            pl.when((before.str.count_matches(o, literal=True) > before.str.count_matches(c, literal=True))
                    & after.str.contains(c, literal=True))
            .then(before.str.replace(f"^.*{re.escape(o)}", "").str.len_chars() + n
                  + after.str.replace(f"{re.escape(c)}.*$", "").str.len_chars())
            for o, c in quote_pairs
        ),
    )


def _first_match(col: pl.Expr, table: list[tuple[str, str]]) -> pl.Expr:
    expr = pl.lit(None, dtype=pl.String)
    for pattern, value in reversed(table):
        expr = pl.when(col.str.contains(pattern)).then(pl.lit(value)).otherwise(expr)
    return expr


def _classify(cands: pl.DataFrame, rules: MetricRules) -> pl.DataFrame:
    """Values, units, exclusions, measure, qualifier, comparison, is_target."""
    frame = cands.join(figure_table(cands["num"]), on="num", how="left")
    before_q = _alt(rules.qualifiers_before)
    # the end of the clause before the figure, qualifiers (约, 近) removed: cues are read here, once per row
    frame = frame.with_columns(left_bare=pl.col("clause_before").str.slice(-_CUE_CHARS)
                               .str.replace(rules.listed_before, "").str.replace(f"(?:{before_q})$", ""))
    left_bare = pl.col("left_bare")
    # 人口近10万: the unit the words before a bare 万/亿 imply, or none (then the figure is left out)
    implied = _first_match(left_bare, list(rules.implied_units))
    frame = frame.with_columns(unit=pl.when(pl.col("bare").is_not_null()).then(pl.col("bare") + implied)
                               .otherwise(pl.col("unit")))
    frame = frame.join(rules.unit_table(), on="unit", how="left")
    low, low_decimals = range_low({c: pl.col(c) for c in FIGURE_SCHEMA}, pl.col("scale").fill_null(1.0))
    is_range = pl.col("high") != pl.col("low_scaled")
    frame = frame.with_columns(
        num_value=low, num_decimals=low_decimals,
        num_high=pl.when(is_range).then(pl.col("high")), high_decimals=pl.when(is_range).then(pl.col("high_decimals")),
    )
    if frame["jf"].drop_nulls().str.len_chars().sum() > 0:
        frame = frame.with_columns(_jiao_fen(pl.col("jf"), pl.col("unit")))
    # Per-unit context requirements: one vectorised pass per distinct rule pattern (a handful), not per row.
    ok_left, ok_right = pl.lit(True), pl.lit(True)
    for pattern in {u.needs_left for u in rules.units if u.needs_left}:
        ok_left = ok_left & ~((pl.col("needs_left").fill_null("") == pattern)
                              & ~pl.col("left").str.contains(pattern))
    for pattern in {u.needs_right for u in rules.units if u.needs_right}:
        ok_right = ok_right & ~((pl.col("needs_right").fill_null("") == pattern)
                                & ~pl.col("right").str.contains(pattern))
    is_rank = pl.col("rank").is_not_null()
    unit_ends = "[" + "".join(sorted({re.escape(u.surface[-1]) for u in rules.units})) + "]"
    keep = (
        pl.col("num_value").is_not_null()
        & (is_rank | pl.col("factor").is_not_null())
        & ok_left & ok_right
        # 10元-20元, 5%-8: a minus right after a number or a unit joins a range this pattern did not read
        & ~(pl.col("match").str.contains("^[-−－]") & pl.col("left").str.contains(f"(?:[\\d%.]|{unit_ends})$"))
        & ~pl.col("left").str.contains(rules.exclude_left)
        # 82，225元: the tail of a number whose thousands separator was written as a comma is not 225
        & ~(pl.col("left").str.contains(r"\d[,，]$") & pl.col("match").str.contains(r"^\d{3}(?:\D|$)"))
        & ~(~is_rank & pl.col("right").str.contains(rules.exclude_right))
        & ~(pl.col("is_chinese") & ~is_rank & (pl.col("right").str.contains(rules.exclude_chinese_right)
                                               | pl.col("left").str.contains(rules.exclude_chinese_left)))
        & ~(pl.col("unit").fill_null("").str.contains(rules.session_units)
            & pl.col("right").str.contains(rules.session_right))
        & ~(pl.col("is_chinese") & (pl.col("num_value").abs() < rules.min_chinese_value) & ~is_rank
            & pl.col("pcn").is_null())
        & (~is_rank | (pl.col("clause_before").str.contains(rules.rank_cue)
                       & ~pl.col("right").str.contains(rules.rank_not_before)))
    )
    if rules.exclude_in_quotes:
        keep = keep & ~(pl.col("quote_len").fill_null(10**6) <= rules.max_quote_chars)
    frame = frame.filter(keep.fill_null(False))

    after_q = _alt(rules.qualifiers_after)
    measure = (
        pl.when(is_rank).then(pl.lit("rank"))
        .when((pl.col("base_unit") == "pct") & left_bare.str.contains(rules.growth_cue)).then(pl.lit("growth_pct"))
        .when(pl.col("unit_measure").is_in(["level", "count"]) & left_bare.str.contains(rules.change_cue))
        .then(pl.lit("change"))
        .otherwise(pl.col("unit_measure"))
    )
    qualifier = pl.coalesce(
        pl.col("inner").replace_strict(rules.qualifiers_inner, default=None, return_dtype=pl.String),
        pl.col("clause_before").str.extract(f"({before_q})$", 1)
        .replace_strict(rules.qualifiers_before, default=None, return_dtype=pl.String),
        pl.col("right").str.extract(f"^({after_q})", 1)
        .replace_strict(rules.qualifiers_after, default=None, return_dtype=pl.String),
    )
    # Each step its own columns: nested, the cue regexes would run once per use of measure, sign and value.
    frame = frame.with_columns(measure=measure, qualifier=qualifier,
                               comparison=_first_match(pl.col("clause_before"), list(rules.comparisons)),
                               is_target=is_target(rules.target_strong, rules.target_weak, rules.achieved))
    # A fall (同比下降0.2%, 回落1.5个百分点) is negative, unless the number carries its own sign (下降-3.8%).
    frame = frame.with_columns(_falls=pl.col("measure").is_in(["growth_pct", "change"])
                               & left_bare.str.contains(rules.decrease_cue) & (pl.col("num_value") > 0))
    falls = pl.col("_falls")
    sign = pl.when(falls).then(-1.0).otherwise(1.0)
    low_v, high_v = pl.col("num_value") * sign, pl.col("num_high") * sign
    frame = frame.with_columns(
        value=pl.when(falls & pl.col("num_high").is_not_null()).then(high_v).otherwise(low_v),
        value_high=pl.when(pl.col("num_high").is_null()).then(None).when(falls).then(low_v).otherwise(high_v),
        _value_dec=pl.when(falls & pl.col("num_high").is_not_null()).then(pl.col("high_decimals"))
        .otherwise(pl.col("num_decimals")),
        _high_dec=pl.when(falls).then(pl.col("num_decimals")).otherwise(pl.col("high_decimals")),
        _factor=pl.when(is_rank).then(1.0).otherwise(pl.col("factor")),
    )
    return frame.with_columns(
        unit=pl.when(is_rank).then(pl.lit(None, dtype=pl.String)).otherwise(pl.coalesce("bare", "unit")),
        base_unit=pl.when(is_rank).then(pl.lit("rank")).otherwise(_currency(pl.col("base_unit"), left_bare, rules)),
        base_value=base_value(pl.col("value"), pl.col("_value_dec"), pl.col("_factor")),
        base_value_high=base_value(pl.col("value_high"), pl.col("_high_dec"), pl.col("_factor")),
    ).drop("_falls", "_value_dec", "_high_dec", "_factor")


def _mentions(texts: pl.DataFrame, rules: MetricRules) -> pl.DataFrame:
    """Named admin units in column `text` (chains like 郑州市中原区 split into 郑州市, 中原区): off, name, level."""
    levels = rules.region_suffix_levels
    suffix = _alt(levels)
    part = f"{rules.region_stem}(?:{suffix})"
    chain = f"(?:^|{rules.region_boundary})(?:{part})+"
    keep = [c for c in texts.columns if c != "text"]
    # the text is not carried along with each match: its prefix and what follows a name are read from
    # bracket counts and windows (slicing a long sentence at every match is quadratic in its length)
    texts = texts.with_row_index("_tid")
    found = _spans(texts, "text", chain, keep + ["_tid"])
    lead = pl.col("match").str.extract(f"^({rules.region_boundary})", 1).fill_null("").str.len_chars()
    found = found.with_columns(chain_off=pl.col("off") + lead, chain=pl.col("match").str.slice(lead))
    found = _in_brackets(found.with_columns(chain_len=pl.col("chain").str.len_chars()), texts)
    parts = _spans(found.drop("match", "off"), "chain", part, keep + ["_tid", "chain_off", "in_parens", "chain_len"])
    # where the text after a name is read for vouching words: as it always was, the chain's offset counted
    # twice (2 * chain_off + the name's offset in the chain + its length), kept so results do not change
    parts = parts.with_columns(_vpos=2 * pl.col("chain_off") + pl.col("off") + pl.col("match").str.len_chars())
    parts = with_windows(parts, texts, "_vpos", "_vpos", by="_tid", origin=None, after=4)
    parts = parts.with_columns(
        off=pl.col("chain_off") + pl.col("off"),
        suffix=pl.col("match").str.extract(f"({suffix})$", 1),
    ).with_columns(
        stem=pl.col("match").str.slice(0, pl.col("match").str.len_chars() - pl.col("suffix").str.len_chars()),
        level=pl.col("suffix").replace_strict(levels, default=None, return_dtype=pl.String),
    ).with_columns(
        name=pl.col("stem") + pl.col("suffix").replace_strict(rules.region_normalise, default=pl.col("suffix"),
                                                              return_dtype=pl.String),
        # In a chain (郑州市中原区) or followed by an organ or title (林山寨街道党工委): certainly a place.
        vouched=(pl.col("chain_len") > pl.col("match").str.len_chars())
        | pl.col("_wt").str.slice(pl.col("_vpos") - pl.col("_wb"), 4).str.contains(rules.region_vouch),
    )
    return parts.filter(
        ~pl.col("in_parens")
        & ~pl.col("stem").str.contains(rules.region_stop_prefix)
        & ~pl.col("match").str.contains(rules.region_stop_words)
        & ~pl.col("match").str.contains(rules.region_stop_suffix)
    ).select(*keep, "off", pl.col("match").str.len_chars().cast(pl.Int32).alias("len"), "name", "level", "vouched")


def _in_brackets(found: pl.DataFrame, texts: pl.DataFrame) -> pl.DataFrame:
    """found (matches of texts' row _tid at chain_off) with in_parens: more （ than ） or more 《 than 》
    before the match in its text, from running counts at each bracket (an as-of join)."""
    depth = {"（": (1, 0), "）": (-1, 0), "《": (0, 1), "》": (0, -1)}
    marks = regex_spans(texts, "text", "[（）《》]", ["_tid"]).with_columns(
        pl.col("match").replace_strict({k: v[0] for k, v in depth.items()}, return_dtype=pl.Int32)
        .cum_sum().over("_tid").alias("_parens"),
        pl.col("match").replace_strict({k: v[1] for k, v in depth.items()}, return_dtype=pl.Int32)
        .cum_sum().over("_tid").alias("_books"),
    ).select("_tid", pl.col("match_start").cast(pl.Int64), "_parens", "_books").sort("match_start")
    return (found.with_row_index("_fi").with_columns(pl.col("chain_off").cast(pl.Int64).alias("_fk")).sort("_fk")
            .join_asof(marks, left_on="_fk", right_on="match_start", by="_tid", allow_exact_matches=False,
                       check_sortedness=False)
            .sort("_fi")
            .with_columns(in_parens=((pl.col("_parens") > 0) | (pl.col("_books") > 0)).fill_null(False))
            .drop("_fi", "_fk", "match_start", "_parens", "_books"))


def _regions(frame: pl.DataFrame, sentences: pl.DataFrame, documents: pl.DataFrame,
             rules: MetricRules) -> pl.DataFrame:
    sent = sentences.select("document_key", "paragraph_no", "s_start", "text")
    named = _mentions(sent, rules).with_columns(pos=(pl.col("s_start") + pl.col("off")).cast(pl.Int32))
    heads = documents.select(
        "document_key",
        pl.concat_str([pl.col(c).fill_null("") for c in ("headline", "subheadline", "kicker")
                       if c in documents.columns], separator="。").alias("text"),
    )
    head_named = _mentions(heads, rules)
    # Short forms: 管城区 is 管城回族区 when both occur in a document (same suffix, stem a prefix of the other).
    names = pl.concat([named.select("document_key", "name", "level"), head_named.select("document_key", "name",
                                                                                        "level")]).unique()
    alias = (
        names.join(names, on=["document_key", "level"], suffix="_long")
        .filter((pl.col("name_long").str.len_chars() > pl.col("name").str.len_chars())
                & pl.col("name_long").str.starts_with(pl.col("name").str.slice(0, pl.col("name").str.len_chars()
                                                                               - 1)))
        .sort(pl.col("name_long").str.len_chars(), descending=True)
        .group_by("document_key", "name").agg(pl.col("name_long").first())
    )

    def canonical(f: pl.DataFrame) -> pl.DataFrame:
        return (f.join(alias, on=["document_key", "name"], how="left")
                .with_columns(name=pl.coalesce("name_long", "name")).drop("name_long"))

    named, head_named = canonical(named), canonical(head_named)
    # A one-off candidate that nothing vouches for (目前街道, 服务于全区) is more likely a phrase than a place.
    seen = (pl.concat([named.select("document_key", "name", "vouched"), head_named.select("document_key", "name",
                                                                                          "vouched")])
            .group_by("document_key", "name").agg(pl.len().alias("n_seen"), pl.col("vouched").any().alias("v")))
    confirmed = seen.filter((pl.col("n_seen") >= rules.region_min_mentions) | pl.col("v")).select("document_key",
                                                                                                    "name")
    named = named.join(confirmed, on=["document_key", "name"], how="semi")
    head_named = head_named.join(confirmed, on=["document_key", "name"], how="semi")
    # Subject: the most frequent named unit in headline + body (ties: the earliest in the body).
    subject = (
        pl.concat([named.select("document_key", "name", "level", "pos"),
                   head_named.select("document_key", "name", "level", pl.lit(-1, dtype=pl.Int32).alias("pos"))])
        .group_by("document_key", "name", "level").agg(pl.len().alias("n"), pl.col("pos").min())
        .sort(["document_key", "n", "pos"], descending=[False, True, False])
        .group_by("document_key", maintain_order=True).first()
        .select("document_key", pl.col("name").alias("subject"), pl.col("level").alias("subject_level"))
    )
    # Anaphora (全区, 街道, 辖区) not inside a named mention -> nearest earlier named unit of that level, or subject.
    ana = _spans(sent, "text", _alt(rules.region_anaphora), ["document_key", "paragraph_no", "s_start"])
    ana = ana.with_columns(pos=(pl.col("s_start") + pl.col("off")).cast(pl.Int32),
                           level=pl.col("match").replace_strict(rules.region_anaphora, return_dtype=pl.String))
    named_sorted = named.select("document_key", "pos", "len").sort("pos")
    ana = (
        ana.sort("pos").join_asof(named_sorted.rename({"pos": "npos"}), left_on="pos", right_on="npos",
                                  by="document_key", strategy="backward", check_sortedness=False)
        .filter(pl.col("npos").is_null() | (pl.col("pos") >= pl.col("npos") + pl.col("len")))
        .drop("npos", "len")
    )
    by_level = named.select("document_key", "level", pl.col("pos").alias("lpos"), pl.col("name").alias("lname"))
    ana = (
        ana.join(subject, on="document_key", how="left")
        .sort("pos").join_asof(by_level.sort("lpos"), left_on="pos", right_on="lpos", by=["document_key", "level"],
                               strategy="backward", check_sortedness=False)
        .with_columns(name=pl.when(pl.col("level") == "subject").then(pl.col("subject"))
                      .otherwise(pl.coalesce("lname", pl.when(pl.col("level") == pl.col("subject_level"))
                                             .then(pl.col("subject")))))
        .filter(pl.col("name").is_not_null())
    )
    # A unit named as one of an enumeration (陶墟村、栾庄村、高庄村) owns no figure beyond its own clause, which
    # the region step reads: the nearest unit before a figure (b, c) is no member of one.
    listed = (named.select("document_key", "s_start", "off", "len", "pos")
              .join(sent.select("document_key", "s_start", "text"), on=["document_key", "s_start"])
              .filter((pl.col("text").str.slice(pl.col("off") - 1, 1) == "、").fill_null(False)
                      | (pl.col("text").str.slice(pl.col("off") + pl.col("len"), 1) == "、"))
              .select("document_key", "pos"))
    named_alone = named.join(listed, on=["document_key", "pos"], how="anti")
    mentions = pl.concat([named_alone.select("document_key", "paragraph_no", "pos", "name",
                                             pl.lit(None, dtype=pl.String).alias("anaphor")),
                          ana.select("document_key", "paragraph_no", "pos", "name",
                                     pl.col("level").alias("anaphor"))]).sort("pos")

    frame = frame.join(subject, on="document_key", how="left")
    # (a) 3800平方米的农业银行社区…: the unit the figure modifies, right after 的.
    modifies = named.select("document_key", (pl.col("pos") - 1).alias("span_end"), pl.col("name").alias("r_mod"))
    frame = frame.join(
        modifies.unique(["document_key", "span_end"]), on=["document_key", "span_end"], how="left"
    ).with_columns(r_mod=pl.when(pl.col("right").str.starts_with("的")).then(pl.col("r_mod")))
    # (b) nearest earlier mention in the paragraph.
    frame = frame.sort("span_start").join_asof(
        mentions.rename({"pos": "mpos", "name": "r_par", "anaphor": "_anaphor"}), left_on="span_start", right_on="mpos",
        by=["document_key", "paragraph_no"], strategy="backward", check_sortedness=False,
    )
    # (c) nearest earlier named unit of the subject's level anywhere in the document.
    same_level = named_alone.join(subject, on="document_key").filter(pl.col("level") == pl.col("subject_level"))
    frame = frame.sort("span_start").join_asof(
        same_level.select("document_key", pl.col("pos").alias("dpos"), pl.col("name").alias("r_doc")).sort("dpos"),
        left_on="span_start", right_on="dpos", by="document_key", strategy="backward", check_sortedness=False,
    )
    # region_anaphor: the level of the anaphora (全市) the reading resolved, read from suffixes, for the region
    # step to check against the gazetteer (a county-level 某县市 is no 市 of 全市)
    return frame.with_columns(region_name=pl.coalesce("r_mod", "r_par", "r_doc", "subject"),
                              region_anaphor=pl.when(pl.col("r_mod").is_null()).then(pl.col("_anaphor"))).drop("_anaphor")


def extract_metrics(documents: pl.DataFrame, sentences: pl.DataFrame, rules: MetricRules,
                    context: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(fact_metric rows + `region_name` and `region_anaphor`, dim_indicator rows) for a batch of cleaned
    documents.

    documents: document_key, headline, published_on (optional: subheadline, kicker); sentences: fact_sentence
    rows (document_key, sentence_no, paragraph_no, span_start, span_end, text); context: the documents'
    context (transforms/extract/context.py), computed from them when not given. Spans index the body."""
    schema = SCHEMAS["fact_metric"]
    out_cols = list(schema) + ["region_name", "region_anaphor"]
    # Traditional pages are read in Simplified script, one character for one, so offsets stay the body's: the
    # caller's match_text (transforms/extract/script.py) when it has converted the sentences for every step
    columns = ["document_key", "sentence_no", "paragraph_no", pl.col("span_start").alias("s_start")]
    if "match_text" in sentences.columns:
        sent = sentences.select(*columns, pl.col("match_text").alias("text"))
    else:
        sent = with_simplified_columns(sentences.select(*columns, "text"), {"text": "text"})
    documents = with_simplified_columns(documents, {c: c for c in ("headline", "subheadline", "kicker")
                                                    if c in documents.columns})
    cands = _candidates(sent, rules)
    if cands.height == 0:
        return (pl.DataFrame(schema={**schema, "region_name": pl.String, "region_anaphor": pl.String}),
                pl.DataFrame(schema=SCHEMAS["dim_indicator"]))
    frame = _classify(_contexts(cands, rules.quote_pairs), rules)
    forecast = forecast_paragraphs(sent).with_columns(pl.lit(True).alias("_forecast"))
    frame = (frame.join(forecast, on=["document_key", "paragraph_no"], how="left")
             .with_columns(pl.col("is_target") | pl.col("_forecast").fill_null(False)).drop("_forecast"))
    if context is None:
        context = document_context(documents, sent)
    sections = section_years(sent.join(frame.select("document_key").unique(), on="document_key", how="semi"))
    frame = assign_periods(frame, sent, context, sections)
    frame = assign_indicators(frame, rules.indicators)
    frame = merge_restated(_regions(frame, sent, documents, rules)).sort("document_key", "span_start")
    natural = frame.select(pl.format("{}:{}:{}:{}", "document_key", "span_start", "span_end", "measure")).to_series()
    frame = frame.with_columns(
        metric_key=keys_for(natural),
        indicator_key=keys_for(frame["indicator"]),
        region_key=pl.lit(None, dtype=pl.Int64),
    )
    fact = frame.select([pl.col(c).cast(t) for c, t in schema.items()] + [pl.col("region_name").cast(pl.String),
                                                                          pl.col("region_anaphor").cast(pl.String)])
    info = {ind.name: (ind.category, ind.base_unit) for ind in rules.indicators}
    dim = (
        frame.filter(pl.col("indicator").is_not_null())
        .group_by("indicator").agg(pl.col("indicator_key").first(), pl.col("base_unit").mode().sort().first())
        .with_columns(
            category=pl.col("indicator").replace_strict({k: v[0] for k, v in info.items()}, default="other",
                                                        return_dtype=pl.String),
            base_unit=pl.col("indicator").replace_strict({k: v[1] for k, v in info.items()},
                                                         default=pl.col("base_unit"), return_dtype=pl.String),
        )
        .select(pl.col("indicator_key").cast(pl.Int64), pl.col("indicator").alias("name"), "category", "base_unit")
        .sort("name")
    )
    return fact.select(out_cols), dim


def _currency(base_unit: pl.Expr, left_bare: pl.Expr, rules: MetricRules) -> pl.Expr:
    """元 written with another currency's name before the number or after 元 (港币两千元, 9000元日币)."""
    out = base_unit
    if rules.currency_after:
        word = pl.col("right").str.extract(f"^({_alt(rules.currency_after)})", 1)
        out = pl.when((base_unit == "CNY") & word.is_not_null()).then(
            word.replace_strict(rules.currency_after, default=None, return_dtype=pl.String)).otherwise(out)
    if rules.currency_before:
        word = left_bare.str.extract(f"({_alt(rules.currency_before)})$", 1)
        out = pl.when((base_unit == "CNY") & word.is_not_null()).then(
            word.replace_strict(rules.currency_before, default=None, return_dtype=pl.String)).otherwise(out)
    return out


def _jiao_fen(jf: pl.Expr, unit: pl.Expr) -> list[pl.Expr]:
    """123元1角1分 -> 123.11: the 角 and 分 digits added to a whole 元 figure (values in 元 only)."""
    digit = "([0-9零一二两三四五六七八九])"
    zh = {"零": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
          "八": "8", "九": "9"}

    def part(mark: str) -> pl.Expr:
        d = jf.str.extract(digit + mark, 1)
        return d.replace(zh).cast(pl.Float64, strict=False).fill_null(0.0)

    present = jf.fill_null("") != ""
    cents = part("角") * 10 + part("分")
    whole = pl.col("num_value") == pl.col("num_value").floor()
    return [
        pl.when(present & (unit == "元") & whole & pl.col("num_high").is_null())
        .then((pl.col("num_value") * 100 + cents) / 100).otherwise(pl.col("num_value")).alias("num_value"),
        pl.when(present).then(2).otherwise(pl.col("num_decimals")).alias("num_decimals"),
    ]
