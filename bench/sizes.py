"""How the cost of one document grows with its size: a 1 MB, a 4 MB and a 16 MB article, a file of 200 000
one-character lines, and N place names (金水区) run together in one sentence against the same names each in a
sentence of its own, each taken through every step of a run (read, clean, extract, stage, load in one
transaction, the integrity checks), without Prefect. Reports seconds, peak RSS growth and the ratios to 1 MB
(cost linear in size gives 4 and 16) and of one sentence to separate ones (linear: about 1).

    python bench/sizes.py [--work DIR] [--sizes 1 4 16] [--names 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.batch import discover, process_batch, warm_up  # noqa: E402
from flows.settings import Settings  # noqa: E402
from transforms.rules import default_cleaning_rules  # noqa: E402
from warehouse.check import check_warehouse  # noqa: E402
from warehouse.connection import reader, writer  # noqa: E402
from warehouse.load import Loader  # noqa: E402
from warehouse.migrate import migrate  # noqa: E402

PARAGRAPH = ("金水区统计局发布数据，前三季度全区规模以上工业增加值同比增长6.5%，社会消费品零售总额完成312.4亿元，"
             "区委书记王建国在丰产路街道调研时强调，要推进重点项目建设。\n")


def write_article(path: Path, megabytes: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    chunk = (PARAGRAPH * 64).encode("utf-8")
    with path.open("wb") as handle:
        handle.write("金水区前三季度经济运行情况通报\n".encode("utf-8"))
        for _ in range(int(megabytes * 2**20) // len(chunk) + 1):
            handle.write(chunk)


def one_document(path: Path, work: Path) -> dict:
    db = work / f"{path.parent.name}.duckdb"
    with writer(db) as con:
        migrate(con)
    listing, _, _ = discover([str(path)])
    settings = Settings(db=db, max_file_bytes=64 * 2**20)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outcome = process_batch(listing, known_keys_path=None, staging=work / f"stage-{path.parent.name}",
                            settings=settings, rules=default_cleaning_rules(), run_id=path.parent.name,
                            started_at=datetime(2026, 1, 1))
    processed = time.perf_counter()
    with Loader(db, hold_seconds=60, wait_seconds=10) as loader:
        loader.load(outcome.staging)
    loaded = time.perf_counter()
    with reader(db) as con:
        failed = [c.name for c in check_warehouse(con, path.parent.name) if not c.ok]
    checked = time.perf_counter()
    return {"bytes": path.stat().st_size, "process_s": round(processed - started, 2),
            "load_s": round(loaded - processed, 2), "check_s": round(checked - loaded, 2),
            "total_s": round(checked - started, 2), "failed_checks": failed,
            "peak_rss_growth_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024),
            "stages": {k: round(v, 2) for k, v in outcome.seconds.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 4, 16])
    parser.add_argument("--names", type=int, default=100_000, help="place names in the one-sentence case (0: skip)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="gazette-sizes-"))
    warm_up()
    results = {}
    for mb in args.sizes:
        path = work / f"{mb:g}mb" / "article.txt"
        write_article(path, mb)
        results[f"{mb:g} MB"] = one_document(path, work)
        print(f"{mb:g} MB: {json.dumps(results[f'{mb:g} MB'], ensure_ascii=False)}", flush=True)
    lines = work / "lines" / "lines.txt"
    lines.parent.mkdir(parents=True, exist_ok=True)
    lines.write_text("金水区通报\n" + "我\n" * 200_000, encoding="utf-8")
    results["200 000 one-character lines"] = one_document(lines, work)
    print(f"lines: {json.dumps(results['200 000 one-character lines'], ensure_ascii=False)}")
    if args.names:
        for shape, separator in (("one sentence", ""), ("separate sentences", "。")):
            path = work / shape.replace(" ", "-") / "names.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("金水区通报\n" + ("金水区" + separator) * args.names + "\n", encoding="utf-8")
            results[f"{args.names} names, {shape}"] = one_document(path, work)
            print(f"{args.names} names, {shape}: {json.dumps(results[f'{args.names} names, {shape}'], ensure_ascii=False)}",
                  flush=True)
        one, apart = (results[f"{args.names} names, {shape}"]["total_s"] for shape in ("one sentence", "separate sentences"))
        print(f"{args.names} names, one sentence / separate sentences: {one / apart:.2f}")
    base = results[f"{args.sizes[0]:g} MB"]["total_s"]
    for mb in args.sizes[1:]:
        print(f"{mb:g} MB / {args.sizes[0]:g} MB: {results[f'{mb:g} MB']['total_s'] / base:.2f} "
              f"(linear: {mb / args.sizes[0]:g})")


if __name__ == "__main__":
    main()
