"""Every form of issue 15's numbers table through the metric extractor, each with its Traditional-script twin.

Sentences are invented. Each case: sentence, the span's text, (base_value, base_value_high), base_unit, measure."""

from __future__ import annotations

import opencc
import polars as pl
import pytest

from tests.transforms.test_extract_metrics import one, run
from transforms.extract.metric_rules import default_metric_rules
from transforms.extract.metrics import extract_metrics
from transforms.extract.script import to_simplified

_S2T = opencc.OpenCC("s2t")

CASES = [
    # decimals with 点
    ("该项目总投资三点五亿元。", "三点五亿元", (350_000_000, None), "CNY", "level"),
    ("企业获得一点五万美元订单。", "一点五万美元", (15_000, None), "USD", "level"),
    ("每户补贴三十四点五二一元。", "三十四点五二一元", (34.521, None), "CNY", "level"),
    ("全市粮食产量达到六点八万吨。", "六点八万吨", (68_000, None), "t", "level"),
    # 零 inside a numeral
    ("全县共有党员一千零十名。", "一千零十名", (1010, None), "person", "count"),
    ("景区接待游客十万零十人次。", "十万零十人次", (100_010, None), "person", "count"),
    ("街道新栽树木一百零二棵。", "一百零二棵", (102, None), "item", "count"),
    # colloquial elision
    ("该村集体收入三万五元。", "三万五元", (35_000, None), "CNY", "level"),
    ("社区服务老人一百二人。", "一百二人", (120, None), "person", "count"),
    ("园区吸纳就业两千六人。", "两千六人", (2600, None), "person", "count"),
    ("合作社年产蔬菜四万八吨。", "四万八吨", (48_000, None), "t", "level"),
    # ranges
    ("每个项目奖励一百二十到一百五十万元。", "一百二十到一百五十万元", (1_200_000, 1_500_000), "CNY", "level"),
    ("对新建企业补贴两到三万元。", "两到三万元", (20_000, 30_000), "CNY", "level"),
    ("奖励标准为1万-5万元。", "1万-5万元", (10_000, 50_000), "CNY", "level"),
    ("每人资助8500到3万元。", "8500到3万元", (8500, 30_000), "CNY", "level"),
    ("每年培训200至300人。", "200至300人", (200, 300), "person", "count"),
    # adjacent approximations
    ("每年处理垃圾三四万吨。", "三四万吨", (30_000, 40_000), "t", "level"),
    ("设备进口价八九千美元。", "八九千美元", (8000, 9000), "USD", "level"),
    ("每场活动吸引五六百人。", "五六百人", (500, 600), "person", "count"),
    # thousands separators
    ("本月收到捐款82,225.00元。", "82,225.00元", (82_225, None), "CNY", "level"),
    ("专项资金余额601,293.11元。", "601,293.11元", (601_293.11, None), "CNY", "level"),
    # 元角分
    ("人均缴费123元1角1分。", "123元1角1分", (123.11, None), "CNY", "level"),
    ("每份午餐补贴十二元五角。", "十二元五角", (12.5, None), "CNY", "level"),
    # sign
    ("全区工业用电量同比下降0.2%。", "0.2%", (-0.2, None), "pct", "growth_pct"),
    ("进出口总额下降-3.8%。", "-3.8%", (-3.8, None), "pct", "growth_pct"),
    ("货运量增速回落1.5个百分点。", "1.5个百分点", (-1.5, None), "pct_point", "change"),
    ("该指标比全省低0.6个百分点。", "0.6个百分点", (-0.6, None), "pct_point", "change"),
    ("利润增速为负百分之十三。", "负百分之十三", (-13, None), "pct", "growth_pct"),
    ("亏损面为-2.5%。", "-2.5%", (-2.5, None), "pct", "share_pct"),
    # Chinese percentages
    ("社区卫生服务覆盖率提高百分之二点五。", "百分之二点五", (2.5, None), "pct", "growth_pct"),
    ("百分之百的行政村通了客车。", "百分之百", (100, None), "pct", "share_pct"),
    # other currencies
    ("游客人均消费港币两千九百六十元。", "两千九百六十元", (2960, None), "HKD", "level"),
    ("引进外资三万欧元。", "三万欧元", (30_000, None), "EUR", "level"),
    ("采购设备花费9000元日币。", "9000元", (9000, None), "JPY", "level"),
    ("对外投资5.6亿美元。", "5.6亿美元", (560_000_000, None), "USD", "level"),
    ("签约金额2.3亿港元。", "2.3亿港元", (230_000_000, None), "HKD", "level"),
    # colloquial money
    ("老人每月领到九千块钱。", "九千块钱", (9000, None), "CNY", "level"),
    # precision of the source
    ("全区地区生产总值162.3亿元。", "162.3亿元", (16_230_000_000, None), "CNY", "level"),
    # tenths
    ("受访群众中六成以上表示满意度提高。", "六成", (60, None), "pct", "share_pct"),
]


