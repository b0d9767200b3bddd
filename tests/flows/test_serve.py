"""Scheduled runs against a real Prefect server.

`prefect server start` and `gazette serve` run as subprocesses (each with an isolated PREFECT_HOME, no
telemetry, only 127.0.0.1 contacted). The tests check that `ingest/daily` is registered with its cron
schedule, that the server's scheduler puts the next cron runs on the calendar, and that a run of the
deployment executed by the serve process completes and loads the warehouse.

Prefect settings in this process are only changed inside `temporary_settings`, and the subprocesses get
their environment explicitly, so nothing leaks into the other tests of the session."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import sqlalchemy

from tests.conftest import ROOT, SAMPLE_DIR

pytestmark = pytest.mark.slow

SERVER_START_SECONDS = 120
DEPLOYMENT_WAIT_SECONDS = 90
SCHEDULER_WAIT_SECONDS = 60
FLOW_RUN_WAIT_SECONDS = 180
CRON = "0 6 * * *"
TIMEZONE = "Asia/Shanghai"
DEPLOYMENT = "ingest/daily"
BIN = Path(sys.executable).parent
# Prefect 3.8's scheduler inserts runs with a `state` key that SQLAlchemy 2.1 rejects in ORM bulk inserts
# ("Can't evaluate bulk DML statement; please supply a bulk_dml decorated function"): the server then never
# creates the cron runs. SQLAlchemy 2.0.x works.
SCHEDULER_BROKEN = tuple(int(x) for x in sqlalchemy.__version__.split(".")[:2]) >= (2, 1)
SCHEDULER_ERROR = "Can't evaluate bulk DML statement"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _isolated_env(prefect_home: Path, **extra: str) -> dict[str, str]:
    """The current environment without any PREFECT_* setting, plus an isolated home and no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(prefect_home),
        PREFECT_LOCAL_STORAGE_PATH=str(prefect_home / "storage"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class _Proc:
    """A subprocess in its own process group whose output goes to a file (no pipe to fill up)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path, cwd: Path):
        self.name, self.log = name, log
        self._stopped = False
        self._out = open(log, "wb")
        self.popen = subprocess.Popen(args, env=env, cwd=cwd, stdout=self._out, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the group (the serve process's flow-run children too), then SIGKILL if needed."""
        if self._stopped:
            return
        self._stopped = True
        if self.alive():
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.popen.wait(timeout=timeout)
        self._signal(signal.SIGKILL)  # stragglers left in the group after the leader exited
        self._out.close()

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


@dataclass
class Stack:
    api_url: str
    server: _Proc
    serve: _Proc
    sample: Path
    db: Path

    @property
    def procs(self) -> list[_Proc]:
        return [self.server, self.serve]

    @contextlib.contextmanager
    def dump_on_failure(self):
        """Print both subprocesses' output when the block fails (pytest shows it for failed tests only)."""
        try:
            yield
        except BaseException:
            for proc in self.procs:
                code = proc.popen.poll()
                print(f"\n===== {proc.name} (exit {code}) =====\n{proc.output()[-20000:]}")
            raise


def _wait_for(what: str, check, timeout: float, procs: list[_Proc], interval: float = 0.5):
    """Call check() until it returns something truthy; fail clearly on timeout or if a subprocess died."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        for proc in procs:
            if not proc.alive():
                pytest.fail(f"{proc.name} exited with code {proc.popen.returncode} while waiting for {what}")
        try:
            result = check()
            if result:
                return result
        except AssertionError:
            raise
        except Exception as err:  # not there yet
            last_error = err
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last_error!r})")


def _health(api_url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy
    with opener.open(f"{api_url}/health", timeout=5) as response:
        return response.status == 200


@contextlib.contextmanager
def _client(api_url: str):
    """A synchronous Prefect client for the test server; the setting is restored on exit."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        with get_client(sync_client=True) as client:
            yield client


def _deployment(stack: Stack, client):
    return _wait_for(f"the deployment {DEPLOYMENT} to be registered",
                     lambda: client.read_deployment_by_name(DEPLOYMENT), DEPLOYMENT_WAIT_SECONDS, stack.procs)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """A Prefect server and `gazette serve` against it; both always stopped at teardown."""
    prefect_exe, gazette_exe = BIN / "prefect", BIN / "gazette"
    assert prefect_exe.exists() and gazette_exe.exists(), f"no prefect/gazette executables next to {sys.executable}"
    tmp = tmp_path_factory.mktemp("serve")
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    (tmp / "server-home").mkdir()
    (tmp / "serve-home").mkdir()
    sample = tmp / "sample"
    shutil.copytree(SAMPLE_DIR, sample)
    db = tmp / "warehouse" / "w.duckdb"
    started: list[_Proc] = []
    try:
        server = _Proc(
            "prefect server",
            [str(prefect_exe), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            _isolated_env(tmp / "server-home", PREFECT_UI_ENABLED="false", PREFECT_SERVER_UI_ENABLED="false",
                          PREFECT_LOGGING_LEVEL="INFO"),
            tmp / "server.log", tmp,
        )
        started.append(server)
        _wait_for(f"the Prefect server to answer {api_url}/health", lambda: _health(api_url),
                  SERVER_START_SECONDS, [server])
        serve = _Proc(
            "gazette serve",
            [str(gazette_exe), "serve", str(sample), "--db", str(db), "--cron", CRON, "--timezone", TIMEZONE],
            _isolated_env(tmp / "serve-home", PREFECT_API_URL=api_url, PREFECT_LOGGING_LEVEL="INFO",
                          PREFECT_RUNNER_POLL_FREQUENCY="2"),
            tmp / "serve.log", ROOT,
        )
        started.append(serve)
        yield Stack(api_url=api_url, server=server, serve=serve, sample=sample, db=db)
    except BaseException:
        for proc in started:
            print(f"\n===== {proc.name} (exit {proc.popen.poll()}) =====\n{proc.output()[-20000:]}")
        raise
    finally:
        for proc in reversed(started):
            proc.stop()


def test_serve_registers_the_deployment_with_its_cron_schedule(stack):
    with stack.dump_on_failure(), _client(stack.api_url) as client:
        deployment = _deployment(stack, client)
        assert [(s.schedule.cron, s.schedule.timezone, s.active) for s in deployment.schedules] == [
            (CRON, TIMEZONE, True)]
        assert {k: deployment.parameters[k] for k in ("paths", "db")} == {
            "paths": [str(stack.sample.resolve())], "db": str(stack.db.resolve())}
        assert deployment.parameters["in_flight"] >= 2
        assert not deployment.paused


@pytest.mark.xfail(SCHEDULER_BROKEN, strict=True, raises=AssertionError,
                   reason=f"Prefect 3.8's scheduler fails with SQLAlchemy {sqlalchemy.__version__} (needs < 2.1)")
def test_the_server_puts_the_next_cron_runs_on_the_calendar(stack):
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    with stack.dump_on_failure(), _client(stack.api_url) as client:
        deployment = _deployment(stack, client)

        def auto_scheduled():
            if SCHEDULER_ERROR in stack.server.output():
                raise AssertionError(f"the server's scheduler failed: {SCHEDULER_ERROR!r} in its log")
            runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))
            return [r for r in runs if r.auto_scheduled]

        runs = _wait_for("the scheduler to create the cron runs", auto_scheduled, SCHEDULER_WAIT_SECONDS,
                         stack.procs, interval=1.0)
        now = datetime.now(timezone.utc)
        starts = sorted(r.expected_start_time.astimezone(ZoneInfo(TIMEZONE)) for r in runs)
        assert all(r.state is not None and r.state.is_scheduled() for r in runs)
        assert all(s > now and (s.hour, s.minute, s.second) == (6, 0, 0) for s in starts), starts
        assert len({s.date() for s in starts}) == len(starts), starts


def test_a_run_of_the_deployment_loads_the_warehouse(stack):
    from prefect.client.schemas.objects import StateType
    from prefect.deployments import run_deployment

    with stack.dump_on_failure():
        with _client(stack.api_url) as client:
            _deployment(stack, client)
            flow_run = run_deployment(name=DEPLOYMENT, timeout=0, as_subflow=False)

            def final_state():
                run = client.read_flow_run(flow_run.id)
                return run if run.state is not None and run.state.is_final() else None

            finished = _wait_for(f"flow run {flow_run.id} to reach a final state", final_state,
                                 FLOW_RUN_WAIT_SECONDS, stack.procs, interval=1.0)
        assert finished.state.type == StateType.COMPLETED, f"flow run ended {finished.state!r}"

        stack.serve.stop()  # DuckDB allows one process per file: read it once the serve process is gone
        con = duckdb.connect(str(stack.db), read_only=True)
        try:
            documents = con.execute("select count(*) from dim_document").fetchall()[0][0]
            status = con.execute("select status from etl_run where flow_run_id = ?", [str(flow_run.id)]).fetchall()
        finally:
            con.close()
        assert documents == 5
        assert status == [("completed",)]
