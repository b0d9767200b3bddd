"""Bylines (记者 张改华 文/图, 通讯员 郭佳星/文, 胡源浩/图): out of the body, into fact_byline rows."""

from __future__ import annotations

import re

import polars as pl

from transforms.clean.lines import drop_where, rewrite
from transforms.rules import CleaningRules


def _patterns(rules: CleaningRules) -> dict[str, str]:
    roles = "|".join(sorted(map(re.escape, rules.byline_roles), key=len, reverse=True))
    credits = "|".join(sorted(map(re.escape, rules.byline_credits), key=len, reverse=True))
    name = f"(?:{rules.byline_name})"
    slash = "[/／]"
    credited = f"{name}\\s*{slash}\\s*(?:{credits})"
    group = f"(?:{roles})\\s*[:：]?\\s*(?:(?:{credited}|{name})\\s*)+"
    body = f"(?:{group}\\s*)+(?:(?:{credits})\\s*)?"
    return {
        "line": f"^(?:{body}|{credited})$",
        # A byline closing a paragraph: ...贡献力量。记者 张改华 文/图
        "trailing": f"^(.*[。！？”])\\s*({body})$",
        # 本报讯（记者 张改华 通讯员 郭佳星）opening a paragraph
        "leading": f"^(?:本报讯|[\\p{{Han}}]{{2,6}}讯)?\\s*[（(]\\s*({body})\\s*[)）]\\s*(.+)$",
        "token": f"(?:{roles})|{credited}|{name}|(?:{credits})",
        "roles": roles,
        "credits": credits,
        "slash": slash,
    }


def extract_byline_text(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """Mark whole byline lines as dropped and cut bylines off the start or end of paragraphs.

    Adds column byline_text (the byline as written) for parse_bylines."""
    p = _patterns(rules)
    text = pl.col("text")
    lines = lines.with_columns(
        byline_text=pl.when(text.str.contains(p["line"]))
        .then(text)
        .when(text.str.contains(p["trailing"]))
        .then(text.str.extract(p["trailing"], 2))
        .when(text.str.contains(p["leading"]))
        .then(text.str.extract(p["leading"], 1))
    )
    lines = drop_where(lines, text.str.contains(p["line"]), "byline")
    lines = rewrite(
        lines,
        pl.when(text.str.contains(p["line"]))
        .then(text)
        .when(text.str.contains(p["trailing"]))
        .then(text.str.extract(p["trailing"], 1))
        .when(text.str.contains(p["leading"]))
        .then(text.str.extract(p["leading"], 2))
        .otherwise(text),
        "byline",
    )
    return lines


def parse_bylines(lines: pl.DataFrame, rules: CleaningRules) -> pl.DataFrame:
    """byline_text -> one row per credited person: document_key, line_no, name, role, credit."""
    p = _patterns(rules)
    credit_only = f"^(?:{p['credits']})$"
    role_only = f"^(?:{p['roles']})$"
    tokens = (
        lines.filter(pl.col("byline_text").is_not_null())
        .select("document_key", "line_no", token=pl.col("byline_text").str.extract_all(p["token"]))
        .explode("token")
        .drop_nulls("token")
        .with_columns(token=pl.col("token").str.replace_all(r"\s+", "").str.replace_all("／", "/"))
        .with_columns(
            role=pl.when(pl.col("token").str.contains(role_only)).then(
                pl.col("token").replace_strict(rules.byline_roles, default=None)
            ),
            is_credit=pl.col("token").str.contains(credit_only),
        )
        .with_columns(role=pl.col("role").forward_fill().over("document_key", "line_no"))
    )
    line_credit = (
        tokens.filter("is_credit").group_by("document_key", "line_no").agg(line_credit=pl.col("token").last())
    )
    names = (
        tokens.filter(~pl.col("is_credit") & ~pl.col("token").str.contains(role_only))
        .join(line_credit, on=["document_key", "line_no"], how="left")
        .with_columns(
            name=pl.col("token").str.replace("/.*$", ""),
            own_credit=pl.col("token").str.extract("/(.+)$", 1),
        )
        .with_columns(credit=pl.coalesce("own_credit", "line_credit").replace({"图/文": "文/图", "摄": "图"}))
        .with_columns(
            role=pl.coalesce(
                "role", pl.when(pl.col("credit") == "图").then(pl.lit("摄影")).otherwise(pl.lit("作者"))
            )
        )
    )
    return names.select("document_key", "line_no", "name", "role", "credit").unique(
        ["document_key", "name", "role"], keep="first", maintain_order=True
    )
