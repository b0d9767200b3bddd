"""Traditional script seen through Simplified eyes: a character-for-character OpenCC t2s view of a text column.

Cleaning rules are written once, in Simplified, and matched on this view. The view keeps every character's
position (only one-character to one-character conversions are used), so a length measured on the view cuts
the original text at the same place and spans still index the stored body. The number grammar uses the same
map (transforms/extract/numerals.py)."""

from __future__ import annotations

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


def simplified(text: pl.Expr) -> pl.Expr:
    """The Simplified view of a text column, the same length as the text, character for character."""
    table = t2s_chars()
    return text.str.replace_many(list(table), list(table.values()))
