"""The scorer follows the gold guide's rules: figures by (value, unit), names in Simplified script, zone aliases,
titles that contain each other, chrome as text still in the body."""

from __future__ import annotations

import polars as pl

from transforms import evaluate
from transforms.evaluate import (chrome_in_bodies, region_name, score_bylines, score_dates, score_metrics,
                                 score_persons, score_regions)

METRIC_COLUMNS = ["doc", "base_value", "base_unit", "measure", "indicator", "region", "is_target", "span_start",
                  "period_year"]


def metrics(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=METRIC_COLUMNS, orient="row")


def gold_metric(value, unit, **extra) -> dict:
    return {"base_value": value, "base_unit": unit, "measure": "level", "is_target": False, **extra}


def test_optional_items_count_as_neither():
    gold = {"d": {"metrics": [gold_metric(3, "item"), gold_metric(9, "year", optional=True)]}}
    both = metrics([("d", 3.0, "item", "count", None, None, True, 1, None),
                    ("d", 9.0, "year", "count", None, None, False, 5, None)])
    s = score_metrics(gold, both)
    assert (s["tp"], s["fp"], s["fn"], s["is_target_accuracy"]) == (1, 0, 0, 0.0)
    s = score_metrics(gold, metrics([("d", 4.0, "item", "count", None, None, False, 1, None)]))
    assert (s["tp"], s["fp"], s["fn"], s["f1"]) == (0, 1, 1, 0.0)


def test_figures_match_on_value_to_two_decimals_and_unit_not_measure():
    gold = {"d": {"metrics": [gold_metric(25280000000, "CNY"), gold_metric(-0.2, "pct")]}}
    s = score_metrics(gold, metrics([("d", 25280000000.000004, "CNY", "count", None, None, False, 0, None),
                                     ("d", 0.2, "pct", "growth_pct", None, None, False, 9, None)]))
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 1)  # the sign is part of the value
    assert s["measure_accuracy"] == 0.0


def test_region_attribution_compares_simplified_names_and_zone_aliases():
    gold = {"d": {"metrics": [gold_metric(1, "CNY", region="惠濟區"), gold_metric(2, "CNY", region="郑州航空港区"),
                              gold_metric(3, "CNY", region="中原区")]}}
    s = score_metrics(gold, metrics([("d", 1.0, "CNY", "level", None, "惠济区", False, 0, None),
                                     ("d", 2.0, "CNY", "level", None, "郑州航空港经济综合实验区", False, 1, None),
                                     ("d", 3.0, "CNY", "level", None, "二七区", False, 2, None)]))
    assert s["tp"] == 3 and s["region_judged"] == 3
    assert abs(s["region_accuracy"] - 2 / 3) < 1e-9


def test_period_year_is_judged_only_where_the_gold_period_names_a_year():
    gold = {"d": {"metrics": [gold_metric(1, "CNY", period="2017年全年"), gold_metric(2, "CNY", period="上半年"),
                              gold_metric(3, "CNY", period="2018")]}}
    s = score_metrics(gold, metrics([("d", 1.0, "CNY", "level", None, None, False, 0, 2017),
                                     ("d", 2.0, "CNY", "level", None, None, False, 1, 2016),
                                     ("d", 3.0, "CNY", "level", None, None, False, 2, None)]))
    assert s["period_year_judged"] == 2 and s["period_year_accuracy"] == 0.5


def test_persons_match_by_name_and_a_title_that_contains_the_other():
    gold = {"d": {"persons": [{"name": "馬軍", "title": "區委書記"}, {"name": "李四", "title": "副区长"}]}}
    predicted = pl.DataFrame({"doc": ["d", "d", "d"], "name": ["马军", "李四", "王五"],
                              "title": ["惠济区区委书记", "区委书记", "区长"]})
    s = score_persons(gold, predicted)
    assert (s["tp"], s["fp"], s["fn"]) == (1, 2, 1)


def test_regions_and_bylines_compare_in_simplified_script():
    gold = {"d": {"regions": [{"name": "鄭州市"}, {"name": "丰产路街道"}, {"name": "高新区"}],
                  "bylines": [{"name": "張翼飛", "role": "记者"}]}}
    regions = pl.DataFrame({"doc": ["d"] * 3, "name": ["郑州市", "丰产路街道办事处", "郑州高新技术产业开发区"]})
    assert score_regions(gold, regions)["f1"] == 1.0
    bylines = pl.DataFrame({"doc": ["d", "d"], "name": ["张翼飞", "张翼飞"], "role": ["记者", "通讯员"]})
    s = score_bylines(gold, bylines)
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 0)


def test_region_name_keeps_unrelated_names_apart():
    assert region_name("北下街办事处") == region_name("北下街街道") == "北下街街道"
    assert region_name("郑东新区") != region_name("郑州高新区")
    assert region_name(None) is None


def test_chrome_counts_text_left_anywhere_in_the_body():
    gold = {"a": {"chrome_lines": ["上一版 下一版", "版权声明 @ 中原网"]}, "b": {"chrome_lines": ["返回主页"]}}
    left, total = chrome_in_bodies(gold, {"a": "正文。\n上一版下一版 其他", "c": "返回主页"})
    assert left == [("a", "上一版 下一版")] and total == 2  # b has no body to judge


def test_dates_are_judged_where_the_gold_gives_one():
    gold = {"a": {"published_on": "2020-11-18"}, "b": {"published_on": None}, "c": {"published_on": "2019-01-14"}}
    s = score_dates(gold, {"a": "2020-11-18", "b": "2021-01-01", "c": "2019-01-15"})
    assert (s["judged"], s["right"]) == (2, 1)
    assert s["wrong"] == {"c": ("2019-01-14", "2019-01-15")} and s["undetermined_but_dated"] == {"b": "2021-01-01"}


def test_the_halves_split_a_corpus_by_stem_alone():
    gold = {f"{n:03d}_page": {} for n in range(40)}
    halves = evaluate.split_halves(gold)
    assert set(halves["A"]) | set(halves["B"]) == set(gold) and not set(halves["A"]) & set(halves["B"])
    assert halves["A"] and halves["B"]
    # Adding a page never moves another one to the other half.
    more = evaluate.split_halves({**gold, "999_new": {}})
    assert set(halves["A"]) <= set(more["A"]) and set(halves["B"]) <= set(more["B"])
