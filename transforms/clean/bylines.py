"""Bylines (记者 张改华 文/图, 通讯员 郭佳星/文, 胡源浩/图, 本报讯(记者徐建勋何可), 新华社北京5月10日电(甲 乙),
图片由晚报记者某某翻拍): out of the body, into fact_byline rows.

Patterns match the line's Simplified view (simp), so Traditional bylines read the same; the text is cut at
the lengths measured on the view (it is the same length), so spans keep indexing the stored body."""

from __future__ import annotations

import re

import polars as pl

from transforms.clean.lines import drop_where, is_kept, on_subset, rewrite
from transforms.clean.metadata import source_author
from transforms.rules import CleaningRules

# Paragraph-opening marks some papers print before a byline (□晚报记者 某某).
_BULLET = "[□■◆●▲☉◎]?"
# The editors a byline line may end with (文字：甲 图片：乙 编辑：丙, 记者 甲 | 编辑：乙): page furniture, not bylines.
_EDITOR_TAIL = "(?:\\s*[|｜]?\\s*[（(]?(?:责任编辑|编辑|责编|校对|审核|审校|美编)\\s*[:：]?\\s*[\\p{Han}·]{2,4}[)）]?)*"
# A mark some papers print before their reporters' names alone (☉甲某 乙某): the names are the byline.
_NAME_MARK = "[☉◎]"
# The last characters of a place's or an office's name, never of a person's.
_NOT_NAME_END = "省市区县镇乡村州旗盟街委局厅部办处所院校"
# Several names in brackets or after a role: spaces, 、 or commas between them.
_NAME_SEP = "[\\s、，,]+"


