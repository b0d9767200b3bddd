"""A document's context (transforms/extract/context.py) and the years periods take from it: the year a
bulletin or work report reports on, the year a section heading sets, 今年 in an undated article.
Invented sentences in the style of local-government reports."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.transforms.test_extract_metrics import run
from transforms.extract.context import document_context, section_years


def years(body: str, **kw) -> list[tuple]:
    return [(r["text"], r["period_label"], r["period_start_key"] and r["period_start_key"] // 10000)
            for r in run(body, **kw)]


def test_a_bulletin_opening_on_its_year_dates_its_full_year_and_year_end_figures():
    body = ("2023年，面对多重压力，全县经济稳中有进。\n"
            "全年实现地区生产总值128.6亿元，比上年增长4.1%。\n"
            "年末全县常住人口36.2万人。")
    assert years(body) == [("128.6亿元", "全年", 2023), ("4.1%", "全年", 2023), ("36.2万人", "年末", 2023)]


def test_a_work_report_reviews_the_year_before_its_own():
    headline = "柳河镇2021年政府工作报告"
    body = "全年完成一般公共预算收入1.6亿元。\n今年力争一般公共预算收入增长7%。"
    assert years(body, headline=headline) == [("1.6亿元", "全年", 2020), ("7%", "今年", 2021)]


def test_a_section_heading_sets_the_year_of_what_follows():
    headline = "柳河镇2021年政府工作报告"
    body = ("一、2020年工作回顾\n全年新增城镇就业860人。\n年末建成美丽乡村示范村6个。\n"
            "二、2021年主要目标\n全年确保新增城镇就业900人。")
    assert years(body, headline=headline) == [("860人", "全年", 2020), ("6个", "年末", 2020),
                                              ("900人", "全年", 2021)]


def test_a_heading_naming_two_years_sets_none():
    body = "2021年工作总结和2022年工作安排\n全年新增城镇就业860人。"
    assert years(body) == [("860人", "全年", None)]
    body = "2022年工作安排：\n全年确保新增城镇就业900人。"
    assert years(body) == [("900人", "全年", 2022)]


def test_an_undated_article_says_this_year_of_the_year_it_reports():
    body = "县发改委公布2017年度重点建设项目。\n今年全县计划新开工项目45个。"
    assert years(body) == [("45个", "今年", 2017)]


def test_the_text_year_does_not_override_a_date():
    body = "2021年，全市经济运行平稳。\n全年力争地区生产总值增长7%。"
    assert years(body, published=dt.date(2022, 1, 10)) == [("7%", "全年", 2022)]


def test_no_year_when_the_opening_names_several():
    body = "2019年到2020年，全区共建成学校9所。\n全年新增学位3600个。"
    assert years(body)[-1] == ("3600个", "全年", None)


def test_since_a_year_with_words_between():
    rows = run("自2015年首座场馆建成以来，全区已建成体育场馆12座。")
    assert [(r["period_label"], r["period_start_key"], r["period_end_key"]) for r in rows] == [
        ("2015年以来", 20150101, None)]


def test_a_batch_of_a_years_projects_belongs_to_that_year():
    assert years("我市2021年第三批12个重点项目集中开工。") == [("12个", "2021年第三批", 2021)]


def test_the_present_occasion_takes_no_label_from_the_sentence_before():
    body = "去年全区集中开工项目40个。此次集中开工项目26个。"
    assert years(body, published=dt.date(2020, 4, 1)) == [("40个", "去年", 2019), ("26个", None, None)]


def test_cut_off_written_without_zhi():
    assert years("截9月底，全县完成投资16.2亿元。", published=dt.date(2021, 10, 9)) == [
        ("16.2亿元", "截9月底", 2021)]


def test_a_value_changed_from_last_years_is_not_last_years():
    rows = run("全年服务业比重由上年的40.2%提高到42.5%。", published=dt.date(2023, 3, 1))
    assert [(r["text"], r["period_label"]) for r in rows] == [("40.2%", "上年"), ("42.5%", "全年")]
    assert [r["period_start_key"] // 10000 for r in rows] == [2022, 2022]


def test_the_context_frame():
    docs = pl.DataFrame({"document_key": [1, 2, 3], "headline": ["某县2022年政府工作报告", "", "2019年一季度全区经济运行"],
                         "published_on": [None, dt.date(2020, 5, 1), None]},
                        schema={"document_key": pl.Int64, "headline": pl.String, "published_on": pl.Date})
    sents = pl.DataFrame({"document_key": [1, 2, 2, 3], "sentence_no": [1, 1, 2, 1], "paragraph_no": [1, 1, 2, 1],
                          "text": ["各位代表：", "2019年，全市经济平稳。", "2020年工作安排", "上半年运行平稳。"]},
                         schema={"document_key": pl.Int64, "sentence_no": pl.Int32, "paragraph_no": pl.Int32,
                                 "text": pl.String})
    ctx = document_context(docs, sents).sort("document_key")
    assert ctx.select("anchor_on", "year", "year_basis").rows() == [
        (dt.date(2022, 1, 1), 2022, "work_report"), (dt.date(2020, 5, 1), None, None), (None, 2019, "headline")]
    assert section_years(sents).rows() == []  # a heading sets the year of the paragraphs after it only


def test_a_work_report_delivered_late_in_a_year_reviews_that_year():
    body = "一年来，我们主要做了以下工作。\n全县新建标准厂房30万平方米。\n力争新建标准厂房20万平方米。"
    rows = years(body, headline="政府工作报告", published=dt.date(2018, 12, 22))
    assert rows == [("30万平方米", "2018年", 2018), ("20万平方米", "2019年", 2019)]


def test_a_work_report_delivered_early_in_a_year_reviews_the_year_before():
    body = "一年来，我们主要做了以下工作。\n全县新建标准厂房30万平方米。"
    rows = years(body, headline="政府工作报告", published=dt.date(2019, 2, 20))
    assert rows == [("30万平方米", "2018年", 2018)]
