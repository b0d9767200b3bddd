"""Periods of figures: labels, and years from the label, sentence, paragraph, headline or document date.
Invented sentences in the style of local-government reports."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.transforms.test_extract_metrics import one, run
from transforms.extract.periods import default_period_rules


def period(row: dict) -> tuple:
    return row["period_label"], row["period_start_key"], row["period_end_key"]


@pytest.mark.parametrize("body, expected", [
    ("2016年全年，全县完成固定资产投资88.6亿元。", ("2016年全年", 20160101, 20161231)),
    ("2019年，全区社会消费品零售总额达到120.4亿元。", ("2019年", 20190101, 20191231)),
    ("2020年1~8月份，全市进出口总额完成35.2亿元。", ("2020年1~8月份", 20200101, 20200831)),
    ("截至2022年9月30日，全区城镇新增就业6500人。", ("截至2022年9月30日", 20220101, 20220930)),
    ("2015年度，全镇实现税收收入2.3亿元。", ("2015年度", 20150101, 20151231)),
    ("“十三五”期间，全区累计新建学校18所。", ("“十三五”期间", 20160101, 20201231)),
])
def test_a_label_with_its_own_year(body, expected):
    assert period(one(body, published=dt.date(2024, 5, 6))) == expected


@pytest.mark.parametrize("body, expected", [
    ("2019年是项目攻坚年。上半年，全区新开工项目46个。", ("上半年", 20190101, 20190630)),
    ("2023年，全县经济运行平稳。前八个月，规上工业增加值增长6.2%。", ("前八个月", 20230101, 20230831)),
    ("2021年以来，我区持续推进改造。截至10月底，完成老旧小区改造52个。", ("截至10月底", 20210101, 20211031)),
])
def test_the_year_from_earlier_in_the_paragraph(body, expected):
    assert period(one(body)) == expected


def test_the_year_from_the_headline():
    row = one("一季度，全区实现地区生产总值96.3亿元。", headline="2022年一季度全区经济运行稳中向好")
    assert period(row) == ("一季度", 20220101, 20220331)


def test_the_year_from_the_document_date():
    row = one("一至五月，全区完成招商引资42亿元。", published=dt.date(2021, 6, 20))
    assert period(row) == ("一至五月", 20210101, 20210531)


def test_relative_years_need_the_document_date():
    assert period(one("去年，全区新增市场主体8200户。", published=dt.date(2020, 3, 2))) == (
        "去年", 20190101, 20191231)
    assert period(one("去年，全区新增市场主体8200户。")) == ("去年", None, None)
    assert period(one("今年以来，全区新增市场主体8200户。", published=dt.date(2020, 9, 2)))[1] == 20200101


def test_full_year_in_an_early_year_report_is_last_year():
    row = one("全年完成一般公共预算收入18.2亿元。", published=dt.date(2022, 1, 20))
    assert period(row) == ("全年", 20210101, 20211231)
    row = one("全年力争一般公共预算收入增长6%。", published=dt.date(2022, 1, 20))  # a target: this year
    assert period(row) == ("全年", 20220101, 20221231)
    row = one("全年完成一般公共预算收入18.2亿元。", published=dt.date(2022, 12, 10))
    assert period(row)[1] == 20220101


def test_an_event_date_is_not_a_period():
    row = one("该中心建成于2008年，现有工作人员120名。", published=dt.date(2021, 4, 1))
    assert row["period_start_key"] is None


def test_a_comparison_base_is_not_the_period():
    rows = run("2020年上半年，全区税收收入增长7.5%，增速比上年同期提高1.2个百分点。")
    assert [r["period_start_key"] for r in rows] == [20200101, 20200101]


def test_a_full_date_does_not_set_the_year_of_a_later_period():
    row = one("2023年1月10日，记者从区统计局获悉，全年全区完成固定资产投资210亿元。")
    assert row["period_start_key"] is None


def test_no_year_no_dates():
    row = one("上半年，全区新增就业3200人。")
    assert period(row) == ("上半年", None, None)


def test_a_label_of_another_paragraph_does_not_carry_over():
    # the year is not the opening's: it is no year of the document as a whole
    rows = run("全区召开城建工作会议。\n2018年，全区新建公园5个。\n全区新增绿地12万平方米。")
    assert [r["period_start_key"] for r in rows] == [20180101, None]


@pytest.mark.parametrize("body, expected", [
    # an undated bulletin that opens on its year: what follows is of that year
    ("2020年，全县上下攻坚克难。\n全县新增城镇就业4100人。", [20200101]),
    # an event the opening names with its year; 此次 is that event
    ("北山县2019年第二批重点项目集中开工。\n此次开工项目共36个，总投资80亿元。", [20190101, 20190101]),
    # a section heading names the year of what follows
    ("全镇干部大会召开。\n2017年工作回顾\n新修农村道路12公里。\n2018年工作安排\n力争新修道路20公里。",
     [20170101, 20180101]),
])
def test_a_figure_without_a_label_takes_the_year_of_its_context(body, expected):
    assert [r["period_start_key"] for r in run(body)] == expected


@pytest.mark.parametrize("body", [
    "2020年，全县上下攻坚克难。\n近年来，全县新增城镇就业4100人。",
    "2020年，全县上下攻坚克难。\n全县累计新增城镇就业4100人。",
])
def test_a_figure_over_years_takes_no_year_from_its_context(body):
    assert [r["period_start_key"] for r in run(body)][-1] is None


def test_a_dated_article_gives_its_date_year_to_no_figure_without_a_label():
    rows = run("全区召开城建工作会议。\n全区新增绿地12万平方米。", published=dt.date(2021, 6, 1))
    assert [r["period_start_key"] for r in rows] == [None]


def test_a_year_plan_reported_in_its_last_quarter_is_this_year_in_progress():
    row = one("截至目前，完成年度计划投资的78%。", published=dt.date(2021, 10, 9))
    assert (row["period_label"], row["period_start_key"]) == ("年度", 20210101)
    row = one("全年，全区完成固定资产投资45亿元。", published=dt.date(2022, 1, 20))
    assert (row["period_label"], row["period_start_key"]) == ("全年", 20210101)


def test_a_span_of_years_names_no_year():
    rows = run("2022年，全区完成地区生产总值300亿元，十年间年均增长9.1%。")
    assert [period(r) for r in rows] == [("2022年", 20220101, 20221231), ("十年间", None, None)]


def test_a_year_compared_with_is_not_the_period():
    rows = run("前5个月，全区跨境电商交易额是2019年全年的2.5倍。", published=dt.date(2020, 6, 15))
    assert period(rows[0]) == ("前5个月", 20200101, 20200531)


def test_traditional_script_labels():
    assert period(one("2019年前7個月，全區新增就業3200人。")) == ("2019年前7个月", 20190101, 20190731)  # labels are kept in Simplified script
    assert period(one("今年以來，全區新增就業3200人。", published=dt.date(2019, 8, 1)))[1] == 20190101
    assert [period(r)[1] for r in run("2019年上半年，稅收收入增長7%，較去年同期提高2個百分點。")] == [20190101] * 2


def test_a_year_qualifying_a_noun_lends_no_year_to_a_later_label():
    rows = run("2020年尚未完工的40个小区，要确保上半年全部完成。")  # a cohort, not a period
    assert [period(r) for r in rows] == [(None, None, None)]
    rows = run("对2020年尚未完工的小区，要确保上半年完成改造12个。")
    assert [period(r) for r in rows] == [("上半年", None, None)]


def test_a_year_of_a_cohort_is_not_the_period():
    assert period(one("其中，2019年尚未完成的21个小区要加快改造。")) == (None, None, None)
    assert period(one("2021年新签约项目34个。")) == ("2021年", 20210101, 20211231)


def test_label_tables_cached_across_batches_still_hold_every_label_asked_for():
    import polars as pl

    from transforms.extract.periods import _label_table

    rules = default_period_rules()
    first = _label_table(pl.Series(["上半年", "一季度"]), rules)
    second = _label_table(pl.Series(["一季度", "2019年全年", None]), rules)
    assert {"上半年", "一季度"} <= set(first["_label"])
    assert {"一季度", "2019年全年"} <= set(second["_label"])
    assert second["_label"].is_unique().all()
    # the same label reads the same whichever batch first asked for it
    row = lambda t, label: t.filter(pl.col("_label") == label).drop("_label").row(0)  # noqa: E731
    assert row(first, "一季度") == row(second, "一季度")


def test_a_label_from_before_the_sentence_does_not_hold_against_the_sentences_own_year():
    rows = run("2022年度，全镇8个村集体收入超百万元。而2015年以前，这8个村集体收入均为零。")
    assert [(r["period_label"], r["period_start_key"]) for r in rows] == [
        ("2022年度", 20220101), ("2022年度", 20220101), (None, None)]


def test_a_label_from_before_the_sentence_agreeing_with_its_year_holds():
    rows = run("2018年，全区上下攻坚克难。力争2018年机场客运量超过2700万人次。")
    assert [(r["period_label"], r["period_start_key"]) for r in rows] == [("2018年", 20180101)]


def test_figures_given_as_a_years_data_are_of_that_year():
    row = one("按2020年的统计数据，全县人均可支配收入为2.1万元。", published=dt.date(2021, 8, 1))
    assert (row["period_label"], row["period_start_key"]) == ("2020年的统计数据", 20200101)


def test_list_items_after_a_lead_in_carry_its_year():
    body = ("全县召开经济形势分析会。\n全县经济稳中向好，从2021年的主要指标看：\n——工业增加值增长8.5%；\n"
            "——税收收入达到12亿元。\n全县新修道路20公里。")
    rows = run(body, published=dt.date(2022, 5, 1))
    assert [(r["text"], r["period_start_key"]) for r in rows] == [
        ("8.5%", 20210101), ("12亿元", 20210101), ("20公里", None)]


def test_list_items_without_a_lead_in_carry_no_year():
    rows = run("全县召开经济形势分析会。\n2021年，全县工业平稳。\n——工业增加值增长8.5%；", published=dt.date(2022, 5, 1))
    assert [r["period_start_key"] for r in rows] == [None]