def _patterns(rules: CleaningRules) -> dict[str, str]:
    roles = "|".join(sorted(map(re.escape, rules.byline_roles), key=len, reverse=True))
    role = f"{rules.byline_role_prefix}(?:{roles})"
    credits = "|".join(sorted(map(re.escape, rules.byline_credits), key=len, reverse=True))
    name = f"(?:{rules.byline_name})"
    slash = "[/／]"
    credited = f"{name}\\s*{slash}\\s*(?:{credits})"
    group = f"(?:{role})\\s*[:：|｜]?\\s*(?:(?:{credited}|{name})\\s*)+"
    body = f"(?:{group}\\s*)+(?:(?:{credits})\\s*)?"
    names = f"{name}(?:{_NAME_SEP}{name})*"
    credit_first = f"(文/图|图/文|文字|撰文|撰稿|文|图片|图|摄影|摄)\\s*[/／:：|｜]\\s*({role})?\\s*({name})"
    # a caption's credit names a person: a surname first (某某摄, not 全景拍摄)
    surname, _ = _surnames()
    caption = f"{surname}\\p{{Han}}{{1,2}}"
    # a name a surname starts
    person = caption
    # a name alone closing an article, which must not end like a place or an office (高新区, 王村)
    bare = f"{surname}\\p{{Han}}?[\\p{{Han}}&&[^{_NOT_NAME_END}]]"
    bare_names = f"{bare}(?:{_NAME_SEP}{bare}){{0,2}}"
    dateline = "(?:本报讯|本网讯|本台讯|[\\p{Han}]{2,8}讯)"
    verbs = "翻拍|拍摄|摄影|采写|撰写|撰稿|提供|整理|报道|摄"
    return {
        "marked_names": f"^{_NAME_MARK}\\s*({person}(?:{_NAME_SEP}{person}){{0,2}})$",
        # the whole line, in brackets or not: 记者 某某 文/图, （本报记者 某某 通讯员 某某）
        "line": f"^{_BULLET}\\s*[（(]?\\s*({body}|{credited})\\s*[)）]?{_EDITOR_TAIL}$",
        # a source or date line ending in the byline: 2021-05-06 来源：某某日报 记者 甲 通讯员 乙
        "source_tail": f"((?:{group}\\s*)+)$",
        # a byline ending in its credit, then page furniture run into it: 记者 某某 文/图Abc某网·频道
        "line_tail": f"^{_BULLET}\\s*((?:{group}\\s*)+(?:{credits}))\\s*(?:[A-Za-z0-9_][^。！？，,；;]{{0,40}})$",
        "line_tail_slash": f"^{_BULLET}\\s*((?:{group}\\s*)+(?:文/图|图/文))\\s*[^。！？，,；;]{{1,40}}$",
        # a photo's caption credit: 某某摄
        "caption": f"^({caption})\\s*摄$",
        # A byline closing a paragraph: ...贡献力量。记者 张改华 文/图, ...贡献力量。（记者 张改华）
        "trailing": f"^(.*[。！？”])\\s*[（(]?\\s*({body}|{caption}\\s*摄)\\s*[)）]?$",
        # Names alone closing a paragraph, in brackets or after a reporter's mark: …品牌。（甲某 乙某）, …。☉甲某 |
        # (not after a quotation, which a bracketed name may cite)
        "closing_names": f"^(.*[。！？])\\s*(?:[（(]\\s*({bare_names})\\s*[)）]|{_NAME_MARK}\\s*({bare_names})\\s*[|｜]?)$",
        # Credits before the names closing a paragraph: …发展。（文/某报记者 甲某 图/某报记者 乙某）
        "closing_credit_first": f"^(.*[。！？”])\\s*[（(]\\s*((?:{credit_first}\\s*)+)[)）]$",
        # The credit before the name: 文/记者 张三 图/李四, 摄影：王五
        "credit_first": f"^[（(]?\\s*(?:{credit_first}\\s*)+[)）]?{_EDITOR_TAIL}$",
        "editor_tail": f"{_EDITOR_TAIL}$",
        "credit_first_one": credit_first,
        # a paragraph opening with its byline in brackets: 【记者 某某】…, （记者 某某）…
        "lead_bracket": f"^[（(【\\[]\\s*({body})\\s*[)）】\\]]\\s*(\\S.*)$",
        # a dateline, then the byline without brackets, each name followed by a space: 本报讯 记者某某 通讯员某某 近日，…
        "open_dateline": f"^(.*?){dateline}\\s*((?:(?:{role})\\s*[:：]?\\s*{person}(?:\\s+{person})*\\s+)+)(\\S.*)$",
        # 本报讯（记者 张改华 通讯员 郭佳星）or 本网讯（杨春恩）, opening a paragraph or inside a line that
        # the page ran together with its subheadline
        "bracket": f"^(.*?){dateline}\\s*[（(]\\s*({body}|{names})\\s*[)）]\\s*(.+)$",
        # □晚报记者 孙娟 本报讯 昨日，… : the byline before the dateline word
        "before_dateline": f"^{_BULLET}\\s*({body})\\s*{dateline}\\s*(.+)$",
        # An agency's or a site's dated dateline with the reporters' names, a role or none: 某某社北京5月10日电（甲 乙）,
        # 某某网某地3月5日讯（通讯员 甲）; the dateline, which names the place, stays
        "agency": f"^(.{{0,30}}?\\d{{1,2}}月\\d{{1,2}}日[电讯])\\s*[（(]\\s*({body}|(?:{role})?\\s*{names})\\s*[)）]\\s*(.*)$",
        # Credits inside a sentence: 图片由晚报记者某某翻拍于…，文字由晚报记者某某采写。
        "credit_clause": f"(?:图片|照片|图|文字|文|视频)由\\s*(?:{role})\\s*\\p{{Han}}{{2,3}}?(?:{verbs})",
        "credit_words": f"^(?:图片|照片|图|文字|文|视频)由|(?:{verbs})$",
        # A speech's subtitle ending in its speaker: ——在…会议上的讲话（2026年2月6日）某 某
        "speech": "^([—－―\\-]{1,2}.{2,80}(?:讲话|报告|致辞|发言|演讲)\\s*[（(][^)）]{0,20}[)）])\\s*"
                  "((?:\\p{Han}\\s?){1,3}\\p{Han})$",
        "token": f"(?:{role})|{credited}|[\\p{{Han}}]{{2,6}}|\\p{{Han}} \\p{{Han}}|[\\p{{Han}}]{{1,6}}·[\\p{{Han}}]{{1,6}}|(?:{credits})",
        "role": role,
        "credits": credits,
        "slash": slash,
    }


