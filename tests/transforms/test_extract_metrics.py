"""Metric extraction: hand-written sentences (none from the sample), spans, rule loading, and gold scores."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import GOLD_DIR, SAMPLE_DIR, clean_texts, docs_frame
from transforms.decode import detect_and_decode, normalise_text
from transforms.evaluate import load_gold, score_metrics
from transforms.extract.tables import SCHEMAS
from transforms.extract.metric_rules import default_metric_rules, load_metric_rules
from transforms.extract.metrics import extract_metrics
from transforms.extract.numerals import read_number
from transforms.rules import RULES_DIR, RuleError

EXTRA_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "extra"


def run(body: str, headline: str = "", published: dt.date | None = None) -> list[dict]:
    """One document whose paragraphs are lines and sentences end in 。 (spans index `body`)."""
    sentences, no = [], 0
    start = 0
    for p_no, para in enumerate(body.split("\n"), 1):
        for m in re.finditer(r"[^。]+。?", para):
            no += 1
            sentences.append({"document_key": 1, "sentence_no": no, "paragraph_no": p_no,
                              "span_start": start + m.start(), "span_end": start + m.end(), "text": m.group()})
        start += len(para) + 1
    docs = pl.DataFrame({"document_key": [1], "headline": [headline], "published_on": [published]},
                        schema={"document_key": pl.Int64, "headline": pl.String, "published_on": pl.Date})
    sents = pl.DataFrame(sentences, schema={"document_key": pl.Int64, "sentence_no": pl.Int32,
                                            "paragraph_no": pl.Int32, "span_start": pl.Int32,
                                            "span_end": pl.Int32, "text": pl.String})
    fact, _ = extract_metrics(docs, sents, default_metric_rules())
    rows = fact.to_dicts()
    for r in rows:
        r["text"] = body[r["span_start"]:r["span_end"]]
    return rows


def one(body: str, **kw) -> dict:
    rows = run(body, **kw)
    assert len(rows) == 1, [r["text"] for r in rows]
    return rows[0]


@pytest.mark.parametrize("body, text, base_value, base_unit, measure", [
    ("全县实现地区生产总值356.2亿元。", "356.2亿元", 35_620_000_000, "CNY", "level"),
    ("全年实现税收8000万元。", "8000万元", 80_000_000, "CNY", "level"),
    ("设立三千万元产业引导资金。", "三千万元", 30_000_000, "CNY", "level"),
    ("实际利用外资1.6亿美元。", "1.6亿美元", 160_000_000, "USD", "level"),
    ("全镇新增就业两万人。", "两万人", 20_000, "person", "count"),
    ("全区市场主体达到1.2万户。", "1.2万户", 12_000, "item", "count"),
    ("今年完成植树造林一百二十亩。", "一百二十亩", 80_000, "m2", "level"),
    ("新建城市道路3.5公里。", "3.5公里", 3_500, "m", "level"),
    ("粮食总产量达到12.6万吨。", "12.6万吨", 126_000, "t", "level"),
    ("新建口袋公园6处。", "6处", 6, "item", "count"),
    ("其中高新技术企业占比35%。", "35%", 35, "pct", "share_pct"),
    ("百分之八十的社区建成了日间照料中心。", "百分之八十", 80, "pct", "share_pct"),
    ("出口额下降2.1%。", "2.1%", -2.1, "pct", "growth_pct"),  # a fall carries its sign
    ("辖区面积4.2平方公里。", "4.2平方公里", 4_200_000, "m2", "level"),
])
def test_amounts_counts_and_percentages(body, text, base_value, base_unit, measure):
    row = one(body)
    assert (row["text"], row["base_unit"], row["measure"]) == (text, base_unit, measure)
    assert row["base_value"] == pytest.approx(base_value, rel=1e-6)


def test_growth_with_comparison_and_percentage_points():
    rows = run("一季度全市规上工业增加值同比增长7.4%，环比增长3%，增速比全省高1.5个百分点。")
    assert [(r["text"], r["measure"], r["comparison"]) for r in rows] == [
        ("7.4%", "growth_pct", "yoy"), ("3%", "growth_pct", "mom"), ("1.5个百分点", "change", None)]
    assert rows[2]["base_unit"] == "pct_point"


@pytest.mark.parametrize("body, text, qualifier, value", [
    ("辖区共有居民近5000户。", "5000户", "近", 5000),
    ("约300名志愿者参与了清洁行动。", "300名", "约", 300),
    ("吸纳在职党员2300余名到社区报到。", "2300余名", "余", 2300),
    ("预计全年完成投资3亿元以上。", "3亿元", "以上", 3),
    ("培养入党积极分子20多名。", "20多名", "余", 20),
])
def test_qualifiers(body, text, qualifier, value):
    row = one(body)
    assert (row["text"], row["qualifier"], row["value"]) == (text, qualifier, value)


@pytest.mark.parametrize("body, rank", [
    ("该区经济增速在全市排名第三。", 3),
    ("营商环境评价位居全省第一。", 1),
    ("城市精细化管理考核连续排名前五。", 5),
])
def test_ranks(body, rank):
    row = one(body)
    assert (row["measure"], row["base_unit"], row["value"]) == ("rank", "rank", rank)
    assert row["text"].startswith(("第", "前"))


@pytest.mark.parametrize("body, target", [
    ("力争年底前建成5所学校。", True),
    ("今年已建成5所学校。", False),
    ("预计全年实现营业收入12亿元。", True),
    ("明年计划新增停车泊位800个。", True),
    ("全区要新建社区食堂20个。", True),
    ("上半年全区新建社区食堂20个。", False),
    ("累计为群众办实事1200件，确保问题件件有回音。", False),
    ("将街道300名党员编入网格。", False),
    ("区政府将新建养老服务综合体3个。", True),
])
def test_targets_versus_achieved(body, target):
    assert one(body)["is_target"] is target


@pytest.mark.parametrize("body", [
    "2022年3月15日，市委十二届五次全会召开。",
    "地铁6号线途经88号院。",
    "市民可拨打12345热线反映问题。",
    "打造“一核两翼三带”格局，推进“两个率先”和“125计划”。",
    "第十届全国运动会在本市举行，报道见第13版。",
    "会议要求抓好三个方面的工作，形成一批成果。",
    "3月底前完成方案编制，4月10日开工。",
    "全会审议通过了区委第十四届委员会工作报告。",
])
def test_not_metrics(body):
    assert run(body) == []


def test_durations_only_after_a_duration_cue():
    rows = run("2019年以来，该区连续3年获评全省先进。")
    assert [(r["text"], r["base_unit"]) for r in rows] == [("3年", "year")]


def test_periods_from_publication_and_fixed_plans():
    row = one("一季度，全区完成固定资产投资45亿元。", published=dt.date(2023, 5, 1))
    assert (row["period_label"], row["period_start_key"], row["period_end_key"]) == ("一季度", 20230101, 20230331)
    row = one("“十四五”期间，全区将新建学校12所。")
    assert (row["period_start_key"], row["period_end_key"]) == (20210101, 20251231)
    row = one("上半年，全区新增就业3200人。")  # no year known: label kept, dates null
    assert row["period_label"] == "上半年" and row["period_start_key"] is None
    row = one("2021年上半年，全区新增就业3200人。")  # the year stated near the figure
    assert row["period_start_key"] == 20210101 and row["period_end_key"] == 20210630


def test_indicator_from_dictionary_or_noun_phrase():
    rows = run("全区一般公共预算收入完成16.8亿元，增长6.1%。新开工重点项目38个。")
    assert [r["indicator_text"] for r in rows][:2] == ["一般公共预算收入", "一般公共预算收入"]
    assert rows[2]["indicator_text"] == "重点项目"


def test_region_is_the_subject_for_whole_area_words():
    rows = run("金水区召开经济工作会议。\n全区新增就业5000人，文化路街道新增就业800人。",
               headline="金水区召开经济工作会议")
    assert [r["region_name"] for r in rows] == ["金水区", "文化路街道"]


def test_region_a_figure_modifies():
    rows = run("新建1200平方米的文化路社区党群服务中心和800平方米的花园路社区服务站。文化路社区和花园路社区共建。",
               headline="金水区花园路街道")
    assert [r["region_name"] for r in rows] == ["文化路社区", "花园路社区"]


def test_output_schema_and_keys():
    fact = pl.DataFrame(run("全区新增就业5000人，新建学校3所。"))
    assert fact.height == 2
    docs = pl.DataFrame({"document_key": [1], "headline": ["x"], "published_on": [None]},
                        schema={"document_key": pl.Int64, "headline": pl.String, "published_on": pl.Date})
    sents = pl.DataFrame({"document_key": [1], "sentence_no": [1], "paragraph_no": [1], "span_start": [0],
                          "span_end": [11], "text": ["全区新增就业5000人。"]},
                         schema={"document_key": pl.Int64, "sentence_no": pl.Int32, "paragraph_no": pl.Int32,
                                 "span_start": pl.Int32, "span_end": pl.Int32, "text": pl.String})
    f, dim = extract_metrics(docs, sents, default_metric_rules())
    assert f.columns == [*SCHEMAS["fact_metric"], "region_name", "region_anaphor"]
    assert dict(f.schema) == {**SCHEMAS["fact_metric"], "region_name": pl.String, "region_anaphor": pl.String}
    assert dict(dim.schema) == SCHEMAS["dim_indicator"]
    assert set(f["indicator_key"]) <= set(dim["indicator_key"])
    assert dim.filter(pl.col("name") == "城镇新增就业")["category"].to_list() == ["employment"]


@pytest.mark.parametrize("text, value", [("一百二十", 120), ("两万", 20000), ("十一", 11), ("三点五", 3.5),
                                         ("一亿二千万", 120_000_000), ("五十万", 500_000), ("零", 0)])
def test_chinese_numbers(text, value):
    assert read_number(text) == value


def test_rule_errors_name_the_file_and_entry(tmp_path):
    source = (RULES_DIR / "metrics.toml").read_text(encoding="utf-8")
    bad = tmp_path / "metrics.toml"
    (tmp_path / "indicators.csv").write_text((RULES_DIR / "indicators.csv").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    bad.write_text(source.replace('measure = "level"', 'measure = "levle"', 1), encoding="utf-8")
    with pytest.raises(RuleError, match=r"metrics\.toml.*\[\[unit\]\] entry 1 \(元\).*levle"):
        load_metric_rules(bad)
    bad.write_text(source.replace("cue = '同比'", "cue = '同比('"), encoding="utf-8")
    with pytest.raises(RuleError, match=r"metrics\.toml.*\[\[comparison\]\] entry 1.*invalid regular"):
        load_metric_rules(bad)
    bad.write_text(source, encoding="utf-8")
    (tmp_path / "indicators.csv").write_text("name,aliases,category,base_unit\n甲,GDP,economy,CNY\n乙,GDP,x,CNY\n",
                                             encoding="utf-8")
    with pytest.raises(RuleError, match=r"indicators\.csv.*line 3.*GDP"):
        load_metric_rules(bad)


def test_user_extends_units(tmp_path):
    source = (RULES_DIR / "metrics.toml").read_text(encoding="utf-8")
    extra = '\n[[unit]]\nsurface = "标准箱"\nbase_unit = "teu"\nfactor = 1\nmeasure = "level"\nscalable = true\n'
    (tmp_path / "metrics.toml").write_text(source.replace("# Multipliers allowed", extra + "# Multipliers allowed"),
                                           encoding="utf-8")
    (tmp_path / "indicators.csv").write_text((RULES_DIR / "indicators.csv").read_text(encoding="utf-8"),
                                             encoding="utf-8")
    rules = load_metric_rules(tmp_path / "metrics.toml")
    assert {"标准箱", "万标准箱"} <= {u.surface for u in rules.units}
    assert run("港口完成集装箱吞吐量320万标准箱。") == []  # unknown to the default rules
    docs = pl.DataFrame({"document_key": [1], "headline": [""], "published_on": [None]},
                        schema={"document_key": pl.Int64, "headline": pl.String, "published_on": pl.Date})
    sents = pl.DataFrame({"document_key": [1], "sentence_no": [1], "paragraph_no": [1], "span_start": [0],
                          "span_end": [17], "text": ["港口完成集装箱吞吐量320万标准箱。"]},
                         schema={"document_key": pl.Int64, "sentence_no": pl.Int32, "paragraph_no": pl.Int32,
                                 "span_start": pl.Int32, "span_end": pl.Int32, "text": pl.String})
    fact, _ = extract_metrics(docs, sents, rules)
    assert fact.select("base_value", "base_unit").rows() == [(3_200_000.0, "teu")]


# ---- real documents through cleaning -----------------------------------------------------------------------

def _predicted(directory: Path) -> tuple[pl.DataFrame, dict[int, str], pl.DataFrame, pl.DataFrame]:
    stems = sorted(p.stem for p in directory.glob("*.txt"))
    texts = [normalise_text(detect_and_decode((directory / f"{s}.txt").read_bytes()).text)[0] for s in stems]
    frame = docs_frame(texts, [str(directory / f"{s}.txt") for s in stems])
    cleaned = clean_texts(texts, frame["source_uri"].to_list())
    fact, dim = extract_metrics(cleaned.documents, cleaned.sentences, default_metric_rules())
    stem_of = dict(zip(frame["document_key"], stems))
    return fact, stem_of, cleaned.documents, dim


def _as_predictions(fact: pl.DataFrame, stem_of: dict, documents: pl.DataFrame) -> pl.DataFrame:
    bodies = documents.select("document_key", "body")
    return (
        fact.join(bodies, on="document_key")
        .with_columns(doc=pl.col("document_key").replace_strict(stem_of),
                      text=pl.col("body").str.slice(pl.col("span_start"), pl.col("span_end") - pl.col("span_start")),
                      indicator=pl.col("indicator_text"), region=pl.col("region_name"))
        .select("doc", "text", "value", "base_value", "base_unit", "measure", "indicator", "region", "is_target",
                "span_start")
    )


@pytest.fixture(scope="module")
def sample_metrics():
    return _predicted(SAMPLE_DIR)


@pytest.fixture(scope="module")
def extra():
    return _predicted(EXTRA_DIR)


def test_every_span_is_the_number_with_its_unit(sample_metrics, extra):
    for fact, _, documents, _ in (sample_metrics, extra):
        bodies = dict(zip(documents["document_key"], documents["body"]))
        assert fact.height > 0
        for row in fact.iter_rows(named=True):
            surface = bodies[row["document_key"]][row["span_start"]:row["span_end"]]
            assert surface and re.search(r"[\d零〇一二两三四五六七八九十百千万亿]", surface), row
            assert row["unit"] is None or surface.endswith(row["unit"]) or surface.endswith("%") or \
                surface.startswith("百分之"), (surface, row["unit"])


def test_sample_gold_scores(sample_metrics):
    fact, stem_of, documents, _ = sample_metrics
    scores = score_metrics(load_gold(GOLD_DIR), _as_predictions(fact, stem_of, documents))
    summary = {k: v for k, v in scores.items() if k != "errors"}
    assert scores["f1"] >= 0.98, (summary, scores["errors"])
    assert scores["is_target_accuracy"] >= 0.95, summary
    assert scores["region_accuracy"] >= 0.90, summary


def test_extra_articles_scores(extra):
    fact, stem_of, documents, _ = extra
    gold = load_gold(EXTRA_DIR)
    assert len(gold) >= 10
    scores = score_metrics(gold, _as_predictions(fact, stem_of, documents))
    summary = {k: v for k, v in scores.items() if k != "errors"}
    print(summary)
    assert scores["f1"] >= 0.90, (summary, [e for e in scores["errors"] if e["kind"] in ("missed", "spurious")])
    assert scores["is_target_accuracy"] >= 0.85, summary
    assert scores["region_accuracy"] >= 0.80, summary



@pytest.mark.parametrize("body, target", [
    ("新谋划重点项目86个，总投资320亿元。", [False, False]),
    ("争取上级转移支付资金12.5亿元。", [False]),
    ("争取年底前建成保障性住房600套。", [True]),
    ("拜访目标企业42家。", [False]),
    ("8个拟建项目已全部开工。", [False]),
    ("园区总规划面积约12平方公里。", [False]),
    ("全区完成年度计划投资的86%。", [False]),
    ("年度计划投资9亿元。", [True]),
    ("主要预期目标是：地区生产总值增长7%；规上工业增加值增长8%。", [True, True]),
    # a share of a plan is a result, and no cue for the figures beside it
    ("其中，12个市重点项目累计完成投资36.5亿元，占年度计划投资的88.2%，超序时进度13.2个百分点。",
     [False, False, False, False]),
    ("全镇15个村已完成改造，完成年度投资计划的92%。", [False, False]),
    ("2025年（预测），全镇生产总值为8.6亿元。", [True]),
    # a cue reaches the items of a list from its first item, not from another item with its own subject
    ("力争全年地区生产总值增长7%；财政收入增长6%；新增城镇就业1.2万人。", [True, True, True]),
    ("机场已开通国际货运航线49条；陆港将建成集结中心；跨境车辆数占全国的70%以上。", [False, False]),
])
def test_target_cues_and_their_reach(body, target):
    assert [r["is_target"] for r in run(body)] == target


@pytest.mark.parametrize("body,target", [
    # results reported first, a new goal after them: the goal's cue does not reach back
    ("截至目前，全县已有公办学校12所，在校生3000人，力争明年再建2所。", [False, False, True]),
    ("截至目前，全县已有公办学校12所，在校生3000人，力争办成一流教育。", [False, False]),
    # without a result cue before them, a later cue still governs the figures of its sentence
    ("新开工项目16个，总投资40亿元，年度计划投资12亿元。", [True, True, True]),
])
def test_a_later_cue_does_not_reach_back_over_reported_results(body, target):
    assert [r["is_target"] for r in run(body)] == target


def test_a_paragraph_headed_as_a_forecast_holds_forecasts():
    body = "2025年（预计），全镇生产总值为8.6亿元。财政收入620万元。农民人均纯收入4100元。\n2024年，全镇财政收入580万元。"
    assert [r["is_target"] for r in run(body)] == [True, True, True, False]