def _check(row: dict, text: str, values: tuple, base_unit: str, measure: str) -> None:
    assert (row["text"], row["base_unit"], row["measure"]) == (text, base_unit, measure)
    low, high = values
    assert row["base_value"] == pytest.approx(low, rel=1e-12, abs=1e-9)
    assert row["base_value_high"] == (None if high is None else pytest.approx(high, rel=1e-12))


@pytest.mark.parametrize("body, text, values, base_unit, measure", CASES, ids=[c[1] for c in CASES])
def test_issue_table_forms(body, text, values, base_unit, measure):
    _check(one(body), text, values, base_unit, measure)


@pytest.mark.parametrize("body, text, values, base_unit, measure", CASES, ids=[c[1] for c in CASES])
def test_issue_table_forms_in_traditional_script(body, text, values, base_unit, measure):
    body_t, text_t = _S2T.convert(body), _S2T.convert(text)
    assert len(body_t) == len(body)
    _check(one(body_t), text_t, values, base_unit, measure)


@pytest.mark.parametrize("body, expected", [
    ("全區新簽約項目89億元，其中15個已開工，年產10萬噸，佔地139畝。",
     [("89億元", 8_900_000_000, "CNY"), ("15個", 15, "item"), ("10萬噸", 100_000, "t"),
      ("139畝", 92_666.6667, "m2")]),
    ("預計全年接待遊客兩百萬人次。", [("兩百萬人次", 2_000_000, "person")]),
])
def test_traditional_pages(body, expected):
    rows = run(body)
    assert [(r["text"], r["base_unit"]) for r in rows] == [(t, u) for t, _, u in expected]
    assert [r["base_value"] for r in rows] == [pytest.approx(v) for _, v, _ in expected]


def test_traditional_targets_are_read_with_simplified_cues():
    assert one("預計全年完成投資12億元。")["is_target"] is True


def test_value_and_value_high_are_in_the_units_terms():
    row = one("每个项目奖励两到三万元。")
    assert (row["value"], row["value_high"], row["unit"]) == (20_000, 30_000, "元")
    row = one("奖励标准为1万-5万元。")
    assert (row["value"], row["value_high"], row["unit"]) == (1, 5, "万元")
    row = one("全区新增就业5000人。")
    assert row["value_high"] is None and row["base_value_high"] is None


@pytest.mark.parametrize("body", [
    "每个项目奖励一千十元。",          # 1010 or 1100: not read
    "补贴标准为8000到1亿元。",          # 8000 or 8000万
    "辖区共有三五家企业。",             # not a number (三五 is an approximation only before 十/百/千/万/亿)
    "经济总量连续迈上四个千亿台阶。",   # 台阶 is not machines
    "全市投资一万五百元。",
])
def test_uncertain_forms_are_left_out(body):
    assert [r["text"] for r in run(body) if "千亿" in r["text"] or r["base_unit"] == "CNY"
            or r["text"].startswith("三五")] == []


def test_bare_magnitudes():
    assert one("全市地区生产总值突破万亿元。")["base_value"] == 1e12
    assert one("常住人口突破千万人。")["base_value"] == 1e7


@pytest.mark.parametrize("body, text, unit, base_value, base_unit", [
    # a bare magnitude takes the unit its words imply
    ("全县常住人口近45万。", "45万", "万", 450_000, "person"),
    ("景区年接待游客突破120万。", "120万", "万", 1_200_000, "person"),
    ("该项目计划投资约18亿。", "18亿", "亿", 1_800_000_000, "CNY"),
    ("园区工业总产值达到2.6亿。", "2.6亿", "亿", 260_000_000, "CNY"),
    # counted things
    ("吸纳就业1.2万余人。", "1.2万余人", "万人", 12_000, "person"),
    ("全年手机产量3.6亿部。", "3.6亿部", "亿部", 360_000_000, "item"),
    ("跨境电商进口完成86.5万单。", "86.5万单", "万单", 865_000, "item"),
    ("车站每天发送旅客列车96列。", "96列", "列", 96, "item"),
])
def test_units_written_and_implied(body, text, unit, base_value, base_unit):
    row = one(body)
    assert (row["text"], row["unit"], row["base_unit"]) == (text, unit, base_unit)
    assert row["base_value"] == pytest.approx(base_value)


