"""Readers open a snapshot of the last run that changed the warehouse: a reader holding it open never blocks a
run, and the DuckDB 1.x command line from the package registry reads it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.conftest import SAMPLE_DIR
from tests.faults.corpus import ARTICLES
from tests.flows.helpers import query
from warehouse.publish import read_path, snapshot_path

pytestmark = pytest.mark.usefixtures("prefect_harness")
DUCKDB_CLI = Path(sys.executable).with_name("duckdb")

HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select count(*) from dim_document").fetchall()[0][0], flush=True)
    time.sleep(600)
""")


def test_a_reader_holding_the_snapshot_never_blocks_a_run(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE_DIR, folder)
    db = tmp_path / "w.duckdb"
    assert ingest(paths=[str(folder)], db=str(db))["status"] == "completed"
    assert read_path(db) == snapshot_path(db)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(snapshot_path(db))], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "5"
        (folder / "new.txt").write_text(ARTICLES["gb18030"], encoding="utf-8")
        second = ingest(paths=[str(folder)], db=str(db))
        assert (second["status"], second["documents_loaded"]) == ("completed", 1)
        assert holder.poll() is None, "the reader kept its connection for the whole run"
    finally:
        holder.kill()
        holder.wait()
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(6,)]


def test_no_op_runs_leave_the_snapshot_alone(tmp_path):
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(SAMPLE_DIR)], db=str(db))
    published = snapshot_path(db).stat().st_mtime_ns
    ingest(paths=[str(SAMPLE_DIR)], db=str(db))
    assert snapshot_path(db).stat().st_mtime_ns == published


@pytest.mark.skipif(not DUCKDB_CLI.exists(), reason="the duckdb-cli dev dependency is not installed")
def test_the_duckdb_1x_command_line_reads_the_snapshot(tmp_path):
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(SAMPLE_DIR)], db=str(db))
    version = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("v1."), version
    result = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", str(snapshot_path(db)),
                             "select count(*) as documents from v_document; select count(*) > 0 as has_metrics from v_metric"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["documents", "5", "has_metrics", "true"], result.stdout
