"""The Simplified view of Traditional text: same length, character for character, only where it is needed."""

from __future__ import annotations

import polars as pl

from transforms.clean.script import with_simplified_columns
from transforms.extract.script import to_simplified

TRADITIONAL = "鄭州市投資89億元，建成15個項目。"
SIMPLIFIED = "郑州市投资89亿元，建成15个项目。"


def test_a_frame_with_traditional_text_is_converted_one_character_for_one():
    frame = pl.DataFrame({"text": [TRADITIONAL, "全区新增就业5000人。", None]})
    out = with_simplified_columns(frame, {"simp": "text"})
    assert out["simp"].to_list() == [SIMPLIFIED, "全区新增就业5000人。", None]
    assert out["text"].to_list() == frame["text"].to_list()


def test_a_simplified_frame_keeps_its_text():
    frame = pl.DataFrame({"text": ["全区新增就业5000人。", None], "other": ["鄭州", "x"]})
    assert with_simplified_columns(frame, {"simp": "text"})["simp"].to_list() == ["全区新增就业5000人。", None]
    # only the named source columns decide: a Traditional character elsewhere converts nothing
    assert with_simplified_columns(frame, {"other": "other"})["other"].to_list() == ["郑州", "x"]


def test_to_simplified_converts_only_traditional_rows_and_keeps_lengths():
    texts = pl.Series([TRADITIONAL, "金水区丰产路街道", None, TRADITIONAL])
    out = to_simplified(texts)
    assert out.to_list() == [SIMPLIFIED, "金水区丰产路街道", None, SIMPLIFIED]
    assert out.str.len_chars().to_list() == texts.str.len_chars().to_list()
