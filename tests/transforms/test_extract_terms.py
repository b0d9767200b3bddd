"""Terms: jieba with the domain dictionary, TF-IDF top terms per document."""

from __future__ import annotations

import polars as pl

from transforms.extract.tables import SCHEMAS
from transforms.extract.terms import TOP_N, extract_terms, segment


def docs(texts):
    return pl.DataFrame({"document_key": list(range(1, len(texts) + 1)), "headline": [""] * len(texts),
                         "body": texts}, schema_overrides={"document_key": pl.Int64})


def words(text):
    return [t["term"] for t in segment(text)]


def test_domain_dictionary_fixes_default_mistakes():
    assert "林山寨街道" in words("林山寨街道党工委认真贯彻全面从严治党目标") or "林山寨" in words("林山寨街道党工委认真贯彻")
    assert "党工委书记" in words("三官庙街道党工委书记樊志锋")
    assert "区委常委" in words("区委常委、副区长孙涵传达")
    assert "副区长" in words("区委常委、副区长孙涵传达")


def test_segmentation_is_quiet(capsys):
    segment("二七区区长苏建设说")
    assert capsys.readouterr().out == ""


def test_top_terms_schema_rank_and_weights():
    text = "老旧小区改造持续推进。" * 5 + "城市精细化管理不断深化，生态廊道建设加快，垃圾分类全面推开。"
    out = extract_terms(docs([text, "郑州市统计局发布上半年地区生产总值数据，地区生产总值同比增长。"]))
    assert list(out.schema.items()) == list(SCHEMAS["fact_term"].items())
    first = out.filter(pl.col("document_key") == 1).sort("rank")
    assert first["rank"].to_list() == list(range(1, first.height + 1))
    assert first.height <= TOP_N
    assert first["weight"].is_sorted(descending=True)
    assert any(w in first["term"][0] for w in ("老旧", "小区", "改造"))  # the repeated phrase ranks first
    top = first.row(0, named=True)
    assert top["frequency"] >= 5
    second = set(out.filter(pl.col("document_key") == 2)["term"])
    assert "地区生产总值" in second or "生产总值" in second


def test_stop_words_and_numbers_are_not_terms():
    out = extract_terms(docs(["2020年，我们的工作取得了12345项成果，的的的，是是是。"]))
    assert not set(out["term"]) & {"我们", "的", "是", "2020", "12345"}


def test_traditional_documents_give_simplified_terms():
    out = extract_terms(docs(["鄭州市老舊小區改造工程穩步推進，老舊小區改造惠及居民。"]))
    assert "郑州市" in set(out["term"]) or "小区" in set(out["term"])
    assert not any(ch in "".join(out["term"]) for ch in "鄭舊區穩")


def test_at_most_top_n_per_document():
    long = "，".join(f"词语{i}" for i in range(10)) + "".join(
        ["城市更新", "产业升级", "乡村振兴", "营商环境", "生态保护", "文化旅游", "科技创新", "数字经济", "民生保障",
         "基层治理", "安全生产", "招商引资", "污染防治", "交通秩序", "公共服务", "老旧小区", "社区治理", "项目建设",
         "人才引进", "金融服务", "医疗健康", "电子商务"])
    out = extract_terms(docs([long]))
    assert out.height == TOP_N
    assert out["rank"].max() == TOP_N


def test_empty_batch():
    assert extract_terms(docs([])).is_empty()
