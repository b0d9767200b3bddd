import datetime as dt

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


def test_dates_in_the_body_are_never_taken_as_the_publication_date():
    row = meta(f"标题\n2020年11月18日，{PARA}", "/in/ffcb20190512ab.txt")
    assert (row["published_on"], row["published_on_source"], row["publication"]) == (None, None, None)
