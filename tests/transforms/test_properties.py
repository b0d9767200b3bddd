"""Property tests for decoding, cleaning, sentences and metric extraction (hypothesis).

The strategies build article-like texts from Chinese words, ASCII and full-width punctuation, digits, spaces
and newlines, mixed with lines the cleaner is meant to remove (page chrome, bylines, source and date lines)
and with arbitrary Unicode lines."""

from __future__ import annotations

import re
from collections import Counter

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import clean_texts
from transforms.decode import detect_and_decode, normalise_text
from transforms.extract.metric_rules import default_metric_rules
from transforms.extract.metrics import extract_metrics

# derandomized: CI runs the same examples every time (a new counterexample is found locally, not by a CI run)
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

WORDS = (
    "金水区", "街道", "社区", "居民", "召开", "会议", "推进", "项目", "建设", "工作", "群众", "服务", "发展",
    "经济", "全年", "完成", "投资", "亿元", "同比", "增长", "要求", "各部门", "落实", "责任", "确保", "安全",
    "生产", "老旧小区", "改造", "民生", "企业", "就业", "岗位", "志愿者", "活动", "垃圾分类", "防汛", "环境",
    "整治", "党建", "引领", "基层", "治理", "区委书记", "区长", "主持", "讲话", "指出", "强调", "一季度",
    "上半年", "地区生产总值", "税收", "面积", "公里", "平方米", "中原区", "林山寨", "管委会", "人民政府",
    "的", "了", "和", "在", "是", "为", "将", "把", "对", "等",
)
PUNCT = ("，", "。", "、", "；", "：", "？", "！", "“", "”", "（", "）", "《", "》", "……", "——",
         ",", ".", ";", ":", "?", "!", "(", ")", "-", "/", "%", "*", "**", "#", "|")
CHROME = (
    "上一版", "下一版", "上一版 下一版", "第03版：要闻 上一版 下一版", "版权所有 郑州日报社", "Copyright © 2020",
    "来源：郑州日报", "来源:大河网", "2020-11-18 10:03:42", "2021年3月5日", "发布时间：2019-07-01", "分享到：",
    "扫一扫", "打印本页 关闭窗口", "责任编辑：李四", "（编辑 王五）", "返回首页", "当前位置：首页 > 新闻",
    "2020111813_brief.jpg", "| --- | --- |", "点击数：123", "编者按", "系列报道之一", "专题报道",
)
BYLINES = (
    "记者 张三", "记者 张改华 文/图", "通讯员 郭佳星/文", "胡源浩/图", "本报记者 李明 通讯员 王芳",
    "记者：赵六", "实习生 陈七 摄影 刘八", "欧阳·娜娜/文",
)
FULLWIDTH_DIGITS = "０１２３４５６７８９"


def word() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(PUNCT),
        st.integers(0, 99999).map(str),
        st.decimals(0, 1000, places=2, allow_nan=False, allow_infinity=False).map(str),
        st.text(FULLWIDTH_DIGITS, min_size=1, max_size=4),
        st.sampled_from((" ", "  ", "\u3000", "\u00a0", "\t")),
        st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=3),
        st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), min_size=1, max_size=3),
    )


prose_line = st.lists(word(), min_size=1, max_size=30).map("".join)
sentence_line = st.tuples(prose_line, st.sampled_from("。！？；…")).map("".join)
byline_line = st.one_of(
    st.sampled_from(BYLINES),
    st.tuples(sentence_line, st.sampled_from(BYLINES)).map(lambda t: f"{t[0]}{t[1]}"),
    st.tuples(st.sampled_from(BYLINES), sentence_line).map(lambda t: f"本报讯（{t[0]}）{t[1]}"),
)
any_line = st.one_of(
    prose_line, sentence_line, sentence_line, st.sampled_from(CHROME), byline_line, st.just(""),
    st.text(max_size=40).map(lambda s: s.replace("\n", " ")),
)
document = st.lists(any_line, min_size=0, max_size=14).map("\n".join)


def han(text: str | None) -> Counter:
    return Counter(_HAN.findall(text or ""))


