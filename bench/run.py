"""Benchmark: speed and memory of `gazette run` against a jieba-only baseline, in one process tree.

Measures, on a synthetic corpus of N documents (bench/make_corpus.py):
  startup   `gazette run` over an empty folder (imports, Prefect, opening the warehouse): fixed cost
  baseline  jieba segmentation alone over the same cleaned bodies, one process
  cold      the full run into a new warehouse
  noop      the same run again, nothing changed
  changed   a run after 1% of the files changed
and prints documents/s, MB/s, per-stage seconds, peak RSS (summed over the process tree) and the ratios
full/baseline and warm/cold, net of the fixed start-up, as a table and as JSON under bench/results/.

    python bench/run.py                 # N = 10 000, Prefect's temporary local server
    python bench/run.py --n 100000      # the large corpus
    python bench/run.py --server both   # also against a long-lived `prefect server` on 127.0.0.1
    python bench/run.py --profile       # also a pyinstrument profile of one batch (bench/results/*.txt)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.make_corpus import make_corpus  # noqa: E402

GAZETTE = str(Path(sys.executable).with_name("gazette"))
PREFECT = str(Path(sys.executable).with_name("prefect"))

BASELINE = r"""
import sys, time, duckdb, jieba, logging
jieba.setLogLevel(logging.WARNING)
jieba.initialize()
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("set enable_progress_bar = false")  # a long query would draw one on stdout
bodies = [r[0] for r in con.execute("select body from dim_document").fetchall()]
con.close()
start = time.perf_counter()
tokens = sum(len(jieba.lcut(b)) for b in bodies)
print(time.perf_counter() - start, tokens, sum(len(b) for b in bodies))
"""


def _role(proc: psutil.Process, root: psutil.Process) -> str:
    if proc.pid == root.pid:
        return "gazette"
    command = " ".join(proc.cmdline())
    if "uvicorn" in command or "prefect server" in command:
        return "prefect-server"
    if "spawn_main" in command or "dask" in command:
        return "worker"
    return proc.name()


class PeakRSS:
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        self.peak = 0
        self.breakdown: list[tuple[str, int]] = []  # (process role, MB) at the moment of the peak
        self._proc = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
                sizes = []
                for p in procs:
                    try:
                        sizes.append((_role(p, self._proc), p.memory_info().rss))
                    except psutil.Error:
                        pass
                total = sum(rss for _, rss in sizes)
                if total > self.peak:
                    self.peak = total
                    self.breakdown = sorted(((role, round(rss / 2**20)) for role, rss in sizes), key=lambda r: -r[1])
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, PeakRSS, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    rss = PeakRSS(proc.pid)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    rss.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out[-3000:]}")
    return seconds, rss, out


def last_run(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        (summary,) = con.execute("select summary from etl_run order by started_at desc limit 1").fetchall()[0]
    finally:
        con.close()
    return json.loads(summary)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PREFECT_UI_ENABLED": "false"}
    proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("prefect server did not start within 120 s")


def change_one_percent(corpus: Path) -> int:
    """Add a sentence to 1 % of the files, spread over the corpus: each is a new document to the next run."""
    files = sorted(corpus.rglob("*.txt"))
    chosen = files[:: max(1, len(files) // max(1, len(files) // 100))][: max(1, len(files) // 100)]
    for path in chosen:
        path.write_bytes(path.read_bytes() + "\n会议还强调，要确保各项工作落到实处。\n".encode("utf-8"))
    return len(chosen)


def bench_mode(name: str, corpus: Path, work: Path, env: dict[str, str], run_args: list[str]) -> dict:
    db = work / f"{name}.duckdb"
    # a warehouse left in a reused --work folder would make the cold run a no-op
    for stale in work.glob(f"{name}*.duckdb*"):
        stale.unlink()
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    results: dict = {"server": name}
    empty_run = [GAZETTE, "run", str(empty), "--db", str(work / f"{name}-empty.duckdb"), "-q", *run_args]
    # The first run in a new PREFECT_HOME also creates Prefect's database: reported, not taken as start-up.
    first, _, _ = timed(empty_run, env)
    startup, startup_rss, _ = timed(empty_run, env)
    results["startup"] = {"seconds": round(startup, 2), "peak_rss_mb": round(startup_rss.peak / 2**20),
                          "first_run_in_new_prefect_home_seconds": round(first, 2)}
    for phase in ("cold", "noop", "changed"):
        if phase == "changed":
            change_one_percent(corpus)
        seconds, peak, _ = timed([GAZETTE, "run", str(corpus), "--db", str(db), "-q", *run_args], env)
        summary = last_run(db)
        results[phase] = {
            "seconds": round(seconds, 2),
            "net_seconds": round(max(seconds - startup, 1e-9), 2),
            "documents_loaded": summary["documents_loaded"],
            "mb_read": round(summary["bytes_read"] / 2**20, 1),
            "stage_seconds": summary["stage_seconds"],
            "peak_rss_mb": round(peak.peak / 2**20),
            "peak_rss_by_process_mb": peak.breakdown,
        }
        if phase != "noop" and not summary["documents_loaded"]:
            raise SystemExit(f"the {phase} run loaded no document: its figures would measure nothing")
    return results


PROFILE = r"""
import sys, tempfile
from datetime import datetime
from pathlib import Path
from pyinstrument import Profiler
from flows import batch
from flows.settings import Settings
from transforms.rules import load_cleaning_rules

settings = Settings()
files, _, _ = batch.discover([sys.argv[1]])
first = batch.plan_batches(files, settings.batch_bytes)[0]
batch.warm_up()  # once per worker process in a run; not part of a batch
profiler = Profiler(interval=0.002)
with profiler:
    batch.process_batch(first, known_keys_path=None, staging=Path(tempfile.mkdtemp()), settings=settings,
                        rules=load_cleaning_rules(), run_id="profile", started_at=datetime.now())
