"""Traditional -> Simplified script for matching (OpenCC t2s), one character for one, so that spans found
in the converted text index the stored body."""

from __future__ import annotations

from functools import cache

import polars as pl

from transforms.clean.script import traditional_class


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    converter = _t2s()
    out = converter.convert(text)
    if len(out) != len(text):  # a phrase conversion changed the length: convert char by char instead
        out = "".join(c if len(s := converter.convert(c)) != 1 else s for c in text)
    return out


def traditional_rows(texts: pl.Series) -> pl.Series:
    """Whether each text holds a Traditional character (one regex pass)."""
    return texts.str.contains(traditional_class()).fill_null(False)


def to_simplified(texts: pl.Series, traditional: pl.Series | None = None) -> pl.Series:
    """OpenCC t2s, same length as the input (spans stay valid); converted once per distinct text, and only
    texts holding a Traditional character (most pages hold none: one regex pass is all they cost).
    traditional: traditional_rows(texts), when the caller has it."""
    traditional = traditional_rows(texts) if traditional is None else traditional
    if not traditional.any():
        return texts
    distinct = texts.filter(traditional).unique()
    mapping = {t: _simplified(t) for t in distinct.to_list()}
    return texts.replace(mapping)


def match_text(frame: pl.DataFrame, column: str) -> pl.Series:
    """What matching reads for column: the frame's match_text when the caller converted it once for every
    extractor, else column converted here."""
    return frame["match_text"] if "match_text" in frame.columns else to_simplified(frame[column])

