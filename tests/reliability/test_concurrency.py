"""Two writers on one warehouse: the second waits its turn (or says clearly that it gave up)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.make_corpus import make_corpus
from tests.conftest import SAMPLE_DIR
from tests.flows.helpers import query
from tests.reliability.helpers import Gazette, gazette_env, run_gazette

pytestmark = pytest.mark.slow


def test_two_runs_at_once_both_complete_and_the_warehouse_stays_consistent(tmp_path):
    corpus_a, corpus_b = tmp_path / "a", tmp_path / "b"
    make_corpus(60, corpus_a, seed=1, noise=0.0)
    make_corpus(60, corpus_b, seed=2, noise=0.0)
    db = tmp_path / "w.duckdb"
    env = gazette_env(tmp_path)
    first = Gazette(["run", str(corpus_a), str(SAMPLE_DIR), "--db", str(db), "--batch-mb", "0.05", "-q"], env)
    second = Gazette(["run", str(corpus_b), str(SAMPLE_DIR), "--db", str(db), "--batch-mb", "0.05", "-q"], env)
    done_first, done_second = first.wait(), second.wait()
    assert (done_first.returncode, done_second.returncode) == (0, 0), done_first.output + done_second.output
    assert query(db, "select count(*), count(distinct document_id) from dim_document") == [(125, 125)]
    assert query(db, "select status, count(*) from etl_run group by all") == [("completed", 2)]
    assert run_gazette(["check", "--db", str(db)], env).returncode == 0


def test_a_run_that_cannot_get_the_lock_gives_up_clearly(tmp_path):
    db = tmp_path / "w.duckdb"
    env = gazette_env(tmp_path)
    assert run_gazette(["run", str(SAMPLE_DIR), "--db", str(db), "-q"], env).returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('locked', flush=True); "
                               "time.sleep(120)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run_gazette(["run", str(SAMPLE_DIR), "--db", str(db), "-q"],
                             gazette_env(tmp_path, GAZETTE_LOCK_WAIT_SECONDS="2"))
        assert result.returncode == 1
        assert f"is held by process {holder.pid}" in result.output, result.output
        # readers open the snapshot of the last run: the writer holding the warehouse does not stop them
        reader = run_gazette(["sql", "select count(*) as n from dim_document", "--db", str(db)], env)
        assert reader.returncode == 0 and "5" in reader.output, reader.output
    finally:
        holder.kill()
        holder.wait()
    assert query(db, "select count(*) from dim_document") == [(5,)]
