"""Zones and new towns the gazetteer lacks, filed under the document's own unit; and the own unit itself, which
the batch keeps as dim_document.region_key / region_source."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.extract import extract
from transforms.extract.gazetteer import load_gazetteer
from transforms.extract.regions import extract_regions

from tests.transforms.helpers import frames


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def named(gaz, texts: list[str], headlines: list[str]) -> list[set[tuple[str, str, str]]]:
    docs, sents = frames(texts)
    docs = docs.with_columns(pl.Series("headline", headlines))
    dim, mentions, _ = extract_regions(docs, sents, gaz)
    found = mentions.join(dim, left_on="entity_key", right_on="region_key")
    return [set(found.filter(pl.col("document_key") == i + 1).select("name", "level", "full_name").rows())
            for i in range(len(texts))]


def test_a_named_zone_and_a_generic_one_belong_to_the_reports_county(gaz):
    (got,) = named(gaz, ["经济开发区新建标准厂房20万平方米，牛河梁开发区推进景区提升。"], ["建平县政府工作报告"])
    assert got == {("经济开发区", "district", "辽宁省朝阳市建平县经济开发区"),
                   ("牛河梁开发区", "district", "辽宁省朝阳市建平县牛河梁开发区")}


def test_a_new_town_is_a_town(gaz):
    (got,) = named(gaz, ["今年富山新市镇完成投资3亿元。"], ["建平县经济运行情况"])
    assert ("富山新市镇", "town", "辽宁省朝阳市建平县富山新市镇") in got


def test_no_zone_without_the_documents_own_unit(gaz):
    assert named(gaz, ["经济开发区新建标准厂房20万平方米，牛河梁开发区推进景区提升。"], [""]) == [set()]


def test_a_zone_whose_name_holds_a_place_is_not_the_owners(gaz):
    # 二七新区 is 二七区's, 朝阳经济开发区 the city's: neither is filed under the county the report is about
    (got,) = named(gaz, ["我县学习二七新区和朝阳经济开发区的经验。"], ["建平县工作总结"])
    assert not {name for name, _, _ in got} & {"二七新区", "朝阳经济开发区", "经济开发区", "二七区"}


def test_words_before_a_zone_ending_are_no_name(gaz):
    (got,) = named(gaz, ["全力推进开发区改革，加快建设新区。"], ["建平县政府工作报告"])
    assert got == set()


def test_a_generic_zone_is_the_gazetteers_zone_of_the_city_when_it_holds_one(gaz):
    (got,) = named(gaz, ["全市高新区营业收入增长10%。"], ["张家界市经济运行"])
    assert got == {("张家界高新区", "district", "湖南省张家界市张家界高新区")}


def test_the_own_unit_is_kept_with_where_it_was_read(gaz):
    from transforms.extract import Resources
    from transforms.extract.metric_rules import default_metric_rules
    from transforms.extract.officials import default_official_rules

    texts = ["全县完成生产总值120亿元。", "县长王某\n全县新建道路8公里。", "全市新建道路8公里。"]
    docs, sents = frames(texts)
    docs = docs.with_columns(pl.Series("headline", ["金乡县经济运行", "政府工作报告", "工作总结"]),
                             pl.Series("subheadline", [None, "——在建平县人民代表大会上", None]),
                             pl.lit(None, pl.Date).alias("published_on"))
    out = extract(docs, sents, Resources(gaz, default_metric_rules(), default_official_rules()))
    rows = out.with_document_columns(docs)
    regions = out.table("dim_region").select("region_key", "name")
    got = rows.join(regions, on="region_key", how="left").sort("document_key").select("name", "region_source").rows()
    assert got == [("金乡县", "headline"), ("建平县", "title_line"), (None, None)]


# A county-level city named by its bare short name, as the only place of a text that speaks as a county.

def regions_of(gaz, texts: list[str]):
    docs, sents = frames(texts)
    dim, mentions, subject = extract_regions(docs, sents, gaz)
    found = mentions.join(dim, left_on="entity_key", right_on="region_key")
    names = [set(found.filter(pl.col("document_key") == i + 1)["full_name"].to_list()) for i in range(len(texts))]
    subjects = dict(subject.join(dim, on="region_key").select("document_key", "full_name").rows())
    return names, [subjects.get(i + 1) for i in range(len(texts))]


def test_a_bare_county_level_city_in_a_countys_voice_is_the_county_under_its_former_name(gaz):
    names, subjects = regions_of(gaz, ["全县依托射洪蔬菜产业基地发展。", "我市射洪蔬菜产业基地扩大。"])
    assert names == [{"四川省遂宁市射洪县"}, {"四川省遂宁市射洪市"}]
    assert subjects == ["四川省遂宁市射洪县", "四川省遂宁市射洪市"]


def test_in_a_towns_own_text_the_county_so_named_is_context_not_the_subject(gaz):
    names, subjects = regions_of(gaz, ["在县委的坚强领导下，我镇依托射洪蔬菜产业基地，全镇新建大棚300个。"])
    assert names == [{"四川省遂宁市射洪县"}] and subjects == [None]


def test_a_bare_name_before_a_roads_ending_or_a_given_name_is_no_place(gaz):
    names, _ = regions_of(gaz, ["全县推进射洪大道改造。", "在县委领导下，全镇干部\n安国华\n带队检查。"])
    assert names == [set(), set()]


def test_a_zone_named_after_the_owner_is_the_owners(gaz):
    (got,) = named(gaz, ["建平经济开发区完成投资5亿元。"], ["建平县政府工作报告"])
    assert ("建平经济开发区", "district", "辽宁省朝阳市建平县建平经济开发区") in got


def test_a_generic_ending_after_another_places_words_is_no_bare_zone(gaz):
    # 朝阳港经济开发区: the ending belongs to a name built on another place, not to the county's own zone
    (got,) = named(gaz, ["朝阳港经济开发区举行开工仪式。"], ["建平县新闻"])
    assert not {name for name, _, _ in got} & {"经济开发区", "建平经济开发区"}


def test_a_bare_city_name_beside_a_town_of_that_name_is_the_town(gaz):
    # (the real gazetteer: 南阳 is a city's short name and the stem of towns in several counties)
    text = "泰州市姜堰区南阳镇召开推进会。这些工程是南阳多个工程中提速的代表。“截至月底，南阳全镇百余个工程进展顺利。”"
    got, alone = named(gaz, [text, "南阳多个工程提速。南阳的工程进展顺利。"], ["", ""])
    assert "南阳镇" in {n for n, _, _ in got} and "南阳市" not in {n for n, _, _ in got}
    assert "南阳市" in {n for n, _, _ in alone}


def test_a_milestone_is_no_county(gaz):
    # 突破…大关: a milestone, though 大关 is also a county's short name
    (got,) = named(gaz, ["县委、县政府高度重视，全县生猪饲养量突破十万头大关。"], [""])
    assert "大关县" not in {n for n, _, _ in got}
