"""`gazette sql --format/--output/-f` and `gazette export`: what lands in the files is what the query returns."""

from __future__ import annotations

import csv
import json

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


QUERY = "select document_id, region, indicator, value, is_target, period_start from v_metric order by all"


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_sql_writes_each_format_to_a_file(sample_db, tmp_path, fmt):
    out = tmp_path / f"metrics.{fmt}"
    result = runner.invoke(app, ["sql", QUERY, "--db", str(sample_db), "--format", fmt, "--output", str(out)])
    assert result.exit_code == 0, result.output
    want = rows(sample_db, QUERY)
    assert len(want) > 20
    if fmt == "parquet":
        got = pq.read_table(out).to_pylist()
        assert [tuple(r.values()) for r in got] == want
    elif fmt == "json":
        got = json.loads(out.read_text(encoding="utf-8"))
        assert [r["document_id"] for r in got] == [w[0] for w in want]
        assert [r["value"] for r in got] == [w[3] for w in want]
        assert [r["period_start"] for r in got] == [None if w[5] is None else w[5].isoformat() for w in want]
        assert "管城回族区" in out.read_text(encoding="utf-8")  # not \u-escaped
    else:
        with out.open(encoding="utf-8", newline="") as f:
            got = list(csv.DictReader(f))
        assert [r["region"] or None for r in got] == [w[1] for w in want]
        assert [float(r["value"]) for r in got] == [w[3] for w in want]
    assert not list(tmp_path.glob(".*partial"))


def test_the_output_suffix_chooses_the_format_and_f_reads_a_file(sample_db, tmp_path):
    query = tmp_path / "q.sql"
    query.write_text("-- documents per publication\nselect publication, count(*) as n from v_document "
                     "group by all order by all;\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    result = runner.invoke(app, ["sql", "-f", str(query), "--db", str(sample_db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [tuple(r.values()) for r in pq.read_table(out).to_pylist()] == rows(sample_db, query.read_text())


def test_csv_and_json_go_to_stdout_without_output(sample_db):
    result = runner.invoke(app, ["sql", "select count(*) as n from v_document", "--db", str(sample_db),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": rows(sample_db, "select count(*) from v_document")[0][0]}]


def test_bad_arguments_are_refused(sample_db, tmp_path):
    neither = runner.invoke(app, ["sql", "--db", str(sample_db)])
    assert neither.exit_code == 2
    parquet_to_terminal = runner.invoke(app, ["sql", "select 1", "--db", str(sample_db), "--format", "parquet"])
    assert parquet_to_terminal.exit_code == 2 and "--output" in parquet_to_terminal.output
    unknown = runner.invoke(app, ["sql", "select 1", "--db", str(sample_db), "--format", "xlsx"])
    assert unknown.exit_code == 2
    failing = runner.invoke(app, ["sql", "select * from no_such_view", "--db", str(sample_db),
                                  "-o", str(tmp_path / "x.csv")])
    assert failing.exit_code == 1 and "query failed" in failing.output
    assert not (tmp_path / "x.csv").exists()


def test_export_writes_every_view_as_parquet(sample_db, tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path / "out"), "--db", str(sample_db)])
    assert result.exit_code == 0, result.output
    views = [v for (v,) in rows(sample_db, "select view_name from duckdb_views() where not internal "
                                           "and schema_name = 'main'")]
    assert {"v_document", "v_metric", "v_person_title", "v_byline", "v_region_mention"} <= set(views)
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.parquet")) == sorted(views)
    for view in views:
        table = pq.read_table(tmp_path / "out" / f"{view}.parquet")
        assert table.num_rows == rows(sample_db, f"select count(*) from {view}")[0][0]
        assert table.column_names == [c for (c,) in rows(
            sample_db, f"select column_name from duckdb_columns() where table_name = '{view}' order by column_index")]


def test_export_with_tables_adds_the_base_tables(sample_db, tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path), "--db", str(sample_db), "--tables"])
    assert result.exit_code == 0, result.output
    assert pq.read_table(tmp_path / "dim_region.parquet").num_rows == rows(
        sample_db, "select count(*) from dim_region")[0][0]
    assert (tmp_path / "fact_metric.parquet").exists() and (tmp_path / "v_metric.parquet").exists()


def test_export_xlsx_writes_one_workbook_a_sheet_per_view_and_what_each_column_means(sample_db, tmp_path):
    from openpyxl import load_workbook

    result = runner.invoke(app, ["export", str(tmp_path), "--db", str(sample_db), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    views = [v for (v,) in rows(sample_db, "select view_name from duckdb_views() where not internal "
                                           "and schema_name = 'main' order by view_name")]
    workbook = load_workbook(tmp_path / f"{sample_db.stem}.xlsx", read_only=True)
    assert workbook.sheetnames == ["说明", *views]
    for view in views:
        got = list(workbook[view].iter_rows(values_only=True))
        columns = [c for (c,) in rows(sample_db, f"select column_name from duckdb_columns() where table_name = "
                                                 f"'{view}' order by column_index")]
        assert list(got[0]) == columns
        assert len(got) - 1 == rows(sample_db, f"select count(*) from {view}")[0][0]
    metrics = list(workbook["v_metric"].iter_rows(values_only=True))
    header = metrics[0]
    want = rows(sample_db, "select document_id, value, region, period_start from v_metric")
    got = {(r[header.index("document_id")], r[header.index("value")], r[header.index("region")]) for r in metrics[1:]}
    assert got == {w[:3] for w in want}
    notes = list(workbook["说明"].iter_rows(values_only=True))
    assert notes[0] == ("sheet", "column", "description")
    said = {(sheet, column): text for sheet, column, text in notes[1:]}
    comment = rows(sample_db, "select comment from duckdb_columns() where table_name = 'v_metric' "
                              "and column_name = 'base_value'")[0][0]
    assert comment and said[("v_metric", "base_value")] == comment
    assert all((view, None) in said for view in views)
    assert not list(tmp_path.glob(".*partial"))


def test_export_refuses_an_unknown_format(sample_db, tmp_path):
    result = runner.invoke(app, ["export", str(tmp_path), "--db", str(sample_db), "--format", "ods"])
    assert result.exit_code == 2 and not list(tmp_path.iterdir())
