"""Where the CPU stages run: threads, local processes (the default for `gazette run`) or a Dask cluster.

Reading, cleaning, extraction and segmentation hold the GIL (jieba is pure Python), so threads give no
parallelism; processes do, and Dask spreads the same tasks over many machines. The load step always runs
in the flow's own process: DuckDB has one writer."""

from __future__ import annotations

import os

RUNNERS = ("processes", "threads", "dask")


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

        return ProcessPoolTaskRunner(max_workers=workers, initializer=warm_up)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        address = os.environ.get("GAZETTE_DASK_ADDRESS")
        if address:  # an existing cluster, e.g. tcp://scheduler:8786
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise ValueError(f"unknown runner {kind!r}; choose one of {', '.join(RUNNERS)}")
