import datetime as dt

import pytest

from tests.conftest import clean_texts

PARA = "2021年，全区完成固定资产投资120亿元，同比增长8.5%，各项工作取得新成效。"


def meta(text: str, uri: str = "/in/a.txt") -> dict:
    return clean_texts([text], [uri]).documents.row(0, named=True)


def test_epaper_header_gives_publication_edition_and_date():
    text = "\n".join([
        "第13版:专题 大型系列报道·1/2020-11/18/13/2020111813_brief.jpg 上一版3  4下一版",
        "返回主页 | 郑州日报 | 版面导航 | 郑州晚报", "标题", PARA,
    ])
    row = meta(text)
    assert (row["publication"], row["edition"], row["published_on"], row["published_on_source"]) == (
        "郑州日报", 13, dt.date(2020, 11, 18), "text")


def test_source_and_date_line_feed_metadata_and_leave_the_body():
    row = meta(f"标题\n2016-09-19 10:03:42 来源:大河报\n{PARA}")
    assert (row["publication"], row["published_on"], row["published_on_source"]) == (
        "大河报", dt.date(2016, 9, 19), "text")
    assert row["body"] == PARA


def test_date_from_the_file_name():
    row = meta(f"标题\n{PARA}", "/archive/zzrb_2019-05-12_p3.txt")
    assert (row["published_on"], row["published_on_source"]) == (dt.date(2019, 5, 12), "filename")


def test_dates_later_in_the_body_are_never_taken_as_the_publication_date():
    row = meta(f"标题\n{PARA}会议回顾了2020年11月18日以来的工作。", "/in/ffcb20190512ab.txt")
    assert (row["published_on"], row["published_on_source"], row["publication"]) == (None, None, None)


def test_a_full_date_in_the_first_sentence_is_a_last_resort_on_a_weaker_basis():
    row = meta(f"标题\n2020年11月18日上午，{PARA}")
    assert (row["published_on"], row["published_on_basis"]) == (dt.date(2020, 11, 18), "running_text")
    stated = meta(f"标题\n发布时间：2020-11-20 09:12\n2020年11月18日上午，{PARA}")
    assert (stated["published_on"], stated["published_on_basis"]) == (dt.date(2020, 11, 20), "labelled")


@pytest.mark.parametrize(
    ("line", "day", "basis"),
    [
        ("发布日期：2022-03-09 字体：[ 大 中 小 ]", dt.date(2022, 3, 9), "labelled"),
        ("某某新闻网  日期: 2012-06-02  来源: 洛阳晚报", dt.date(2012, 6, 2), "labelled"),
        ("2016-5-8 10:21:00 來源:網絡 編輯:1234 關注度:", dt.date(2016, 5, 8), "metadata_line"),
        ("2017-02-03 南阳日报 |", dt.date(2017, 2, 3), "metadata_line"),
        ("http://epaper.example.cn/html/2013-09/16/content_12345.htm", dt.date(2013, 9, 16), "epaper_path"),
        ("——2023年1月9日在某某县第五届人民代表大会第二次会议上", dt.date(2023, 1, 9), "dateline"),
        ("（2022年12月28日在某某区第三届人民代表大会第四次会议上）", dt.date(2022, 12, 28), "dateline"),
        # a scrape's stray marks and the comment link beside the source do not make the line prose
        ("| 2019-04-02 08:15:40??來源:某某報 責任編輯:李某 我來說兩句 |", dt.date(2019, 4, 2), "metadata_line"),
        # an e-paper's date bar with its digits spaced out and the weekday left blank
        ("2011 年 3 月 8 日 星期    【打印】", dt.date(2011, 3, 8), "metadata_line"),
    ],
)
def test_the_page_states_its_date(line, day, basis):
    row = meta(f"标题\n{line}\n{PARA}")
    assert (row["published_on"], row["published_on_source"], row["published_on_basis"]) == (day, "text", basis)


def test_a_government_portal_table_dates_the_document_and_leaves_the_body():
    table = "\n".join([
        "索引号 | /2022-0001 | 公开目录: | 通知公告 |",
        "公开责任部门 | 公开形式: | 主动公开 | |",
        "文号 | 成文日期: | 2022年06月01日 | |",
        "有效性 | 有效 | 公开日期: | 2022-06-03 10:15 |",
    ])
    row = meta(f"{table}\n标题\n{PARA}")
    assert (row["published_on"], row["published_on_basis"]) == (dt.date(2022, 6, 3), "labelled")
    assert row["body"] == PARA


def test_a_source_line_with_a_newspaper_after_a_portal_name_gives_the_newspaper():
    row = meta(f"标题\n来源：某某网-大河今报\n{PARA}")
    assert row["publication"] == "大河今报"
    assert row["body"] == PARA


def test_a_source_that_names_no_publication_is_not_one():
    row = meta(f"标题\n2019-03-02 08:15 来源：网络 编辑：小王\n{PARA}")
    assert (row["publication"], row["published_on"]) == (None, dt.date(2019, 3, 2))


def test_the_paper_a_navigation_bar_names_first_is_the_pages_own():
    text = "\n".join(["第B03版:某某周刊 综合 上一版3  4下一版", "返回主页 | 某某晚报 | 标题导航 | 某某日报", "标题", PARA])
    assert meta(text)["publication"] == "某某晚报"


def test_a_portal_tables_title_cell_is_the_headline():
    table = "文件名称 | 某某县2022年政府工作报告 | ||\n有效性 | 有效 | 公开日期: | 2022-02-10 09:00 |"
    row = meta(f"{table}\n2022年1月20日在某某县第十届\n人民代表大会第一次会议上\n各位代表：\n{PARA}")
    assert row["headline"] == "某某县2022年政府工作报告"


def test_a_date_bar_is_neither_the_headline_nor_body():
    row = meta(f"2011 年 3 月 8 日 星期    【打印】\n村里新面貌\n{PARA}")
    assert row["headline"] == "村里新面貌"
    assert "2011" not in row["body"].split("\n")[0]


@pytest.mark.parametrize(
    ("lead", "day"),
    [
        ("9月7日，县长带队观摩2021年上半年重点工作完成情况。", dt.date(2021, 9, 7)),
        ("10月12日，区委召开会议，通报2019年1-9月经济运行情况。", dt.date(2019, 10, 12)),
        ("4月8日，市统计局发布2020年一季度数据。", dt.date(2020, 4, 8)),
        # the part of the year has not ended by that day: the sentence does not tell the year
        ("3月2日，全县部署2021年上半年重点工作。", None),
        # a whole year reviewed is reviewed the next year, or at its end: no year either
        ("1月5日，区委总结2020年全年工作。", None),
    ],
)
def test_an_opening_day_takes_the_year_of_the_part_of_a_year_it_reviews(lead, day):
    row = meta(f"标题\n{lead}{PARA}")
    assert row["published_on"] == day
    assert row["published_on_basis"] == ("running_text" if day else None)
