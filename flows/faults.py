"""Fault injection for the reliability tests: crash or fail the run at named points.

GAZETTE_CRASH_AT=<point> makes the process kill itself (SIGKILL, no cleanup) when it reaches <point>;
the flow's fail_after parameter raises an exception instead. Points: staged:<batch>, load:<batch>:<table>
(inside the batch's transaction, after inserting <table>), committed:<batch>, publish (the read snapshot copied,
not yet renamed into place). Unset, nothing happens."""

from __future__ import annotations

import os
import signal

from flows.settings import Settings


class InjectedFailure(RuntimeError):
    pass


def reach(point: str, fail_at: str | None = None) -> None:
    if Settings().crash_at == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if fail_at is not None and fail_at == point:
        raise InjectedFailure(f"injected failure at {point}")
