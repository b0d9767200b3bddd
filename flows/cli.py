"""`gazette`: run the ingest flow, look at the warehouse, serve the daily schedule."""

from __future__ import annotations

import os

# Before Prefect is imported: no telemetry, and no server needed (a temporary local one is started).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# A loaded machine (CI, a cron host at 6 am) can need more than Prefect's default to start a local server.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Before Polars loads (here or in worker processes): its allocator (jemalloc) hands a finished batch's memory
# back within a second instead of ten, so batches' peaks do not stack.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:1000,muzzy_decay_ms:1000")

from contextlib import nullcontext  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Annotated, Callable, Optional  # noqa: E402

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from flows.settings import Settings  # noqa: E402

app = typer.Typer(
    help="Gazette: raw Chinese local-government news -> a DuckDB star schema.\n\n"
    "Typical use: `gazette run data/sample` then `gazette status` or `gazette sql \"select ...\"`.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(soft_wrap=True)
DbOption = Annotated[
    Optional[Path], typer.Option("--db", help="Warehouse file (default: $GAZETTE_DB or warehouse/gazette.duckdb).")
]


def _db(db: Optional[Path]) -> Path:
    return db or Settings().db


@app.command()
def run(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (searched recursively) or glob patterns of .txt articles.")] = None,
    db: DbOption = None,
    batch_mb: Annotated[Optional[float], typer.Option(help="Raw megabytes per batch (default $GAZETTE_BATCH_MB or 2).")] = None,
    max_file_mb: Annotated[Optional[float], typer.Option(help="Quarantine larger files as too_large (default $GAZETTE_MAX_FILE_MB or 16).")] = None,
    runner: Annotated[str, typer.Option(help="Where the CPU stages run: threads (one process; the heavy stages "
                                              "release the GIL), processes, or dask (a local cluster, or "
                                              "$GAZETTE_DASK_ADDRESS).")] = "threads",
    workers: Annotated[Optional[int], typer.Option(help="Parallel workers (default: the number of cores).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or Prefect log lines.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's INFO log lines.")] = False,
) -> None:
    """Load articles into the warehouse: read, clean, extract, load, in batches, idempotently.

    Files already loaded (same bytes) are skipped; unreadable ones are quarantined with a reason and the run
    goes on. Each batch is one transaction: a crash leaves the warehouse as it was before that batch.
    With no PATHS, loads the bundled sample (data/sample)."""
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows import progress as progress_hook
    from flows.ingest import ingest
    from flows.runners import RUNNERS, default_workers, shared_api, task_runner

    if runner not in RUNNERS:
        console.print(f"[red]error:[/red] --runner must be one of {', '.join(RUNNERS)}")
        raise typer.Exit(2)
    workers = workers or default_workers()

    paths = paths or ["data/sample"]
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console, disable=quiet)
    task_id = bar.add_task("files loaded", total=None, visible=not quiet)

    def listener(stage: str, done: int, total: int) -> None:
        bar.update(task_id, completed=done, total=total)

    progress_hook.set_listener(None if quiet else listener)
    try:
        with bar, (shared_api() if runner != "threads" else nullcontext()):
            flow = ingest.with_options(task_runner=task_runner(runner, workers))
            summary = flow(paths=paths, db=str(_db(db)), batch_mb=batch_mb, max_file_mb=max_file_mb,
                           in_flight=2 * workers)
    except FileNotFoundError as err:
        console.print(f"[red]error:[/red] {err}")
        raise typer.Exit(2) from None
    except Exception as err:
        console.print(f"[red]run failed:[/red] {type(err).__name__}: {err}")
        raise typer.Exit(1) from None
    finally:
        progress_hook.set_listener(None)
    if not quiet:
        _print_summary(summary)
    if summary["integrity_violations"]:
        console.print(f"[red]integrity checks failed:[/red] {', '.join(summary['failed_checks'])} "
                      "(details: `gazette check`)")
        raise typer.Exit(3)


