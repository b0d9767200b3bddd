"""Word-aware checks on place matches: whether segmentation reads the characters of a match as part of
another word (乐业 in 安居乐业) or as a person's given name after a surname (广州 in 曹广州).

Segmentation is the project's jieba-rs tagger (segmenter in transforms/extract/terms.py: jieba's dictionary plus
the gazetteer's names, so real places stay whole words). It runs only on a short window around each
candidate match, never on whole sentences: the cost is linear in the number of candidates, and a candidate
is a name of up to three characters or a short name glued to a Han character on its left (a match after
punctuation or a line start cannot begin inside a word, and has no surname before it), or a short name
that does not visibly end (followed by punctuation or a particle)."""

from __future__ import annotations

import polars as pl

from transforms.extract.tables import per_text_rows

# characters of the window read before and after a match: enough for the word around it
BEFORE, AFTER = 4, 3


def _windows(hits: pl.DataFrame, sentences: pl.DataFrame, text: str) -> pl.DataFrame:
    """_w (row number of hits), window (text around the match), offset (the match's start in it)."""
    spans = sentences.select("document_key", pl.col("span_start").cast(pl.Int64).alias("_ss"),
                             pl.col(text).alias("_text")).sort("_ss")
    rel = pl.col("span_start") - pl.col("_ss")
    start = pl.max_horizontal(rel - BEFORE, pl.lit(0))
    return (hits.select("_w", "document_key", pl.col("span_start").cast(pl.Int64), pl.col("span_end").cast(pl.Int64))
            .sort("span_start")
            .join_asof(spans, left_on="span_start", right_on="_ss", by="document_key", check_sortedness=False)
            .filter(pl.col("_text").is_not_null())
            .select("_w", pl.col("_text").str.slice(start, rel - start + (pl.col("span_end") - pl.col("span_start"))
                                                  + AFTER).alias("window"),
                    (rel - start).alias("offset")))



def _tagged(windows: pl.DataFrame) -> pl.DataFrame:
    """The windows' tokens with their parts of speech: _w, token, pos, _len, and _at (its offset in the window)."""
    from transforms.extract.terms import segmenter

    tagger = segmenter()
    tokens = per_text_rows(windows.select(pl.col("_w").cast(pl.Int64).alias("document_key"), "window"), "window",
                           lambda w: tagger.tag(w, True), {"token": pl.String, "pos": pl.String})
    return (tokens.rename({"document_key": "_w"}).with_columns(pl.col("_w").cast(pl.UInt32))
            .with_columns(pl.col("token").str.len_chars().alias("_len"))
            .with_columns((pl.col("_len").cum_sum().over("_w") - pl.col("_len")).alias("_at")))

def word_reading(hits: pl.DataFrame, sentences: pl.DataFrame, text: str = "text") -> pl.DataFrame:
    """For each row of hits (document_key, span_start, span_end, surface, _before: the character before it,
    short: whether the surface is a bare short name, ends: whether the name visibly ends there), how
    segmentation reads it:
    misread -- no place: its first character lies inside a longer word that is not itself a place
    (安居乐业, 确保城镇), or it is a short name right after a one-character surname token (曹广州, 王郑州说);
    verb_next -- a short name read as a word of its own with a verb or preposition after it (赴重庆考察), or
    a preposition before it (在重庆解放碑): a place, not the first word of a longer name (重庆医药);
    whole_word -- the match read as exactly one word, whatever its part of speech.
    Only names of up to three characters or short names glued to a Han character on the left, and short
    names that do not visibly end, are segmented.
    sentences: document_key, span_start and column text."""
    out = pl.DataFrame({"misread": [False] * hits.height, "verb_next": [False] * hits.height,
                        "whole_word": [False] * hits.height},
                       schema={"misread": pl.Boolean, "verb_next": pl.Boolean, "whole_word": pl.Boolean})
    if hits.is_empty():
        return out
    hits = hits.with_row_index("_w")
    # a longer full name (管城回族区, 林山寨街道) is not read into a word before it
    glued = pl.col("_before").str.contains(r"^\p{Han}$") & ((pl.col("surface").str.len_chars() <= 3) | pl.col("short"))
    candidates = hits.filter(glued | (pl.col("short") & ~pl.col("ends")))
    if candidates.is_empty():
        return out
    windows = _windows(candidates, sentences, text)
    tokens = _tagged(windows).with_columns(pl.col("pos").shift(-1).over("_w").alias("_next_pos"),
                                           pl.col("pos").shift(1).over("_w").alias("_prev_pos"),
                                           pl.col("_len").shift(-1).over("_w").alias("_next_len"))
    read = tokens.join(windows.select("_w", "offset"), on="_w").join(
        candidates.select("_w", "short", pl.col("surface").str.len_chars().alias("_n")), on="_w")
    inside = (pl.col("_at") < pl.col("offset")) & (pl.col("_at") + pl.col("_len") > pl.col("offset")) & (
        pl.col("pos") != "ns")
    surname = (pl.col("_at") + pl.col("_len") == pl.col("offset")) & (pl.col("_len") == 1) & (
        pl.col("pos") == "nr") & pl.col("short") & (pl.col("_n") == 2)
    whole = (pl.col("_at") == pl.col("offset")) & (pl.col("_len") == pl.col("_n")) & (pl.col("pos") == "ns")
    # ... or after a preposition of place (在重庆解放碑, 从莱芜获悉)
    verb = whole & pl.col("short") & (pl.col("_next_pos").str.contains("^[vp]") | (pl.col("_prev_pos") == "p"))
    bad = read.filter(inside | surname)["_w"].unique()
    verbs = read.filter(verb)["_w"].unique()
    # one word exactly, whatever its tag, before a word of two or more characters (射洪 in 绵渝路射洪现代农业示范带):
    # not the start of a longer name, nor a surname and given name (安国 in 安国华)
    words = read.filter((pl.col("_at") == pl.col("offset")) & (pl.col("_len") == pl.col("_n"))
                        & (pl.col("_next_len") >= 2))["_w"].unique()
    return hits.select(pl.col("_w").is_in(bad.implode()).alias("misread"),
                       pl.col("_w").is_in(verbs.implode()).alias("verb_next"),
                       pl.col("_w").is_in(words.implode()).alias("whole_word"))


