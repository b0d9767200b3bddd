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

import glob  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager, nullcontext  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Annotated, Callable, Optional  # noqa: E402

import typer  # noqa: E402
from rich.progress import ProgressColumn  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from cli.errors import existing_db, explain, first_line  # noqa: E402
from flows.settings import Settings, warehouse_path  # noqa: E402

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


@app.callback()
def _settings_first() -> None:
    """Every GAZETTE_* variable is checked before any command does work: one line for each bad value."""
    from flows.settings import settings_errors

    errors = settings_errors()
    for line in errors:
        console.print(f"[red]error:[/red] {line}", highlight=False)
    if errors:
        raise typer.Exit(2)


def _existing_db(db: Optional[Path]) -> Path:
    return existing_db(warehouse_path(db), console)


@contextmanager
def _warehouse_errors(path: Path, *, verbose: bool = False) -> Iterator[None]:
    """Failures to open or read the warehouse end the command with one line (the traceback only with -v)."""
    import duckdb

    from warehouse.connection import WarehouseBusy
    from warehouse.migrate import SchemaTooNew

    try:
        yield
    except (duckdb.Error, WarehouseBusy, SchemaTooNew, OSError) as err:
        if verbose:
            console.print_exception()
        console.print(f"[red]error:[/red] {explain(err, path)}", highlight=False)
        raise typer.Exit(1) from None


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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's log lines (INFO and up) and "
                                                                 "the traceback of a failure.")] = False,
) -> None:
    """Load articles into the warehouse: read, clean, extract, load, in batches, idempotently.

    Files already loaded (same bytes) are skipped; unreadable ones are quarantined with a reason and the run
    goes on. Each batch is one transaction: a crash leaves the warehouse as it was before that batch.
    With no PATHS, loads the bundled sample (data/sample)."""
    started = time.monotonic()
    paths = paths or ["data/sample"]
    from flows.settings import SettingsError, check_number

    try:
        for option, value in (("--batch-mb", batch_mb), ("--max-file-mb", max_file_mb)):
            if value is not None:
                check_number(option, value, 0, 4096)
    except SettingsError as err:
        console.print(f"[red]error:[/red] {err}", highlight=False)
        raise typer.Exit(2) from None
    db_path = warehouse_path(db)  # once: the failure handler below must not read the settings again
    missing = [p for p in paths if not os.path.lexists(p) and not glob.glob(p, recursive=True)]
    if missing:  # said before Prefect starts, which takes seconds
        console.print(f"[red]error:[/red] {missing[0]}: no such file, folder or matching pattern", highlight=False)
        raise typer.Exit(2)
    if not verbose:  # a failure is told in one line below; Prefect would log it again with its traceback
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
        # and the temporary server's shutdown after a failure would log its cancelled flushes
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    import logging

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from flows import cancel, local
    from flows import progress as progress_hook
    from flows.ingest import ingest
    from flows.runners import RUNNERS, default_workers, shared_api, task_runner
    from flows.tasks import hand_listing

    # after Prefect has set its logging up (on import): also when PREFECT_LOGGING_LEVEL is set, or in a notebook
    prefect_loggers = [logging.getLogger(name) for name in ("prefect", "prefect.flow_runs", "prefect.task_runs")]
    prefect_levels = [logger.level for logger in prefect_loggers]
    if not verbose:
        for logger in prefect_loggers:
            logger.setLevel(logging.CRITICAL)

    if runner not in RUNNERS:
        console.print(f"[red]error:[/red] --runner must be one of {', '.join(RUNNERS)}")
        raise typer.Exit(2)
    workers = workers or default_workers()
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                   TextColumn("left"), TimeRemainingColumn(), TextColumn("elapsed"), TimeElapsedColumn(),
                   console=console, disable=quiet)
    # the files are listed before Prefect starts (a listing takes a fraction of a second; Prefect seconds),
    # and the flow takes that listing
    total = _list_files(paths)
    task_id = bar.add_task("starting", total=total, visible=not quiet)

    def listener(stage: str, done: int, total: int) -> None:
        bar.update(task_id, description="files", completed=done, total=total)

    def stop(signum: int, frame) -> None:  # Prefect hands a SIGTERM on to this handler once the flow has seen it
        cancel.request()
        raise cancel.RunCancelled(f"stopped by {signal.Signals(signum).name}")

    progress_hook.set_listener(None if quiet else listener)
    previous_handler = signal.signal(signal.SIGTERM, stop)
    try:
        arguments = dict(paths=paths, db=str(db_path), batch_mb=batch_mb, max_file_mb=max_file_mb,
                         in_flight=2 * workers)
        if runner == "threads" and not local.api_configured():  # no server to report to: none started
            with bar, local.thread_pool(workers):
                summary = ingest.fn(**arguments)
        else:
            with bar, (shared_api() if runner != "threads" else nullcontext()):
                summary = ingest.with_options(task_runner=task_runner(runner, workers))(**arguments)
    except FileNotFoundError as err:
        console.print(f"[red]error:[/red] {first_line(err)}", highlight=False)
        raise typer.Exit(2) from None
    except BaseException as err:
        if cancel.is_stop(err):
            _drop_tracebacks(err)
            console.print("[yellow]run cancelled:[/yellow] batches committed before the signal are kept; the run "
                          "is recorded as cancelled in etl_run. Run again to load the rest.", highlight=False)
            raise typer.Exit(130 if isinstance(err, KeyboardInterrupt) else 143) from None
        if not isinstance(err, Exception):
            raise
        if verbose:
            console.print_exception()
        console.print(f"[red]run failed:[/red] {explain(err, db_path)}", highlight=False)
        _drop_tracebacks(err)
        raise typer.Exit(1) from None
    finally:
        for logger, level in zip(prefect_loggers, prefect_levels):
            logger.setLevel(level)
        signal.signal(signal.SIGTERM, previous_handler)
        progress_hook.set_listener(None)
        hand_listing(paths, None)  # not taken when the flow did not start
    if not quiet:
        _print_summary(summary, wall_seconds=time.monotonic() - started)
    if summary["integrity_violations"]:
        console.print(f"[red]integrity checks failed:[/red] {', '.join(summary['failed_checks'])} "
                      "(details: `gazette check`)")
        raise typer.Exit(3)


