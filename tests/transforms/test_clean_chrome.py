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
        # the wider web
        ("您好，欢迎来到某某资讯网！ | 广告服务 | 联系我们 | 设为首页 | 加入收藏", "greeting"),
        ("您好,歡迎來到某某信息網! | 廣告服務 | 設為首頁", "greeting"),
        ("网站首页 | 新闻中心 | 手机版 | 网站地图", "site_menu"),
        ("首页 >> 经济动态", "navigation"),
        ("首頁 > 本地新聞 > 正文", "navigation"),
        (">通知公告>政策解读", "navigation"),
        ("第B05版：县域经济", "navigation"),
        ("索引号 | 00123-2021-0045 | 主题分类: | 综合政务 |", "gov_metadata"),
        ("发文机关 | 某某县人民政府办公室 | 发文字号: | 某政办〔2021〕3号 |", "gov_metadata"),
        ("有效性 | 有效 |", "gov_metadata"),
        ("参与评论", "widget"),
        ("相关阅读", "widget"),
        ("【相关新闻】", "widget"),
        ("[责任编辑:]", "editor"),
        ("责任编辑：李小红", "editor"),
        ("字号：大 中 小", "font_controls"),
        ("【大】【中】【小】【打印】【关闭】", "font_controls"),
        ("余下全文请登录后查看", "paywall"),
        ("打开APP阅读全文", "paywall"),
        ("扫描二维码关注我们", "prompt"),
        ("您的浏览器不支持视频播放", "prompt"),
        ("某某云平台让您的生意更轻松！", "advert"),
        ("摘要:... ...", "abstract"),
        ("http://www.example.gov.cn/art/2021/4/1/art_123.html", "url"),
        ("您现在的位置：首页 > 政务公开", "navigation"),
        ("网站首页 | 政务公开 | 办事服务 | 互动交流", "site_menu"),
        ("本文仅代表作者观点，不代表本站立场，如有侵权请联系删除", "copyright"),
        ("原标题：某某区上半年经济运行稳中向好", "source_note"),
        ("关键词：项目建设 营商环境", "tags"),
        ("浏览次数：", "tags"),
        ("编辑：刘一 审核：陈二 终审：张三", "editor"),
        ("【我要打印】【关闭窗口】", "font_controls"),
        ("本版其他文章", "widget"),
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


@pytest.mark.parametrize(
    "prose",
    [
        "网友纷纷参与评论，认为这一举措为群众办了实事，相关阅读量在一天内突破十万。",
        "会议强调，要进一步完善网站地图和信息公开目录，方便群众查询政策文件。",
        "他说：“欢迎来到郑州投资兴业，我们将提供最优质的服务。”",
    ],
)
def test_prose_with_furniture_words_is_kept(rules, prose):
    lines = drop_page_chrome(split_lines(docs_frame([prose])), rules)
    assert lines["drop_reason"].to_list() == [None]


def test_a_table_pipe_epaper_page_keeps_its_one_line_article():
    article = "□晚报记者 韩雪 本报讯 昨日，某某区公布上半年经济数据，全区生产总值增长7.5%。" * 3
    page = "\n".join(["![]() |", "第A05版:区县新闻 | 上一版3 4下一版 | ![]() |", "|", "||||||", f"{article} |",
                      "3上一篇 下一篇4 |", "版权声明 @ 某某网 网站版权所有 |"])
    doc, cleaned = clean_one(page)
    assert doc["no_body"] is None
    assert doc["body"].startswith("昨日，某某区公布上半年经济数据") and "|" not in doc["body"]
    assert set(cleaned.bylines.select("name", "role").iter_rows()) == {("韩雪", "记者")}


def test_the_titles_listed_under_a_related_articles_widget_are_chrome():
    doc, cleaned = clean_one("\n".join(["标题", ARTICLE, "相关阅读", "· 某某区召开经济运行分析会", "· 某某街道推进老旧小区改造",
                                         "参与评论"]))
    assert doc["body"] == ARTICLE
    dropped = cleaned.cleaning.filter(pl.col("action") == "drop")
    assert set(dropped["reason"]) == {"widget", "article_list"}


def test_links_to_the_previous_and_next_article_never_end_a_page_header():
    items = ["一、道路改造工程", "二、管网更新工程", "三、绿化提升工程"]
    doc, _ = clean_one("\n".join(["通知标题", "正文说明如下", *items, "上一篇：某区召开安全生产会议",
                                  "下一篇：某区开展文明城市创建"]))
    assert all(item in doc["body"] or item in (doc["subheadline"] or "") for item in items[1:])
    assert "上一篇" not in doc["body"]
