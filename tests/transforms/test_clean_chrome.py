import polars as pl
import pytest

from tests.conftest import clean_one, docs_frame
from transforms.clean.chrome import drop_header_headline_list, drop_page_chrome
from transforms.clean.lines import split_lines

ARTICLE = "新郑市召开全市经济工作会议，部署明年重点任务，市长在会上作了讲话并提出要求。"


def reasons(lines: pl.DataFrame) -> dict[str, str | None]:
    return dict(zip(lines["text"], lines["drop_reason"]))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("上一版  下一版", "navigation"),
        ("第5版:要闻 上一版4  6下一版", "navigation"),
        ("上一期 下一期", "navigation"),
        ("下一篇3", "navigation"),
        ("返回首页 | 洛阳日报 | 版面导航", "navigation"),
        ("当前位置：首页 > 新闻中心 > 区县动态", "navigation"),
        ("版权所有 © 2020 某某网 豫ICP备12345678号", "copyright"),
        ("Copyright 2019 All Rights Reserved", "copyright"),
        ("2021031507_b.jpg", "image"),
        ("![](http://example.cn/img/2021/a.png)", "image"),
        ("|---|---|", "table"),
        ("||||", "table"),
        ("分享到：微信 微博", "share"),
        ("扫一扫在手机打开当前页", "share"),
        ("（责任编辑：王小明）", "editor"),
    ],
)
def test_chrome_lines_are_dropped_with_reason(rules, line, reason):
    lines = drop_page_chrome(split_lines(docs_frame([f"{line}\n{ARTICLE}"])), rules)
    assert reasons(lines)[" ".join(line.split())] == reason
    assert reasons(lines)[ARTICLE] is None


def test_prose_that_mentions_navigation_words_is_kept(rules):
    prose = "会议回顾了上一期工作成果，并对下一期任务作出部署。" * 8
    lines = drop_page_chrome(split_lines(docs_frame([prose])), rules)
    assert lines["drop_reason"].to_list() == [None]


def test_headlines_listed_above_the_navigation_bar_are_page_furniture(rules):
    text = "\n".join(["第一条标题 副题", "另一篇文章的标题", "返回主页 | 某某日报 | 版面导航", "真正的标题", ARTICLE])
    lines = drop_header_headline_list(drop_page_chrome(split_lines(docs_frame([text])), rules), rules)
    got = reasons(lines)
    assert got["第一条标题 副题"] == "page_headlines"
    assert got["另一篇文章的标题"] == "page_headlines"
    assert got["真正的标题"] is None


def test_cleaning_log_keeps_what_was_removed_and_why():
    doc, cleaned = clean_one("\n".join(["返回主页 | 某某日报 | 版面导航", "标题在这里", ARTICLE, "版权声明 @ 某某网"]))
    log = cleaned.cleaning.filter(pl.col("action") == "drop")
    assert set(zip(log["reason"], log["raw_text"])) == {
        ("navigation", "返回主页 | 某某日报 | 版面导航"),
        ("copyright", "版权声明 @ 某某网"),
    }
    assert "版权" not in doc["body"] and "返回主页" not in doc["body"]
