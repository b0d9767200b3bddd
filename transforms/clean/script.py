"""Traditional script seen through Simplified eyes: a character-for-character OpenCC t2s view of a text column.

Cleaning rules are written once, in Simplified, and matched on this view. The view keeps every character's
position (only one-character to one-character conversions are used), so a length measured on the view cuts
the original text at the same place and spans still index the stored body. The number grammar uses the same
map (transforms/extract/numerals.py)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import polars as pl

# CJK Extension A, the Unified Ideographs block and the compatibility ideographs.
_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@cache
def t2s_chars() -> dict[str, str]:
    """Traditional character -> Simplified character, from OpenCC's t2s tables, one character at a time."""
    import opencc

    chars = [chr(c) for lo, hi in _BLOCKS for c in range(lo, hi)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {t: s for t, s in zip(chars, converted) if t != s and len(s) == 1}


@cache
def traditional_class() -> str:
    """A regex class of the characters the map converts: a text holding none of them is already Simplified."""
    return "[" + "".join(sorted(t2s_chars())) + "]"


def simplified(text: pl.Expr) -> pl.Expr:
    """The Simplified view of a text column, the same length as the text, character for character."""
    table = t2s_chars()
    return text.str.replace_many(list(table), list(table.values()))


def with_simplified_columns(frame: pl.DataFrame, columns: Mapping[str, str]) -> pl.DataFrame:
    """Add (or replace) columns name -> the Simplified view of column source. A frame with no Traditional
    character, most batches, costs one regex pass instead of a dictionary replacement over every row."""
    if not columns:
        return frame
    cls = traditional_class()
    sources = set(columns.values())
    if not frame.select(pl.any_horizontal(pl.col(c).str.contains(cls).any() for c in sources)).item():
        return frame.with_columns(pl.col(source).alias(name) for name, source in columns.items())
    return frame.with_columns(simplified(pl.col(source)).alias(name) for name, source in columns.items())