print(f"one batch of {first.height} documents ({first['byte_size'].sum() / 2**20:.1f} MB), one process")
print(profiler.output_text(unicode=True, color=False))
"""


def profile_batch(corpus: Path, results: Path, n: int) -> Path:
    """pyinstrument over one batch of the corpus in a fresh process: where a worker spends its time."""
    out = subprocess.run([sys.executable, "-c", PROFILE, str(corpus)], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    path = results / f"profile-{n}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.txt"
    path.write_text(out.stdout, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="documents (default 10000; 100000 for the large run)")
    parser.add_argument("--server", choices=("temporary", "running", "both"), default="temporary")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the corpus and warehouses in the work folder")
    parser.add_argument("--profile", action="store_true", help="also profile one batch with pyinstrument")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the jieba-only baseline (it takes ~15 min at N=100000; the throughput target is at 10000)")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a temp folder)")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="gazette-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    paths = make_corpus(args.n, corpus, seed=7, noise=0.01)
    corpus_mb = sum(p.stat().st_size for p in paths) / 2**20
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    base_env.update(PREFECT_HOME=str(work / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                    DO_NOT_TRACK="1", PREFECT_LOGGING_LEVEL="WARNING", GAZETTE_STAGING_DIR=str(work / "staging"))
    run_args = ["--workers", str(args.workers)] if args.workers else []

    modes = []
    if args.server in ("temporary", "both"):
        modes.append(bench_mode("temporary", corpus, work, base_env, run_args))
    if args.server in ("running", "both"):
        make_corpus(args.n, corpus, seed=7, noise=0.01)  # undo the 1% change of the previous mode
        server, url = start_server(work / "server-home")
        try:
            modes.append(bench_mode("running", corpus, work, {**base_env, "PREFECT_API_URL": url}, run_args))
        finally:
            server.terminate()
            server.wait(timeout=30)

    baseline = None
    if not args.no_baseline:
        db = work / f"{modes[0]['server']}.duckdb"
        out = subprocess.run([sys.executable, "-c", BASELINE, str(db)], capture_output=True, text=True, check=True)
        base_seconds, tokens, chars = out.stdout.splitlines()[-1].split()
        baseline = {"seconds": round(float(base_seconds), 2), "tokens": int(tokens), "characters": int(chars)}

    report = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "n": args.n,
              "corpus_mb": round(corpus_mb, 1), "cpus": os.cpu_count(), "machine": platform.platform(),
              "baseline_jieba_single_process": baseline, "modes": modes}
    for mode in modes:
        cold, noop, changed = mode["cold"], mode["noop"], mode["changed"]
        mode["ratios"] = {
            "full_over_baseline_throughput": round(baseline["seconds"] / cold["net_seconds"], 2) if baseline else None,
            "noop_over_cold": round(noop["net_seconds"] / cold["net_seconds"], 3),
            "changed_1pct_over_cold": round(changed["net_seconds"] / cold["net_seconds"], 3),
        }
        mode["cold"]["documents_per_second"] = round(cold["documents_loaded"] / cold["net_seconds"], 1)
        mode["cold"]["mb_per_second"] = round(cold["mb_read"] / cold["net_seconds"], 2)

    print(f"\nGazette benchmark: N={args.n} synthetic documents, {corpus_mb:.1f} MB, {os.cpu_count()} cores")
    if baseline:
        print(f"baseline jieba alone, 1 process: {baseline['seconds']} s for {baseline['characters']:,} characters "
              f"({baseline['characters'] / baseline['seconds'] / 1e6:.2f} M chars/s)")
    header = f"{'server':<10} {'phase':<8} {'seconds':>8} {'net':>8} {'docs':>7} {'docs/s':>8} {'MB/s':>6} {'RSS MB':>7}"
    print(header)
    print("-" * len(header))
    for mode in modes:
        print(f"{mode['server']:<10} {'startup':<8} {mode['startup']['seconds']:>8} {'':>8} {'':>7} {'':>8} {'':>6} "
              f"{mode['startup']['peak_rss_mb']:>7}   (first run in a new Prefect home: "
              f"{mode['startup']['first_run_in_new_prefect_home_seconds']} s)")
        for phase in ("cold", "noop", "changed"):
            r = mode[phase]
            moved = r["net_seconds"] > 0
            dps = round(r["documents_loaded"] / r["net_seconds"], 1) if r["documents_loaded"] and moved else "-"
            mbs = round(r["mb_read"] / r["net_seconds"], 2) if r["mb_read"] and moved else "-"
            print(f"{mode['server']:<10} {phase:<8} {r['seconds']:>8} {r['net_seconds']:>8} {r['documents_loaded']:>7} "
                  f"{dps:>8} {mbs:>6} {r['peak_rss_mb']:>7}")
        print(f"{mode['server']:<10} stages (cold, summed over workers): "
              + ", ".join(f"{k} {v:.1f}s" for k, v in mode["cold"]["stage_seconds"].items()))
        print(f"{mode['server']:<10} RSS at the cold peak (MB): "
              + ", ".join(f"{role} {mb}" for role, mb in mode["cold"]["peak_rss_by_process_mb"]))
        print(f"{mode['server']:<10} ratios: " + ", ".join(f"{k} {v}" for k, v in mode["ratios"].items()))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    if args.profile:
        print(f"\nprofile of one batch: {profile_batch(corpus, results, args.n)}")
    path = results / f"bench-{args.n}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nJSON: {path}")
    if not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
