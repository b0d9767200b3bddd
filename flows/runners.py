"""Where the CPU stages run: threads (the default for `gazette run`), local processes or a Dask cluster.

Threads by evidence: the heavy stages run in native code that releases the GIL (Polars, the Rust
Aho-Corasick, jieba-rs), and on 2 cores, 10 000 documents took the same time with 2 threads as with 2
worker processes (74.8 s and 73.6 s) at two thirds of the memory (1.45 GB against 2.17 GB: each process
holds its own gazetteer and dictionaries). Processes remain for many cores, where the parts that hold the
GIL (charset detection, building frames from Python objects) would cap threads; Dask spreads the same tasks
over machines. The load step always runs in the flow's own process: DuckDB has one writer."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

RUNNERS = ("threads", "processes", "dask")


@contextmanager
def shared_api() -> Iterator[str | None]:
    """One temporary Prefect server for the flow and its worker processes when none is configured.

    Without it every worker process, finding no PREFECT_API_URL, starts a temporary server of its own:
    seconds of start-up and a few hundred MB each, and time-outs on a busy machine."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    saved = os.environ.get("PREFECT_API_URL")
    configured = saved or PREFECT_API_URL.value()
    server = None
    if not configured:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        with _children_outside_the_group():
            server.start()
        configured = server.api_url
    os.environ["PREFECT_API_URL"] = configured  # inherited by the worker processes spawned from here
    try:
        with temporary_settings(updates={PREFECT_API_URL: configured}):
            yield configured
    finally:
        if saved is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = saved
        if server is not None:
            server.stop()


@contextmanager
def _children_outside_the_group() -> Iterator[None]:
    """Processes started in this block (Prefect's temporary server: Prefect starts it with subprocess.Popen)
    get a session of their own, so a Ctrl-C to the run's process group does not take the server down under the
    stopping flow (whose event and log workers then retry it for minutes); shared_api() stops it. On Linux
    they also get SIGTERM when the run dies, kill -9 included, instead of outliving it."""
    import subprocess

    original = subprocess.Popen

    class Popen(original):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("start_new_session", True)
            if sys.platform == "linux":
                kwargs.setdefault("preexec_fn", _die_with_parent)
            super().__init__(*args, **kwargs)

    subprocess.Popen = Popen
    try:
        yield
    finally:
        subprocess.Popen = original


def _die_with_parent() -> None:
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


_this_thread = threading.local()
_reniced_pool: set[int] = set()


def yield_cpu(nice: int) -> None:
    """Lower the calling worker thread's CPU priority by nice, and that of Polars' thread pool, which does
    much of a worker's work (on Linux, where a thread has its own nice value; elsewhere nothing).

    The load is one thread feeding one DuckDB writer. Beside two busy workers on 2 cores it got a fair share
    of the CPU with each of their threads: at 100 000 documents a checkpoint that takes 1.3 s alone took 6 s
    on average (47 s at most), while the workers filled their window and waited for it."""
    if nice <= 0 or sys.platform != "linux":
        return
    if not getattr(_this_thread, "reniced", False):
        _renice(threading.get_native_id(), nice)
        _this_thread.reniced = True
    if len(_reniced_pool) >= _pool_size():
        return  # the pool is fixed once started: no need to list the process's threads each batch
    for tid in _polars_threads():
        if tid not in _reniced_pool:
            _renice(tid, nice)
            _reniced_pool.add(tid)


def _pool_size() -> int:
    import polars as pl

    return pl.thread_pool_size()


def _polars_threads() -> list[int]:
    found = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as comm:
                if comm.read().startswith("polars"):
                    found.append(int(tid))
        except OSError:  # the thread has ended
            continue
    return found


def _renice(tid: int, nice: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + nice)
    except OSError:  # ended, or not ours to change
        pass


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def task_runner(kind: str, workers: int | None = None, dask_address: str | None = None):
    from flows.batch import warm_up
    from flows.settings import Settings

    workers = workers or default_workers()
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "processes":
        from prefect.task_runners import ProcessPoolTaskRunner


        return ProcessPoolTaskRunner(max_workers=workers, initializer=warm_up)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        address = dask_address or Settings().dask_address
        if address:  # an existing cluster, e.g. tcp://scheduler:8786
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise ValueError(f"unknown runner {kind!r}; choose one of {', '.join(RUNNERS)}")
