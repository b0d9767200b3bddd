"""dbt build against real warehouses in tmp dirs: the sample with two invented articles that disagree on
one figure. Slow: dbt starts in a subprocess and builds every model and test."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli.app import app
from reports.marts import build_marts, dbt_executable, mart_names
from tests.reports.conftest import build_warehouse
from tests.conftest import ROOT, SAMPLE_DIR

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(dbt_executable() is None, reason="dbt is not installed (pip install '.[dbt]')")]
PLANTED = ROOT / "tests" / "fixtures" / "analytics"
runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    db = build_warehouse(tmp_path_factory.mktemp("marts") / "gazette.duckdb", [SAMPLE_DIR, PLANTED])
    result = build_marts(db)
    assert result.ok, result.output[-4000:]
    assert "ERROR=0" in result.output and "WARN=0" in result.output
    return db, result.marts


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_dbt_build_makes_every_mart_beside_the_warehouse(built):
    db, marts = built
    assert marts == db.with_name("gazette_marts.duckdb")
    tables = {t for (t,) in query(marts, "select table_name from duckdb_tables()")}
    assert set(mart_names()) <= tables
    assert not list(marts.parent.glob(".gazette_marts-dbt/*.duckdb"))  # the built file was moved in


def test_reconciliation_finds_the_planted_conflict_and_only_it(built):
    _, marts = built
    rows = query(marts, "select region, indicator, measure, period_start, period_end, base_value_a, "
                        "base_value_b, document_id_a, document_id_b, evidence_a, evidence_b from fct_reconciliation")
    assert len(rows) == 1, rows
    region, indicator, measure, start, end, a, b, doc_a, doc_b, ev_a, ev_b = rows[0]
    assert (region, indicator, measure) == ("二七区", "地区生产总值", "level")
    assert (start.isoformat(), end.isoformat()) == ("2020-01-01", "2020-12-31")
    assert sorted([a, b]) == [752.3e8, 761.8e8]
    assert doc_a != doc_b and {"752.3亿元" in ev_a, "752.3亿元" in ev_b} == {True, False}


def test_figures_roll_up_the_region_hierarchy(built):
    _, marts = built
    rows = dict(query(marts, "select region_level, sum(own_figures) from fct_figures_by_region "
                             "where indicator = '地区生产总值' and measure = 'level' group by all"))
    # two documents' GDP for 二七区 (a district) are counted again at its city and its province
    assert rows["district"] >= 2
    city = query(marts, "select below_figures, below_regions from fct_figures_by_region where region = '郑州市' "
                        "and indicator = '地区生产总值' and measure = 'level' and period_start = date '2020-01-01'")
    assert city == [(2, 1)]


def test_report_reads_a_mart_without_rebuilding(built, tmp_path):
    db, marts = built
    out = tmp_path / "roster.json"
    result = runner.invoke(app, ["report", "fct_officials_roster", "--db", str(db), "--no-build", "-o", str(out)])
    assert result.exit_code == 0, result.output
    roster = json.loads(out.read_text(encoding="utf-8"))
    assert {"person", "title", "organization", "region", "first_seen_on", "last_seen_on", "documents"} <= set(roster[0])
    assert len(roster) == query(marts, "select count(*) from fct_officials_roster")[0][0] > 0
    unknown = runner.invoke(app, ["report", "no_such_mart", "--db", str(db)])
    assert unknown.exit_code == 2


def test_freshness_of_the_last_run_passes(built):
    db, marts = built
    result = build_marts(db, marts, command="source freshness")
    assert result.ok, result.output[-3000:]
    assert "PASS freshness of gazette.etl_run" in result.output
