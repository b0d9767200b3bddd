"""Places inside other words and places without their suffix, on sentences of our own: a match that
segmentation reads as an idiom or a person's given name is no place; short forms and zones still are."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.extract.gazetteer import Gazetteer, with_derived_units

from tests.transforms.helpers import frames
from tests.transforms.test_extract_places import names
from transforms.extract.regions import extract_regions
from tests.transforms.test_extract_regions import UNITS, gazetteer

MORE = [  # code, name, level, parent, short
    ("44", "广东省", "province", None, "广东"),
    ("4401", "广州市", "city", "44", "广州"),
    ("45", "广西壮族自治区", "province", None, "广西"),
    ("4510", "百色市", "city", "45", "百色"),
    ("451028", "乐业县", "county", "4510", "乐业"),
    ("37", "山东省", "province", None, "山东"),
    ("3708", "济宁市", "city", "37", "济宁"),
    ("370828", "金乡县", "county", "3708", "金乡"),
    ("411224-1", "官道口镇", "town", "411224", "官道口"),
    ("50", "重庆市", "province", None, "重庆"),
    ("65", "新疆维吾尔自治区", "province", None, "新疆"),
    ("6528", "巴音郭楞蒙古自治州", "city", "65", "巴音郭楞州"),
    ("53", "云南省", "province", None, "云南"),
    ("5329", "大理白族自治州", "city", "53", "大理州"),
    ("532901", "大理市", "county", "5329", "大理"),
    ("34", "安徽省", "province", None, "安徽"),
    ("3413", "宿州市", "city", "34", "宿州"),
    ("341322", "萧县", "county", "3413", "萧县"),
    ("341322-1", "白杨乡", "town", "341322", "白杨"),
    ("3412", "阜阳市", "city", "34", "阜阳"),
    ("341200-1", "和县", "county", "3412", "和县"),
    ("35", "福建省", "province", None, "福建"),
    ("36", "江西省", "province", None, "江西"),
    ("3505", "泉州市", "city", "35", "泉州"),
    ("350582", "晋江市", "county", "3505", "晋江"),
    ("350582-1", "西园街道", "subdistrict", "350582", "西园"),
    ("51", "四川省", "province", None, "四川"),
    ("5109", "遂宁市", "city", "51", "遂宁"),
    ("510981", "射洪市", "county", "5109", "射洪"),
    ("411224-2", "柳河镇", "town", "411224", "柳河"),
]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(with_derived_units(gazetteer([*UNITS, *MORE]).units))


@pytest.mark.parametrize("text,want", [
    ("县委县政府团结带领全县人民，百姓安居乐业。", set()),  # an idiom holds 乐业
    ("县委常委：孙某某、曹广州、刘某某。", set()),  # a surname and a given name
    ("市委书记王郑州在会上讲话。", set()),
    ("乐业县召开会议，部署全县工作。", {"乐业县"}),  # the full name is the county
    ("今年以来，重庆的经济增长较快。", {"重庆市"}),  # a short form on its own
    ("代表团赴广州、重庆考察。", {"广州市", "重庆市"}),
    ("他在重庆解放碑附近开了一家店。", {"重庆市"}),  # a preposition of place before it
    ("他在重庆医药公司工作。", set()),  # the first word of a company's name
])
def test_a_place_read_inside_another_word_is_no_place(gaz, text, want):
    assert names(gaz, [text])[0] == want


def test_a_misread_name_leaves_the_document_to_its_real_places(gaz):
    got = names(gaz, ["金乡县领导名录：书记曹广州，县长李某。"])[0]
    assert got == {"金乡县"}


@pytest.mark.parametrize("text", [
    "卢氏县外出务工村民今年增收2万元。",
    "卢氏县当年便增加村集体收入10万元。",
    "卢氏县计划修建村级道路12公里。",
    "卢氏县出租闲置老村部3处。",
    "卢氏县一位干部说，我们村今年变化大。",
    "卢氏县推行村财村管，账目公开。",
])
def test_a_word_ending_in_village_is_no_village(gaz, text):
    assert names(gaz, [text])[0] == {"卢氏县"}


def test_villages_named_by_their_suffix_stay(gaz):
    got = names(gaz, ["卢氏县城阳村与陶墟村、栾庄村结对，大石桥村建成社区服务中心。"])[0]
    assert {"城阳村", "陶墟村", "栾庄村", "大石桥村"} <= got


def test_a_citys_zone_the_division_list_lacks(gaz):
    got = names(gaz, ["广州高新区召开会议。广州市高新技术产业开发区完成投资。", "广州高新技术企业增加到100家。"])
    assert got[0] == {"广州高新区"}
    assert "广州高新区" not in got[1]
    zone = gaz.units.filter(pl.col("name") == "广州高新区").row(0, named=True)
    assert zone["kind"] == "zone" and zone["parent_code"] == "4401"


def test_a_city_with_its_zone_listed_gets_no_second_one(gaz):
    from tests.transforms.test_extract_places import MORE as PLACES_MORE

    units = with_derived_units(gazetteer([*UNITS, *PLACES_MORE]).units)
    assert units.filter(pl.col("name").str.contains("高新") & (pl.col("parent_code") == "4101"))["name"].to_list() == [
        "郑州高新技术产业开发区"]


def test_a_short_name_run_into_one_of_its_units_is_a_chain_of_places(gaz):
    assert names(gaz, ["卢氏官道口镇完成改造。"])[0] == {"卢氏县", "官道口镇"}
    assert names(gaz, ["卢氏林业局完成改造。"])[0] == set()


def test_an_autonomous_prefecture_by_its_bare_stem(gaz):
    assert names(gaz, ["新疆巴音郭楞的牧民今年增收。"])[0] == {"新疆维吾尔自治区", "巴音郭楞蒙古自治州"}
    # a stem another unit goes by stays that unit's
    short = gaz.surfaces.filter(pl.col("surface") == "大理").join(gaz.units.select("code", "name"), on="code")
    assert short["name"].to_list() == ["大理市"]


def test_a_county_of_one_character_needs_a_relative(gaz):
    assert names(gaz, ["走进萧县白杨镇，麦田连片。"])[0] == {"萧县", "白杨镇"}
    assert names(gaz, ["宿州市萧县今年粮食丰收。"])[0] == {"宿州市", "萧县"}
    assert names(gaz, ["萧县今年粮食丰收。"])[0] == set()  # no relative named: not sure enough
    assert names(gaz, ["阜阳市各区和县都要抓好落实。"])[0] == {"阜阳市"}  # 和 is a conjunction here


def test_a_township_made_a_town_keeps_its_place(gaz):
    town = gaz.units.filter(pl.col("name") == "白杨镇").row(0, named=True)
    assert town["parent_code"] == "341322" and town["kind"] == "admin"
    assert names(gaz, ["宿州市白杨乡和白杨镇是一个地方。"])[0] == {"宿州市", "白杨乡", "白杨镇"}


def test_a_full_name_beginning_inside_a_short_name_wins(gaz):
    # 江西 is read first (leftmost) in 晋江西园街道; the subdistrict runs past it, and 晋江 is its county
    assert names(gaz, ["开年以来，晋江西园街道办成一批实事。"])[0] == {"晋江市", "西园街道"}
    assert names(gaz, ["江西的西部今年增长较快。"])[0] == {"江西省"}


@pytest.mark.parametrize("text,want", [
    ("卢氏县以黄岭、杨湾、河口等9个村为重点发展核桃。", {"卢氏县", "黄岭村", "杨湾村", "河口村"}),
    # names read as everyday nouns (石窑, 后沟) are not told from 苹果, 核桃: the list is left alone
    ("卢氏县以黄岭、石窑、后沟等9个村为重点。", {"卢氏县"}),
    ("卢氏县张庄、李楼、王营等5个村完成改造。", {"卢氏县", "张庄村", "李楼村", "王营村"}),
    ("卢氏县东关、西关、南街等6个社区开展活动。", {"卢氏县", "东关社区", "西关社区", "南街社区"}),
    ("卢氏县以苹果、核桃、养殖等12个村为重点。", {"卢氏县"}),  # everyday words, not names
    ("卢氏县贫困、边远、少数民族等8个村。", {"卢氏县"}),
    ("卢氏县改造、提升、新建等6个村。", {"卢氏县"}),
])
def test_names_listed_before_a_count_of_villages(gaz, text, want):
    assert names(gaz, [text])[0] == want


def test_a_county_made_a_city_under_its_old_name(gaz):
    former = gaz.units.filter(pl.col("name") == "射洪县").row(0, named=True)
    assert former["parent_code"] == "5109" and former["kind"] == "former"
    assert names(gaz, ["2015年，射洪县粮食总产量增长3%。"])[0] == {"射洪县"}
    assert names(gaz, ["射洪市召开会议。"])[0] == {"射洪市"}


def test_a_town_report_names_its_own_town_without_its_county(gaz):
    docs = ["柳河镇2023年政府工作报告。过去一年，全镇生产总值增长6%，我镇荣获省级卫生镇。",
            "柳河镇今年粮食丰收。",  # a town named once, no relative, no town speaking: not sure enough
            "确保城镇就业稳定，我镇再创佳绩。"]  # 保城镇 is inside a word
    assert names(gaz, docs) == [{"柳河镇"}, set(), set()]
    # kept unplaced: no unit around it is made its parent
    docs, sents = frames(["宿州市萧县白杨镇召开会议，我镇干部到柳河镇学习。"])
    dim, mentions, _ = extract_regions(docs, sents, gaz)
    assert dim.filter(pl.col("name") == "柳河镇")["full_name"].to_list() == ["柳河镇"]


def test_villages_of_a_list_are_not_the_articles_subject(gaz):
    docs, sents = frames(["以黄岭、杨湾、河口等9个村为重点，全乡发展核桃3000亩。"])
    dim, mentions, subject = extract_regions(docs, sents, gaz)
    assert set(dim["name"]) >= {"黄岭村", "杨湾村", "河口村"}
    assert subject.is_empty()


@pytest.mark.parametrize("text", [
    "卢氏县开展产业富民强村行动，成效明显。",
    "卢氏县有三个村入选全省集体经济十强村。",
    "卢氏县那个村被誉为“豫西第一村”。",
    "卢氏县向百强名书记村代表颁奖。",
    "卢氏县深处一个偏僻的小山村，如今通了公路。",
])
def test_a_title_or_slogan_ending_in_village_is_no_village(gaz, text):
    assert names(gaz, [text])[0] == {"卢氏县"}


def test_villages_named_like_words_stay(gaz):
    got = names(gaz, ["卢氏县团结村、胜利村和红旗村结对帮扶，十里铺村建成广场。"])[0]
    assert {"团结村", "胜利村", "红旗村", "十里铺村"} <= got


def test_an_industrial_community_is_no_community(gaz):
    assert names(gaz, ["卢氏县滨河国际产业社区签约项目5个。"])[0] == {"卢氏县"}



def test_a_city_in_a_news_sites_name_is_the_publisher_not_a_place(gaz):
    assert "三门峡市" not in names(gaz, ["三门峡新闻网5月2日讯 卢氏县召开会议。"])[0]
