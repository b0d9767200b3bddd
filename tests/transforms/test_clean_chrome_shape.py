"""Chrome told by its shape (transforms/clean/chrome.py, drop_by_shape): metadata lines, page dates, addresses,
link bars and menus, a page's footer under its copyright; and the content lines of the same shapes that stay."""

import datetime as dt

import polars as pl
import pytest

from tests.conftest import clean_one, clean_texts

HEAD = "某县召开重点项目推进会"
PROSE = [
    "昨日上午，某县召开重点项目推进会，对下一阶段的项目建设工作作出安排，要求各部门加快进度。",
    "会议指出，今年全县共谋划重点项目四十个，已开工三十二个，完成投资六十八亿元，进展总体顺利。",
]


def page(*top: str, tail: tuple[str, ...] = ()) -> str:
    return "\n".join([*top, HEAD, *PROSE, *tail])


def fates(cleaned) -> dict[str, str | None]:
    lines = cleaned.lines.filter(pl.col("text") != "")
    return dict(zip(lines["text"], lines["drop_reason"]))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("发布时间 : 2022年03月15日  信息来源 : 本站  作者 :   点击数 : 1024", "metadata_fields"),
        ("更新时间：2019-06-01  栏目：县域动态  访问量：", "metadata_fields"),
        ("2019年6月1日 星期", "page_date"),  # the weekday cut off by the scrape
        ("现在时间是：2024年02月03日", "clock"),
        ("Page URL: https://www.example.cn/news/show.asp?id=77&page=2", "url"),
        ("要闻 財經 體育 娛樂", "link_bar"),
        ("本报旗下媒体: 某某网 | 某某晚报 | 某某手机报", "link_bar"),
    ],
)
def test_chrome_lines_above_the_headline_are_dropped_by_their_shape(line, reason):
    doc, cleaned = clean_one(page(line))
    assert fates(cleaned)[" ".join(line.split())] == reason
    assert doc["headline"] == HEAD
    assert doc["body"] == "\n".join(PROSE)


@pytest.mark.parametrize(
    "line", ["字号", "字体大小[ ] 打印", "初审编辑:", "复审：", "最新推荐", "全部评论", "已有 3 人转发至朋友圈"])
def test_widget_words_the_phrase_rules_know(line):
    _, cleaned = clean_one(page(tail=(line,)))
    assert fates(cleaned)[line] is not None


def test_a_menu_of_short_words_beside_chrome_is_dropped_but_a_directory_of_names_is_kept():
    menu = ["首页 > 资讯", "本地", "財經", "文旅", "最新推荐"]
    doc, cleaned = clean_one(page(*menu))
    got = fates(cleaned)
    assert [got[m] for m in ("本地", "財經", "文旅")] == ["link_bar"] * 3
    directory = ["领导名单", "县长〓王大明", "张小红", "李建国", "赵铁柱", "副县长〓钱多多"]
    doc, cleaned = clean_one(page(*directory))
    assert all(fates(cleaned)[d] is None for d in directory[1:])


def test_a_footer_under_the_copyright_leaves_the_body_but_a_byline_there_stays():
    tail = ("版权所有 © 某县人民政府", "某县人民政府办公室负责网站日常维护", "记者 王小明 通讯员 李小华", "主办单位：某县人民政府")
    doc, cleaned = clean_one(page(tail=tail))
    got = fates(cleaned)
    assert got["某县人民政府办公室负责网站日常维护"] == "page_tail"
    assert got["记者 王小明 通讯员 李小华"] in (None, "byline")
    assert "维护" not in doc["body"]


def test_a_short_line_after_the_last_prose_with_no_chrome_above_it_stays():
    doc, _ = clean_one(page(tail=("下一步工作安排",)))
    assert doc["body"].endswith("下一步工作安排")


@pytest.mark.parametrize(
    "line",
    [
        "2019年6月1日 星期",  # a date heading inside an article (a chronicle)
        "项目名称：城东污水处理厂 建设地点：城东新区",  # fields without a date or an empty field: data
        "邮政编码：450000 | 长途区号：0371",
        "王大明 张小红 李建国",
    ],
)
def test_content_of_a_chrome_like_shape_between_prose_lines_stays(line):
    doc, cleaned = clean_one("\n".join([HEAD, PROSE[0], line, PROSE[1]]))
    assert fates(cleaned)[" ".join(line.split())] is None


