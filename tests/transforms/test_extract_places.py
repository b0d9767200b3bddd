"""Zones, former names, lists of units, bare short names and figure attribution, on sentences of our own."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.extract.attribution import metric_regions
from transforms.extract.gazetteer import Gazetteer, read_places, with_derived_units
from transforms.extract.regions import extract_regions
from transforms.extract.subject import region_context
from transforms.rules import RuleError

from tests.transforms.helpers import frames
from tests.transforms.test_extract_regions import UNITS, gazetteer

MORE = [  # code, name, level, parent, short
    ("50", "重庆市", "province", None, "重庆"),
    ("1402", "大同市", "city", "14", "大同"),
    ("14", "山西省", "province", None, "山西"),
    ("410105", "金水区", "district", "4101", "金水"),
    ("410103", "二七区", "district", "4101", "二七"),
    ("410182", "荥阳市", "county", "4101", "荥阳"),
    ("410105-1", "花园路街道", "subdistrict", "410105", "花园路"),
    ("410105-2", "文化路街道", "subdistrict", "410105", "文化路"),
    ("410103-1", "淮河路街道", "subdistrict", "410103", "淮河路"),
    ("410102-3", "须水街道", "subdistrict", "410102", "须水"),
    ("410172", "郑州高新技术产业开发区", "district", "4101", None),
    ("130171", "石家庄高新技术产业开发区", "district", "1301", None),
]
PLACES = {"name": ["郑东新区", "郑县"], "level": ["district", "county"], "parent": ["河南省郑州市", "河南省"],
          "aliases": ["郑州郑东新区", None], "context_aliases": [None, None], "kind": ["zone", "former"],
          "source": ["test", "test"]}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    places = pl.DataFrame(PLACES)
    units = with_derived_units(gazetteer([*UNITS, *MORE]).units, places.filter(pl.col("kind") == "zone"),
                               places.filter(pl.col("kind") == "former"))
    return Gazetteer(units)


def names(gaz: Gazetteer, texts: list[str]) -> list[set[str]]:
    docs, sents = frames(texts)
    dim, mentions, _ = extract_regions(docs, sents, gaz)
    body = dict(docs.select("document_key", "body").iter_rows())
    for m in mentions.iter_rows(named=True):  # spans index the body
        assert body[m["document_key"]][m["span_start"]:m["span_end"]] == m["surface"]
    got = mentions.join(dim, left_on="entity_key", right_on="region_key")
    return [set(got.filter(pl.col("document_key") == i + 1)["name"]) for i in range(len(texts))]


def test_zones_by_full_name_alias_and_derived_short_name(gaz):
    got = names(gaz, ["郑州郑东新区与郑州高新区签约，石家庄高新区也参加。", "郑东新区完成投资10亿元。"])
    assert got[0] == {"郑东新区", "郑州高新技术产业开发区", "石家庄高新技术产业开发区"}
    assert got[1] == {"郑东新区"}
    kinds = dict(gaz.units.select("name", "kind").iter_rows())
    assert kinds["郑东新区"] == "zone" and kinds["郑州高新技术产业开发区"] == "zone" and kinds["中原区"] == "admin"


def test_bare_zone_short_name_needs_its_city(gaz):
    got = names(gaz, ["郑州市召开会议，高新区作了发言。", "高新区作了发言。"])
    assert got[0] == {"郑州市", "郑州高新技术产业开发区"}
    assert got[1] == set()


def test_former_names_from_the_alias_table_and_former_towns(gaz):
    got = names(gaz, ["1904年，郑县火车站建成。", "中原区须水镇的农民搬进新居。"])
    assert "郑县" in got[0]
    assert {"中原区", "须水镇"} <= got[1]
    row = gaz.units.filter(pl.col("name") == "须水镇").row(0, named=True)
    assert row["kind"] == "former" and row["parent_code"] == "410102"


def test_district_then_its_subdistricts_and_short_names_sharing_the_level_character(gaz):
    got = names(gaz, ["前十名为：金水区花园路、文化路；二七区淮河路。", "金水、二七、中原区的街道发展更强。"])
    assert got[0] == {"金水区", "花园路街道", "文化路街道", "二七区", "淮河路街道"}
    assert got[1] == {"金水区", "二七区", "中原区"}


def test_a_list_under_a_district_yields_only_its_subdistricts(gaz):
    assert names(gaz, ["金水区农业路、文化路完成改造。"])[0] == {"金水区", "文化路街道"}


@pytest.mark.parametrize("text,want", [
    ("全年产量超越重庆，居全国第二。", {"重庆市"}),
    ("本报北京5月1日电 记者从会上获悉。", set()),  # 北京 is not in this test's gazetteer
    ("推动重庆医药等18个项目落地。", set()),  # run into a longer name, once: a company
    ("郑州某某食品有限公司项目开工。", set()),
    ("建华建材（河南）有限公司投产。", set()),
    ("两地做法大同小异。", set()),  # an everyday word
    ("郑州火车站建成，郑州城市面貌一新。", {"郑州市"}),  # recurs
])
def test_bare_province_and_city_names(gaz, text, want):
    assert names(gaz, [text])[0] == want


def test_bare_county_name_in_a_second_pass(gaz):
    got = names(gaz, ["郑州市新区西至荥阳，东至四环。", "荥阳路改造完成。"])
    assert got[0] == {"郑州市", "荥阳市"}
    assert got[1] == set()


def test_villages_named_in_projects_and_their_other_forms(gaz):
    got = names(gaz, ["中原区柿子园(李庄)村安置房项目开工，大石桥城中村改造项目总投资1亿元。"])[0]
    assert got == {"中原区", "柿子园村", "大石桥村"}


@pytest.mark.parametrize("text", ["市级以上文明社区比例提高。", "为了科学、客观地对各街道进行评价。"])
def test_campaign_words_and_prose_lists_are_not_units(gaz, text):
    assert names(gaz, [text])[0] == set()


def test_place_files_need_a_source(tmp_path):
    path = tmp_path / "zones.csv"
    path.write_text("# a note\nname,level,parent,aliases,context_aliases,kind,source\n"
                    "某新区,district,河南省郑州市,,,zone,\n", encoding="utf-8")
    with pytest.raises(RuleError, match="zones.csv"):
        read_places(path)
    path.write_text("name,level,parent,aliases,context_aliases,kind,source\n"
                    "某新区,district,河南省郑州市,某某新区,,zone,public knowledge\n", encoding="utf-8")
    assert read_places(path)["name"].to_list() == ["某新区"]


def test_a_merged_prefecture_by_its_bare_name():
    from transforms.extract.gazetteer import load_gazetteer

    real = load_gazetteer()
    assert names(real, ["记者从莱芜获悉，今年钢铁产业转型升级。"])[0] == {"莱芜市"}


def test_bundled_place_files_load():
    from transforms.extract.gazetteer import GAZETTEER_DIR

    zones, former = read_places(GAZETTEER_DIR / "zones.csv"), read_places(GAZETTEER_DIR / "aliases.csv")
    assert {"郑东新区", "郑州航空港经济综合实验区", "郑州经济技术开发区", "郑州高新技术产业开发区"} <= set(zones["name"])
    assert "航空港区" in zones.filter(pl.col("name") == "郑州航空港经济综合实验区")["context_aliases"][0]
    assert former["kind"].unique().to_list() == ["former"]


# ------------------------------------------------------------------ attribution of figures

def attribute(gaz: Gazetteer, text: str, figures: list[str], read: list[str | None] | None = None) -> list[str]:
    docs, sents = frames([text])
    dim, mentions, subject = extract_regions(docs, sents, gaz)
    regions = region_context(dim, mentions, subject)
    starts = [text.index(f) for f in figures]
    metrics = pl.DataFrame({"document_key": [1] * len(figures), "sentence_no": [1] * len(figures),
                            "span_start": starts, "span_end": [s + len(f) for s, f in zip(starts, figures)],
                            "region_key": [None] * len(figures), "region_name": read or [None] * len(figures)},
                           schema={"document_key": pl.Int64, "sentence_no": pl.Int32, "span_start": pl.Int32,
                                   "span_end": pl.Int32, "region_key": pl.Int64, "region_name": pl.String})
    out = metric_regions(metrics, regions, subject, sents)
    return out.join(dim, on="region_key", how="left")["name"].to_list()


def test_a_village_figure_belongs_to_the_village(gaz):
    text = "中原区召开观摩会，大石桥村安置房项目总建筑面积约12万平方米，全区投资5亿元。"
    assert attribute(gaz, text, ["12万平方米", "5亿元"]) == ["大石桥村", "中原区"]


def test_a_higher_unit_is_context_and_a_semicolon_ends_the_topic(gaz):
    text = "中原区在郑州市各区中排名第一；中原区金水河村改造完成，郑州市拨款3亿元；另有7个小区完工。"
    assert attribute(gaz, text, ["第一", "3亿元", "7个"]) == ["中原区", "金水河村", "中原区"]


def test_the_unit_a_figure_modifies(gaz):
    text = "中原区建成3800平方米的花园社区服务中心。"
    assert attribute(gaz, text, ["3800平方米"]) == ["花园社区"]


def test_bare_district_name_of_a_document_that_speaks_as_it_and_names_no_other_place(gaz):
    got = names(gaz, ["一季度，我市经济稳中有进，荥阳的影响力进一步提高。",
                      "一季度经济稳中有进，荥阳的影响力进一步提高。",  # no voice of a 市
                      "一季度，我市经济稳中有进，荥阳的影响力超过中原区。"])  # another place named: needs a relative
    assert got == [{"荥阳市"}, set(), {"中原区"}]
