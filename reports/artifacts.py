"""What a run publishes in Prefect: its summary as a table artifact (with why a failed run failed and which
files it quarantined) and, when the HTML report is written after the run, a link artifact to it."""

from __future__ import annotations

from pathlib import Path

from prefect.artifacts import create_link_artifact, create_table_artifact

from reports.marts import build_marts, marts_path
from reports.summary import RunSummary
from warehouse.connection import reader
from flows.local import in_flow_run, run_logger

QUARANTINE_ROWS = 200  # a table artifact is for people: the rest is in `gazette report fct_quarantine`


def quarantined_files(db: Path, run_id: str) -> list[dict]:
    with reader(db, wait_seconds=5) as con:
        cursor = con.execute("select source_uri, reason, detail from quarantine where run_id = ? "
                             "order by source_uri limit ?", [run_id, QUARANTINE_ROWS])
        return [dict(zip(("source_uri", "reason", "detail"), row)) for row in cursor.fetchall()]


def summary_rows(summary: dict, quarantined: list[dict]) -> list[dict]:
    """The run summary's rows (the same the terminal shows), then each quarantined file."""
    rows = RunSummary(**summary).rows()
    rows += [(f"quarantined file ({q['reason']})", f"{q['source_uri']}" + (f": {q['detail']}" if q["detail"] else ""))
             for q in quarantined]
    return [{"item": item, "value": "" if value is None else str(value)} for item, value in rows]


def publish_run(summary: dict, db: Path, html: Path | None = None, marts: Path | None = None,
                cache: Path | None = None) -> None:
    """Table artifact of the run; then, if html names a file ($GAZETTE_REPORT_HTML), the marts (into marts, else
    beside db) and HTML report are rebuilt after a completed run and linked. Never fails the run."""
    logger = run_logger()
    try:
        quarantined = quarantined_files(db, summary["run_id"]) if summary["files_quarantined"] else []
    except Exception as err:  # the warehouse may be unreadable after a failure: publish the counts anyway
        logger.warning("could not list the quarantined files: %s", err)
        quarantined = []
    if in_flow_run():  # without a Prefect API there is nowhere to show it
        create_table_artifact(key="gazette-run-summary-table", table=summary_rows(summary, quarantined),
                              description=f"Gazette run {summary['run_id']}: {summary['status']}")
    if html and summary["status"] == "completed":
        try:
            publish_report(db, html, marts, cache)
        except Exception as err:
            logger.warning("could not write the HTML report: %s", err)


def publish_report(db: Path, html: Path, marts: Path | None = None, cache: Path | None = None) -> Path:
    from reports.html import write_html_report  # altair: half a second of every run's start-up otherwise
    from warehouse.outputs import refuse_warehouse_files

    refuse_warehouse_files(html, db, marts_path(db, marts))
    result = build_marts(db, marts_path(db, marts))
    if not result.ok:
        raise RuntimeError("dbt build failed: " + result.output[-2000:])
    path = write_html_report(result.marts, html, cache).resolve()
    if in_flow_run():
        create_link_artifact(key="gazette-html-report", link=path.as_uri(), link_text=f"Gazette report ({path.name})",
                             description="Charts from the dbt marts, rebuilt after the run")
    return path
