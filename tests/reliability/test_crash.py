"""A run killed with SIGKILL at any point leaves exactly the committed batches; the next run completes the rest."""

from __future__ import annotations

import hashlib
import signal
from pathlib import Path

import polars as pl
import pytest

from bench.make_corpus import make_corpus
from flows.batch import discover, plan_batches
from tests.flows.helpers import query, snapshot
from tests.conftest import SAMPLE_DIR as SAMPLE
from tests.reliability.helpers import gazette_env, run_gazette

pytestmark = pytest.mark.slow
BATCH_MB = 0.05
DOCUMENTS = 160


def doc_id(uri: str) -> str:
    return hashlib.sha256(Path(uri).read_bytes()).hexdigest()


def committed_ids(batches, upto: int) -> set[str]:
    """Document ids of batches 0..upto-1 (the ones committed before the kill)."""
    return {doc_id(uri) for batch in batches[:upto] for uri in batch["source_uri"]}


def plan_of_next_run(files, db) -> list:
    """The batches a run plans: files already loaded (unchanged) are skipped before planning."""
    loaded = loaded_ids(db) if db.exists() else set()
    unloaded = pl.Series([doc_id(uri) not in loaded for uri in files["source_uri"]])
    return plan_batches(files.filter(unloaded), int(BATCH_MB * 2**20))


def loaded_ids(db) -> set[str]:
    return {row[0] for row in query(db, "select document_id from dim_document")}


def test_sigkill_at_several_points_then_rerun(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(DOCUMENTS, corpus, seed=11, noise=0.0)
    files, _, _ = discover([str(corpus)])
    batches = plan_batches(files, int(BATCH_MB * 2**20))
    assert len(batches) >= 8
    db = tmp_path / "w.duckdb"
    args = ["run", str(corpus), "--db", str(db), "--batch-mb", str(BATCH_MB), "-q"]

    # (kill point, batches committed once the process is dead)
    for point, committed in [("staged:0", 0), ("load:2:fact_sentence", 2), ("load:2:dim_source_file", 2),
                             ("committed:1", 2)]:
        before = loaded_ids(db) if db.exists() else set()
        plan = plan_of_next_run(files, db)
        assert len(plan) > committed, point
        result = run_gazette(args, gazette_env(tmp_path, GAZETTE_CRASH_AT=point))
        assert result.returncode == -signal.SIGKILL, result.output
        assert loaded_ids(db) == before | committed_ids(plan, committed), point
        check = run_gazette(["check", "--db", str(db)], gazette_env(tmp_path))
        assert check.returncode == 0, check.output
        assert query(db, "select count(*) from etl_run where status = 'running'") == [(1,)]

    before_rest = snapshot(db, exclude=("etl_run", "meta_commit"))  # meta_commit counts on: one row, updated
    result = run_gazette(args, gazette_env(tmp_path))
    assert result.returncode == 0, result.output
    assert loaded_ids(db) == {doc_id(uri) for uri in files["source_uri"]}
    after = snapshot(db, exclude=("etl_run",))
    for table, rows in before_rest.items():
        assert set(map(repr, rows)) <= set(map(repr, after[table])), f"{table} lost rows"
    assert query(db, "select status, count(*) from etl_run group by all order by 1") == [
        ("completed", 1), ("interrupted", 4)]
    assert not any((tmp_path / "staging").iterdir()), "the killed runs' staging was swept"
    assert run_gazette(["check", "--db", str(db)], gazette_env(tmp_path)).returncode == 0


def test_sigterm_mid_run_cancels_it_and_leaves_nothing_running(tmp_path):
    import os
    import time

    from tests.reliability.helpers import Gazette

    corpus = tmp_path / "corpus"
    make_corpus(DOCUMENTS * 3, corpus, seed=12, noise=0.0)
    db = tmp_path / "w.duckdb"
    run = Gazette(["run", str(corpus), "--db", str(db), "--batch-mb", str(BATCH_MB), "-q"], gazette_env(tmp_path))
    staging = tmp_path / "staging"
    deadline = time.monotonic() + 300  # a guard against a hang, not a measurement
    while not any(staging.glob("*/batch-00003")) and run.proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.proc.poll() is None, "the run ended before it could be stopped"
    os.kill(run.proc.pid, signal.SIGTERM)
    code = run.proc.wait(timeout=120)
    try:
        os.killpg(run.proc.pid, 0)
        left_behind = True
    except ProcessLookupError:
        left_behind = False
    result = run.wait()

    assert code == 143, result.output
    assert "run cancelled" in result.output
    assert not left_behind, "a process of the run (Prefect's temporary server?) outlived it"
    assert query(db, "select status from etl_run") == [("cancelled",)]
    assert run_gazette(["check", "--db", str(db)], gazette_env(tmp_path)).returncode == 0
    again = run_gazette(["run", str(corpus), "--db", str(db), "--batch-mb", str(BATCH_MB), "-q"], gazette_env(tmp_path))
    assert again.returncode == 0, again.output
    assert query(db, "select count(*) from dim_document") == [(DOCUMENTS * 3,)]


def _can_mount_tmpfs() -> bool:
    import shutil
    import subprocess

    return bool(shutil.which("unshare")) and subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /mnt"],
        capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs mount namespaces (unshare -m) for a small disk")
def test_a_full_disk_ends_the_run_with_one_line_naming_it(tmp_path):
    import subprocess

    from tests.reliability.helpers import GAZETTE

    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"mount -t tmpfs -o size=3m none '{disk}' && exec {GAZETTE} run '{SAMPLE}' --db '{disk}/w.duckdb' -q"
    result = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                            env=gazette_env(tmp_path), capture_output=True, text=True, timeout=600)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 1, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip() and not line.startswith(("nanobind", " - "))]
    assert len(lines) <= 2 and "no space left on the disk holding" in output and str(disk) in output, output