def test_a_spaced_headline_of_four_character_phrases_is_not_a_link_bar():
    doc, _ = clean_one("\n".join(["凝心聚力 真抓实干 奋勇争先", *PROSE]))
    assert doc["headline"] == "凝心聚力 真抓实干 奋勇争先"


def test_metadata_and_header_lines_date_the_page_and_a_clock_never_does():
    fields = clean_texts([page("时间 : 2021年10月09日  来源 : 县电视台  作者 :   浏览次数 : 12")]).documents.row(0, named=True)
    assert (fields["published_on"], fields["published_on_basis"]) == (dt.date(2021, 10, 9), "labelled")
    header = clean_texts([page("第A01版：要闻", "2020年5月7日 星期四")]).documents.row(0, named=True)
    assert (header["published_on"], header["published_on_basis"]) == (dt.date(2020, 5, 7), "metadata_line")
    clock = clean_texts([page("现在时间是：2024年04月18日")]).documents.row(0, named=True)
    assert clock["published_on"] is None


def test_the_cleaning_log_names_the_shape_a_line_was_dropped_for():
    line = "时间 : 2022年01月05日  来源 : 县电视台  作者 :   浏览次数 : 9"
    _, cleaned = clean_one(page(line))
    log = cleaned.cleaning.filter(pl.col("action") == "drop")
    assert log.select("reason", "raw_text").rows() == [("metadata_fields", line)]


def test_a_header_line_with_a_weekday_is_chrome_and_dates_the_page():
    header = "某某日报 要闻 第3版 某县项目签约 2019-04-02 2019年04月02日 星期二"
    doc, cleaned = clean_one(page(header))
    assert fates(cleaned)[header] == "page_date"
    assert (doc["published_on"], doc["published_on_basis"]) == (dt.date(2019, 4, 2), "metadata_line")
    today = clean_texts([page("今天是：2024年4月18日 星期四")]).documents.row(0, named=True)
    assert today["published_on"] is None


def test_a_reports_dateline_run_into_its_title_line_dates_it():
    line = "某县2021年政府工作报告（全文） ——2020年12月29日在某县第十七届人民代表大会第四次会议上"
    row = clean_texts([f"{line}\n各位代表：\n{PROSE[0]}"]).documents.row(0, named=True)
    assert (row["published_on"], row["published_on_basis"]) == (dt.date(2020, 12, 29), "dateline")


def test_a_menu_of_dictionary_words_above_the_headline_is_dropped_even_with_no_chrome_beside_it():
    _, cleaned = clean_one(page("体育", "財經", "城市", "教育"))
    assert {fates(cleaned)[m] for m in ("体育", "財經", "城市", "教育")} == {"link_bar"}
    names = ("王大明", "张小红", "李建国", "赵铁柱")
    _, cleaned = clean_one(page(*names))
    assert {fates(cleaned)[m] for m in names} == {None}


@pytest.mark.parametrize("header", ["2020年05月07日 第A01版", "第3版 综合新闻 2019-04-02"])
def test_a_header_line_with_the_pages_edition_and_date_dates_the_page(header):
    doc, cleaned = clean_one(page(header))
    assert fates(cleaned)[header] is not None
    assert doc["published_on"] in (dt.date(2020, 5, 7), dt.date(2019, 4, 2))


@pytest.mark.parametrize("pager", ["共3页 第1页 [1] [2] [3] 下一页", "[1] [2] [3]", "尾页"])
def test_a_pager_is_navigation(pager):
    _, cleaned = clean_one(page(tail=(pager,)))
    assert fates(cleaned)[pager] == "navigation"


def test_numbers_on_a_line_of_a_table_are_not_a_pager():
    _, cleaned = clean_one("\n".join([HEAD, PROSE[0], "12 15 18", PROSE[1]]))
    assert fates(cleaned)["12 15 18"] is None