def _drop_tracebacks(err: BaseException | None) -> None:
    """Prefect keeps a failed run's exception; the frames its traceback holds keep DuckDB connections alive
    past interpreter exit, which nanobind then reports in ~40 lines after our one."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        err.__traceback__ = None
        err = err.__cause__ or err.__context__


def _list_files(paths: list[str]) -> int | None:
    from flows.batch import discover
    from flows.tasks import hand_listing

    try:
        found = discover(paths)
    except OSError:
        return None  # the flow lists again and reports it
    hand_listing(paths, found)
    listing, refused, _ = found
    return listing.height + len(refused)


class _RateColumn(ProgressColumn):
    def render(self, task) -> str:
        return f"{task.speed:,.0f} files/s" if task.speed else ""


def _print_summary(summary: dict, wall_seconds: float) -> None:
    from reports.summary import RunSummary

    table = Table(title=f"run {summary['run_id']}", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    for label, value in RunSummary(**summary).rows(wall_seconds):
        table.add_row(label, value)
    console.print(table)


@app.command()
def status(db: DbOption = None) -> None:
    """Documents, quarantine and the last runs of the warehouse."""
    from warehouse.connection import reader
    from warehouse.migrate import require_known_schema

    path = _existing_db(db)
    with _warehouse_errors(path), reader(path, memory_limit=Settings().query_memory_limit) as con:
        require_known_schema(con)
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
    from warehouse.publish import read_source

    settings = Settings()
    with _warehouse_errors(path):
        readers, note = read_source(path, use_snapshot=settings.read_snapshot)
    if note:
        console.print(note, highlight=False)
    console.print(f"readers: {readers}" + (" (the snapshot of the warehouse's last commit; DuckDB 1.2+ tools open "
                                           "it)" if readers != path else " (the warehouse itself)"
                                           + ("" if settings.read_snapshot else ": GAZETTE_READ_SNAPSHOT=0")),
                  highlight=False)
    table = Table("run", "status", "started (UTC)", "loaded", "skipped", "quarantined", title="last runs")
    for run_id, state, started, loaded, skipped, quarantined in runs:
        table.add_row(run_id, state, str(started), *(str(x) for x in (loaded, skipped, quarantined)))
    console.print(table)


@app.command("check")
def check_(db: DbOption = None) -> None:
    """Verify the warehouse: keys unique, relationships resolve, spans index the body, every document has
    sentences, no orphan facts, every block reads back; and that the read snapshot is current and reads back
    (one that is not is published again). Exits 1 with a report when anything is violated."""
    from warehouse.check import check_warehouse
    from warehouse.connection import reader
    from warehouse.migrate import require_known_schema

    path = _existing_db(db)
    with _warehouse_errors(path), reader(path, memory_limit=Settings().query_memory_limit) as con:
        require_known_schema(con)
        results = check_warehouse(con, read_every_block=True)
    failed = [r for r in results if not r.ok]
    for result in failed:
        console.print(f"[red]FAIL[/red] {result.name}: {result.violations} rows, e.g. {result.sample}", highlight=False)
    if Settings().read_snapshot:
        results.append(_check_snapshot(path))
        failed += [] if results[-1].ok else [results[-1]]
    console.print(f"{len(results) - len(failed)}/{len(results)} checks passed")
    if failed:
        raise typer.Exit(1)


def _check_snapshot(path: Path):
    """The read snapshot carries the warehouse's last commit and every block of it reads back. One that is
    behind, missing or half-published (a run stopped before publishing) is published again and said so; one
    that does not read back is damage: published again, and the check fails."""
    from warehouse.check import CheckResult
    from warehouse.publish import publish_snapshot, snapshot_path, snapshot_problem

    with _warehouse_errors(path):
        problem = snapshot_problem(path, read_every_block=True)
    if problem is None:
        return CheckResult("read_snapshot_current", 0)
    try:
        publish_snapshot(path, force=True, wait_seconds=Settings().lock_wait_seconds)
        done, published = "published it again", True
    except Exception as err:
        done, published = f"could not publish it again: {explain(err, path)}", False
    line = f"read snapshot {snapshot_path(path)} {problem}; {done}"
    if published and not problem.startswith("is unreadable"):
        console.print(f"[yellow]note:[/yellow] {line}", highlight=False)
        return CheckResult("read_snapshot_current", 0)
    console.print(f"[red]FAIL[/red] read_snapshot_current: {line}", highlight=False)
    return CheckResult("read_snapshot_current", 1, [(problem,)])


@app.command("eval")
def eval_(
    gold: Annotated[list[Path], typer.Option("--gold", help="Folder of gold JSON files (format: the gold guide, "
                                             "GUIDE.md); repeat to score several corpora side by side.")],
    db: DbOption = None,
    errors: Annotated[int, typer.Option(help="Print up to this many errors per category and corpus.")] = 0,
    halves: Annotated[bool, typer.Option("--halves", help="Also score the last corpus's two fixed halves "
                                         "apart (A: CRC-32 of the file stem even, B: odd); --errors then "
                                         "lists half A's misses only: work from A, judge the change on B.")] = False,
) -> None:
    """Score the warehouse against gold annotations with the gold guide's rules: figures, officials, regions,
    bylines, page chrome left in bodies, publication dates. Documents are matched by file name."""
    from transforms.evaluate import GoldError, load_gold
    from warehouse.connection import reader
    from warehouse.evaluate import score_warehouse

    for folder in gold:
        if not folder.is_dir():
            console.print(f"[red]error:[/red] {folder}: not a folder of gold JSON files")
            raise typer.Exit(2)
    try:  # read before the warehouse is opened: a bad gold file is the gold's fault, said in one line
        for folder in gold:
            load_gold(folder)
    except GoldError as err:
        console.print(f"[red]error:[/red] {err}", highlight=False)
        raise typer.Exit(2) from None
    path = _existing_db(db)
    with _warehouse_errors(path), reader(path, memory_limit=Settings().query_memory_limit) as con:
        scores = {}
        for folder in gold:
            scores[str(folder)] = score_warehouse(con, folder)
            if halves and folder == gold[-1]:
                scores.update({f"{folder} [{h}]": score_warehouse(con, folder, h) for h in "AB"})
    table = Table("", *scores, title="scores against gold (precision / recall / F1)")
    for label, cell in _EVAL_ROWS:
        table.add_row(label, *(cell(s) for s in scores.values()))
    Console(width=max(console.width, 40 + 42 * len(scores))).print(table)
    for column, s in scores.items():
        # With --halves the misses listed are half A's only: half B stays unread, to judge changes on.
        if column.endswith("[B]") or (halves and Path(column) == gold[-1]):
            continue
        folder = Path(column.removesuffix(" [A]"))
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
    from zoneinfo import ZoneInfo

    from prefect.schedules import Cron

    try:  # said before the deployment is built and served, not as Prefect's validation traceback
        ZoneInfo(timezone)
    except (KeyError, ValueError, OSError):  # not found is a KeyError; a malformed name a ValueError
        console.print(f"[red]error:[/red] --timezone {timezone!r}: not an IANA time zone (e.g. Asia/Shanghai, UTC)",
                      highlight=False)
        raise typer.Exit(2) from None
    try:
        Cron(cron, timezone=timezone)
    except ValueError:
        console.print(f"[red]error:[/red] --cron {cron!r}: not a cron schedule (five fields, e.g. \"0 6 * * *\")",
                      highlight=False)
        raise typer.Exit(2) from None
    from flows.serve import serve_ingest

    serve_ingest(paths or ["data/sample"], db=str(warehouse_path(db)), cron=cron, timezone=timezone, name=name)


from cli.analysts import register as _register_analysts_commands  # noqa: E402

_register_analysts_commands(app)  # sql, export, report: cli/analysts.py

if __name__ == "__main__":
    app()
