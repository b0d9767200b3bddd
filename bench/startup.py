"""What a run over one small document costs against importing its three big libraries, alternately (A B A B),
medians of wall and CPU seconds (user + system, the process tree). The issue's goal: the run <= 4x the import.

    python bench/startup.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAZETTE = str(Path(sys.executable).with_name("gazette"))
IMPORT = [sys.executable, "-c", "import prefect, duckdb, polars"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gazette-startup-"))
    folder = work / "in"
    folder.mkdir()
    sample = sorted((ROOT / "data" / "sample").glob("*.txt"))[0]
    (folder / "one.txt").write_text(sample.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_HOME=str(work / "prefect-home"), GAZETTE_STAGING_DIR=str(work / "staging"))

    def one_run() -> list[str]:
        for stale in work.glob("w.duckdb*"):
            stale.unlink()
        return [GAZETTE, "run", str(folder), "--db", str(work / "w.duckdb"), "-q"]

    subprocess.run(one_run(), env=env, check=True, capture_output=True)  # the gazetteer cache, Prefect's home
    imports, runs = [], []
    for _ in range(args.rounds):
        imports.append(timed(IMPORT, env))
        runs.append(timed(one_run(), env))
    med = {name: (statistics.median(w for w, _ in xs), statistics.median(c for _, c in xs))
           for name, xs in (("import prefect, duckdb, polars", imports), ("gazette run, one small document", runs))}
    print(f"{args.rounds} alternating rounds, medians; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, (wall, cpu) in med.items():
        print(f"{name:<34} wall {wall:6.2f} s   CPU {cpu:6.2f} s")
    (iw, ic), (rw, rc) = med.values()
    print(f"{'run / import':<34} wall {rw / iw:6.2f}     CPU {rc / ic:6.2f}   (goal: <= 4)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
