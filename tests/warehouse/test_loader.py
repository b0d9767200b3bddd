"""The run's writer holds the file across batches and releases it; committed batches survive a kill."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from warehouse.connection import writer
from warehouse.load import Loader
from warehouse.migrate import migrate


@pytest.fixture()
def empty_db(tmp_path):
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        migrate(con)
    return db


def documents(db) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from dim_document").fetchall()[0][0]
    finally:
        con.close()


def test_the_lock_is_held_between_batches_and_released_after_hold_seconds(empty_db, staged_sample):
    with Loader(empty_db, hold_seconds=3600, wait_seconds=0, memory_limit_mb=256) as loader:
        assert loader.load(staged_sample).documents_inserted == 5
        assert loader.con is not None  # held for the next batch
        probe = f"import duckdb; duckdb.connect({str(empty_db)!r}, read_only=True)"
        assert subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode != 0
    assert loader.con is None
    assert documents(empty_db) == 5

    with Loader(empty_db, hold_seconds=0, wait_seconds=0, memory_limit_mb=None) as loader:
        assert loader.load(staged_sample).documents_inserted == 0  # idempotent
        assert loader.con is None  # held for 0 s: released after the batch


def test_a_batch_committed_before_a_kill_is_in_the_warehouse(empty_db, staged_sample):
    # the process dies without checkpoint or close; DuckDB replays its log on the next open
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from warehouse.load import Loader
        loader = Loader(Path({str(empty_db)!r}), hold_seconds=3600, wait_seconds=0)
        loader.load(Path({str(staged_sample)!r}))
        os._exit(9)
    """)
    assert subprocess.run([sys.executable, "-c", script], capture_output=True).returncode == 9
    assert documents(empty_db) == 5



def test_a_load_that_needs_more_memory_gets_it(empty_db, staged_sample):
    # 1 MB is too little for any batch: DuckDB refuses, the batch rolls back and is retried with more
    with Loader(empty_db, hold_seconds=3600, wait_seconds=0, memory_limit_mb=1) as loader:
        assert loader.load(staged_sample).documents_inserted == 5
        assert loader.memory_limit_mb > 1
        limit = loader.con.execute("select current_setting('memory_limit')").fetchall()[0][0]
        assert limit == f"{loader.memory_limit_mb:.1f} MiB"  # the connection has the raised limit
    assert documents(empty_db) == 5


def test_a_checkpoint_does_not_rewrite_row_groups_loaded_before(empty_db, tmp_path):
    # merging them into one (DuckDB's checkpoint vacuum) rewrote up to a row group of bodies per checkpoint;
    # any of our write connections would, not only the loader's
    from datetime import datetime

    from flows.batch import discover
    from flows.tasks import _record_run
    from tests.conftest import SAMPLE_DIR
    from tests.warehouse.conftest import stage_sample

    files, _, _ = discover([str(SAMPLE_DIR)])
    for i, half in enumerate([files.slice(0, 2), files.slice(2)]):
        stage_sample(tmp_path / f"b{i}", half)
    loader = Loader(empty_db, hold_seconds=0, wait_seconds=0)  # released (checkpointed) after each batch
    assert [loader.load(tmp_path / f"b{i}").documents_inserted for i in range(2)] == [2, 3]
    with writer(empty_db) as con:  # as the run's end does: record the run, then checkpoint
        migrate(con)
        _record_run(con, {"run_id": "r", "flow_run_id": None, "started_at": datetime(2026, 1, 1),
                          "finished_at": None, "status": "completed", "files_seen": 5, "documents_loaded": 5,
                          "documents_skipped": 0, "files_quarantined": 0, "pipeline_version": "test",
                          "summary": None, "integrity_violations": 0})

    con = duckdb.connect(str(empty_db), read_only=True)
    try:
        groups = con.execute("select count(distinct row_group_id) from pragma_storage_info('dim_document')").fetchall()
        assert groups[0][0] == 2
        assert con.execute("select count(*) from dim_document").fetchall()[0][0] == 5
    finally:
        con.close()
