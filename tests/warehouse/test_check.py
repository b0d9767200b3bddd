"""gazette check finds what breaks the warehouse's integrity, and nothing on a healthy one."""

import duckdb
import pytest
from typer.testing import CliRunner

from cli.app import app
from warehouse.check import check_warehouse


def failures(db, **options) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r.name: r.violations for r in check_warehouse(con, **options) if not r.ok}
    finally:
        con.close()


def test_a_freshly_loaded_warehouse_passes(loaded):
    assert failures(loaded) == {}
    result = CliRunner().invoke(app, ["check", "--db", str(loaded)])
    assert result.exit_code == 0 and "checks passed" in result.output


@pytest.mark.parametrize(
    ("damage", "check"),
    [
        ("delete from dim_document where document_key = (select min(document_key) from dim_document)",
         "relationship:fact_sentence.document_key->dim_document.document_key"),
        ("delete from fact_sentence where document_key = (select min(document_key) from dim_document)",
         "documents_have_sentences"),
        ("update fact_sentence set span_end = span_end + 1 where sentence_no = 3", "sentence_spans_index_the_body"),
        ("insert into fact_byline select * from fact_byline limit 1", "unique:fact_byline(document_key, person_key, role)"),
        ("delete from dim_person", "relationship:fact_byline.person_key->dim_person.person_key"),
        ("update fact_metric set span_start = span_start - 10000", "fact_spans_lie_in_their_sentence"),
        ("delete from dim_region where level = 'city'", "relationship:dim_region.parent_region_key->dim_region.region_key"),
        ("update dim_document set document_key = document_key + 1 where edition = 13", "document_id_is_the_key"),
        ("update fact_metric set region_key = 42", "relationship:fact_metric.region_key->dim_region.region_key"),
        # no index stops these two (schema v4): the checks do
        ("insert into fact_sentence select * from fact_sentence where sentence_no = 1",
         "unique:fact_sentence(document_key, sentence_no)"),
        ("insert into fact_metric select * from fact_metric limit 1", "unique:fact_metric(metric_key)"),
    ],
)
def test_damage_is_reported(loaded, damage, check):
    con = duckdb.connect(str(loaded))
    con.execute(damage)
    con.close()
    found = failures(loaded)
    assert check in found
    # one document per slice finds the same violations, counted the same: no check depends on two slices
    assert failures(loaded, slice_chars=1) == found
    result = CliRunner().invoke(app, ["check", "--db", str(loaded)])
    assert result.exit_code == 1
    assert f"FAIL {check}" in result.output


def test_checks_scoped_to_a_run_see_its_documents_only(loaded):
    # the sample was loaded by run "test-run"; move one document to another run, then damage both
    con = duckdb.connect(str(loaded))
    other, mine = con.execute("select min(document_key), max(document_key) from dim_document").fetchall()[0]
    con.execute("update dim_document set run_id = 'earlier-run' where document_key = ?", [other])
    con.execute("delete from fact_sentence where document_key = ?", [other])
    con.close()

    def scoped(run_id):
        con = duckdb.connect(str(loaded), read_only=True)
        try:
            return {r.name: r.violations for r in check_warehouse(con, run_id) if not r.ok}
        finally:
            con.close()

    broken = {"documents_have_sentences", "fact_spans_lie_in_their_sentence"}  # its facts lost their sentences
    assert scoped("test-run") == {}  # the damage is in another run's document
    assert set(scoped("earlier-run")) == broken and scoped("earlier-run")["documents_have_sentences"] == 1
    assert failures(loaded) == scoped("earlier-run")  # `gazette check`: the whole warehouse
    con = duckdb.connect(str(loaded))
    con.execute("delete from fact_sentence where document_key = ?", [mine])
    con.close()
    assert set(scoped("test-run")) == broken and scoped("test-run")["documents_have_sentences"] == 1
