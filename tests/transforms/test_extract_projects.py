"""Projects (…项目, …工程) and quoted slogans."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.extract.tables import SCHEMAS
from transforms.extract.projects import extract_projects
from transforms.keys import stable_key

from tests.transforms.helpers import frames


def run(texts, subject=None):
    docs, sents = frames(texts)
    dim, mentions = extract_projects(docs, sents, subject)
    return dim, mentions, docs


def surfaces(text, kind):
    _, mentions, _ = run([text])
    return mentions.filter(pl.col("entity_type") == kind)["surface"].to_list()


@pytest.mark.parametrize("text,name", [
    ("目前街道在建的重点项目有两个。恒大中原经贸中心项目，预计投资42亿元。", "恒大中原经贸中心项目"),
    ("投资约30亿元的郑州正道商业广场项目是重组并购项目。", "郑州正道商业广场项目"),
    ("加快推进贾鲁河综合治理工程、西南水系连通工程。", "贾鲁河综合治理工程"),
    ("加快推进贾鲁河综合治理工程、西南水系连通工程。", "西南水系连通工程"),
    ("郑煤机双创园项目，首开区要尽快建成投用。", "郑煤机双创园项目"),
    ("加速保利·豫见里项目签约落地。", "保利·豫见里项目"),
    ("分别为朱屯一期安置房、朱屯二期安置房项目和西十里铺连片改造项目。", "朱屯二期安置房项目"),
    ("分别为朱屯一期安置房、朱屯二期安置房项目和西十里铺连片改造项目。", "西十里铺连片改造项目"),
    ("加快推进百年德化文化复兴工程建设。", "百年德化文化复兴工程"),
    pytest.param("谋划推进好三厂项目，尽快启动保吉寨建设。", "三厂项目", marks=pytest.mark.xfail(
        strict=True, reason="numerals count as generic words, so a name of numeral + one char is dropped")),
])
def test_project_names(text, name):
    assert name in surfaces(text, "project")


@pytest.mark.parametrize("text", [
    "紧盯重点项目建设，狠抓项目落地。",
    "加快今年重点推进的56个重大产业项目建设。",
    "建设国家中心城市是个系统工程、长远工程。",
    "切实打造成凝聚党心民心的精品工程、阳光工程。",
    "紧紧围绕“区委一号工程”，坚持钱往社区投。",  # quoted: a slogan, not a project
    "加快启动二期项目建设。",
])
def test_not_projects(text):
    assert surfaces(text, "project") == []


@pytest.mark.parametrize("text,slogan", [
    ("进一步加快“四个中原”建设步伐。", "四个中原"),
    ("“六片两园”建设高效推进。", "六片两园"),
    ("要深入推进“三项工程一项管理”工作。", "三项工程一项管理"),
    ("深化“两学一做”学习教育。", "两学一做"),
    ("深入推进“1+5”融合型城市精细化管理模式。", "1+5"),
    ("按照《郑州市高质量招商“125计划”考核方案》要求。", "125计划"),
    ("深化「最多跑一次」改革。", "最多跑一次"),
])
def test_slogans(text, slogan):
    assert slogan in surfaces(text, "slogan")


@pytest.mark.parametrize("text", [
    "“督导检查是保证各项工作顺利开展的重要举措，也是有效手段。”张艳敏表示。",  # speech
    "以“精品”为目标。",  # two-character emphasis
])
def test_not_slogans(text):
    assert surfaces(text, "slogan") == []


def test_keys_spans_and_region():
    text = "中原区“四个中原”建设中，恒大中原经贸中心项目开工。"
    subject = pl.DataFrame({"document_key": [1], "region_key": [stable_key("河南省郑州市中原区")]})
    dim, mentions, docs = run([text], subject)
    assert list(dim.schema.items()) == list(SCHEMAS["dim_project"].items())
    assert list(mentions.schema.items()) == list(SCHEMAS["fact_mention"].items())
    assert dim.to_dicts() == [{"project_key": stable_key("恒大中原经贸中心项目"), "name": "恒大中原经贸中心项目",
                               "region_key": stable_key("河南省郑州市中原区")}]
    slogan = mentions.filter(pl.col("entity_type") == "slogan").row(0, named=True)
    assert slogan["entity_key"] == stable_key("slogan:四个中原")
    for m in mentions.iter_rows(named=True):
        assert text[m["span_start"]:m["span_end"]] == m["surface"]
