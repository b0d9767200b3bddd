"""A loaded warehouse built without Prefect: process_batch + load_batch on the sample."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from flows.batch import discover, process_batch
from flows.settings import Settings
from tests.conftest import SAMPLE_DIR
from transforms.rules import default_cleaning_rules
from warehouse.connection import writer
from warehouse.load import load_batch
from warehouse.migrate import SQL_DIR, migrate


def stage_sample(staging: Path, files=None) -> Path:
    """Stage the sample (or those of its files given, a slice of its listing) as one batch."""
    if files is None:
        files, _, _ = discover([str(SAMPLE_DIR)])
    process_batch(files, known_keys_path=None, staging=staging, settings=Settings(), rules=default_cleaning_rules(),
                  run_id="test-run", started_at=datetime(2026, 1, 1))
    return staging


@pytest.fixture(scope="session")
def staged_sample(tmp_path_factory) -> Path:
    return stage_sample(tmp_path_factory.mktemp("staging") / "batch-00000")


@pytest.fixture()
def loaded(tmp_path, staged_sample) -> Path:
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        migrate(con)
        load_batch(con, staged_sample)
    return db


def schema_v1(tmp_path: Path) -> Path:
    """sql/schema as it was at version 1."""
    old = tmp_path / "schema_v1"
    old.mkdir()
    shutil.copy(SQL_DIR / "schema" / "001_initial.sql", old)
    return old


def views_v1(tmp_path: Path) -> Path:
    """sql/views as they were at version 1: today's views without the columns later versions added."""
    old = tmp_path / "views_v1"
    old.mkdir()
    for path in (SQL_DIR / "views").glob("*.sql"):
        text = path.read_text(encoding="utf-8")
        for added in ("    m.value_high,\n", "    m.base_value_high,\n"):  # schema v5
            text = text.replace(added, "")
        (old / path.name).write_text(text, encoding="utf-8")
    return old