# parts of speech a place name's stem is not made of: verbs, pronouns, adverbs, prepositions, conjunctions,
# particles, numerals with measure words (务工村, 我们村, 便增加村, 计划修建村)
NOT_A_NAME = r"^(?:v|r|d|p|c|u|y|e|o|q|t)"
EVERYDAY_WORD = r"^(?:n|vn|a|an|v)$"


def unnamed_units(units: pl.DataFrame, sentences: pl.DataFrame, suffix: str, text: str = "text") -> pl.Series:
    """For each unit recognised by its suffix (document_key, span_start, span_end; the name ends with column
    suffix, 村 or 社区), whether segmentation says it is no name: a word of its stem is a verb, pronoun,
    adverb and the like (增加村集体收入, 我们村), the suffix begins a longer word (务工村民, 村级道路, 老村部), or
    it ends an everyday word begun in the stem (富民强村)."""
    flags = pl.Series("unnamed", [False] * units.height, dtype=pl.Boolean)
    if units.is_empty():
        return flags
    units = units.with_row_index("_w")
    windows = _windows(units, sentences, text)
    tokens = _tagged(windows)
    read = tokens.join(windows.select("_w", "offset"), on="_w").join(
        units.select("_w", (pl.col("span_end") - pl.col("span_start")).alias("_n"),
                     pl.col(suffix).str.len_chars().alias("_k")), on="_w")
    end = pl.col("offset") + pl.col("_n")
    in_stem = (pl.col("_at") >= pl.col("offset")) & (pl.col("_at") < end - pl.col("_k"))
    # a word that holds the suffix's first character and runs on past the unit's end
    runs_on = (pl.col("_at") <= end - pl.col("_k")) & (pl.col("_at") + pl.col("_len") > end)
    # the suffix read as the end of a two-character everyday word begun in the stem (强村 in 富民强村, 名村): a
    # slogan or a kind of village; a name leaves the suffix on its own (牌坊|村) or is read whole (团结村, 易圩村:
    # longer words, some of them guesses, so only two-character words count)
    word_end = ((pl.col("_at") > pl.col("offset")) & (pl.col("_len") == pl.col("_k") + 1)
                & (pl.col("_at") + pl.col("_len") == end) & pl.col("pos").str.contains(EVERYDAY_WORD))
    bad = read.filter((in_stem & pl.col("pos").str.contains(NOT_A_NAME)) | runs_on | word_end)["_w"].unique()
    return units.select(pl.col("_w").is_in(bad.implode()).alias("unnamed"))["unnamed"]


# how segmentation reads a list item that names a place or a person (大堰, 张庄), and the parts of speech of
# everyday words a village's name is not (水果、蔬菜; 贫困、边远; 改造、提升)
NAME_POS = r"^(?:ns|nr|nz)"
WORD_POS = r"^(?:n|vn|an|a|ad|d|r|p|c|u|m|q|t|f|s)$"


def named_items(items: pl.DataFrame) -> pl.DataFrame:
    """For lists of short names before 等N个村 (items: _list, item), the _list values whose items read as
    names: none is one everyday word (a noun, adjective, adverb, pronoun...), and at least half are read
    as one place or person name (a name segmentation does not know, 磨嘴, may stand among them)."""
    if items.is_empty():
        return items.select("_list")
    from transforms.extract.terms import segmenter

    tagger = segmenter()
    tagged = items.select("_list", "item").unique().with_row_index("_i")
    tokens = per_text_rows(tagged.select(pl.col("_i").cast(pl.Int64).alias("document_key"), "item"), "item",
                           lambda w: tagger.tag(w, True), {"token": pl.String, "pos": pl.String})
    reading = (tokens.group_by("document_key").agg(pl.len().alias("_n"), pl.col("pos").first().alias("_pos"))
               .select(pl.col("document_key").cast(pl.UInt32).alias("_i"), "_n", "_pos"))
    read = tagged.join(reading, on="_i").with_columns(
        ((pl.col("_n") == 1) & pl.col("_pos").str.contains(NAME_POS)).alias("_name"),
        ((pl.col("_n") == 1) & pl.col("_pos").str.contains(WORD_POS)).alias("_word"))
    good = read.group_by("_list").agg((~pl.col("_word").any() & (pl.col("_name").mean() >= 0.5)).alias("_ok"))
    return good.filter("_ok").select("_list")
