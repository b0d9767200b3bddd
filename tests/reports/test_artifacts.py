"""The run's Prefect artifacts, read back from a real (temporary) Prefect server."""

from __future__ import annotations

import json
import shutil

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.faults import InjectedFailure
from flows.ingest import ingest
from reports.marts import dbt_executable
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.usefixtures("prefect_harness")


def artifacts(key: str, run_id: str | None = None) -> list:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return [a for a in found if run_id is None or run_id in (a.description or "")]


def table(run_id: str) -> dict[str, list[str]]:
    [artifact] = artifacts("gazette-run-summary-table", run_id)
    rows = artifact.data if isinstance(artifact.data, list) else json.loads(artifact.data)
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row["item"], []).append(row["value"])
    return out


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE_DIR, folder)
    (folder / "blank.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 8)
    return folder


def test_a_run_publishes_its_summary_with_the_files_it_quarantined(tmp_path, corpus):
    summary = ingest(paths=[str(corpus)], db=str(tmp_path / "w.duckdb"))
    assert summary["status"] == "completed" and summary["files_quarantined"] == 2
    rows = table(summary["run_id"])
    assert rows["status"] == ["completed"] and rows["documents loaded"] == ["5"]
    assert "failed because" not in rows
    quarantined = [v for k, vs in rows.items() if k.startswith("quarantined file") for v in vs]
    assert sorted(v.split(":")[0].rsplit("/", 1)[-1] for v in quarantined) == ["blank.txt", "photo.txt"]


def test_a_failed_run_says_why(tmp_path, corpus):
    with pytest.raises(InjectedFailure):
        ingest(paths=[str(corpus)], db=str(tmp_path / "w.duckdb"), fail_at="load:0:fact_sentence")
    [artifact] = [a for a in artifacts("gazette-run-summary-table") if "failed" in (a.description or "")
                  and str(tmp_path) in json.dumps(a.data, ensure_ascii=False)]
    rows = {r["item"]: r["value"] for r in (artifact.data if isinstance(artifact.data, list) else json.loads(artifact.data))}
    assert rows["status"] == "failed"
    assert "InjectedFailure" in rows["failed because"] and "load:0:fact_sentence" in rows["failed because"]


@pytest.mark.slow
@pytest.mark.skipif(dbt_executable() is None, reason="dbt is not installed")
def test_a_run_links_the_html_report_it_wrote(tmp_path, monkeypatch):
    html = tmp_path / "report.html"
    monkeypatch.setenv("GAZETTE_REPORT_HTML", str(html))
    summary = ingest(paths=[str(SAMPLE_DIR)], db=str(tmp_path / "w.duckdb"))
    assert summary["status"] == "completed"
    assert html.exists() and '<section id="reconciliation">' in html.read_text(encoding="utf-8")
    links = [a for a in artifacts("gazette-html-report") if html.resolve().as_uri() in str(a.data)]
    assert len(links) == 1