@pytest.mark.parametrize("body", ["2022年全市有15万。", "目标是打造30亿。", "编号为12万。"])
def test_a_bare_magnitude_without_a_cue_is_left_out(body):
    assert run(body) == []


def test_numbers_listed_before_one_unit_share_it():
    body = "增速分别比全省高2.5、3.1、0.8个百分点。"
    rows = run(body)
    assert [(r["text"], r["base_value"], r["base_unit"]) for r in rows] == [
        ("2.5", 2.5, "pct_point"), ("3.1", 3.1, "pct_point"), ("0.8个百分点", 0.8, "pct_point")]
    assert [body[r["span_start"]:r["span_end"]] for r in rows] == ["2.5", "3.1", "0.8个百分点"]


def test_first_place_is_a_rank():
    row = one("一般公共预算收入增速居全市首位。")
    assert (row["text"], row["measure"], row["base_value"]) == ("首位", "rank", 1)


def test_session_ordinals_before_all_sessions_are_not_counts():
    assert run("学习贯彻党的二十届历次全会精神。") == []


@pytest.mark.parametrize("body, text, low, high, base_unit", [
    ("增速保持在6%-8%之间。", "6%-8%", 6, 8, "pct"),
    ("增速目标为5%至7%。", "5%至7%", 5, 7, "pct"),
    ("每户补贴3—5万元。", "3—5万元", 30_000, 50_000, "CNY"),
    ("项目为期10~12个月。", "10~12个月", 10, 12, "month"),
])
def test_more_range_forms(body, text, low, high, base_unit):
    row = one(body)
    assert (row["text"], row["base_value"], row["base_value_high"], row["base_unit"]) == (text, low, high, base_unit)


def test_a_minus_after_a_unit_is_not_a_sign():
    assert [r["base_value"] for r in run("门票价格为30元-50元。")] == [30]


@pytest.mark.parametrize("body", ["志愿者来自五湖四海。", "消息传遍四面八方。", "为实现两个一百年目标奋斗。",
                                  "学习贯彻二十届四中全会精神。"])
def test_numerals_followed_by_numerals_are_idioms_or_ordinals(body):
    assert run(body) == []


@pytest.mark.parametrize("body, text, base_value, base_unit", [
    ("人口出生率为千分之五点二。", "千分之五点二", 5.2, "permille"),   # per mille, as the gold guide has it
    ("自然增长率为3.5‰。", "3.5‰", 3.5, "permille"),
    ("绿化覆盖率达到百分之45。", "百分之45", 45, "pct"),
    ("失业率仅占百分之一。", "百分之一", 1, "pct"),
])
def test_per_mille_and_mixed_percentages(body, text, base_value, base_unit):
    row = one(body)
    assert (row["text"], row["base_unit"]) == (text, base_unit)
    assert row["base_value"] == pytest.approx(base_value)


def test_a_full_width_comma_separates_thousands_only_where_no_list_is_meant():
    assert [(r["text"], r["base_value"]) for r in run("本月收到捐款82，225.00元。")] == [("82，225.00元", 82225.0)]
    assert [r["base_value"] for r in run("全年接待游客1，234，567人次。")] == [1234567]
    assert [r["base_value"] for r in run("补贴分别为12，34元。")] == [34]
    assert run("本月收到捐款82，225元。") == []   # 82225 or a list ending in 225: left out


@pytest.mark.parametrize("body, text, value", [
    ("全村共有一百十一户参加合作社。", "一百十一户", 111),
    ("新建停车位三百十个。", "三百十个", 310),
    ("全镇建成一千一十户。", "一千一十户", 1010),     # 零 left out, the 十's digit places it
    ("全年接待一千五十人次。", "一千五十人次", 1050),
    ("同比增长23 %。", "23 %", 23),
])
def test_colloquial_forms_peers_write(body, text, value):
    row = one(body)
    assert (row["text"], row["base_value"]) == (text, value)


def test_three_five_hundred_is_an_approximation():
    row = one("每户每月可增收三五百元。")
    assert (row["text"], row["value"], row["value_high"]) == ("三五百元", 300, 500)


