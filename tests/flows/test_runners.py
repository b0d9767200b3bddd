"""The CPU stages on other runners (local processes, a local Dask cluster) build the same warehouse."""

from __future__ import annotations

import duckdb
import pytest

from flows.ingest import ingest
from flows.runners import shared_api, task_runner
from tests.conftest import SAMPLE_DIR

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

# Columns that name the run or its clock; everything else must be identical whatever ran the batches.
RUN_COLUMNS = {
    "dim_document": "loaded_at, run_id",
    "dim_source_file": "first_seen_at, last_seen_at",
    "quarantine": "detected_at, run_id",
}


def content(db) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "and table_name not in ('etl_run', 'meta_schema_version', 'meta_commit')").fetchall()]
        out = {}
        for table in tables:
            exclude = f" exclude ({RUN_COLUMNS[table]})" if table in RUN_COLUMNS else ""
            out[table] = con.execute(f"select *{exclude} from {table} order by all").fetchall()
        return out
    finally:
        con.close()


def run_with(kind: str, db) -> dict:
    flow = ingest.with_options(task_runner=task_runner(kind, workers=2))
    with shared_api():  # the workers talk to the test harness's server
        return flow(paths=[str(SAMPLE_DIR)], db=str(db), batch_mb=0.01, in_flight=4)


def test_process_pool_and_dask_build_the_same_warehouse_as_threads(tmp_path):
    results = {kind: run_with(kind, tmp_path / f"{kind}.duckdb") for kind in ("threads", "processes", "dask")}
    for kind, summary in results.items():
        assert (summary["status"], summary["documents_loaded"], summary["batches"]) == ("completed", 5, 5), kind
    reference = content(tmp_path / "threads.duckdb")
    assert reference["fact_metric"] and reference["fact_term"]
    assert content(tmp_path / "processes.duckdb") == reference
    assert content(tmp_path / "dask.duckdb") == reference