def test_a_wechat_header_with_a_date_and_time_dates_the_page():
    header = "原创 某县发布 2021-04-29 18:00 发表于河南"
    doc, cleaned = clean_one(page(header))
    assert fates(cleaned)[header] == "page_date"
    assert doc["published_on"] == dt.date(2021, 4, 29)


def test_a_lead_clause_broken_after_its_date_and_time_is_not_a_header():
    lead = "2021年4月29日 10:00，某县召开全县经济工作会议"
    _, cleaned = clean_one("\n".join([HEAD, lead, "会议部署了下一阶段的重点工作，要求各部门加快项目建设进度，确保完成全年目标。"]))
    assert fates(cleaned)[lead] is None


def test_a_notices_time_and_place_fields_are_its_content_and_never_its_date():
    fields = "时间：2021年5月1日 地点：县人民广场"
    doc, cleaned = clean_one(page(fields))
    assert fates(cleaned)[fields] is None
    assert doc["published_on"] is None


# ------------------------------------------------------------------ issue 24: chrome by its shape

def test_one_menu_word_beside_a_navigation_bar_is_chrome_but_not_a_headline_of_one_word_in_the_body():
    doc, cleaned = clean_one(page("首頁 | 新聞 | 財經 | 體育", "財經"))
    assert fates(cleaned)["財經"] == "link_bar"
    assert doc["headline"] == HEAD
    # a word between two lines of prose is content, whatever stands beside it
    doc, cleaned = clean_one("\n".join([HEAD, PROSE[0], "責任編輯：宋潔", "文旅", PROSE[1]]))
    assert fates(cleaned)["文旅"] is None


def test_a_list_of_dated_titles_after_the_article_is_a_link_list_but_dated_lines_inside_it_stay():
    links = ("某区召开防汛工作会议 05-06", "某县启动秋季招生工作 2021-05-05", "某镇举办农民丰收节 [05-04]")
    doc, cleaned = clean_one(page(tail=links))
    assert all(fates(cleaned)[line] is not None for line in links)
    assert doc["body"] == "\n".join(PROSE)
    inside = ("一期工程开工 2020-03-01", "二期工程开工 2021-05-01")
    doc, cleaned = clean_one("\n".join([HEAD, PROSE[0], *inside, PROSE[1]]))
    assert all(fates(cleaned)[line] is None for line in inside)


def test_a_directory_of_names_between_spaces_is_not_a_link_bar():
    directory = ["领导名录", "书记 韦振国", "副书记 罗春华 曹德胜", "常委 梁晓燕 蔡立新 殷小平"]
    _, cleaned = clean_one(page(tail=tuple(directory)))
    assert all(fates(cleaned)[d] is None for d in directory[1:])


@pytest.mark.parametrize("line", ["读书节现场_微信图片_20210408103535", "只看楼主 发表回复 按时间排序",
                                  "回帖后跳转到最后一页"])
def test_image_file_names_and_forum_furniture(line):
    doc, cleaned = clean_one(page(tail=(line,)))
    assert fates(cleaned)[line] is not None
    assert doc["body"] == "\n".join(PROSE)


def test_a_sites_name_menu_and_section_above_the_headline_are_chrome_but_a_run_with_a_name_is_not():
    top = ("晨風網", "選單", "財經")
    doc, cleaned = clean_one(page(*top))
    assert {fates(cleaned)[line] for line in top} == {"link_bar"}
    assert doc["headline"] == HEAD
    directory = ("领导", "王大明", "张小红")
    _, cleaned = clean_one(page(*directory))
    assert {fates(cleaned)[line] for line in directory} == {None}


@pytest.mark.parametrize("label", ["责编：", "责任编辑:", "审核：", "来源："])
def test_the_value_of_an_empty_field_label_on_the_next_line_is_chrome_too(label):
    doc, cleaned = clean_one(page(label, "周小燕"))
    assert fates(cleaned)["周小燕"] == "field_value"
    assert doc["headline"] == HEAD and "周小燕" not in doc["body"]
    # in the tail, under the article
    doc, cleaned = clean_one(page(tail=(label, "钱二宝")))
    assert fates(cleaned)["钱二宝"] == "field_value"


