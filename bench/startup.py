"""What a run over one small document costs against importing its three big libraries, alternately (A B A B),
medians of wall and CPU seconds (user + system, the process tree). The issue's goal: the run <= 4x the import.
With --base, an earlier commit's run (bench/compare.py's worktree) alternates with this checkout's too.

    python bench/startup.py [--rounds 3] [--base 20edde7]
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
sys.path.insert(0, str(ROOT))
from bench.compare import Side, base_side, head_side  # noqa: E402

IMPORT = [sys.executable, "-c", "import prefect, duckdb, polars"]


def timed(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--base", default=None, help="an earlier commit to run alternately with this checkout")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gazette-startup-"))
    folder = work / "in"
    folder.mkdir()
    sample = sorted((ROOT / "data" / "sample").glob("*.txt"))[0]
    (folder / "one.txt").write_text(sample.read_text(encoding="utf-8")[:1500], encoding="utf-8")
    sides: list[Side] = ([base_side(args.base, work, reuse_venv=False)] if args.base else []) + [head_side(work)]

    def one_run(side: Side) -> list[str]:
        db = work / side.name / "w.duckdb"
        for stale in db.parent.glob("w.duckdb*"):
            stale.unlink()
        return [*side.command, "run", str(folder), "--db", str(db), "-q"]

    for side in sides:  # the gazetteer cache, Prefect's home
        subprocess.run(one_run(side), env=side.env, cwd=side.cwd, check=True, capture_output=True)
    imports: list[tuple[float, float]] = []
    runs: dict[str, list[tuple[float, float]]] = {side.name: [] for side in sides}
    for round_no in range(args.rounds):
        imports.append(timed(IMPORT, sides[-1].env))
        for side in sides if round_no % 2 == 0 else sides[::-1]:
            runs[side.name].append(timed(one_run(side), side.env, side.cwd))

    def med(xs: list[tuple[float, float]]) -> tuple[float, float]:
        return statistics.median(w for w, _ in xs), statistics.median(c for _, c in xs)

    iw, ic = med(imports)
    print(f"{args.rounds} alternating rounds, medians; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'import prefect, duckdb, polars':<40} wall {iw:6.2f} s   CPU {ic:6.2f} s")
    for side in sides:
        rw, rc = med(runs[side.name])
        label = f"gazette run, one document ({side.name} {side.sha[:9]})"
        print(f"{label:<40} wall {rw:6.2f} s   CPU {rc:6.2f} s   / import: wall {rw / iw:5.2f}, CPU {rc / ic:5.2f}"
              "   (goal: <= 4)")
    if args.base:
        (bw, bc), (hw, hc) = med(runs["base"]), med(runs["head"])
        print(f"{'head / base':<40} wall {hw / bw:6.2f}     CPU {hc / bc:6.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
