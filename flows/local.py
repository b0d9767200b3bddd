"""A run with no Prefect API to report to: the ingest flow's own function, its tasks called as functions.

Prefect 3 keeps a flow's and its tasks' states on an API server. With no PREFECT_API_URL it starts a temporary
one for the process (a uvicorn child: seconds of start-up, about 200 MB) whose database nobody reads after the
run, and it has no mode without a server: `get_client` and the events client either start that subprocess
(PREFECT_SERVER_ALLOW_EPHEMERAL_MODE) or refuse. So `gazette run` with no API configured runs `ingest.fn`, the
same steps in the same order, with each task's retries, its batches on a thread pool; with PREFECT_API_URL set
the flow runs under Prefect and its states, logs and artifacts go to that server.

Inside a Prefect flow run (a configured server, `gazette serve`, the test harness) call() and submit() are
the tasks' own call and .submit()."""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

_pool: ThreadPoolExecutor | None = None


_TRANSIENT = {errno.EAGAIN, errno.EINTR, errno.EIO, errno.EBUSY, errno.ETIMEDOUT, errno.ESTALE}


def transient(err: BaseException) -> bool:
    """A failure worth a retry: another process holds the warehouse, or the disk or network hiccuped."""
    from warehouse.connection import WarehouseBusy

    return isinstance(err, WarehouseBusy) or (isinstance(err, OSError) and err.errno in _TRANSIENT)


def api_configured() -> bool:
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def in_flow_run() -> bool:
    from prefect.context import FlowRunContext

    return FlowRunContext.get() is not None


def run_logger() -> logging.Logger | logging.LoggerAdapter:
    """Prefect's run logger in a flow or task run; outside one a child of Prefect's logger (same console
    format and level; Prefect's run loggers would try to send their records to an API)."""
    from prefect.context import FlowRunContext, TaskRunContext

    if FlowRunContext.get() or TaskRunContext.get():
        from prefect import get_run_logger

        return get_run_logger()
    return logging.getLogger("prefect.gazette")


@contextmanager
def thread_pool(workers: int) -> Iterator[None]:
    """Where submit() runs tasks outside a flow run. On the way out after a stop the queued batches are
    dropped; those running stop at their next stage (flows.cancel)."""
    global _pool
    _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gazette-batch")
    try:
        yield
    except BaseException:
        _pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        _pool.shutdown(wait=True)
    finally:
        _pool = None


def call(task, *args, **kwargs):
    """Run a Prefect task: as a task run inside a flow run, else as its function with the task's retries."""
    if in_flow_run():
        return task(*args, **kwargs)
    return _with_retries(task, args, kwargs)


def submit(task, *args, **kwargs) -> Future:
    """Submit a Prefect task: to the flow's task runner inside a flow run, else to thread_pool()'s threads."""
    if in_flow_run():
        return task.submit(*args, **kwargs)
    if _pool is None:
        raise RuntimeError("outside a Prefect flow run, tasks are submitted inside local.thread_pool()")
    return _pool.submit(_with_retries, task, args, kwargs)


def _with_retries(task, args: tuple, kwargs: dict):

    delays = task.retry_delay_seconds
    for attempt in range(task.retries + 1):
        try:
            return task.fn(*args, **kwargs)
        except Exception as err:
            if attempt == task.retries or not transient(err):
                raise
            delay = delays[min(attempt, len(delays) - 1)] if isinstance(delays, list) else (delays or 0)
            run_logger().warning("%s failed (%s); trying again in %s s", task.name, err, delay)
            time.sleep(delay)