def test_a_line_under_an_authors_label_or_a_clause_under_an_editors_label_stays():
    _, cleaned = clean_one(page("作者：", "王大明"))
    assert fates(cleaned)["王大明"] is None  # an author is a byline, not furniture
    doc, cleaned = clean_one("\n".join([HEAD, PROSE[0], "编辑：", "会上，大家一致同意", PROSE[1]]))
    assert fates(cleaned)["会上，大家一致同意"] is None


def test_a_site_notice_above_a_breadcrumb_is_the_pages_header_but_a_paragraph_there_is_not():
    notice = "本站新版试运行，欢迎网友提出宝贵意见，联系电话：61234567。"
    doc, cleaned = clean_one(page("某某资讯网", "图片", notice, "当前位置：首页 > 要闻 > 正文"))
    got = fates(cleaned)
    assert got[notice] == got["图片"] == "page_headlines"
    assert doc["headline"] == HEAD and doc["body"] == "\n".join(PROSE)
    long_lead = PROSE[0] + PROSE[1]
    doc, cleaned = clean_one("\n".join([HEAD, long_lead, "当前位置：首页 > 要闻 > 正文", PROSE[0]]))
    assert fates(cleaned)[long_lead] is None and doc["headline"] == HEAD and long_lead in doc["body"]


def test_an_epaper_articles_own_title_above_its_bar_stays_when_no_title_follows_the_bar():
    title = "乡村道路提质改造全面启动"
    top = ("某某日报数字报", "2024-03-05", "星期二", "当前报纸名称：某某晚报", title, "日期：03-05", "字号：",
           "版面：第05版：县域 上一篇 下一篇")
    doc, cleaned = clean_one("\n".join([*top, *PROSE]))
    got = fates(cleaned)
    assert got[title] is None and doc["headline"] == title
    assert {got[line] for line in top if line != title} <= {"page_headlines", "navigation", "font_controls"}
    assert doc["body"] == "\n".join(PROSE)


def test_a_teaser_that_runs_the_text_below_together_is_chrome_and_the_text_stays():
    title = "某县2024年政府工作报告（全文）"
    dateline = "——2024年1月10日在某县第十八届人民代表大会第三次会议上"
    teaser = f"{title} {dateline} 县长 王大明 各位代表：现在，我代表县人民"
    lead = "现在，我代表县人民政府向大会报告工作，请予审议，并请各位政协委员提出意见。"
    doc, cleaned = clean_one("\n".join([title, teaser, title, dateline, "县长 王大明", "各位代表：", lead, PROSE[1]]))
    assert fates(cleaned)[teaser] == "repeated_text"
    assert lead in doc["body"] and teaser not in doc["body"]


def test_a_line_that_opens_like_the_next_but_says_something_else_stays():
    first = "全县农村公路建设取得明显成效，新改建道路一百二十公里。"
    second = "全县农村公路建设取得明显成效，群众出行更加便利，沿线产业加快发展。"
    doc, cleaned = clean_one("\n".join([HEAD, first, second]))
    assert fates(cleaned)[first] is None and first in doc["body"]


@pytest.mark.parametrize("line", ["查看更多>>", "更多 »", "【返回】", "[关闭]", "【字号 大 中 小】", "（完）", "- 完 -", "END",
                                  "阅读 1.2万", "赞 35", "在看", "原文链接", "相关文章推荐", "附件：", "编辑 / 钱二宝",
                                  "点击图片查看大图"])
def test_links_buttons_counters_and_end_marks_under_the_article_leave_the_body(line):
    doc, cleaned = clean_one(page(tail=(line,)))
    assert fates(cleaned)[line] is not None
    assert doc["body"] == "\n".join(PROSE)


@pytest.mark.parametrize("line", ["【案例】", "完成情况", "一是完善机制"])
def test_a_bracketed_label_or_a_short_heading_between_prose_lines_stays(line):
    doc, cleaned = clean_one("\n".join([HEAD, PROSE[0], line, PROSE[1]]))
    assert fates(cleaned)[line] is None and line in doc["body"]