def _cut(keep_head: pl.Expr, keep_tail: pl.Expr) -> pl.Expr:
    """The original text with what lies between a head and a tail of its Simplified view removed: both are
    measured on the view and cut from the text, which has the same length."""
    text = pl.col("text")
    head = keep_head.str.len_chars().fill_null(0)
    tail = keep_tail.str.len_chars().fill_null(0)
    return pl.concat_str(text.str.slice(0, head), text.str.slice(text.str.len_chars() - tail, tail)).str.strip_chars()


def extract_byline_text(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """Mark whole byline lines as dropped and cut bylines out of paragraphs.

    Adds column byline_text (the byline as written, in Simplified script, with a role word where the form
    implies one) for parse_bylines. The patterns run only on lines with a word every form needs."""
    roles = "|".join(map(re.escape, rules.byline_roles))
    # a role word, a dateline (讯, 5月10日电), a credit (文/图, 图片由, 摄影：), a slash, a speech's dash
    cue = (f"{roles}|讯|日电|(?:图片|照片|图|文字|文|视频)由|[/／]|^[—－―\\-]"
           "|(?:文字|图片|文|图|摄影|摄)\\s*[:：]|摄$|[)）]\\s*$|" + _NAME_MARK)
    lines = on_subset(lines, pl.col("simp").str.contains(cue), lambda part: _extract_byline_text(part, rules))
    # a source line's byline: its author field, or the role and names it ends with
    source_tail = _patterns(rules)["source_tail"]
    return on_subset(lines, pl.col("drop_reason") == "source", lambda part: part.with_columns(
        byline_text=pl.coalesce(source_author(rules), pl.col("simp").str.extract(source_tail, 1)))).with_columns(
        pl.col("byline_text").cast(pl.String))


# The forms _patterns names, in the order a line is tried against them.
_FORMS = ("line", "line_tail", "line_tail_slash", "caption", "marked_names", "credit_first", "trailing",
          "closing_names", "closing_credit_first", "lead_bracket",
          "open_dateline", "bracket", "before_dateline", "agency", "speech")


def _extract_byline_text(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    p = _patterns(rules)
    simp = pl.col("simp")
    # each form's test once: the choice of the byline, the drop and the cut all read it
    lines = lines.with_columns(**{f"_is_{form}": simp.str.contains(p[form]) for form in _FORMS})
    clauses = simp.str.extract_all(p["credit_clause"])
    credit_only = (
        simp.str.replace_all(p["credit_clause"], "").str.replace_all(r"[\p{Han}]{0,3}于[^，,。；;]*", "")
        .str.replace_all(r"[\s，,。；;、]", "") == ""
    ) & (clauses.list.len() > 0)
    names_only = pl.lit("记者 ")
    # names with no role word and no dateline to say they report: authors
    authors = pl.lit("作者 ")
    bracket_inner = simp.str.extract(p["bracket"], 2)
    # 文/记者 张三 -> 记者 张三/文, the order the name-first forms use
    def name_first(credits: pl.Expr) -> pl.Expr:
        return credits.str.replace_all(p["credit_first_one"], "${2} ${3}/${1} ").str.replace_all(
            "/(?:文字|撰文|撰稿) ", "/文 ").str.replace_all("/(?:图片|摄影|摄) ", "/图 ")

    credit_first = name_first(simp.str.replace(p["editor_tail"], ""))
    tail = pl.col("_is_line_tail") | pl.col("_is_line_tail_slash")
    byline_text = (
        pl.when(pl.col("_is_line"))
        .then(simp.str.extract(p["line"], 1))
        .when(pl.col("_is_line_tail"))
        .then(simp.str.extract(p["line_tail"], 1))
        .when(pl.col("_is_line_tail_slash"))
        .then(simp.str.extract(p["line_tail_slash"], 1))
        .when(pl.col("_is_caption"))
        .then(simp.str.extract(p["caption"], 1) + "/摄")
        .when(pl.col("_is_marked_names"))
        .then(pl.concat_str(authors, simp.str.extract(p["marked_names"], 1)))
        .when(pl.col("_is_credit_first"))
        .then(credit_first.str.strip_chars("（()） "))
        .when(pl.col("_is_trailing"))
        .then(simp.str.extract(p["trailing"], 2).str.replace(r"\s*摄$", "/摄"))
        .when(pl.col("_is_closing_names"))
        .then(pl.concat_str(authors, pl.coalesce(simp.str.extract(p["closing_names"], 2),
                                                 simp.str.extract(p["closing_names"], 3))))
        .when(pl.col("_is_closing_credit_first"))
        .then(name_first(simp.str.extract(p["closing_credit_first"], 2)))
        .when(pl.col("_is_lead_bracket"))
        .then(simp.str.extract(p["lead_bracket"], 1))
        .when(pl.col("_is_open_dateline"))
        .then(simp.str.extract(p["open_dateline"], 2))
        .when(pl.col("_is_bracket"))
        .then(pl.when(bracket_inner.str.contains(f"^(?:{p['role']})")).then(bracket_inner)
              .otherwise(pl.concat_str(names_only, bracket_inner)))
        .when(pl.col("_is_before_dateline"))
        .then(simp.str.extract(p["before_dateline"], 1))
        .when(pl.col("_is_agency"))
        .then(pl.concat_str(names_only, simp.str.extract(p["agency"], 2)))
        .when(pl.col("_is_speech"))
        .then(pl.concat_str(pl.lit("作者 "), simp.str.extract(p["speech"], 2).str.replace_all(r"\s", "")))
        .when(clauses.list.len() > 0)
        .then(clauses.list.eval(pl.element().str.replace_all(p["credit_words"], "")).list.join(" "))
    )
    lines = lines.with_columns(byline_text=pl.when(is_kept()).then(byline_text))
    lines = drop_where(lines, pl.col("_is_line") | tail | pl.col("_is_caption")
                       | pl.col("_is_marked_names")
                       | pl.col("_is_credit_first") | credit_only, "byline")
    new_text = (
        pl.when(pl.col("_is_trailing"))
        .then(_cut(simp.str.extract(p["trailing"], 1), pl.lit("")))
        .when(pl.col("_is_closing_names"))
        .then(_cut(simp.str.extract(p["closing_names"], 1), pl.lit("")))
        .when(pl.col("_is_closing_credit_first"))
        .then(_cut(simp.str.extract(p["closing_credit_first"], 1), pl.lit("")))
        .when(pl.col("_is_lead_bracket"))
        .then(_cut(pl.lit(""), simp.str.extract(p["lead_bracket"], 2)))
        .when(pl.col("_is_open_dateline"))
        .then(_cut(simp.str.extract(p["open_dateline"], 1), simp.str.extract(p["open_dateline"], 3)))
        .when(pl.col("_is_bracket"))
        .then(_cut(simp.str.extract(p["bracket"], 1), simp.str.extract(p["bracket"], 3)))
        .when(pl.col("_is_before_dateline"))
        .then(_cut(pl.lit(""), simp.str.extract(p["before_dateline"], 2)))
        .when(pl.col("_is_agency"))
        .then(_cut(simp.str.extract(p["agency"], 1), simp.str.extract(p["agency"], 3)))
        .when(pl.col("_is_speech"))
        .then(_cut(simp.str.extract(p["speech"], 1), pl.lit("")))
        .otherwise(pl.col("text"))
    )
    lines = rewrite(lines, new_text, "byline")
    return lines.drop([f"_is_{form}" for form in _FORMS])


def _surnames() -> tuple[str, str]:
    """(any surname, a compound surname) as patterns, from the officials' closed class of surnames."""
    from transforms.extract.officials import COMPOUND_SURNAMES, SINGLE_SURNAMES

    compound = "|".join(COMPOUND_SURNAMES)
    return f"(?:{compound}|[{SINGLE_SURNAMES}])", f"(?:{compound})"


def split_names(name: pl.Expr) -> pl.Expr:
    """A run of names printed without spaces (徐建勋何可) -> its names, each a surname and one or two more
    characters; a run of four that does not split in two stays one name (欧阳明华), a longer run that
    does not split is dropped rather than guessed."""
    s, compound = _surnames()
    n = name.str.len_chars()
    two = [f"^({s}\\p{{Han}}{{2}})({s}\\p{{Han}}{{2}})$", f"^({s}\\p{{Han}}{{2}})({s}\\p{{Han}})$",
           f"^({s}\\p{{Han}})({s}\\p{{Han}}{{2}})$", f"^({s}\\p{{Han}})({s}\\p{{Han}})$"]
    three = f"^({s}\\p{{Han}})({s}\\p{{Han}})({s}\\p{{Han}})$"
    out = pl.when(name.str.contains("·") | (n <= 3) | ((n == 4) & name.str.contains(f"^{compound}"))).then(
        pl.concat_list(name))
    for pattern in two:
        out = out.when(name.str.contains(pattern)).then(
            pl.concat_list(name.str.extract(pattern, 1), name.str.extract(pattern, 2)))
    out = out.when(name.str.contains(three)).then(
        pl.concat_list(name.str.extract(three, 1), name.str.extract(three, 2), name.str.extract(three, 3)))
    return out.when(n == 4).then(pl.concat_list(name)).otherwise(pl.lit([], pl.List(pl.String)))


def parse_bylines(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """byline_text -> one row per credited person: document_key, line_no, name, role, credit."""
    p = _patterns(rules)
    credit_only = f"^(?:{p['credits']})$"
    role_only = f"^(?:{p['role']})$"
    tokens = (
        lines.filter(pl.col("byline_text").is_not_null())
        .select("document_key", "line_no", token=pl.col("byline_text").str.extract_all(p["token"]))
        .explode("token")
        .drop_nulls("token")
        .with_columns(token=pl.col("token").str.replace_all(r"\s+", "").str.replace_all("／", "/"))
        .with_columns(
            role=pl.when(pl.col("token").str.contains(role_only)).then(_role_of(pl.col("token"), rules)),
            is_credit=pl.col("token").str.contains(credit_only),
        )
        # a role word governs the names up to the first that carries its own credit (记者 甲/文 乙 丙/图):
        # names after it without a role word of their own are credited by their credit alone
        .with_columns(group=(pl.col("role").is_not_null() | (
            pl.col("token").str.contains("/") & ~pl.col("is_credit")).shift(1, fill_value=False)
        ).cum_sum().over("document_key", "line_no"))
        .with_columns(role=pl.col("role").forward_fill().over("document_key", "line_no", "group"))
    )
    line_credit = (
        tokens.filter("is_credit").group_by("document_key", "line_no").agg(line_credit=pl.col("token").last())
    )
    names = (
        tokens.filter(~pl.col("is_credit") & ~pl.col("token").str.contains(role_only))
        .join(line_credit, on=["document_key", "line_no"], how="left")
        .with_columns(
            name=split_names(pl.col("token").str.replace("/.*$", "")),
            own_credit=pl.col("token").str.extract("/(.+)$", 1),
        )
        # names without a role word share the credit their run ends with (乙 丙/图)
        .with_columns(run_credit=pl.when(pl.col("role").is_null()).then(
            pl.col("own_credit").backward_fill().over("document_key", "line_no", "group")))
        .explode("name")
        .drop_nulls("name")
        .with_columns(credit=pl.coalesce("own_credit", "run_credit", "line_credit").replace({"图/文": "文/图", "摄": "图", "报道": "文", "摄影报道": "图"}))
        .with_columns(
            role=pl.coalesce(
                "role", pl.when(pl.col("credit") == "图").then(pl.lit("摄影")).otherwise(pl.lit("作者"))
            )
        )
    )
    # an author field (作者：甲) that repeats a person the byline gives a role adds no one
    return names.select("document_key", "line_no", "name", "role", "credit").unique(
        ["document_key", "name", "role"], keep="first", maintain_order=True
    ).filter(~((pl.col("role") == "作者") & (pl.col("role") != "作者").any().over("document_key", "name")))


def _role_of(token: pl.Expr, rules: CleaningRules) -> pl.Expr:
    """A role word as printed (晚报记者, 本报见习记者, 新华社记者) -> the contract's role: the longest listed
    role the word ends with."""
    out = None
    for word in sorted(rules.byline_roles, key=len, reverse=True):
        hit = token.str.ends_with(word)
        out = pl.when(hit).then(pl.lit(rules.byline_roles[word])) if out is None else out.when(hit).then(
            pl.lit(rules.byline_roles[word]))
    return out.otherwise(None)