def cleaned_text(doc: dict) -> str:
    """A cleaned document written out again: kicker, headline, subheadline (those present), then the body.

    (The brief's headline + "\n" + body is not a fixed point by design: dropping the subheadline lets the
    body's first paragraph, when it is a title-like heading, move up into the free subheadline slot.)"""
    head = [doc[part] for part in ("kicker", "headline", "subheadline") if doc[part] is not None]
    return "\n".join([*head, doc["body"]])


# 1. Nothing raises ---------------------------------------------------------------------------------------

@PROPERTY
@given(st.one_of(st.text(), document))
def test_cleaning_never_raises(text):
    cleaned = clean_texts([text])
    assert cleaned.documents.height == 1


@PROPERTY
@given(st.one_of(
    st.binary(max_size=2000),
    document.map(lambda s: s.encode("utf-8")),
    document.flatmap(lambda s: st.sampled_from(("gb18030", "utf-16", "utf-8-sig", "big5")).map(
        lambda enc: s.encode(enc, errors="replace"))),
    st.tuples(document, st.binary(max_size=8)).map(lambda t: t[0].encode("utf-8") + t[1]),
))
def test_decoding_never_raises_on_any_bytes(raw):
    decoded = detect_and_decode(raw)
    assert (decoded.text is None) == (decoded.reason is not None)
    if decoded.text is not None:
        text, fixes = normalise_text(decoded.text)
        assert "\x00" not in text and "\r" not in text
        assert set(fixes) <= {"html", "mojibake", "nul", "newline"}


# 2. Idempotence ------------------------------------------------------------------------------------------

title_line = st.lists(st.sampled_from(WORDS[:60]), min_size=1, max_size=6).map("".join)
tidy_document = st.lists(
    st.one_of(sentence_line, sentence_line, title_line, st.sampled_from(CHROME), byline_line, st.just(""), any_line),
    min_size=0, max_size=12,
).map("\n".join)


def _outside_known_limits(cleaned) -> bool:
    """False for the two shapes known not to be fixed points (see the xfail tests below)."""
    if (cleaned.cleaning["action"] == "join").any():
        return False
    lines = cleaned.lines.sort("line_no")
    head = lines.filter(pl.col("part").is_in(["headline", "subheadline"]))["line_no"].max()
    body = lines.filter(pl.col("part") == "body")["line_no"].min()
    if head is None or body is None:
        return True
    between = lines.filter((pl.col("line_no") > head) & (pl.col("line_no") < body) & (pl.col("text") != ""))
    return between.is_empty()


@PROPERTY
@given(tidy_document)
def test_cleaning_is_idempotent(text):
    cleaned = clean_texts([text])
    assume(_outside_known_limits(cleaned))
    first = cleaned.documents.row(0, named=True)
    again = clean_texts([cleaned_text(first)]).documents.row(0, named=True)
    parts = ("kicker", "headline", "subheadline", "body")
    assert {p: again[p] for p in parts} == {p: first[p] for p in parts}


def _reclean(text: str) -> tuple[dict, dict]:
    first = clean_texts([text]).documents.row(0, named=True)
    return first, clean_texts([cleaned_text(first)]).documents.row(0, named=True)


@pytest.mark.xfail(strict=True, reason="known limit: headings are found on print lines, the body holds joined "
                   "paragraphs; a short first paragraph joined from a broken line reads as a headline next time")
def test_idempotence_limit_joined_first_paragraph():
    first, again = _reclean("区委召开常委会议，\n研究部署下半年重点工作")
    assert again["headline"] == first["headline"]


@pytest.mark.xfail(strict=True, reason="known limit: a subheadline must be the next non-blank line after the "
                   "headline, counting dropped ones; once a byline between them is gone, a body heading moves up")
def test_idempotence_limit_heading_after_dropped_byline():
    first, again = _reclean("金水区召开会议\n记者 张三\n三项重点工作\n会议要求，各部门要落实责任。")
    assert again["subheadline"] == first["subheadline"]


# 3. No Chinese character lost unless its line was dropped or moved ---------------------------------------

