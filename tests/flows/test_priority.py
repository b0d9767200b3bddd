"""Worker threads and Polars' pool yield the CPU to the loading thread; the loading thread keeps its priority."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are a Linux feature")

PROBE = textwrap.dedent("""
    import json, os, threading
    import polars as pl
    from flows.runners import yield_cpu, _polars_threads

    pl.DataFrame({"a": list(range(100_000))}).group_by("a").len()  # Polars' pool exists
    nice = lambda tid: os.getpriority(os.PRIO_PROCESS, tid)
    seen = {}
    def worker():
        yield_cpu(NICE)
        yield_cpu(NICE)  # once per thread, not cumulative
        seen["worker"] = nice(threading.get_native_id())
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    print(json.dumps({"main": nice(threading.get_native_id()), "worker": seen["worker"],
                      "pool": sorted({nice(t) for t in _polars_threads()})}))
""")


def probe(nice: int) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE.replace("NICE", str(nice))], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_a_worker_thread_and_the_polars_pool_run_at_lower_priority_than_the_main_thread():
    got = probe(7)
    assert got["worker"] == got["main"] + 7
    assert got["pool"] == [got["main"] + 7]


def test_nice_zero_changes_nothing():
    got = probe(0)
    assert got["worker"] == got["main"]
    assert got["pool"] == [got["main"]]
