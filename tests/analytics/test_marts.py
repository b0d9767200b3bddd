"""dbt build against real warehouses in tmp dirs: the sample with the invented articles of
tests/fixtures/analytics (two disagree on one figure). Slow: dbt starts in a subprocess and builds every model and test."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.marts import build_marts, dbt_executable, mart_names

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(dbt_executable() is None, reason="dbt is not installed (pip install '.[dbt]')")]
runner = CliRunner()


@pytest.fixture(scope="module")
def built(planted_marts) -> tuple[Path, Path]:
    return planted_marts


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


def test_indicator_series_gives_each_year_one_value_with_its_source(built):
    _, marts = built
    rows = query(marts, "select year, full_year, base_value, documents, values_stated, headline, sentence "
                        "from fct_indicator_series where region = '二七区' and indicator = '地区生产总值' "
                        "and measure = 'level' and not is_target order by year")
    assert [r[0] for r in rows] == [2019, 2020]
    (y2019, full19, v2019, docs19, n19, head19, sent19), (_, _, v2020, docs20, n20, _, sent20) = rows
    assert full19 and v2019 == 701.5e8 and docs19 == 1 and n19 == 1
    assert "701.5亿元" in sent19 and head19 == "二七区去年经济平稳增长"
    # the two documents disagree on 2020: one value shown, the disagreement counted
    assert n20 == 2 and docs20 == 1 and v2020 in (752.3e8, 761.8e8)
    assert str(v2020 / 1e8).rstrip("0").rstrip(".") + "亿元" in sent20
    # figures stated by two documents alike are one row counting both
    investment = query(marts, "select documents, values_stated from fct_indicator_series where region = '二七区' "
                              "and indicator = '固定资产投资' and year = 2020")
    assert investment == [(2, 1)]


def test_indicator_series_keeps_targets_apart_and_undated_figures_without_a_year(built):
    _, marts = built
    target = query(marts, "select year, base_value, unit from fct_indicator_series where region = '二七区' "
                          "and indicator = '地区生产总值' and measure = 'growth_pct' and is_target")
    achieved = query(marts, "select year, base_value from fct_indicator_series where region = '二七区' "
                            "and indicator = '地区生产总值' and measure = 'growth_pct' and not is_target "
                            "order by year")
    assert target == [(2021, 6.0, "%")]
    assert (2021, 6.5) in achieved
    undated = query(marts, "select count(*), count(year), count(*) filter (where full_year) "
                           "from fct_indicator_series where period_start is null")[0]
    assert undated[1] == 0 and undated[2] == 0


def test_export_marts_adds_a_sheet_per_mart_described_from_the_dbt_project(built, tmp_path):
    from openpyxl import load_workbook

    db, marts = built
    result = runner.invoke(app, ["export", str(tmp_path), "--db", str(db), "--format", "xlsx", "--marts"])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(tmp_path / f"{db.stem}.xlsx", read_only=True)
    names = workbook.sheetnames
    assert names[0] == "说明" and "v_metric" in names and "fct_indicator_series" in names
    assert "fct_documents_by_publication_mo" in names  # Excel's 31-character limit on sheet names
    series = list(workbook["fct_indicator_series"].iter_rows(values_only=True))
    assert len(series) - 1 == query(marts, "select count(*) from fct_indicator_series")[0][0]
    said = {(s, c): text for s, c, text in workbook["说明"].iter_rows(min_row=2, values_only=True)}
    assert said[("fct_indicator_series", "sentence")] == "The sentence stating the value."
    assert said[("fct_documents_by_publication_mo", None)].startswith("fct_documents_by_publication_month: ")