def _print_summary(summary: dict) -> None:
    table = Table(title=f"run {summary['run_id']}", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("warehouse", summary["db"])
    table.add_row("status", summary["status"])
    table.add_row("files seen", str(summary["files_seen"]))
    table.add_row("documents loaded", str(summary["documents_loaded"]))
    table.add_row("skipped: unchanged (not read)", str(summary["skipped_unchanged"]))
    table.add_row("skipped: bytes already loaded", str(summary["skipped_already_loaded"]))
    table.add_row("skipped: duplicate bytes in this run", str(summary["skipped_duplicate_in_run"]))
    table.add_row("quarantined", str(summary["files_quarantined"]))
    for reason, n in sorted(summary["quarantine_reasons"].items()):
        table.add_row(f"  {reason}", str(n))
    if summary["files_ignored"]:
        table.add_row("ignored (other suffixes)", str(summary["files_ignored"]))
    violations = summary["integrity_violations"]
    table.add_row("integrity checks", "nothing loaded to check" if violations is None else
                  "passed" if violations == 0 else f"{violations} violations")
    table.add_row("seconds", f"{summary['seconds']:.1f}")
    if summary["stage_seconds"]:
        table.add_row("stage seconds (summed over workers)",
                      ", ".join(f"{k} {v:.1f}" for k, v in summary["stage_seconds"].items()))
    console.print(table)


@app.command()
def status(db: DbOption = None) -> None:
    """Documents, quarantine and the last runs of the warehouse."""
    from warehouse.connection import reader

    path = _db(db)
    if not path.exists():
        console.print(f"{path}: no warehouse yet; create it with `gazette run`.")
        raise typer.Exit(1)
    with reader(path) as con:
        counts = con.execute(
            "select (select count(*) from dim_document), (select count(*) from fact_sentence), "
            "(select count(*) from fact_metric), (select count(*) from quarantine), "
            "(select max(version) from meta_schema_version)"
        ).fetchall()[0]
        runs = con.execute(
            "select run_id, status, started_at, documents_loaded, documents_skipped, files_quarantined "
            "from etl_run order by started_at desc limit 5"
        ).fetchall()
        reasons = con.execute("select reason, count(*) from quarantine group by all order by 2 desc").fetchall()
    console.print(f"[bold]{path}[/bold] schema v{counts[4]}: {counts[0]} documents, {counts[1]} sentences, "
                  f"{counts[2]} metrics, {counts[3]} quarantined files")
    if reasons:
        console.print("quarantine: " + ", ".join(f"{r} {n}" for r, n in reasons))
    table = Table("run", "status", "started (UTC)", "loaded", "skipped", "quarantined", title="last runs")
    for run_id, state, started, loaded, skipped, quarantined in runs:
        table.add_row(run_id, state, str(started), *(str(x) for x in (loaded, skipped, quarantined)))
    console.print(table)


@app.command("check")
def check_(db: DbOption = None) -> None:
    """Verify the warehouse: keys unique, relationships resolve, spans index the body, every document has
    sentences, no orphan facts. Exits 1 with a report when anything is violated."""
    from warehouse.check import check_warehouse
    from warehouse.connection import reader

    path = _db(db)
    if not path.exists():
        console.print(f"{path}: no warehouse yet; create it with `gazette run`.")
        raise typer.Exit(2)
    with reader(path) as con:
        results = check_warehouse(con)
    failed = [r for r in results if not r.ok]
    for result in failed:
        console.print(f"[red]FAIL[/red] {result.name}: {result.violations} rows, e.g. {result.sample}", highlight=False)
    console.print(f"{len(results) - len(failed)}/{len(results)} checks passed")
    if failed:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    gold: Annotated[list[Path], typer.Option("--gold", help="Folder of gold JSON files (format: the gold guide, "
                                             "GUIDE.md); repeat to score several corpora side by side.")],
    db: DbOption = None,
    errors: Annotated[int, typer.Option(help="Print up to this many errors per category and corpus.")] = 0,
) -> None:
    """Score the warehouse against gold annotations with the gold guide's rules: figures, officials, regions,
    bylines, page chrome left in bodies, publication dates. Documents are matched by file name."""
    from warehouse.connection import reader
    from warehouse.evaluate import score_warehouse

    for folder in gold:
        if not folder.is_dir():
            console.print(f"[red]error:[/red] {folder}: not a folder of gold JSON files")
            raise typer.Exit(2)
    with reader(_db(db)) as con:
        scores = {folder: score_warehouse(con, folder) for folder in gold}
    table = Table("", *(str(folder) for folder in gold), title="scores against gold (precision / recall / F1)")
    for label, cell in _EVAL_ROWS:
        table.add_row(label, *(cell(s) for s in scores.values()))
    Console(width=max(console.width, 40 + 42 * len(gold))).print(table)
    for folder, s in scores.items():
        for name in ("metrics", "persons", "regions", "bylines"):
            for err in s[name]["errors"][:errors]:
                console.print(f"  {folder.name} {name} {err['kind']} {err.get('doc')}: "
                              f"gold={err.get('gold')} predicted={err.get('predicted')}", highlight=False)
        if errors:
            for doc, line in s["chrome_lines_in_body"][:errors]:
                console.print(f"  {folder.name} chrome left {doc}: {line}", highlight=False)
            for doc, (want, got) in list(s["dates"]["wrong"].items())[:errors]:
                console.print(f"  {folder.name} date {doc}: gold={want} predicted={got}", highlight=False)


