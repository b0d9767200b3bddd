"""Same-run comparison of what a run adding 1 % new documents costs, the read snapshot's publish above all:
`python bench/incremental.py --base 960161f --n 5000`.

One corpus and one cold run (this checkout) give a warehouse and its snapshot; then 1 % of the files change
(as in bench/run.py) and, from copies of that same warehouse and snapshot, base and head alternate (A B A B,
--pairs times): the publish step alone (publish_snapshot on a warehouse one run ahead of its snapshot, in a
process of its own), a whole `gazette run` over the changed corpus, and the same run again with nothing changed
(a no-op). Medians, and their ratio to the cold run.

    python bench/incremental.py --base 960161f --n 5000 --pairs 3
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
from bench.compare import Side, base_side, head_side  # noqa: E402
from bench.make_corpus import make_corpus  # noqa: E402
from bench.run import change_one_percent, last_run  # noqa: E402
from warehouse.publish import snapshot_path  # noqa: E402

PUBLISH = ("import sys, time\nfrom pathlib import Path\nfrom warehouse.publish import publish_snapshot\n"
           "started = time.perf_counter()\npublish_snapshot(Path(sys.argv[1]))\n"
           "print(time.perf_counter() - started)")


def _place(warehouse: Path, snapshot: Path, db: Path) -> None:
    """A copy of the warehouse and of its (older) snapshot at db."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for stale in db.parent.glob(db.name.split(".")[0] + "*"):
        stale.unlink()
    shutil.copy(warehouse, db)
    shutil.copy(snapshot, snapshot_path(db))


def _run(side: Side, corpus: Path, db: Path, env: dict[str, str] | None = None) -> dict:
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    proc = subprocess.run([*side.command, "run", str(corpus), "--db", str(db), "-q"], cwd=side.cwd,
                          env={**side.env, **(env or {})}, capture_output=True, text=True)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{side.name} run failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime  # steadier than wall when shared
    return {"wall": wall, "cpu": cpu, "documents": last_run(db)["documents_loaded"]}


def _publish(side: Side, db: Path) -> float:
    proc = subprocess.run([sys.executable, "-c", PUBLISH, str(db)], cwd=side.cwd, env=side.env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{side.name} publish failed:\n{proc.stderr[-3000:]}")
    return float(proc.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the earlier commit (any git revision)")
    parser.add_argument("--n", type=int, default=5000, help="documents (default 5000)")
    parser.add_argument("--pairs", type=int, default=3, help="alternating base/head pairs (default 3, medians)")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temp folder, removed)")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="gazette-incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    base, head = base_side(args.base, work, reuse_venv=False), head_side(work)
    corpus, state = work / "corpus", work / "state"
    shutil.rmtree(corpus, ignore_errors=True)
    state.mkdir(exist_ok=True)
    paths = make_corpus(args.n, corpus, seed=7, noise=0.01)
    print(f"corpus: {args.n} documents, {sum(p.stat().st_size for p in paths) / 2**20:.1f} MB; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    warm = work / "warm"  # one document per side first, untimed: each side's caches (the gazetteer's) filled
    warm.mkdir(exist_ok=True)
    shutil.copy(paths[0], warm / paths[0].name)
    for side in (base, head):
        (work / f"warm-{side.name}").mkdir(exist_ok=True)
        _run(side, warm, work / f"warm-{side.name}" / "w.duckdb")
    cold_db = state / "cold" / "w.duckdb"
    cold_db.parent.mkdir(exist_ok=True)
    for stale in cold_db.parent.glob("w*"):
        stale.unlink()
    cold = _run(head, corpus, cold_db)
    print(f"cold run (head): {cold['wall']:.1f} s wall, {cold['cpu']:.1f} s CPU, {cold['documents']} documents",
          flush=True)
    warehouse0, snapshot0 = state / "w0.duckdb", state / "s0.duckdb"
    shutil.copy(cold_db, warehouse0)
    shutil.copy(snapshot_path(cold_db), snapshot0)
    changed = change_one_percent(corpus)
    ahead = state / "ahead" / "w.duckdb"  # one run past the snapshot, not published: what a publish starts from
    _place(warehouse0, snapshot0, ahead)
    _run(head, corpus, ahead, {"GAZETTE_READ_SNAPSHOT": "0"})
    warehouse1 = state / "w1.duckdb"
    shutil.copy(ahead, warehouse1)

    rows: dict[str, dict[str, list[float]]] = {s.name: {"publish": [], "run": [], "run_cpu": [], "noop": [],
                                                        "noop_cpu": []} for s in (base, head)}
    for pair in range(args.pairs):
        for side in (base, head) if pair % 2 == 0 else (head, base):
            db = work / side.name / "w.duckdb"
            _place(warehouse1, snapshot0, db)
            rows[side.name]["publish"].append(_publish(side, db))
            _place(warehouse0, snapshot0, db)
            run = _run(side, corpus, db)
            if run["documents"] != changed:
                raise SystemExit(f"the {side.name} run loaded {run['documents']} documents, not {changed}")
            rows[side.name]["run"].append(run["wall"])
            rows[side.name]["run_cpu"].append(run["cpu"])
            noop = _run(side, corpus, db)
            if noop["documents"]:
                raise SystemExit(f"the {side.name} re-run loaded {noop['documents']} documents, not 0")
            rows[side.name]["noop"].append(noop["wall"])
            rows[side.name]["noop_cpu"].append(noop["cpu"])
            print(f"pair {pair + 1} {side.name}: publish {rows[side.name]['publish'][-1]:.2f} s, "
                  f"run adding {changed} documents {run['wall']:.1f} s wall, {run['cpu']:.1f} s CPU; "
                  f"no-op {noop['wall']:.1f} s wall, {noop['cpu']:.1f} s CPU", flush=True)
    med = {s: {k: statistics.median(v) for k, v in r.items()} for s, r in rows.items()}
    print(f"\nbase {base.sha[:9]}, head {head.sha[:9]}; N={args.n}, {args.pairs} alternating pairs, medians; "
          f"cold run {cold['wall']:.1f} s wall, {cold['cpu']:.1f} s CPU; load average now {os.getloadavg()[0]:.1f}\n")
    print("| | base | head | head / base | base / cold | head / cold |\n|---|---|---|---|---|---|")
    for key, label, cold_key in (("publish", "publish step, s", "wall"),
                                 ("run", f"run adding 1 % ({changed} documents), wall s", "wall"),
                                 ("run_cpu", "the same run, CPU s (process tree)", "cpu"),
                                 ("noop", "no-op re-run, wall s", "wall"),
                                 ("noop_cpu", "the same no-op, CPU s (process tree)", "cpu")):
        b, h = med["base"][key], med["head"][key]
        print(f"| {label} | {b:.2f} | {h:.2f} | {h / b:.2f} | {b / cold[cold_key]:.3f} | {h / cold[cold_key]:.3f} |")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    path = results / f"incremental-{base.sha[:9]}-{args.n}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps({"n": args.n, "base": base.sha, "head": head.sha, "cold": cold, "changed": changed,
                                "runs": rows, "medians": med}, indent=2), encoding="utf-8")
    print(f"\nJSON: {path}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
