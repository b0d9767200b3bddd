"""Indicators: canonical names or clean noun phrases, never fragments. Invented sentences, the bundled sample
and bench's synthetic corpus (bench/make_corpus.py)."""

from __future__ import annotations

import pytest

from bench.make_corpus import make_corpus
from tests.conftest import SAMPLE_DIR, clean_texts
from tests.transforms.test_extract_metrics import run
from transforms.extract.indicators import default_indicator_words
from transforms.extract.metric_rules import default_metric_rules
from transforms.extract.metrics import extract_metrics
from transforms.extract.terms import segmenter

# Words an indicator never starts or ends with (conjunctions, particles, prepositions, linking verbs).
FUNCTION_WORDS = {"和", "及", "与", "或", "的", "等", "中", "了", "在", "对", "把", "被", "为", "是", "有", "获得", "完成",
                  "实现", "达到", "其中", "共", "累计", "全区", "全市", "将", "要", "已"}


def problem(indicator: str, sentence: str, canonical: set[str], figures: tuple[tuple[int, int], ...] = ()
            ) -> str | None:
    """Why `indicator`, read from `sentence`, is neither canonical nor a clean noun phrase (None: it is).
    The sentence is segmented in pieces between its figures (a figure's ends are word boundaries)."""
    if indicator in canonical:
        return None
    cuts = sorted({0, len(sentence), *(c for span in figures for c in span)})
    bounds = set(cuts)
    for a, b in zip(cuts, cuts[1:]):
        at = a
        for word, _ in segmenter().tag(sentence[a:b], True):
            at += len(word)
            bounds.add(at)
    starts = [i for i in range(len(sentence)) if sentence.startswith(indicator, i)]
    whole = [i for i in starts if i in bounds and i + len(indicator) in bounds]
    if not whole:
        return "cut mid-word"
    own = segmenter().tag(indicator, True)
    if own[0][0] in FUNCTION_WORDS or own[-1][0] in FUNCTION_WORDS:
        return "starts or ends with a function word"
    last_word, last_tag = own[-1]
    if not (last_tag.startswith("n") or last_tag in {"vn", "j"} or last_word in default_indicator_words().nouns):
        return f"ends in {last_word}/{last_tag}, not a noun"
    return None


def indicators_of(texts: list[str]) -> list[tuple[str, str, tuple[tuple[int, int], ...]]]:
    """(indicator, its sentence, the sentence's figure spans) for every figure with an indicator."""
    cleaned = clean_texts(texts)
    fact, dim = extract_metrics(cleaned.documents, cleaned.sentences, default_metric_rules())
    names = dict(zip(dim["indicator_key"], dim["name"]))
    sentences = {(d, s): (t, a) for d, s, t, a in
                 cleaned.sentences.select("document_key", "sentence_no", "text", "span_start").iter_rows()}
    spans: dict[tuple, list] = {}
    for d, s, a, b in fact.select("document_key", "sentence_no", "span_start", "span_end").iter_rows():
        offset = sentences[(d, s)][1]
        spans.setdefault((d, s), []).append((a - offset, b - offset))
    return sorted({(names[k], sentences[(d, s)][0], tuple(spans[(d, s)])) for k, d, s in
                   fact.select("indicator_key", "document_key", "sentence_no").iter_rows() if k in names})


@pytest.fixture(scope="module")
def canonical() -> set[str]:
    return {ind.name for ind in default_metric_rules().indicators}


def test_sample_and_synthetic_indicators_are_canonical_or_clean_noun_phrases(tmp_path, canonical):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE_DIR.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in make_corpus(30, tmp_path / "bench", noise=0)]
    found = indicators_of(texts)
    assert len({name for name, _, _ in found}) >= 20
    bad = {name: why for name, sentence, figures in found if (why := problem(name, sentence, canonical, figures))}
    assert not bad, bad


@pytest.mark.parametrize("indicator, sentence", [
    ("程管理系统项目库", "纳入工程管理系统项目库的项目94个。"),
    ("区党群服务中心和", "建成区党群服务中心和社区服务站3个。"),
    ("获得", "其中获得国家级荣誉9项。"),
    ("党员主动", "600名党员主动报到。"),
])
def test_the_oracle_rejects_fragments(indicator, sentence, canonical):
    assert problem(indicator, sentence, canonical)


@pytest.mark.parametrize("body, indicator", [
    ("纳入工程管理系统项目库的项目94个。", "项目"),
    ("全区建成区党群服务中心和社区服务站3个。", "社区服务站"),
    ("其中获得国家级荣誉9项。", "国家级荣誉"),
    ("通知发出当天，600名党员主动报到。", "党员"),
    ("目前安置房项目有3个。", "安置房项目"),
    ("2021年新签约项目34个。", "新签约项目"),
    ("全县规上工业增加值增长6.8%。", "规模以上工业增加值"),
    ("全年财政一般预算收入增长6.4%。", "一般公共预算收入"),
    ("实际使用外资2100万美元。", "实际利用外资"),
    ("城镇新增就业1.2万人。", "城镇新增就业"),
    ("外贸进出口总值达到80亿元。", "进出口总额"),
    ("其中出口完成30亿元。", "出口额"),
])
def test_indicator_of_a_figure(body, indicator):
    assert run(body)[0]["indicator_text"] in {indicator} | {
        a for ind in default_metric_rules().indicators if ind.name == indicator for a in ind.aliases}


def test_no_phrase_no_indicator():
    assert run("同比增长7.5%。")[0]["indicator_text"] is None


def test_traditional_script_names_the_canonical_indicator():
    rows = run("一季度，全縣規模以上工業增加值增長8.1%，地方財政一般預算收入增長5.6%。")
    assert [r["indicator_text"] for r in rows] == ["规模以上工业增加值", "地方财政一般预算收入"]
    assert run("一季度，全縣規模以上工業增加值增長8.1%。")[0]["text"] == "8.1%"


def test_traditional_marks_are_traditional_only():
    from transforms.extract.script import to_simplified
    import polars as pl

    marks = list(default_indicator_words().traditional_marks)
    assert [m for m, s in zip(marks, to_simplified(pl.Series(marks)).to_list()) if m == s] == []
