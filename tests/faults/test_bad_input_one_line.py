"""Bad settings and bad input to every command end in one line naming the cause (variable, file or option),
never a traceback, and never a run left 'running'."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import duckdb
import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.conftest import ROOT
from warehouse.connection import open_connection, writer
from warehouse.migrate import migrate

runner = CliRunner()


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """An empty warehouse: the errors below are about the input, not the data."""
    path = tmp_path_factory.mktemp("wh") / "w.duckdb"
    with writer(path) as con:
        migrate(con)
    return path


@pytest.mark.parametrize("variable, value", [
    ("GAZETTE_BATCH_MB", "abc"), ("GAZETTE_BATCH_MB", "inf"), ("GAZETTE_BATCH_MB", "nan"), ("GAZETTE_BATCH_MB", "0"),
    ("GAZETTE_LOCK_WAIT_SECONDS", "-5"), ("GAZETTE_MAX_FILE_MB", "0"), ("GAZETTE_LOAD_MEMORY_MB", "0"),
    ("GAZETTE_MEMORY_LIMIT", "abc"), ("GAZETTE_MEMORY_LIMIT", "1KB"), ("GAZETTE_HOLD_SECONDS", "nan"),
    ("GAZETTE_WORKER_NICE", "2.5"), ("GAZETTE_READ_SNAPSHOT", "yes"),
])
@pytest.mark.parametrize("command", [["status"], ["sql", "select 1"], ["report", "fct_runs"], ["run"]])
def test_a_bad_setting_is_one_line_naming_it_before_any_work(db, monkeypatch, variable, value, command):
    monkeypatch.setenv(variable, value)
    target = db.with_name("untouched.duckdb")
    result = runner.invoke(app, [*command, "--db", str(target)])
    assert result.exit_code == 2, result.output
    assert len(lines(result)) == 1 and variable in result.output and "must be" in result.output, result.output
    assert not target.exists()  # nothing ran: no warehouse, so no etl_run row left 'running'


def test_every_bad_setting_gets_its_own_line(monkeypatch):
    monkeypatch.setenv("GAZETTE_BATCH_MB", "nan")
    monkeypatch.setenv("GAZETTE_MEMORY_LIMIT", "abc")
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 2
    assert [line.split("=")[0].removeprefix("error: ") for line in lines(result)] == [
        "GAZETTE_BATCH_MB", "GAZETTE_MEMORY_LIMIT"]


@pytest.mark.parametrize("option", ["--batch-mb", "--max-file-mb"])
@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1"])
def test_run_options_are_held_to_the_same_ranges(tmp_path, option, value):
    result = runner.invoke(app, ["run", str(ROOT / "data" / "sample"), "--db", str(tmp_path / "w.duckdb"),
                                 option, value])
    assert result.exit_code == 2 and len(lines(result)) == 1 and option in result.output, result.output


def test_a_bad_setting_in_a_real_process_prints_one_line_and_nothing_at_exit(tmp_path):
    """In a process of its own (nanobind reports DuckDB objects alive at interpreter exit on stderr)."""
    env = {**os.environ, "GAZETTE_MEMORY_LIMIT": "abc", "GAZETTE_DB": str(tmp_path / "w.duckdb")}
    done = subprocess.run([sys.executable, "-m", "cli.app", "run", str(ROOT / "data" / "sample")], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 2 and len(output) == 1 and "GAZETTE_MEMORY_LIMIT" in output[0], output


def test_a_connection_whose_set_up_fails_is_closed(tmp_path):
    """A reader left open by a failed set-up kept the warehouse open read-only in the process, so recording
    the run's outcome (a writer) failed and the etl_run row stayed 'running'."""
    path = tmp_path / "w.duckdb"
    with writer(path) as con:
        migrate(con)
    with pytest.raises(duckdb.Error):
        open_connection(path, read_only=True, memory_limit="abc")
    with writer(path) as con:
        con.execute("create table written (a int)")


def test_sql_file_that_is_not_utf8(db, tmp_path):
    script = tmp_path / "q.sql"
    script.write_bytes(b"select 1 as \xff\xfe")
    result = runner.invoke(app, ["sql", "-f", str(script), "--db", str(db)])
    assert result.exit_code == 2 and len(lines(result)) <= 2 and str(script) in result.output, result.output
    assert "UTF-8" in result.output


# a folder is refused before anything runs (a usage error); /proc only fails when written
@pytest.mark.parametrize("where, code", [("folder", 2), ("/proc/self/gazette.csv", 1)])
def test_output_that_cannot_be_written(db, tmp_path, where, code):
    output = str(tmp_path) if where == "folder" else where
    result = runner.invoke(app, ["sql", "select 1 as a", "--db", str(db), "-o", output, "--format", "csv"])
    assert result.exit_code == code and len(lines(result)) <= 2 and output in result.output, result.output
    assert tmp_path.is_dir() and list(tmp_path.iterdir()) == []


