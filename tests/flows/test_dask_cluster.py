"""A run on a real Dask cluster (a scheduler and two worker processes, each in its own folder): with staging
every worker shares, the warehouse equals the threads runner's; when the workers cannot see the run's staging,
the run fails loudly instead of loading nothing and calling it completed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from flows.ingest import ingest
from flows.runners import shared_api, task_runner
from tests.conftest import SAMPLE_DIR
from tests.flows.test_runners import content

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
DASK = str(Path(sys.executable).with_name("dask"))


def _can_hide_folders() -> bool:
    """Whether a worker can be given a private view of a folder (a mount namespace), as on another machine."""
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs none /mnt"], capture_output=True)
    return probe.returncode == 0


@contextmanager
def cluster(tmp_path: Path, *, hide: Path | None = None):
    """A scheduler and two single-threaded workers started in folders of their own; with hide, each worker sees
    an empty folder of its own at that path."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL", ""),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    scheduler_file = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([DASK, "scheduler", "--scheduler-file", str(scheduler_file), "--port", "0",
                               "--no-dashboard"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 120  # a guard against a hang, not a measurement
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        for i in range(2):
            folder = tmp_path / f"worker{i}"
            folder.mkdir()
            command = [DASK, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"]
            if hide is not None:
                command = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                           f"mount -t tmpfs none '{hide}' && exec {' '.join(command)}"]
            procs.append(subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def run_on(address: str, db: str, monkeypatch) -> dict:
    monkeypatch.setenv("GAZETTE_DASK_ADDRESS", address)
    flow = ingest.with_options(task_runner=task_runner("dask", workers=2))
    with shared_api():
        return flow(paths=[str(SAMPLE_DIR)], db=db, batch_mb=0.01, in_flight=4)


def test_a_cluster_with_shared_staging_builds_the_threads_warehouse(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAZETTE_STAGING_DIR", raising=False)
    (tmp_path / "cluster").mkdir()
    with cluster(tmp_path / "cluster") as address:
        summary = run_on(address, "w.duckdb", monkeypatch)  # relative: workers run in other folders
    assert (summary["status"], summary["documents_loaded"]) == ("completed", 5), summary["error"]
    threads = ingest.with_options(task_runner=task_runner("threads", workers=2))(
        paths=[str(SAMPLE_DIR)], db=str(tmp_path / "threads.duckdb"), batch_mb=0.01)
    assert threads["status"] == "completed"
    assert content(tmp_path / "w.duckdb") == content(tmp_path / "threads.duckdb")


@pytest.mark.skipif(not _can_hide_folders(), reason="needs mount namespaces (unshare -m) to hide staging")
def test_workers_that_cannot_see_the_staging_fail_the_run_loudly(tmp_path, monkeypatch):
    staging = tmp_path / "staging"
    staging.mkdir()
    monkeypatch.setenv("GAZETTE_STAGING_DIR", str(staging))
    (tmp_path / "cluster").mkdir()
    with cluster(tmp_path / "cluster", hide=staging) as address:
        with pytest.raises(Exception, match="staging must be a folder every worker"):
            run_on(address, str(tmp_path / "w.duckdb"), monkeypatch)
    import duckdb

    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        assert con.execute("select status, documents_loaded from etl_run").fetchall() == [("failed", 0)]
    finally:
        con.close()
