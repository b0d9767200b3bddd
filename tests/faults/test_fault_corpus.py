"""The ingest flow over a generated fault corpus: every broken, odd or hostile file gets its expected fate.

One module-scoped run loads the whole corpus (the per-case tests read its warehouse); the last tests re-run it
unchanged (nothing may change) and then edit one file (one new document)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.faults.corpus import EDIT_ADDITION, HOSTILE_STRINGS, FaultCase, make_fault_corpus, write_huge_file
from tests.flows.helpers import query, snapshot

pytestmark = pytest.mark.usefixtures("prefect_harness")

TABLES = {
    "dim_date", "dim_document", "dim_indicator", "dim_organization", "dim_person", "dim_project", "dim_region",
    "dim_source_file", "etl_run", "fact_byline", "fact_cleaning", "fact_mention", "fact_metric",
    "fact_person_title", "fact_sentence", "fact_term", "quarantine",
}
VIEWS = {"v_document", "v_metric", "v_person_title", "v_byline", "v_region_mention"}


class Corpus:
    def __init__(self, folder: Path, db: Path, cases: list[FaultCase], summary: dict):
        self.folder, self.db, self.cases, self.summary = folder, db, cases, summary

    def uri(self, case: FaultCase) -> str:
        return str((self.folder / case.file).resolve())

    def case(self, name: str) -> FaultCase:
        return next(c for c in self.cases if c.name == name)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, prefect_harness) -> Corpus:
    root = tmp_path_factory.mktemp("faults")
    folder = root / "in"
    cases = make_fault_corpus(folder)
    db = root / "w.duckdb"
    summary = ingest(paths=[str(folder)], db=str(db))
    return Corpus(folder, db, cases, summary)


def pytest_generate_tests(metafunc):
    if "case_name" in metafunc.fixturenames:
        # Names only (the files are written by the module fixture, once): a dry run into a throwaway folder.
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            names = [c.name for c in make_fault_corpus(Path(tmp), huge=False)] + ["huge_20mb"]
        metafunc.parametrize("case_name", names)


def test_run_completes_with_the_expected_counts(corpus):
    s, cases = corpus.summary, corpus.cases
    loaded = [c for c in cases if c.loaded]
    quarantined = [c for c in cases if not c.loaded]
    assert s["status"] == "completed", s["error"]
    assert s["files_seen"] == len(cases)
    assert s["files_ignored"] == 0
    assert s["batches"] >= 2, "the 20 MB file is a batch of its own"
    assert s["documents_loaded"] == len([c for c in loaded if not c.duplicate_of])
    assert s["skipped_duplicate_in_run"] == 1
    assert s["skipped_already_loaded"] == 0
    assert s["documents_skipped"] == 1
    expected_reasons: dict[str, int] = {}
    for c in quarantined:
        expected_reasons[c.reason] = expected_reasons.get(c.reason, 0) + 1
    assert s["quarantine_reasons"] == expected_reasons
    assert expected_reasons == {"empty": 2, "binary": 1, "not_chinese": 1, "too_large": 1}
    assert s["files_quarantined"] == len(quarantined)
    assert query(corpus.db, "select status, documents_loaded, documents_skipped, files_quarantined from etl_run") == [
        ("completed", s["documents_loaded"], 1, len(quarantined))]
    assert query(corpus.db, "select count(*) from dim_document") == [(s["documents_loaded"],)]
    assert query(corpus.db, "select count(*) from dim_source_file") == [(len(loaded),)]


def test_each_case_has_its_outcome(corpus, case_name):
    case = corpus.case(case_name)
    uri = corpus.uri(case)
    if not case.loaded:
        assert query(corpus.db, "select reason from quarantine where source_uri = ?", [uri]) == [(case.reason,)]
        assert query(corpus.db, "select count(*) from dim_source_file where source_uri = ?", [uri]) == [(0,)]
        return
    assert query(corpus.db, "select count(*) from quarantine where source_uri = ?", [uri]) == [(0,)]
    rows = query(corpus.db, """
        select d.body, d.encoding, d.document_key from dim_source_file f join dim_document d using (document_key)
        where f.source_uri = ?""", [uri])
    assert len(rows) == 1, f"{case.name}: one source-file row pointing at a document"
    body, encoding, key = rows[0]
    assert case.snippet in body, f"{case.name}: {case.snippet!r} not in body {body[:200]!r}"
    for text in case.absent:
        assert text not in body, f"{case.name}: {text!r} leaked into the body"
    if case.encoding:
        assert encoding == case.encoding
    if case.fix:
        fixes = query(corpus.db, "select reason from fact_cleaning where document_key = ? and line_no = 0", [key])
        assert (case.fix,) in fixes
    assert "\x00" not in body and "\r" not in body and "\ufeff" not in body
    # Every sentence indexes the stored body.
    bad = query(corpus.db, """
        select count(*) from fact_sentence where document_key = ?
        and substring(?, span_start + 1, span_end - span_start) <> text""", [key, body])
    assert bad == [(0,)]


def test_encodings_decode_to_the_original_text(corpus):
    """Beyond the snippet: repaired files give the same body as their clean UTF-8 original would."""
    body = dict(query(corpus.db, """
        select regexp_extract(f.source_uri, '[^/]+$'), d.body
        from dim_source_file f join dim_document d using (document_key)"""))
    # The file ends in 。 plus two of the three bytes of a second 。: the cut character goes, the rest stays.
    assert body["truncated.txt"].endswith("通行安全水平。") and "\ufffd" not in body["truncated.txt"]
    assert "西瓜节" in body["nul.txt"] and "，现场展销" in body["nul.txt"]
    assert "Ã" not in body["mojibake-latin1.txt"] and "æ" not in body["mojibake-cp1252.txt"]


def test_duplicates_are_one_document_with_two_source_files(corpus):
    a, b = corpus.case("duplicate_first"), corpus.case("duplicate_second")
    rows = query(corpus.db, "select source_uri, document_key from dim_source_file where source_uri in (?, ?)",
                 [corpus.uri(a), corpus.uri(b)])
    assert len(rows) == 2 and len({key for _, key in rows}) == 1


def test_hostile_text_is_stored_verbatim_and_every_table_survives(corpus):
    case = corpus.case("sql_injection_text")
    [(body,)] = query(corpus.db, """
        select d.body from dim_source_file f join dim_document d using (document_key) where f.source_uri = ?""",
                      [corpus.uri(case)])
    for hostile in HOSTILE_STRINGS:
        assert hostile in body
    [(headline,)] = query(corpus.db, "select headline from v_document where headline like '航空港区%'")
    assert headline == "航空港区数据管理办公室提醒防范网络攻击"
    objects = query(corpus.db, "select table_name, table_type from information_schema.tables")
    assert TABLES <= {name for name, kind in objects if kind == "BASE TABLE"}
    assert VIEWS <= {name for name, kind in objects if kind == "VIEW"}
    assert query(corpus.db, "select count(*) from dim_document")[0][0] > 10


def test_a_second_run_changes_nothing_and_an_edit_adds_one_document(corpus):
    """Runs last in this module: it re-runs the corpus and then edits a file of it."""
    before = snapshot(corpus.db)
    again = ingest(paths=[str(corpus.folder)], db=str(corpus.db))
    loaded = [c for c in corpus.cases if c.loaded]
    assert again["status"] == "completed"
    assert (again["documents_loaded"], again["source_files_new"]) == (0, 0)
    # Unchanged files (same name, size, mtime), loaded or quarantined, are not even read again; nor is the file
    # refused as too_large while the limit is still below its size.
    assert (again["skipped_unchanged"], again["skipped_already_loaded"]) == (len(corpus.cases), 0)
    assert again["skipped_duplicate_in_run"] == 0
    assert snapshot(corpus.db) == before
    assert query(corpus.db, "select count(*) from quarantine") == [(len(corpus.cases) - len(loaded),)]

    edited = corpus.folder / corpus.case("edited_later").file
    edited.write_bytes(edited.read_bytes() + EDIT_ADDITION.encode("utf-8"))
    third = ingest(paths=[str(corpus.folder)], db=str(corpus.db))
    assert (third["status"], third["documents_loaded"]) == ("completed", 1), third
    assert third["skipped_unchanged"] == len(corpus.cases) - 1
    uri = str(edited.resolve())
    assert query(corpus.db, "select count(*) from dim_source_file where source_uri = ?", [uri]) == [(2,)]
    bodies = [b for (b,) in query(corpus.db, """
        select d.body from dim_source_file f join dim_document d using (document_key) where f.source_uri = ?""",
                                  [uri])]
    assert sum(EDIT_ADDITION.strip() in b for b in bodies) == 1
    assert query(corpus.db, "select count(*) from dim_document")[0][0] == len(before["dim_document"]) + 1


@pytest.mark.slow
def test_raising_the_size_limit_lets_a_big_file_load(tmp_path):
    """The limit decides, not the file: a file over max_file_mb is quarantined, and loads once it is raised.

    Shown with a 0.3 MiB file against limits of 0.25 and 1 MiB rather than the corpus's 20 MiB file against 64:
    loading 20 MiB as ONE document is impractical in a test (extraction took ~8 s per MiB of a single
    document here and a 20 MiB run was stopped after 15 min at 1.3 GB RSS). The 20 MiB file itself is
    only checked to be quarantined as too_large under the default limit (test_each_case_has_its_outcome)."""
    path = tmp_path / "in" / "big.txt"
    path.parent.mkdir()
    write_huge_file(path, megabytes=0.3)
    db = tmp_path / "w.duckdb"
    refused = ingest(paths=[str(path)], db=str(db), max_file_mb=0.25)
    assert (refused["documents_loaded"], refused["quarantine_reasons"]) == (0, {"too_large": 1})
    assert query(db, "select reason from quarantine") == [("too_large",)]
    summary = ingest(paths=[str(path)], db=str(db), max_file_mb=1)
    assert (summary["status"], summary["documents_loaded"]) == ("completed", 1)
    [(chars,)] = query(db, "select char_count from dim_document")
    assert chars > 100_000