def test_export_onto_an_existing_file(db, tmp_path):
    target = tmp_path / "exported"
    target.write_text("keep me")
    result = runner.invoke(app, ["export", str(target), "--db", str(db)])
    assert result.exit_code == 2 and len(lines(result)) <= 2 and str(target) in result.output, result.output
    assert target.read_text() == "keep me"


def test_intervals_are_written_as_text_and_json_has_no_nan(db, tmp_path):
    csv = runner.invoke(app, ["sql", "select interval 26 hour as waited, 1 as n", "--db", str(db),
                              "--format", "csv"])
    assert csv.exit_code == 0, csv.output
    assert csv.output.splitlines() == ['"waited","n"', '"26:00:00",1']
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["sql", "select 'nan'::double as a, ['inf'::double, 2.5] as b, "
                                 "{'c': '-inf'::double} as s, interval 1 day as d", "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "NaN" not in text and "Infinity" not in text
    import json

    assert json.loads(text) == [{"a": None, "b": [None, 2.5], "s": {"c": None}, "d": "1 day"}]


def test_report_on_a_corrupt_marts_file(db, tmp_path, monkeypatch):
    marts = tmp_path / "marts.duckdb"
    marts.write_bytes(b"DUCK" * 5000)
    monkeypatch.setenv("GAZETTE_MARTS_DB", str(marts))
    for args in (["fct_runs"], ["--html", str(tmp_path / "r.html")]):
        result = runner.invoke(app, ["report", *args, "--db", str(db), "--no-build"])
        assert result.exit_code == 1 and len(lines(result)) <= 2, result.output
        assert str(marts) in result.output and "--build" in result.output


def test_report_build_on_a_file_that_is_not_duckdb(tmp_path):
    fake = tmp_path / "notes.duckdb"
    fake.write_text("not a database\n" * 100)
    result = runner.invoke(app, ["report", "--build", "--db", str(fake)])
    assert result.exit_code == 1 and len(lines(result)) <= 2 and str(fake) in result.output, result.output
    assert not (tmp_path / "notes_marts.duckdb").exists()


@pytest.mark.parametrize("content, says", [
    ('{"doc": "a", "metrics": [', "not a readable JSON"), ("", "not a readable JSON"),
    ("[1, 2]", "a JSON object is expected"), ('{"metrics": {"x": 1}}', "'metrics' must be a list"),
    ('{"metrics": [{"base_value": "many"}]}', "base_value"),
])
def test_eval_with_a_bad_gold_file_names_it(db, tmp_path, content, says):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "good.json").write_text('{"doc": "good", "metrics": []}')
    (gold / "bad.json").write_text(content)
    result = runner.invoke(app, ["eval", "--gold", str(gold), "--db", str(db)])
    assert result.exit_code == 2 and len(lines(result)) <= 2, result.output
    assert str(gold / "bad.json") in result.output and says in result.output, result.output


@pytest.mark.parametrize("args, names", [(["--cron", "not a cron"], "--cron"), (["--cron", "61 * * * *"], "--cron"),
                                         (["--timezone", "Mars/Phobos"], "--timezone")])
def test_serve_with_a_bad_schedule(tmp_path, args, names):
    result = runner.invoke(app, ["serve", str(tmp_path), "--db", str(tmp_path / "w.duckdb"), *args])
    assert result.exit_code == 2 and len(lines(result)) == 1 and names in result.output, result.output


@pytest.mark.slow
def test_two_builds_at_once_both_succeed(tmp_path):
    """They share the marts' build folder: one waits for the other instead of both failing."""
    from reports.marts import build_marts, dbt_executable
    from tests.reports.conftest import build_warehouse

    if dbt_executable() is None:
        pytest.skip("dbt is not installed")
    db = build_warehouse(tmp_path / "gazette.duckdb", [ROOT / "data" / "sample"])
    results = []
    threads = [threading.Thread(target=lambda: results.append(build_marts(db))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.ok for r in results] == [True, True], [r.output[-2000:] for r in results if not r.ok]
    assert db.with_name("gazette_marts.duckdb").exists()


@pytest.mark.slow
def test_a_failed_run_in_a_real_process_says_one_line_and_nothing_more(tmp_path):
    """A run that fails inside the flow (here: a warehouse from a newer Gazette) printed its line, then the
    temporary server's shutdown log and ~40 lines of nanobind's report of DuckDB objects alive at exit."""
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table meta_schema_version (version integer primary key, name varchar not null, "
                "applied_at timestamp not null)")
    con.execute("insert into meta_schema_version values (999, 'future', now()::timestamp)")
    con.close()
    env = {**os.environ, "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600"}
    env.pop("PREFECT_LOGGING_LEVEL", None)
    done = subprocess.run([sys.executable, "-m", "cli.app", "run", str(ROOT / "data" / "sample"), "--db", str(db),
                           "-q"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    output = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 1 and len(output) == 1, output[:5] + ["..."] + output[-5:]
    assert "schema version 999" in output[0]
