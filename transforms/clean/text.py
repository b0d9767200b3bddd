"""In-line rewrites: emphasis and markup remnants, full-width letters and digits, punctuation inside Chinese."""

from __future__ import annotations

import re

import polars as pl

from transforms.clean.lines import on_subset, rewrite

# Characters that make a neighbouring ASCII mark "inside Chinese text".
_CJK = r"[\p{Han}\u3000-\u303f\uff01-\uff5e“”‘’…—]"
_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_FULLWIDTH_ALNUM = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    chr(0xFF21 + i): chr(0x41 + i) for i in range(26)
} | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)} | {"％": "%", "．": "."}


# HTML that survived a text scrape: tags, entities, and CMS placeholders ([!--empirenews.page--], {$title}).
_TAG = r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>"
_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&ldquo;": "“", "&rdquo;": "”",
             "&lsquo;": "‘", "&rsquo;": "’", "&mdash;": "—", "&hellip;": "…", "&middot;": "·", "&#12288;": " "}
_CMS_FIELD = r"\[!--[A-Za-z0-9_.]+--\]|\{\$[A-Za-z0-9_.]+\}|\$[A-Za-z_]+\$|\{(?:dede|pc|php|eyou|ey):[^{}]{0,120}\}"


def strip_emphasis(lines: pl.DataFrame) -> pl.DataFrame:
    """**bold** and __bold__ markers from Markdown-ish scrapes."""
    new = pl.col("text").str.replace_all(r"\*\*(.+?)\*\*", "${1}").str.replace_all(r"\*\*|__", "")
    return rewrite(lines, new, "emphasis")


def strip_markup(lines: pl.DataFrame) -> pl.DataFrame:
    """List bullets and heading hashes at the start of a line, inline image links, HTML tags and entities and
    CMS template fields left in the text, and the cell bars of a page laid out as a table (text |)."""
    new = (
        pl.col("text")
        .str.replace(r"^(?:[-*•▪●◆■□]|#{1,6})\s+", "")
        .str.replace_all(r"!\[[^\]]*\]\([^)]*\)", "")
        .str.replace_all(_TAG, "")
        .str.replace_many(list(_ENTITIES), list(_ENTITIES.values()))
        .str.replace_all(_CMS_FIELD, "")
        .str.replace(r"^(?:[|｜]\s*)+", "")
        .str.replace(r"(?:\s*[|｜])+$", "")
        .str.strip_chars()
    )
    return rewrite(lines, new, "markup")


# A pinyin gloss a mirror site prints after a character: 項（xiàng）目. A syllable with a tone mark is a gloss;
# a toneless one (的（de）) only on a line that has toned glosses too.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_GLOSS_TONED = rf"(\p{{Han}})[（(][a-zü]{{0,5}}[{_TONED}][a-zü{_TONED}]{{0,5}}[)）]"
_GLOSS_PLAIN = r"(\p{Han})[（(](?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouüv]{1,3}(?:ng|n|r)?[)）]"


def strip_pinyin_glosses(lines: pl.DataFrame) -> pl.DataFrame:
    """Pinyin glosses in brackets after characters are not text: removed, each line that had them logged
    with reason pinyin_gloss (its raw text keeps what was removed)."""
    text = pl.col("text")
    new = pl.when(text.str.contains(_GLOSS_TONED)).then(
        text.str.replace_all(_GLOSS_TONED, "${1}").str.replace_all(_GLOSS_PLAIN, "${1}")
    ).otherwise(text)
    return rewrite(lines, new, "pinyin_gloss")


def fullwidth_alnum(lines: pl.DataFrame) -> pl.DataFrame:
    """Full-width digits and Latin letters (２０２０, ＣＣＤ) to ASCII so numbers parse."""
    new = pl.col("text").str.replace_many(_FULLWIDTH_ALNUM)
    return rewrite(lines, new, "fullwidth")


def normalise_punctuation(lines: pl.DataFrame) -> pl.DataFrame:
    """ASCII , ; : ? ! ( ) next to a Chinese character become full-width; between Latin/digits they stay.

    A run of marks (,,) converts from the Chinese side inward, one mark per pass: as many passes as the
    longest run among the lines, so the result is a fixed point (cleaning twice changes nothing). Only lines
    holding an ASCII mark are rewritten: most hold none."""
    marks = "[" + "".join(re.escape(m) for m in _ASCII_TO_FULL) + "]"
    return on_subset(lines, pl.col("text").str.contains(marks), lambda part: _full_width_marks(part, marks))


def _full_width_marks(lines: pl.DataFrame, marks: str) -> pl.DataFrame:
    longest = lines.select(pl.col("text").str.extract_all(f"{marks}+").list.eval(pl.element().str.len_chars())
                           .list.max().max()).item()
    new = pl.col("text")
    # no rule writes an ASCII mark: the rules of marks the lines do not hold would change nothing
    held = {m: f for m, f in _ASCII_TO_FULL.items() if lines["text"].str.contains(m, literal=True).any()}
    # Pairs of brackets stay matched (an opener made full-width closes full-width), and that can put a
    # full-width mark next to another ASCII one: the passes run to a fixed point over both rules.
    for _ in range(max(1, longest or 0) + 1):
        for ascii_mark, full in held.items():
            mark = "\\" + ascii_mark
            new = new.str.replace_all(f"({_CJK}) ?{mark} ?", f"${{1}}{full}").str.replace_all(
                f" ?{mark} ?({_CJK})", f"{full}${{1}}"
            )
        if "(" in held or ")" in held:
            new = new.str.replace_all(r"（([^()（）]*)\)", "（${1}）").str.replace_all(r"\(([^()（）]*)）", "（${1}）")
    return rewrite(lines, new, "punctuation")
