"""Facts once: a figure stated twice in a document is one row, the second statement's span in `restated`.
Invented sentences."""

from __future__ import annotations

from tests.transforms.test_extract_metrics import run


def test_the_same_figure_twice_is_one_fact_with_both_spans():
    body = ("2021年，全区地区生产总值完成356.2亿元，增长7.1%。\n"
            "会议指出，2021年全区地区生产总值完成356.2亿元，经济运行稳中向好。")
    rows = run(body)
    assert [r["text"] for r in rows] == ["356.2亿元", "7.1%"]
    again = body.index("356.2亿元", body.index("会议"))
    assert rows[0]["restated"] == [{"sentence_no": 2, "span_start": again, "span_end": again + len("356.2亿元")}]
    assert rows[1]["restated"] is None


def test_different_periods_regions_or_indicators_stay_apart():
    rows = run("2020年全区新建学校5所。2021年全区新建学校5所。")  # two years
    assert len(rows) == 2
    rows = run("金水区新增就业5000人，二七区新增就业5000人。")  # two regions
    assert len(rows) == 2
    rows = run("全区一般公共预算收入增长6%，固定资产投资增长6%。")  # two indicators
    assert len(rows) == 2


def test_figures_without_an_indicator_are_never_merged():
    rows = run("同比增长7.5%。环比增长7.5%。")
    assert len(rows) == 2 and all(r["restated"] is None for r in rows)