def _prf_cell(s: dict) -> str:
    return f"{s['precision']:.3f} / {s['recall']:.3f} / [bold]{s['f1']:.3f}[/bold]  ({s['tp']}, {s['fp']}, {s['fn']})"


def _accuracy_cell(name: str) -> Callable[[dict], str]:
    return lambda s: f"{s['metrics'][name + '_accuracy']:.3f} of {s['metrics'][name + '_judged']}"


_EVAL_ROWS: list[tuple[str, Callable[[dict], str]]] = [
    ("documents loaded / gold", lambda s: f"{s['documents']['found']} / {s['documents']['gold']}"),
    ("loaded with an empty body", lambda s: str(len(s["documents"]["empty_body"]))),
    ("quarantined", lambda s: ", ".join(f"{d} {r}" for d, r in s["documents"]["quarantined"].items()) or "0"),
    ("metrics (tp, fp, fn)", lambda s: _prf_cell(s["metrics"])),
    ("  target vs achieved right", _accuracy_cell("is_target")),
    ("  attributed to the right region", _accuracy_cell("region")),
    ("  period in the gold's year", _accuracy_cell("period_year")),
    ("  measure right", _accuracy_cell("measure")),
    ("  indicator as the gold's", _accuracy_cell("indicator")),
    ("officials (name + title)", lambda s: _prf_cell(s["persons"])),
    ("regions named", lambda s: _prf_cell(s["regions"])),
    ("bylines (name + role)", lambda s: _prf_cell(s["bylines"])),
    ("gold chrome lines left in bodies", lambda s: f"{len(s['chrome_lines_in_body'])} of {s['chrome_lines_total']}"),
    ("dates the text determines, right", lambda s: f"{s['dates']['right']} of {s['dates']['judged']}"),
]


@app.command()
def serve(
    paths: Annotated[list[str], typer.Argument(help="What the scheduled runs load.")] = None,
    db: DbOption = None,
    cron: Annotated[str, typer.Option(help="Cron schedule (server time zone UTC unless --timezone).")] = "0 6 * * *",
    timezone: Annotated[str, typer.Option(help="IANA time zone of the schedule.")] = "Asia/Shanghai",
    name: Annotated[str, typer.Option(help="Deployment name.")] = "daily",
) -> None:
    """Serve the ingest flow as a deployment with a daily schedule (needs a Prefect server:
    `prefect server start`, then PREFECT_API_URL=http://127.0.0.1:4200/api). Runs until interrupted."""
    from flows.serve import serve_ingest

    serve_ingest(paths or ["data/sample"], db=str(_db(db)), cron=cron, timezone=timezone, name=name)


from flows.report import register as _register_analysts_commands  # noqa: E402

_register_analysts_commands(app)  # sql, export, report: flows/report.py

if __name__ == "__main__":
    app()
