"""A run's stop request: set when a signal cancels the run, checked by batch workers between stages so the
threads of a cancelled run finish within seconds instead of completing their batches."""

from __future__ import annotations

import threading

_requested = threading.Event()


class RunCancelled(Exception):
    """The run was asked to stop."""


def request() -> None:
    _requested.set()


def clear() -> None:
    _requested.clear()


def check() -> None:
    if _requested.is_set():
        raise RunCancelled("the run was cancelled")


def is_stop(err: BaseException) -> bool:
    """A signal or a cancellation, as opposed to a failure. A signal that lands inside a DuckDB query surfaces
    as DuckDB's own "Query interrupted" error (DuckDB interrupts only on a signal)."""
    from prefect.exceptions import TerminationSignal

    return (isinstance(err, (KeyboardInterrupt, TerminationSignal, RunCancelled)) or _requested.is_set()
            or "Query interrupted" in str(err))
