"""What a run publishes in Prefect: its summary as a table artifact (with why a failed run failed and which
files it quarantined) and, when the HTML report is written after the run, a link artifact to it."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger
from prefect.artifacts import create_link_artifact, create_table_artifact

from flows.settings import Settings

QUARANTINE_ROWS = 200  # a table artifact is for people: the rest is in `gazette report fct_quarantine`


def quarantined_files(db: Path, run_id: str) -> list[dict]:
    from warehouse.connection import reader

    with reader(db, wait_seconds=5) as con:
        cursor = con.execute("select source_uri, reason, detail from quarantine where run_id = ? "
                             "order by source_uri limit ?", [run_id, QUARANTINE_ROWS])
        return [dict(zip(("source_uri", "reason", "detail"), row)) for row in cursor.fetchall()]


def summary_rows(summary: dict, quarantined: list[dict]) -> list[dict]:
    """The run summary's rows (the same the terminal shows), then each quarantined file."""
    from flows.ingest import RunSummary

    rows = RunSummary(**summary).rows()
    rows += [(f"quarantined file ({q['reason']})", f"{q['source_uri']}" + (f": {q['detail']}" if q["detail"] else ""))
             for q in quarantined]
    return [{"item": item, "value": "" if value is None else str(value)} for item, value in rows]


def publish_run(summary: dict, db: Path) -> None:
    """Table artifact of the run; then, if $GAZETTE_REPORT_HTML names a file, the marts and HTML report are
    rebuilt after a completed run and linked. Never fails the run."""
    logger = get_run_logger()
    try:
        quarantined = quarantined_files(db, summary["run_id"]) if summary["files_quarantined"] else []
    except Exception as err:  # the warehouse may be unreadable after a failure: publish the counts anyway
        logger.warning("could not list the quarantined files: %s", err)
        quarantined = []
    create_table_artifact(key="gazette-run-summary-table", table=summary_rows(summary, quarantined),
                          description=f"Gazette run {summary['run_id']}: {summary['status']}")
    html = Settings().report_html
    if html and summary["status"] == "completed":
        try:
            publish_report(db, html)
        except Exception as err:
            logger.warning("could not write the HTML report: %s", err)


def publish_report(db: Path, html: Path) -> Path:
    from flows.html_report import write_html_report
    from flows.marts import build_marts, marts_path
    from warehouse.outputs import refuse_warehouse_files

    refuse_warehouse_files(html, db, marts_path(db))
    result = build_marts(db)
    if not result.ok:
        raise RuntimeError("dbt build failed: " + result.output[-2000:])
    path = write_html_report(result.marts, html).resolve()
    create_link_artifact(key="gazette-html-report", link=path.as_uri(), link_text=f"Gazette report ({path.name})",
                         description="Charts from the dbt marts, rebuilt after the run")
    return path
