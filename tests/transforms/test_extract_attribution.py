"""A figure's region, on documents of our own: the document's own unit from its headline or title line, a
city-wide article that names a district in passing, and units listed each with its figure."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.extract.attribution import metric_regions
from transforms.extract.context import document_regions
from transforms.extract.gazetteer import Gazetteer, with_derived_units
from transforms.extract.regions import extract_regions
from transforms.extract.subject import region_context

from tests.transforms.helpers import frames
from tests.transforms.test_extract_regions import UNITS, gazetteer
from tests.transforms.test_extract_words import MORE

EXTRA = [
    ("32", "江苏省", "province", None, "江苏"),
    ("371323", "沂水县", "county", "3713", "沂水"),
    ("3713", "临沂市", "city", "37", "临沂"),
    ("371323-1", "沙沟镇", "town", "371323", "沙沟"),
    ("370403-1", "沙沟镇", "town", "370403", "沙沟"),
    ("370403", "薛城区", "district", "3704", "薛城"),
    ("3704", "枣庄市", "city", "37", "枣庄"),
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(with_derived_units(gazetteer([*UNITS, *MORE, *EXTRA]).units))


def attribute(gaz: Gazetteer, text: str, figures: list[str], headline: str = "") -> list[str | None]:
    docs, sents = frames([text])
    docs = docs.with_columns(pl.lit(headline).alias("headline"))
    dim, mentions, subject = extract_regions(docs, sents, gaz)
    regions = region_context(dim, mentions, subject)
    starts, at = [], 0
    for f in figures:  # each figure is the next occurrence after the previous one
        at = text.index(f, at)
        starts.append(at)
        at += len(f)
    metrics = pl.DataFrame({"document_key": [1] * len(figures), "sentence_no": [1] * len(figures),
                            "span_start": starts, "span_end": [s + len(f) for s, f in zip(starts, figures)],
                            "region_key": [None] * len(figures), "region_name": [None] * len(figures)},
                           schema={"document_key": pl.Int64, "sentence_no": pl.Int32, "span_start": pl.Int32,
                                   "span_end": pl.Int32, "region_key": pl.Int64, "region_name": pl.String})
    out = metric_regions(metrics, regions, subject, sents)
    return out.join(dim, on="region_key", how="left")["name"].to_list()


def test_the_document_named_only_in_its_headline_owns_its_figures(gaz):
    got = attribute(gaz, "全县完成生产总值120亿元，增长6%。", ["120亿元", "6%"], headline="金乡县经济运行情况")
    assert got == ["金乡县", "金乡县"]


def test_a_title_line_names_the_reports_town(gaz):
    text = "沙沟镇2021年政府工作报告\n过去一年，沂水县部署的12项任务全部完成，全镇新建道路8公里。"
    docs, _ = frames([text])
    own = document_regions(docs, gaz, pl.DataFrame({"document_key": [1], "code": ["371323"]},
                                                   schema={"document_key": pl.Int64, "code": pl.String}))
    assert own.select("code", "found").rows() == [("371323-1", "title_line")]
    assert attribute(gaz, text, ["8公里"]) == ["沙沟镇"]


def test_a_name_several_units_share_needs_a_relative_in_the_body(gaz):
    docs, _ = frames(["沙沟镇2021年政府工作报告\n全镇新建道路8公里。"])
    assert document_regions(docs, gaz).is_empty()


def test_a_city_wide_article_naming_a_district_in_passing_is_the_citys(gaz):
    text = ("郑州市召开项目建设推进会。郑州市今年新开工项目120个，中原区代表发言。"
            "郑州市固定资产投资增长10%，郑州市排名全省第一。")
    assert attribute(gaz, text, ["120个", "10%"]) == ["郑州市", "郑州市"]


def test_units_listed_each_with_its_figure(gaz):
    text = "上榜乡镇中，江苏38个、广东31个、山东7个。"
    assert attribute(gaz, text, ["38个", "31个", "7个"]) == ["江苏省", "广东省", "山东省"]


def test_no_headline_unit_leaves_the_most_mentioned_local_unit(gaz):
    text = "中原区召开会议。中原区今年完成投资50亿元，郑州市领导出席。"
    assert attribute(gaz, text, ["50亿元"]) == ["中原区"]


CITIES = [("4107", "新乡市", "city", "41", "新乡"), ("410782", "辉县市", "county", "4107", "辉县"),
          ("410783", "长垣市", "county", "4107", "长垣")]


@pytest.fixture(scope="module")
def gaz_cities() -> Gazetteer:
    return Gazetteer(with_derived_units(gazetteer([*UNITS, *CITIES]).units))


def attribute_read(gaz: Gazetteer, text: str) -> list[tuple[str, str | None]]:
    """The metric step's reading and the region step together: (figure, region) in text order."""
    from transforms.extract.metric_rules import default_metric_rules
    from transforms.extract.metrics import extract_metrics

    docs, sents = frames([text])
    dim, mentions, subject = extract_regions(docs, sents, gaz)
    metrics, _ = extract_metrics(docs.with_columns(pl.lit(None, dtype=pl.Date).alias("published_on")), sents,
                                 default_metric_rules())
    out = metric_regions(metrics, region_context(dim, mentions, subject), subject, sents)
    out = out.join(dim.select("region_key", "name"), on="region_key", how="left").sort("span_start")
    return [(text[s:e], n) for s, e, n in out.select("span_start", "span_end", "name").rows()]


