"""The gazette command line: help texts, a run with its summary, status, sql, reports."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.conftest import SAMPLE_DIR

runner = CliRunner()


@pytest.mark.parametrize("command", ["run", "status", "sql", "report", "serve"])
def test_every_command_explains_itself(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--db" in result.output


def test_run_status_sql_and_reports(tmp_path, prefect_harness, monkeypatch):
    from flows import batch

    listed = []
    discover = batch.discover
    monkeypatch.setattr(batch, "discover", lambda paths: listed.append(paths) or discover(paths))
    db = tmp_path / "w.duckdb"
    result = runner.invoke(app, ["run", str(SAMPLE_DIR), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "documents loaded" in result.output and "completed" in result.output
    assert listed == [[str(SAMPLE_DIR)]]  # once: the flow takes the listing the CLI made for its bar
    assert re.search(r"files seen\s+│?\s*5\b", result.output), result.output

    status = runner.invoke(app, ["status", "--db", str(db)])
    assert status.exit_code == 0 and "5 documents" in status.output

    sql = runner.invoke(app, ["sql", "select count(*) as n from v_document", "--db", str(db)])
    assert sql.exit_code == 0 and "5" in sql.output

    bad = runner.invoke(app, ["sql", "select * from no_such_table", "--db", str(db)])
    assert bad.exit_code == 1 and "query failed" in bad.output

    listing = runner.invoke(app, ["report"])
    assert "fct_cleaning_by_reason" in listing.output
    report = runner.invoke(app, ["report", "fct_documents_by_publication_month", "--db", str(db)])
    assert report.exit_code == 0 and "郑州日报" in report.output


def test_run_on_a_missing_path_says_so(tmp_path, prefect_harness):
    result = runner.invoke(app, ["run", str(tmp_path / "missing"), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_status_without_a_warehouse(tmp_path):
    result = runner.invoke(app, ["status", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "no warehouse there" in result.output


def test_eval_scores_the_sample_against_its_gold(tmp_path, prefect_harness):
    from tests.conftest import GOLD_DIR
    from warehouse.connection import reader
    from warehouse.evaluate import score_warehouse

    db = tmp_path / "w.duckdb"
    assert runner.invoke(app, ["run", str(SAMPLE_DIR), "--db", str(db), "-q"]).exit_code == 0
    result = runner.invoke(app, ["eval", "--gold", str(GOLD_DIR), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert re.search(r"documents loaded / gold\s*│\s*5 / 5", result.output), result.output
    assert re.search(r"chrome lines left in bodies\s*│\s*0 of", result.output), result.output
    with reader(db) as con:
        scores = score_warehouse(con, GOLD_DIR)
    assert scores["metrics"]["f1"] >= 0.98
    assert scores["metrics"]["is_target_accuracy"] >= 0.95
    assert scores["metrics"]["region_accuracy"] >= 0.90
    assert scores["persons"]["f1"] >= 0.95
    assert scores["bylines"]["f1"] == 1.0
    assert scores["chrome_lines_in_body"] == []