@PROPERTY
@given(document)
def test_no_chinese_character_is_lost(text):
    cleaned = clean_texts([text])
    doc = cleaned.documents.row(0, named=True)
    log = cleaned.cleaning.filter(
        pl.col("action").is_in(["drop", "move"]) | ((pl.col("action") == "rewrite") & (pl.col("reason") == "byline"))
    )
    accounted_lines = set(log["line_no"].to_list())
    out = han(doc["body"]) + han(doc["headline"]) + han(doc["subheadline"]) + han(doc["kicker"])
    for raw in log["raw_text"].to_list():
        out += han(raw)
    for line_no, line in enumerate(text.split("\n"), 1):
        if line_no in accounted_lines:
            continue
        missing = han(line) - out
        assert not missing, f"line {line_no} {line!r} lost {sorted(missing.elements())}"
    assert not han(text) - out


# 4. Sentence spans index the body --------------------------------------------------------------------------

@PROPERTY
@given(document)
def test_sentence_spans_index_the_body_in_order(text):
    cleaned = clean_texts([text])
    body = cleaned.documents["body"][0]
    sentences = cleaned.sentences.sort("sentence_no").to_dicts()
    assert [s["sentence_no"] for s in sentences] == list(range(1, len(sentences) + 1))
    previous_end = 0
    for s in sentences:
        assert body[s["span_start"]:s["span_end"]] == s["text"]
        assert s["text"] and s["text"] == s["text"].strip()
        assert previous_end <= s["span_start"] < s["span_end"]
        previous_end = s["span_end"]


# 5. Metric spans and values ----------------------------------------------------------------------------------

UNITS = ("亿元", "万元", "元", "%", "个", "平方米", "亩", "人", "户", "条")
PREFIXES = ("全区完成固定资产投资", "今年以来新增就业", "全年实现税收", "同比增长", "改造老旧小区", "新建停车场",
            "完成植树造林", "帮扶困难群众", "新增市场主体", "新修农村道路", "辖区面积", "")
SUFFIXES = ("。", "，同比增长明显。", "以上。", "，超额完成全年目标。", "，", "")

number = st.one_of(
    st.integers(0, 10**7).map(str),
    st.tuples(st.integers(0, 99999), st.integers(0, 999)).map(lambda t: f"{t[0]}.{t[1]}"),
)
metric_sentence = st.tuples(st.sampled_from(PREFIXES), number, st.sampled_from(UNITS),
                            st.sampled_from(SUFFIXES)).map("".join)
metric_document = st.tuples(
    st.sampled_from(("金水区经济运行情况通报", "中原区民生实事进展", "")),
    st.lists(st.lists(st.one_of(metric_sentence, metric_sentence, sentence_line), min_size=1, max_size=5)
             .map("".join), min_size=1, max_size=4),
).map(lambda t: "\n".join([t[0], *t[1]]))


@PROPERTY
@given(metric_document)
def test_metric_spans_index_the_body_and_parse_back(text):
    cleaned = clean_texts([text])
    body = cleaned.documents["body"][0]
    facts, _ = extract_metrics(cleaned.documents, cleaned.sentences, default_metric_rules())
    sentences = {s["sentence_no"]: s for s in cleaned.sentences.to_dicts()}
    for m in facts.to_dicts():
        surface = body[m["span_start"]:m["span_end"]]
        sentence = sentences[m["sentence_no"]]
        assert sentence["span_start"] <= m["span_start"] < m["span_end"] <= sentence["span_end"]
        assert surface, m
        if m["unit"]:
            assert surface.endswith(m["unit"]), (surface, m["unit"])
        arabic = re.search(r"\d+(?:\.\d+)?", surface)
        if arabic and re.match(r"\d", surface):
            assert float(arabic.group()) == m["value"], (surface, m["value"])


@settings(PROPERTY, max_examples=100)
@given(st.sampled_from(PREFIXES), number, st.sampled_from(UNITS))
def test_a_plain_metric_sentence_yields_its_number(prefix, num, unit):
    """Positive control for property 5: a simple figure is found, with exactly its surface and value."""
    text = f"金水区工作通报\n{prefix}{num}{unit}。"
    cleaned = clean_texts([text])
    body = cleaned.documents["body"][0]
    facts, _ = extract_metrics(cleaned.documents, cleaned.sentences, default_metric_rules())
    found = {(body[m["span_start"]:m["span_end"]], m["value"]) for m in facts.to_dicts()}
    if (num + unit, float(num)) not in found:
        # Context rules may exclude a figure (e.g. 0 元), but never mis-read it.
        assert all(s != num + unit for s, _ in found), found
