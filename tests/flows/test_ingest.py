"""The ingest flow end to end, under a real (temporary) Prefect server and real DuckDB files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.conftest import SAMPLE_DIR
from tests.flows.helpers import query, snapshot

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE_DIR, folder)
    return folder


def test_sample_loads_and_a_rerun_changes_nothing(tmp_path, sample):
    db = tmp_path / "w.duckdb"
    first = ingest(paths=[str(sample)], db=str(db))
    assert (first["status"], first["documents_loaded"], first["files_quarantined"]) == ("completed", 5, 0)
    before = snapshot(db)
    assert len(before["dim_document"]) == 5 and len(before["fact_sentence"]) > 200

    second = ingest(paths=[str(sample)], db=str(db))
    assert (second["documents_loaded"], second["skipped_unchanged"], second["skipped_already_loaded"]) == (0, 5, 0)
    assert snapshot(db) == before
    runs = query(db, "select status, documents_loaded, documents_skipped from etl_run order by started_at")
    assert runs == [("completed", 5, 0), ("completed", 0, 5)]
    assert not any((tmp_path / "staging").glob("*")), "staging is cleaned up after the load"


def test_documents_view_shows_clean_headlines(tmp_path, sample):
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(sample)], db=str(db))
    rows = dict(query(db, "select headline, published_on from v_document"))
    assert "一核多元齐奋进 凝心聚力谱新篇" in rows
    assert str(rows["一核多元齐奋进 凝心聚力谱新篇"]) == "2020-11-18"
    bylines = query(db, "select person, role, credit from v_byline where person = '胡源浩'")
    assert bylines == [("胡源浩", "摄影", "图")]


def test_same_bytes_under_a_second_name_is_a_source_file_not_a_document(tmp_path, sample):
    db = tmp_path / "w.duckdb"
    shutil.copy(sample / "001_ea8b580548b2bffd.txt", sample / "副本 001.txt")
    summary = ingest(paths=[str(sample)], db=str(db))
    assert (summary["documents_loaded"], summary["skipped_duplicate_in_run"]) == (5, 1)
    uris = query(db, "select count(*), count(distinct document_key) from dim_source_file")
    assert uris == [(6, 5)]

    shutil.copy(sample / "002_3f13d9cc05edbc24.txt", sample / "later copy.txt")
    summary = ingest(paths=[str(sample)], db=str(db))
    assert summary["documents_loaded"] == 0
    assert query(db, "select count(*) from dim_source_file") == [(7,)]


def test_edited_file_is_a_new_document(tmp_path, sample):
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(sample)], db=str(db))
    path = sample / "003_13d16aa499b581b9.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n会议最后强调，要确保全年目标任务圆满完成。\n", encoding="utf-8")
    summary = ingest(paths=[str(sample)], db=str(db))
    assert summary["documents_loaded"] == 1
    assert query(db, "select count(*) from dim_source_file where source_uri = ?", [str(path.resolve())]) == [(2,)]


def test_bad_files_are_quarantined_and_the_run_goes_on(tmp_path, sample):
    db = tmp_path / "w.duckdb"
    (sample / "empty.txt").write_bytes(b"")
    (sample / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    (sample / "error.txt").write_text("502 Bad Gateway. nginx/1.18.0 " * 5, encoding="utf-8")
    gbk = "管城回族区召开全体会议，区长主持会议并讲话，要求确保一季度实现开门红，力争完成投资60亿元以上。" * 3
    (sample / "gbk 文章.txt").write_bytes(("标题在此\n" + gbk).encode("gbk"))
    (sample / "notes.pdf").write_bytes(b"%PDF-1.4")
    summary = ingest(paths=[str(sample), str(sample / "notes.pdf")], db=str(db))
    assert summary["status"] == "completed"
    assert summary["documents_loaded"] == 6
    assert summary["quarantine_reasons"] == {"empty": 1, "binary": 1, "not_chinese": 1, "unsupported_type": 1}
    reasons = dict(query(db, "select regexp_extract(source_uri, '[^/]+$'), reason from quarantine"))
    assert reasons == {"empty.txt": "empty", "image.txt": "binary", "error.txt": "not_chinese",
                       "notes.pdf": "unsupported_type"}
    assert query(db, "select encoding from dim_document where source_uri like '%gbk 文章.txt'") == [("gb18030",)]

    again = ingest(paths=[str(sample), str(sample / "notes.pdf")], db=str(db))
    assert again["documents_loaded"] == 0
    assert query(db, "select count(*) from quarantine") == [(4,)], "quarantine rows are not repeated"


def test_a_failing_batch_leaves_the_warehouse_as_it_was(tmp_path, sample):
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(sample / "000_ffcb90b07eabac02.txt")], db=str(db))
    before = snapshot(db)
    with pytest.raises(RuntimeError, match="injected failure at load:0:fact_sentence"):
        ingest(paths=[str(sample)], db=str(db), fail_at="load:0:fact_sentence")
    assert snapshot(db) == before
    assert query(db, "select status from etl_run order by started_at") == [("completed",), ("failed",)]
    assert query(db, "select summary->>'error' from etl_run where status = 'failed'") == [
        ("InjectedFailure: injected failure at load:0:fact_sentence",)]
    summary = ingest(paths=[str(sample)], db=str(db))
    assert summary["documents_loaded"] == 4


def test_missing_input_path_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file, folder or matching pattern"):
        ingest(paths=[str(tmp_path / "nowhere")], db=str(tmp_path / "w.duckdb"))


def test_extracted_facts_land_in_the_star_schema_with_exact_spans(tmp_path, sample):
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(sample)], db=str(db))
    off = query(db, """
        select m.value, m.unit, substring(d.body, m.span_start + 1, m.span_end - m.span_start)
        from fact_metric m join dim_document d using (document_key)""")
    assert len(off) > 80
    for value, unit, surface in off:
        assert surface.endswith(unit or "") or unit is None, (value, unit, surface)
        assert any(ch.isdigit() for ch in surface) or any(ch in "一二两三四五六七八九十百千万" for ch in surface)
    for table in ("fact_person_title", "fact_mention"):
        bad = query(db, f"""
            select count(*) from {table} f join dim_document d using (document_key)
            join fact_sentence s on s.document_key = f.document_key and s.sentence_no = f.sentence_no
            where f.span_start < s.span_start or f.span_end > s.span_end""")
        assert bad == [(0,)], table
    gdp = query(db, """
        select region, region_level, base_value, base_unit, measure, is_target, period_label
        from v_metric where indicator = '地区生产总值' and base_unit = 'CNY'""")
    assert gdp == [("中原区", "district", 25280000000.0, "CNY", "level", False, "上半年")]
    assert ("樊志锋", "党工委书记") in query(db, "select person, title from v_person_title")
    regions = dict(query(db, "select full_name, level from v_region_mention"))
    assert regions["河南省郑州市中原区林山寨街道"] == "subdistrict"
    parents = query(db, """
        select r.name, p.name from dim_region r join dim_region p on p.region_key = r.parent_region_key
        where r.name = '林山寨街道'""")
    assert parents == [("林山寨街道", "中原区")]
    assert query(db, "select count(distinct document_key) from fact_term") == [(5,)]


def test_bad_files_with_the_same_bytes_are_each_quarantined_and_not_read_again(tmp_path, sample):
    for name in ("blank-1.txt", "blank-2.txt"):
        (sample / name).write_bytes(b"")
    db = tmp_path / "w.duckdb"
    first = ingest(paths=[str(sample)], db=str(db))
    assert (first["documents_loaded"], first["quarantine_reasons"], first["skipped_duplicate_in_run"]) == (
        5, {"empty": 2}, 0)
    assert query(db, "select count(*) from quarantine where reason = 'empty'") == [(2,)]
    again = ingest(paths=[str(sample)], db=str(db))
    assert (again["skipped_unchanged"], again["bytes_read"], again["batches"]) == (7, 0, 0)
    assert again["integrity_violations"] is None  # nothing loaded, nothing to check


def test_a_document_whose_cleaning_leaves_no_body_is_quarantined_with_the_rules_that_emptied_it(tmp_path, sample):
    (sample / "only-chrome.txt").write_text(
        "返回主页 | 某某日报 | 版面导航 | 某某晚报\n上一期 下一期 上一篇 下一篇\n版权声明 某某网 网站版权所有 未经授权不得转载\n",
        encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = ingest(paths=[str(sample)], db=str(db))
    assert (summary["documents_loaded"], summary["quarantine_reasons"]) == (5, {"no_body": 1})
    [(reason, detail)] = query(db, "select reason, detail from quarantine")
    assert reason == "no_body" and "navigation" in detail and "copyright" in detail
    assert query(db, "select count(*) from dim_document where source_uri like '%only-chrome.txt'") == [(0,)]
    assert query(db, "select count(*) from dim_document where body = ''") == [(0,)]