def test_a_city_wide_anaphora_is_no_county_level_city(gaz_cities):
    # 全市 after a county-level city named with 市: the city the gazetteer knows as one
    got = attribute_read(gaz_cities, "新乡市召开县域经济推进会，辉县市、长垣市作了发言，县域经济总量占全市比重为64.7%。")
    assert got == [("64.7%", "新乡市")]


def test_a_county_level_city_named_with_its_figure_keeps_it(gaz_cities):
    got = attribute_read(gaz_cities, "新乡市召开县域经济推进会。辉县市完成固定资产投资20亿元。")
    assert got == [("20亿元", "辉县市")]


def test_a_city_wide_anaphora_after_its_city_stays_the_citys(gaz_cities):
    got = attribute_read(gaz_cities, "会上，辉县市代表发言，新乡市领导讲话，全市新增就业5000人。")
    assert got == [("5000人", "新乡市")]


def test_a_figure_after_an_enumeration_is_not_its_last_members(gaz_cities):
    got = attribute_read(gaz_cities, "近年来，中原区林山寨街道与北下街街道、南关街街道联合发展，带动300余人稳定就业。")
    assert got == [("300余人", "林山寨街道")]


def test_a_member_of_an_enumeration_keeps_its_own_figure(gaz_cities):
    got = attribute_read(gaz_cities, "管城回族区北下街街道完成投资3亿元、南关街街道完成投资2亿元。")
    assert got == [("3亿元", "北下街街道"), ("2亿元", "南关街街道")]


VILLAGES = [("411224-1-1", "杨庄村", "village", "411224-1", None), ("411224-1-2", "李寨村", "village", "411224-1", None),
            ("411224-1-3", "刘湾村", "village", "411224-1", None)]


@pytest.fixture(scope="module")
def gaz_villages() -> Gazetteer:
    return Gazetteer(with_derived_units(gazetteer([*UNITS, *MORE, *EXTRA, *VILLAGES]).units))


