"""Warehouses for the analysts' side: the sample (and invented articles) staged and loaded as one batch,
with a completed etl_run row as a run would leave it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from flows.batch import discover, process_batch
from flows.settings import Settings
from tests.conftest import SAMPLE_DIR
from transforms.rules import default_cleaning_rules
from warehouse.connection import writer
from warehouse.load import load_batch
from warehouse.migrate import migrate


def build_warehouse(db: Path, paths: list[Path], run_id: str = "20260101T000000-test") -> Path:
    files, refused, _ = discover([str(p) for p in paths])
    staging = db.parent / f"staging-{db.stem}"
    started = datetime(2026, 1, 1)
    process_batch(files, known_keys_path=None, staging=staging, settings=Settings(), rules=default_cleaning_rules(),
                  run_id=run_id, started_at=started, refusals=refused)
    with writer(db) as con:
        migrate(con)
        load_batch(con, staging)
        con.execute(
            "insert into etl_run (run_id, started_at, finished_at, status, files_seen, documents_loaded, "
            "documents_skipped, files_quarantined, pipeline_version) "
            "select ?, ?, now()::timestamp, 'completed', ?, (select count(*) from dim_document), 0, "
            "(select count(*) from quarantine), 'test'", [run_id, started, files.height + len(refused)])
    return db


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The bundled sample loaded once per session; tests only read it."""
    return build_warehouse(tmp_path_factory.mktemp("sample") / "gazette.duckdb", [SAMPLE_DIR])


@pytest.fixture(scope="session")
def planted_marts(tmp_path_factory) -> tuple[Path, Path]:
    """(warehouse, marts) of the sample with the invented articles of tests/fixtures/analytics, dbt-built once
    per session (a build takes a minute on a busy machine); tests only read them."""
    from flows.marts import build_marts, dbt_executable
    from tests.conftest import ROOT

    if dbt_executable() is None:
        pytest.skip("dbt is not installed (pip install '.[dbt]')")
    db = build_warehouse(tmp_path_factory.mktemp("marts") / "gazette.duckdb",
                         [SAMPLE_DIR, ROOT / "tests" / "fixtures" / "analytics"])
    result = build_marts(db)
    assert result.ok, result.output[-4000:]
    assert "ERROR=0" in result.output and "WARN=0" in result.output
    return db, result.marts
