"""Scheduled runs: the ingest flow served as a deployment with a cron schedule."""

from __future__ import annotations

from pathlib import Path

from prefect.schedules import Cron

from flows.ingest import ingest


def build_deployment(paths: list[str], *, db: str, cron: str, timezone: str, name: str):
    from flows.runners import default_workers, task_runner

    flow = ingest.with_options(task_runner=task_runner("threads"))
    return flow.to_deployment(
        name=name,
        parameters={"paths": [str(Path(p).resolve()) for p in paths], "db": str(Path(db).resolve()),
                    "in_flight": 2 * default_workers()},
        schedule=Cron(cron, timezone=timezone),
        description="Daily Gazette load into the DuckDB warehouse",
        tags=["gazette"],
    )


def serve_ingest(paths: list[str], *, db: str, cron: str, timezone: str, name: str) -> None:
    from prefect import serve

    serve(build_deployment(paths, db=db, cron=cron, timezone=timezone, name=name))