def attribute_sentences(gaz: Gazetteer, text: str, figures: list[str],
                        measures: list[str] | None = None) -> list[str | None]:
    """Like attribute, with the text cut into sentences at 。 (one paragraph); with measures, the figures'
    measures and the metric rules' whole-area words."""
    docs, _ = frames([text])
    parts = [p + "。" for p in text.split("。") if p]
    starts = [sum(len(p) for p in parts[:i]) for i in range(len(parts))]
    sents = pl.DataFrame({"document_key": [1] * len(parts), "sentence_no": list(range(1, len(parts) + 1)),
                          "paragraph_no": [1] * len(parts), "span_start": starts,
                          "span_end": [s + len(p) for s, p in zip(starts, parts)], "text": parts,
                          "kind": ["text"] * len(parts)},
                         schema={"document_key": pl.Int64, "sentence_no": pl.Int32, "paragraph_no": pl.Int32,
                                 "span_start": pl.Int32, "span_end": pl.Int32, "text": pl.String, "kind": pl.String})
    dim, mentions, subject = extract_regions(docs, sents, gaz)
    at, rows = 0, []
    for f in figures:
        at = text.index(f, at)
        no = next(i for i, s in enumerate(starts, 1) if s <= at < s + len(parts[i - 1]))
        rows.append((no, at, at + len(f)))
        at += len(f)
    metrics = pl.DataFrame({"document_key": [1] * len(rows), "sentence_no": [r[0] for r in rows],
                            "span_start": [r[1] for r in rows], "span_end": [r[2] for r in rows],
                            "region_key": [None] * len(rows), "region_name": [None] * len(rows)},
                           schema={"document_key": pl.Int64, "sentence_no": pl.Int32, "span_start": pl.Int32,
                                   "span_end": pl.Int32, "region_key": pl.Int64, "region_name": pl.String})
    anaphora = None
    if measures:
        from transforms.extract.metric_rules import default_metric_rules

        metrics = metrics.with_columns(pl.Series("measure", measures))
        anaphora = default_metric_rules().region_anaphora
    out = metric_regions(metrics, region_context(dim, mentions, subject), subject, sents, dim, anaphora)
    return out.join(dim, on="region_key", how="left")["name"].to_list()


def test_past_an_opening_clause_that_names_none_the_first_unit_named_is_the_topic(gaz_villages):
    text = "卢氏县官道口镇召开现场会。近年来，杨庄村与李寨村、刘湾村抱团发展，联建大棚基地，带动300余人就业，村集体增收20万元。"
    assert attribute_sentences(gaz_villages, text, ["300余人", "20万元"]) == ["杨庄村", "杨庄村"]


def test_units_listed_together_own_no_figure_outside_their_own_item(gaz_villages):
    text = "卢氏县召开现场会。卢氏县官道口镇杨庄村、李寨村、刘湾村抱团发展，共新建道路12公里。"
    assert attribute_sentences(gaz_villages, text, ["12公里"]) == ["卢氏县"]


def test_a_figure_counting_a_set_of_units_is_none_of_theirs(gaz_villages):
    text = "卢氏县召开现场会。官道口镇以杨庄村、李寨村等12个村为重点，建成3500亩果园。包括郑州市在内的9个城市入选。"
    assert attribute_sentences(gaz_villages, text, ["12个", "3500亩", "9个"]) == [None, "官道口镇", None]


def test_a_unit_inside_a_listed_projects_name_does_not_own_the_count(gaz_villages):
    text = "中原区召开会议。此次开工共有林山寨街道安置房、碧沙岗游园等15个项目，总投资89亿元。"
    assert attribute_sentences(gaz_villages, text, ["15个", "89亿元"]) == ["中原区", "中原区"]


def test_after_units_listed_as_peers_a_figure_of_none_of_them_is_their_common_parents(gaz_villages):
    text = "山东省召开会议。上榜乡镇中，江苏38个、广东31个、山东7个。上榜乡镇平均人口22万人。"
    assert attribute_sentences(gaz_villages, text, ["38个", "31个", "7个", "22万人"]) == [
        "江苏省", "广东省", "山东省", None]
    text = "卢氏县召开会议。官道口镇杨庄村、李寨村、刘湾村被评为示范村。三个村共带动就业300人。卢氏县新增就业5000人。"
    assert attribute_sentences(gaz_villages, text, ["300人", "5000人"]) == ["官道口镇", "卢氏县"]


def test_a_count_of_the_whole_area_is_the_areas_even_when_only_its_parts_are_named(gaz_villages):
    text = "中原区林山寨街道召开会议。林山寨街道在全市74个街道中排名第三，辖区新增就业500人。"
    got = attribute_sentences(gaz_villages, text, ["74个", "第三", "500人"], ["count", "rank", "count"])
    assert got == ["郑州市", "林山寨街道", "林山寨街道"]
