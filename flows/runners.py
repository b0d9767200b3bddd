"""Where the CPU stages run: threads, local processes (the default for `gazette run`) or a Dask cluster.

Reading, cleaning, extraction and segmentation hold the GIL (jieba is pure Python), so threads give no
parallelism; processes do, and Dask spreads the same tasks over many machines. The load step always runs
in the flow's own process: DuckDB has one writer."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

RUNNERS = ("processes", "threads", "dask")


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


def release_memory_promptly() -> None:
    """Worker processes inherit this: Polars' allocator (jemalloc) then hands a finished batch's memory back
    to the system at once instead of keeping it for seconds, so workers' peaks do not stack batch on batch."""
    os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def task_runner(kind: str, workers: int | None = None):
    from flows.batch import warm_up

    workers = workers or default_workers()
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "processes":
        from prefect.task_runners import ProcessPoolTaskRunner

        release_memory_promptly()

        return ProcessPoolTaskRunner(max_workers=workers, initializer=warm_up)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        address = os.environ.get("GAZETTE_DASK_ADDRESS")
        if address:  # an existing cluster, e.g. tcp://scheduler:8786
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise ValueError(f"unknown runner {kind!r}; choose one of {', '.join(RUNNERS)}")
