"""Same-run comparison with an earlier commit: `make bench BASE=2959cd0`.

The base is checked out in a git worktree (kept under the temp folder and reused by later invocations). It runs
in the current virtualenv when its pyproject.toml and constraints.txt are the same as this checkout's, with
PYTHONPATH pointing at the worktree; otherwise it gets a virtualenv of its own from its own `make install`
(the pip cache makes that a minute or two), so the base runs with the dependencies it pinned. --reuse-venv
forces the current virtualenv when the differences are known not to matter.

One corpus (bench/make_corpus.py) is written once; then base and head run alternately on it (A B A B, --pairs
times), each pair being, per side: a run over an empty folder (the fixed start-up) and a cold run into a new
warehouse. The table shows the medians over the pairs and head / base ratios: cold wall seconds, user CPU of
the whole process tree, milliseconds per document net of start-up, and peak RSS of the process tree. Both
sides get their own Prefect home and staging folder, each warmed by one untimed run first.

    python bench/compare.py --base 2959cd0                 # N = 500, 3 pairs: a few minutes on a quiet machine
    python bench/compare.py --base 2959cd0 --n 10000       # the issue's shape
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.make_corpus import make_corpus  # noqa: E402
from bench.run import PeakRSS, last_run  # noqa: E402

DEPENDENCY_FILES = ("pyproject.toml", "constraints.txt")


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


class Side:
    """One code version: how to start its `gazette` and where its Prefect home and staging live."""

    def __init__(self, name: str, sha: str, command: list[str], env: dict[str, str], cwd: Path, how: str) -> None:
        self.name, self.sha, self.command, self.env, self.cwd, self.how = name, sha, command, env, cwd, how
        self.runs: list[dict] = []

    def run(self, corpus: Path, db: Path, extra: list[str]) -> dict:
        for stale in db.parent.glob(db.name + "*"):
            stale.unlink()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.Popen([*self.command, "run", str(corpus), "--db", str(db), "-q", *extra], cwd=self.cwd,
                                env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        rss = PeakRSS(proc.pid)
        out, _ = proc.communicate()
        wall = time.perf_counter() - started
        rss.stop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # descendants waited for: the temporary server too
        if proc.returncode != 0:
            raise SystemExit(f"{self.name} ({self.sha[:9]}) run over {corpus} failed ({proc.returncode}):\n{out[-3000:]}")
        return {"wall": wall, "user": after.ru_utime - before.ru_utime, "sys": after.ru_stime - before.ru_stime,
                "peak_rss_mb": rss.peak / 2**20, "documents": last_run(db)["documents_loaded"]}


def base_side(base: str, work: Path, reuse_venv: bool) -> Side:
    sha = git("rev-parse", "--verify", f"{base}^{{commit}}")
    tree = Path(tempfile.gettempdir()) / f"gazette-bench-base-{sha[:12]}"
    if not (tree / ".git").exists():
        git("worktree", "prune")
        shutil.rmtree(tree, ignore_errors=True)
        git("worktree", "add", "--detach", str(tree), sha)
    same_deps = all(git("show", f"{sha}:{name}") == (ROOT / name).read_text(encoding="utf-8").strip()
                    for name in DEPENDENCY_FILES)
    env = _bench_env(work / "base")
    if same_deps or reuse_venv:
        how = ("current virtualenv (same pyproject.toml and constraints.txt)" if same_deps
               else "current virtualenv (--reuse-venv; the dependency files differ)")
        # an older base has its command line in the flows package (flows.cli); tried first, since this
        # checkout's editable install would otherwise lend the base its own cli package
        command = [sys.executable, "-c", "try:\n    from flows.cli import app\nexcept ImportError:\n"
                   "    from cli.app import app\napp()"]
        env["PYTHONPATH"] = str(tree)  # ahead of this checkout's editable install
    else:
        print(f"base {sha[:9]} pins other dependencies: installing its own virtualenv in {tree}/.venv", flush=True)
        subprocess.run(["make", "-C", str(tree), "install"], check=True, stdout=subprocess.DEVNULL)
        how = f"its own virtualenv ({tree}/.venv: pyproject.toml or constraints.txt differ)"
        command = [str(tree / ".venv" / "bin" / "gazette")]
    where = subprocess.run([command[0], "-c", "import flows; print(flows.__file__)"] if len(command) > 1 else
                           [str(tree / ".venv" / "bin" / "python"), "-c", "import flows; print(flows.__file__)"],
                           cwd=tree, env=env, capture_output=True, text=True, check=True).stdout.strip()
    if not where.startswith(str(tree)):
        raise SystemExit(f"the base would import {where}, not the worktree {tree}")
    return Side("base", sha, command, env, tree, how)


def head_side(work: Path) -> Side:
    sha = git("rev-parse", "HEAD")
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return Side("head", sha, [str(Path(sys.executable).with_name("gazette"))], _bench_env(work / "head"), ROOT,
                "current virtualenv" + dirty)


def _bench_env(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API") and k != "PYTHONPATH"}
    env.update(PREFECT_HOME=str(home / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1",
               PREFECT_LOGGING_LEVEL="WARNING", GAZETTE_STAGING_DIR=str(home / "staging"))
    return env


def summarise(side: Side) -> dict:
    med = {key: statistics.median(r[key] for r in side.runs) for key in ("cold_wall", "cold_user", "startup_wall",
                                                                          "per_doc_ms", "peak_rss_mb")}
    return {k: round(v, 3) for k, v in med.items()}


ROWS = [("cold wall, s", "cold_wall"), ("user CPU (process tree), s", "cold_user"),
        ("start-up (empty folder) wall, s", "startup_wall"), ("per document net of start-up, ms", "per_doc_ms"),
        ("peak RSS (process tree), MB", "peak_rss_mb")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the earlier commit (any git revision)")
    parser.add_argument("--n", type=int, default=500, help="documents (default 500; 10000 for the issue's shape)")
    parser.add_argument("--pairs", type=int, default=3, help="alternating base/head pairs (default 3, medians)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--reuse-venv", action="store_true", help="run the base in this virtualenv even when its "
                                                                  "dependency files differ")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temp folder, removed)")
    args = parser.parse_args()
    if args.pairs < 1:
        parser.error("--pairs must be at least 1")

    work = args.work or Path(tempfile.mkdtemp(prefix="gazette-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    base, head = base_side(args.base, work, args.reuse_venv), head_side(work)
    corpus, empty = work / "corpus", work / "empty"
    shutil.rmtree(corpus, ignore_errors=True)
    empty.mkdir(exist_ok=True)
    paths = make_corpus(args.n, corpus, seed=7, noise=0.01)
    corpus_mb = sum(p.stat().st_size for p in paths) / 2**20
    extra = ["--workers", str(args.workers)] if args.workers else []
    load = os.getloadavg()
    print(f"corpus: {args.n} documents, {corpus_mb:.1f} MB; load average {load[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    for side in (base, head):  # a new Prefect home creates its database; the gazetteer cache is filled once
        side.run(empty, work / side.name / "warm.duckdb", extra)
    for pair in range(args.pairs):
        for side in (base, head):
            startup = side.run(empty, work / side.name / "empty.duckdb", extra)
            cold = side.run(corpus, work / side.name / "cold.duckdb", extra)
            if not cold["documents"]:
                raise SystemExit(f"the {side.name} cold run loaded nothing: its figures would measure nothing")
            side.runs.append({"cold_wall": cold["wall"], "cold_user": cold["user"], "startup_wall": startup["wall"],
                              "per_doc_ms": 1000 * max(cold["wall"] - startup["wall"], 0) / cold["documents"],
                              "peak_rss_mb": cold["peak_rss_mb"], "documents": cold["documents"],
                              "cold_sys": cold["sys"]})
            print(f"pair {pair + 1} {side.name}: start-up {startup['wall']:.1f} s, cold {cold['wall']:.1f} s wall, "
                  f"{cold['user']:.1f} s user, {cold['documents']} documents, peak {cold['peak_rss_mb']:.0f} MB",
                  flush=True)

    b, h = summarise(base), summarise(head)
    print(f"\nbase {base.sha[:9]}: {base.how}\nhead {head.sha[:9]}: {head.how}")
    print(f"N={args.n} ({corpus_mb:.1f} MB), {args.pairs} alternating pairs, medians; "
          f"load average before {load[0]:.1f}, after {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"| | base {base.sha[:9]} | head {head.sha[:9]} | head / base |\n|---|---|---|---|")
    for label, key in ROWS:
        ratio = f"{h[key] / b[key]:.2f}" if b[key] else "-"
        print(f"| {label} | {b[key]:.1f} | {h[key]:.1f} | {ratio} |")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"compare-{base.sha[:9]}-{args.n}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "n": args.n, "corpus_mb": round(corpus_mb, 1),
        "pairs": args.pairs, "cpus": os.cpu_count(), "load_average_before": load[0],
        "sides": {s.name: {"sha": s.sha, "how": s.how, "runs": s.runs, "median": summarise(s)} for s in (base, head)},
        "ratios": {key: round(h[key] / b[key], 3) if b[key] else None for _, key in ROWS},
    }, indent=2), encoding="utf-8")
    print(f"\nJSON: {path}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
