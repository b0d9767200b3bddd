"""Ctrl-C and SIGTERM sent the way a terminal or a service manager sends them, to the run's whole process group,
stop the run: exit 130 or 143, the run recorded cancelled, no process of the run left. After kill -9 of the run,
nothing of it outlives it either."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bench.make_corpus import make_corpus
from tests.flows.helpers import query
from tests.reliability.helpers import Gazette, gazette_env, run_gazette

pytestmark = pytest.mark.slow
BATCH_MB = 0.05
GUARD = 300  # seconds: a guard against a hang, not a measurement


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _server_alive(tmp_path, wait: float = 30) -> bool:
    """A temporary Prefect server of this test's Prefect home (in a session of its own, not the run's group)."""
    import psutil

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        alive = [p for p in psutil.process_iter(["cmdline", "environ"])
                 if "uvicorn" in " ".join(p.info["cmdline"] or [])
                 and (p.info["environ"] or {}).get("PREFECT_HOME") == str(tmp_path / "prefect-home")]
        if not alive:
            return False
        time.sleep(0.2)
    return True


def _start_mid_run(tmp_path, documents: int = 480, extra: tuple[str, ...] = ()) -> tuple[Gazette, object]:
    corpus = tmp_path / "corpus"
    make_corpus(documents, corpus, seed=13, noise=0.0)
    db = tmp_path / "w.duckdb"
    run = Gazette(["run", str(corpus), "--db", str(db), "--batch-mb", str(BATCH_MB), "-q", *extra],
                  gazette_env(tmp_path))
    deadline = time.monotonic() + GUARD
    while (not any((tmp_path / "staging").glob("*/batch-00002")) and run.proc.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.05)
    assert run.proc.poll() is None, "the run ended before it could be stopped"
    return run, db


@pytest.mark.parametrize(("sig", "code", "extra"), [(signal.SIGINT, 130, ()), (signal.SIGTERM, 143, ())],
                         ids=["sigint", "sigterm"])
def test_a_signal_to_the_process_group_cancels_the_run(tmp_path, sig, code, extra):
    run, db = _start_mid_run(tmp_path, extra=extra)
    os.killpg(run.proc.pid, sig)
    returned = run.proc.wait(timeout=GUARD)
    deadline = time.monotonic() + 30  # the group's last member may still be being reaped
    while _group_alive(run.proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left_behind = _group_alive(run.proc.pid)
    server_left = _server_alive(tmp_path)
    result = run.wait()

    assert returned == code, result.output
    assert "run cancelled" in result.output
    assert "Traceback" not in result.output and "EventsWorker" not in result.output, result.output
    assert not left_behind and not server_left, "a process of the run outlived it"
    assert query(db, "select status from etl_run") == [("cancelled",)]
    assert run_gazette(["check", "--db", str(db)], gazette_env(tmp_path)).returncode == 0


def test_nothing_outlives_a_killed_run(tmp_path):
    run, _ = _start_mid_run(tmp_path)
    os.kill(run.proc.pid, signal.SIGKILL)  # the run alone, as the OOM killer would
    run.proc.wait(timeout=GUARD)
    deadline = time.monotonic() + 30
    while _group_alive(run.proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left_behind = _group_alive(run.proc.pid)
    server_left = _server_alive(tmp_path)
    run.wait()
    assert not server_left, "the temporary Prefect server outlived the killed run"
    assert not left_behind, "a child of the killed run (a Prefect server, a worker) outlived it"


SERVER_LIKE = """
import subprocess, sys, time
from flows.runners import _children_outside_the_group
with _children_outside_the_group():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print(child.pid, flush=True)
time.sleep(600)
"""


def test_the_temporary_server_of_process_runners_dies_with_the_run():
    """--runner processes and dask start Prefect's temporary server the way shared_api() does: in a session of
    its own (a Ctrl-C to the run's group does not reach it) and gone when the run is killed."""
    import subprocess
    import sys

    import psutil

    run = subprocess.Popen([sys.executable, "-c", SERVER_LIKE], stdout=subprocess.PIPE, text=True,
                           start_new_session=True)
    child = psutil.Process(int(run.stdout.readline()))
    try:
        assert os.getpgid(child.pid) != run.pid, "the server would get the run's Ctrl-C"
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=GUARD)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and child.is_running() and child.status() != psutil.STATUS_ZOMBIE:
            time.sleep(0.1)
        assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE, "the server outlived the run"
    finally:
        if child.is_running():
            child.kill()
