"""Whole invented pages in the shapes real scrapes take (portal, government site, repost), end to end."""

import datetime as dt

import polars as pl

from tests.conftest import clean_one

TRADITIONAL_PORTAL = """您好，歡迎訪問某某資訊網！ | 登錄 | 註冊 | 設為首頁
首頁 > 地方新聞 > 河南
某某區上半年GDP增長7.2%
發佈時間：2022年07月21日 10:32  來源：某某日報  作者：記者 陳明
【字體：大 中 小】
本報訊（記者 陳明 通訊員 李華）記者從某某區統計局獲悉，上半年全區地區生產總值完成356.8億元，同比增長7.2%。
規模以上工業增加值增長9.1%，固定資產投資增長12.5%。
（責任編輯：王麗）
相關新聞
某某區召開經濟運行分析會
某某區重點項目建設提速
分享到：
"""

GOVERNMENT_SITE = """当前位置：首页 >> 政务公开 >> 工作动态
某某县召开2023年一季度经济运行调度会
发布日期：2023-04-18 浏览次数： 字号：[ 大 中 小 ] 打印本页 关闭窗口
4月17日，县委副书记、县长张伟主持召开一季度经济运行调度会。会议通报，一季度全县实现地区生产总值86.3亿元，同比增长5.1%。
会议要求，各乡镇、各部门要对标对表全年目标，确保上半年实现“双过半”。
扫一扫在手机打开当前页
【我要打印】【关闭窗口】
主办：某某县人民政府办公室 承办：某某县大数据中心
网站标识码：4100000001 豫ICP备12345678号 豫公网安备41000000000001号
"""

REPOST = """原标题：某区打造营商环境新高地
来源：大河网
2021-09-02 16:45:08
  记者从某区获悉，今年以来，该区新增市场主体1.2万户，同比增长18%。
  图片来源：网络
声明：本文转载自网络，不代表本站观点，如有侵权请联系删除。
上一篇：某区召开安全生产会议
下一篇：某区开展文明城市创建
"""


def test_a_traditional_portal_page():
    doc, cleaned = clean_one(TRADITIONAL_PORTAL)
    assert doc["headline"] == "某某區上半年GDP增長7.2%"
    assert (doc["publication"], doc["published_on"], doc["published_on_basis"]) == (
        "某某日报", dt.date(2022, 7, 21), "labelled")
    assert doc["body"] == ("記者從某某區統計局獲悉，上半年全區地區生產總值完成356.8億元，同比增長7.2%。\n"
                           "規模以上工業增加值增長9.1%，固定資產投資增長12.5%。")
    assert set(cleaned.bylines.select("name", "role").iter_rows()) == {("陈明", "记者"), ("李华", "通讯员")}


def test_a_government_site_page():
    doc, cleaned = clean_one(GOVERNMENT_SITE)
    assert doc["headline"] == "某某县召开2023年一季度经济运行调度会"
    assert doc["published_on"] == dt.date(2023, 4, 18)
    assert doc["body"].startswith("4月17日") and doc["body"].endswith("确保上半年实现“双过半”。")
    reasons = set(cleaned.cleaning.filter(pl.col("action") == "drop")["reason"])
    assert {"navigation", "gov_metadata", "footer", "font_controls"} <= reasons


def test_a_reposted_page():
    doc, _ = clean_one(REPOST)
    assert (doc["publication"], doc["published_on"]) == ("大河网", dt.date(2021, 9, 2))
    assert doc["body"] == "记者从某区获悉，今年以来，该区新增市场主体1.2万户，同比增长18%。"
