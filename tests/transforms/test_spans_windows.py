"""Text around spans is read from bounded windows of their sentence, and reads what slicing the whole sentence
reads: the cost of a long sentence stays linear in its length (bench/sizes.py measures it)."""

from __future__ import annotations

import random

import polars as pl

from transforms.extract.metrics import _in_brackets
from transforms.extract.regions import extract_regions
from transforms.extract.spans import WINDOW, text_windows, with_windows
from tests.transforms.helpers import frames
from tests.transforms.test_extract_regions import gazetteer

HAN = "中原区林山寨街道郑州市的和在（）《》，"


def _sentences(rng: random.Random) -> tuple[pl.DataFrame, dict]:
    """Three documents, sentences of 0 to 3 000 characters laid end to end in each body."""
    rows, texts = [], {}
    for doc in (1, 2, 3):
        start = 0
        for length in (0, rng.randint(1, 40), 3 * WINDOW + 17, rng.randint(600, 3000), 5):
            text = "".join(rng.choice(HAN) for _ in range(length))
            rows.append(dict(document_key=doc, span_start=start, text=text))
            texts[(doc, start)] = text
            start += length
    return pl.DataFrame(rows, schema={"document_key": pl.Int64, "span_start": pl.Int32, "text": pl.String}), texts


def test_windows_read_what_slicing_the_sentence_reads():
    rng = random.Random(5)
    sentences, texts = _sentences(rng)
    spans = []
    for (doc, ss), text in texts.items():
        for _ in range(60 if len(text) > 1 else 0):
            s = rng.randrange(0, len(text))
            spans.append(dict(document_key=doc, span_start=ss + s, span_end=ss + min(len(text), s + rng.randint(1, 9)),
                              _ss_expected=ss))
        if len(text) > 1:  # a span at each end of the sentence
            spans += [dict(document_key=doc, span_start=ss, span_end=ss + 1, _ss_expected=ss),
                      dict(document_key=doc, span_start=ss + len(text) - 1, span_end=ss + len(text), _ss_expected=ss)]
    frame = pl.DataFrame(spans, schema={"document_key": pl.Int64, "span_start": pl.Int32, "span_end": pl.Int32,
                                        "_ss_expected": pl.Int64})
    before, after = 30, 80
    got = with_windows(frame, sentences, "span_start", "span_end", before=before, after=after).with_columns(
        _from=pl.max_horizontal(pl.col("span_start") - before, pl.col("_ss")),
    ).with_columns(
        context=pl.col("_wt").str.slice(pl.col("_from") - pl.col("_wb"),
                                        pl.col("span_end") + after - pl.col("_from")))
    assert got.height == frame.height and got["_ss"].to_list() == got["_ss_expected"].to_list()
    for row in got.iter_rows(named=True):
        text, ss = texts[(row["document_key"], row["_ss"])], row["_ss"]
        expected = text[max(row["span_start"] - before, ss) - ss: row["span_end"] + after - ss]
        assert row["context"] == expected, row


def test_a_long_sentence_is_read_through_bounded_windows():
    sentence = pl.DataFrame({"document_key": [1], "span_start": [0], "text": ["金水区" * 100_000]},
                            schema={"document_key": pl.Int64, "span_start": pl.Int32, "text": pl.String})
    windows = text_windows(sentence, "document_key", "span_start")
    assert windows.height == -(-300_000 // WINDOW)
    assert windows["_wt"].str.len_chars().max() <= 3 * WINDOW
    assert (windows["_ws"] - windows["_wb"]).max() == WINDOW


def test_in_brackets_counts_as_the_prefix_does():
    rng = random.Random(9)
    texts = pl.DataFrame({"text": ["".join(rng.choice(HAN) for _ in range(rng.randint(0, 900))) for _ in range(40)]})
    texts = texts.with_row_index("_tid")
    found = pl.DataFrame([dict(_tid=t, chain_off=rng.randint(0, len(text))) for t, text in enumerate(texts["text"])
                          for _ in range(25)], schema={"_tid": pl.UInt32, "chain_off": pl.Int64})
    got = _in_brackets(found, texts)
    for row in got.iter_rows(named=True):
        prefix = texts["text"][row["_tid"]][: row["chain_off"]]
        expected = prefix.count("（") > prefix.count("）") or prefix.count("《") > prefix.count("》")
        assert row["in_parens"] == expected, row


def test_names_run_together_in_one_long_sentence_are_each_found():
    n = 3_000
    _, mentions, _ = extract_regions(*frames(["郑州市" + "中原区" * n + "林山寨街道"]), gazetteer())
    region = mentions.sort("span_start")
    assert region["surface"].to_list() == ["郑州市", *["中原区"] * n, "林山寨街道"]
    assert region["span_start"].to_list() == [0, *range(3, 3 + 3 * n, 3), 3 + 3 * n]
