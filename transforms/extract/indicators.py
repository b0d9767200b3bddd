"""Indicators of figures: a canonical name (transforms/rules/indicators.csv) when an alias is named near the
figure, else the clean noun phrase next to it, read in whole words (never cut mid-word, never ending in a
function word); null when there is none. Word lists: transforms/rules/indicator_words.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from transforms.rules import RULES_DIR, RuleError, read_rules_toml


@dataclass(frozen=True)
class IndicatorWords:
    noun_pos: frozenset[str]
    head_pos: frozenset[str]
    verb_pos: frozenset[str]
    modifier_pos: frozenset[str]
    nouns: frozenset[str]
    stop_words: frozenset[str]
    skip_before: frozenset[str]
    max_skip: int
    skip_after: frozenset[str]
    max_chars: int
    any_unit: tuple[str, ...]
    traditional_marks: str


def load_indicator_words(path: Path | None = None) -> IndicatorWords:
    path = Path(path) if path else RULES_DIR / "indicator_words.toml"
    data = read_rules_toml(path)
    lists = {}
    for key in ("noun_pos", "head_pos", "verb_pos", "modifier_pos", "nouns", "stop_words", "skip_before", "skip_after"):
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            raise RuleError(f"{path}: {key} must be a list of non-empty strings")
        lists[key] = frozenset(value)
    for key in ("max_skip", "max_chars"):
        if not isinstance(data.get(key), int) or data[key] < 0:
            raise RuleError(f"{path}: {key} must be a non-negative integer")
    any_unit = data.get("any_unit")
    if not isinstance(any_unit, list) or not all(isinstance(u, str) for u in any_unit):
        raise RuleError(f"{path}: any_unit must be a list of base units")
    marks = data.get("traditional_marks")
    if not isinstance(marks, str) or not marks:
        raise RuleError(f"{path}: traditional_marks must be a non-empty string")
    return IndicatorWords(**lists, max_skip=data["max_skip"], max_chars=data["max_chars"], any_unit=tuple(any_unit),
                          traditional_marks=marks)


@cache
def default_indicator_words() -> IndicatorWords:
    return load_indicator_words()


def _is_noun(word: str, pos: str, words: IndicatorWords) -> bool:
    return word not in words.stop_words and (word in words.nouns or pos in words.noun_pos
                                             or pos in words.modifier_pos)


def _is_head(token: tuple[str, str], words: IndicatorWords) -> bool:
    return token[0] in words.nouns or token[1] in words.head_pos


def noun_phrase(tokens: list[tuple[str, str]], words: IndicatorWords, backward: bool) -> str | None:
    """The run of noun words at the end (backward: the text before a figure, after skipping the verbs that
    link it to the figure) or at the start (the text after a figure's unit) of tagged tokens."""
    seq = list(reversed(tokens)) if backward else list(tokens)
    skip, limit = (words.skip_before, words.max_skip) if backward else (words.skip_after, 1)
    i = 0
    while i < len(seq) and i < limit and seq[i][0] in skip:
        i += 1
    phrase: list[tuple[str, str]] = []
    chars = 0
    for word, pos in seq[i:]:
        # Verbs only inside a phrase read backwards from the figure (新签约项目), or as the first word of a
        # compound after it (安置房).
        inner = (pos in words.verb_pos and word not in words.stop_words and word not in words.skip_before
                 and (backward or not phrase))
        if not (_is_noun(word, pos, words) or inner) or chars + len(word) > words.max_chars:
            break
        # Read forwards, the phrase ends at its head: 党员 of 党员主动报到.
        if not backward and phrase and _is_head(phrase[-1], words) and not _is_head((word, pos), words):
            break
        phrase.append((word, pos))
        chars += len(word)
    if backward:
        phrase.reverse()
    # It ends in a head noun (not 主动, a distinguishing word, nor a verb) and starts with a whole word of its
    # own: not a verb (获得国家级荣誉), unless the verb makes a compound with a one-character noun (安置房), and
    # not one character (房 of 安置房, 区 of 区党群服务中心).
    while phrase and not _is_head(phrase[-1], words):
        phrase.pop()
    while phrase:
        word, pos = phrase[0]
        if pos in words.verb_pos and word not in words.nouns:
            if len(phrase) > 1 and len(phrase[1][0]) == 1:
                break
            phrase.pop(0)  # the verb and what continues it (复工复产企业 -> 企业)
            while phrase and phrase[0][1] in words.verb_pos | {"vn"} and phrase[0][0] not in words.nouns:
                phrase.pop(0)
            continue
        if len(word) > 1 or pos in words.modifier_pos:
            break
        phrase.pop(0)
    text = "".join(w for w, _ in phrase)
    return text if len(text) >= 2 else None


def _phrases(strings: pl.Series, words: IndicatorWords, backward: bool) -> pl.DataFrame:
    """Noun phrase of each distinct string. Python per distinct string, unavoidable: segmentation is a library
    call (jieba-rs) with no columnar API; joined back by value."""
    from transforms.extract.terms import segmenter

    tagger = segmenter()
    distinct = strings.drop_nulls().unique().to_list()
    found = [noun_phrase(tagger.tag(s, True), words, backward) for s in distinct]
    return pl.DataFrame({"_cand": distinct, "_phrase": found}, schema={"_cand": pl.String, "_phrase": pl.String})


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _simplified_context(frame: pl.DataFrame, words: IndicatorWords) -> pl.DataFrame:
    """before/after/clause_before in Simplified script where they are Traditional (the originals kept as
    _orig_*). Only those rows are converted: OpenCC over every figure's context would cost the batch."""
    from transforms.extract.script import to_simplified

    frame = frame.with_columns(_orig_before=pl.col("before"), _orig_after=pl.col("after"),
                               _orig_clause=pl.col("clause_before")).with_row_index("_ix")
    marks = f"[{re.escape(words.traditional_marks)}]"
    traditional = frame.filter(pl.col("before").str.contains(marks) | pl.col("after").str.contains(marks))
    if traditional.is_empty():
        return frame.drop("_ix")
    converted = traditional.select("_ix", before=to_simplified(traditional["before"]),
                                   after=to_simplified(traditional["after"]),
                                   clause_before=to_simplified(traditional["clause_before"]))
    return frame.update(converted, on="_ix").drop("_ix")


def assign_indicators(frame: pl.DataFrame, indicators, words: IndicatorWords | None = None) -> pl.DataFrame:
    """frame: figures with measure, before, after, clause_before. indicators: transforms.extract.metric_rules
    Indicator entries. Adds indicator_text (as read) and indicator (canonical name, or the phrase itself)."""
    words = words or default_indicator_words()
    frame = _simplified_context(frame, words)
    alias_to_name = {a: ind.name for ind in indicators for a in ind.aliases}
    unit_of = {a: ind.base_unit for ind in indicators for a in ind.aliases}
    aliases = _alt(alias_to_name)

    def fits(alias: pl.Expr) -> pl.Expr:
        # An amount names an indicator of its unit (建成区面积5平方公里 after 固定资产投资 is not an investment);
        # growth, shares, changes and ranks go with any indicator.
        unit = alias.replace_strict(unit_of, default=None, return_dtype=pl.String)
        ok = (unit == pl.col("base_unit")) | pl.col("base_unit").is_in(words.any_unit) | unit.is_null()
        return pl.when(ok).then(alias)

    frame = frame.with_columns(
        _alias=pl.when(pl.col("measure") == "count")
        .then(fits(pl.col("clause_before").str.extract_all(aliases).list.last()))
        .otherwise(fits(pl.col("before").str.extract_all(aliases).list.last())),
        # The text next to the figure: its clause before it, the Han run after its unit.
        _before=pl.col("clause_before").str.extract(r"(\p{Han}[\p{Han}\w]*)$", 1),
        _after=pl.col("after").str.extract(r"^(\p{Han}{1,16})", 1),
    )
    # Phrases are read (segmentation) only for figures no alias names.
    unnamed = frame.filter(pl.col("_alias").is_null())
    before = _phrases(unnamed["_before"], words, backward=True).rename({"_cand": "_before", "_phrase": "_np_before"})
    after = _phrases(unnamed["_after"], words, backward=False).rename({"_cand": "_after", "_phrase": "_np_after"})
    frame = frame.join(before, on="_before", how="left").join(after, on="_after", how="left")
    text = pl.coalesce(
        "_alias",
        pl.when(pl.col("measure") == "count").then(pl.coalesce("_np_after", "_np_before"))
        .otherwise(pl.coalesce("_np_before", "_np_after")),
    )
    return frame.with_columns(indicator_text=text).with_columns(
        indicator=pl.col("indicator_text").replace_strict(alias_to_name, default=pl.col("indicator_text"),
                                                          return_dtype=pl.String)
    ).drop("_alias", "_before", "_after", "_np_before", "_np_after").with_columns(
        pl.col("_orig_before").alias("before"), pl.col("_orig_after").alias("after"),
        pl.col("_orig_clause").alias("clause_before"),
    ).drop("_orig_before", "_orig_after", "_orig_clause")