def test_a_difference_from_a_base_is_a_change_with_its_sign():
    rows = run("新增就业岗位6007个，比上年减少587个；财政收入较上年增加1.01亿元。")
    assert [(r["base_value"], r["measure"]) for r in rows] == [(6007, "count"), (-587, "change"),
                                                              (101_000_000, "change")]


@pytest.mark.parametrize("body", [
    "三次产业结构调整为8.3:71.1:20.6。",   # the three sectors, not three times
    "这两块地每年租给合作社。",            # pointing back at things counted before
    "全省第二期项目集中开工。",            # a phase, not a rank
    "推动全市进入全省第一方阵。",          # a tier
    "全市常住人口一亿两千三百人。",        # 100 002 300 or 123 000 000: not read, nor its tail as 2300
])
def test_words_that_look_like_figures(body):
    assert run(body) == []


@pytest.mark.parametrize("body, values", [
    ("城乡居民人均可支配收入分别增长5.1%、6.3%。", [5.1, 6.3]),
    ("两项收入分别增长11.2%和9.8%。", [11.2, 9.8]),
    ("出口和进口分别下降2.4%、1.7%。", [-2.4, -1.7]),
    ("五年来年均增长率达到8%。", [8]),
])
def test_listed_growth_figures_share_their_cue(body, values):
    rows = [r for r in run(body) if r["base_unit"] == "pct"]
    assert [(r["measure"], r["base_value"]) for r in rows] == [("growth_pct", v) for v in values]


def test_listed_changes_share_a_fall():
    rows = run("增速分别比全省低0.4、1.2个百分点。")
    assert [r["base_value"] for r in rows] == [-0.4, -1.2]


@pytest.mark.parametrize("body", ["街道组织了数十场宣讲。", "几十名志愿者参加了活动。", "景区接待了数万游客。",
                                  "上百家企业参展。"])
def test_vague_quantities_are_not_numbers(body):
    assert run(body) == []


@pytest.mark.parametrize("body, base_value", [
    ("全区地区生产总值162.3亿元。", 16_230_000_000.0),   # 162.3 * 1e8 is 16230000000.000002 in floats
    ("新增贷款0.07亿元。", 7_000_000.0),
    ("实际利用外资1.13亿美元。", 113_000_000.0),
    ("社会消费品零售总额增长到2.51万亿元。", 2_510_000_000_000.0),
])
def test_base_values_carry_no_float_noise(body, base_value):
    assert one(body)["base_value"] == base_value   # exact


@pytest.mark.parametrize("body, text, base_value", [
    ("沿街植樹1.2萬顆。", "1.2萬顆", 12_000),
    ("新装路灯300盏。", "300盏", 300),
    ("养殖场存栏肉牛2000头。", "2000头", 2000),
    ("港区新增货运航线执飞飞机5架。", "5架", 5),
    ("开行中欧班列120趟。", "120趟", 120),
])
def test_measure_words_for_counted_things(body, text, base_value):
    row = one(body)
    assert (row["text"], row["base_unit"], row["base_value"]) == (text, "item", base_value)


def test_a_count_of_animals_keeps_its_noun():
    assert one("全村共养殖2000头牛。")["base_value"] == 2000


@pytest.mark.parametrize("body", [_S2T.convert(c[0]) for c in CASES], ids=[c[1] for c in CASES])
def test_traditional_sentences_read_through_the_callers_match_text(body):
    """extract() hands metrics the sentences' match_text (OpenCC, converted once for every step): the figures
    are those metrics reads in its own one-character view."""
    docs = pl.DataFrame({"document_key": [1], "headline": [""], "published_on": [None]},
                        schema={"document_key": pl.Int64, "headline": pl.String, "published_on": pl.Date})
    sents = pl.DataFrame({"document_key": [1], "sentence_no": [1], "paragraph_no": [1], "span_start": [0],
                          "span_end": [len(body)], "text": [body]},
                         schema={"document_key": pl.Int64, "sentence_no": pl.Int32, "paragraph_no": pl.Int32,
                                 "span_start": pl.Int32, "span_end": pl.Int32, "text": pl.String})
    own, _ = extract_metrics(docs, sents, default_metric_rules())
    given, _ = extract_metrics(docs, sents.with_columns(to_simplified(sents["text"]).alias("match_text")),
                               default_metric_rules())
    assert given.height == 1
    assert given.equals(own)
