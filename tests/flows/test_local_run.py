"""`gazette run` with no Prefect API configured starts no server and still records its run; with one configured
the run is a Prefect flow run whose state and summary artifact are on that server."""

from __future__ import annotations

from uuid import UUID

from typer.testing import CliRunner

from cli.app import app
from tests.conftest import SAMPLE_DIR
from tests.flows.helpers import query
from tests.reliability.helpers import gazette_env, run_gazette


def test_without_an_api_no_server_is_started(tmp_path):
    db = tmp_path / "w.duckdb"
    result = run_gazette(["run", str(SAMPLE_DIR), "--db", str(db), "-q"], gazette_env(tmp_path))
    assert result.returncode == 0, result.output
    assert query(db, "select status, documents_loaded, flow_run_id from etl_run") == [("completed", 5, None)]
    # a temporary Prefect server creates its database in PREFECT_HOME as it starts
    assert not list((tmp_path / "prefect-home").glob("*.db")), "a Prefect server was started"


def test_with_an_api_the_run_is_a_prefect_flow_run_with_its_artifact(tmp_path, prefect_harness):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(app, ["run", str(SAMPLE_DIR), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    [(flow_run_id,)] = query(db, "select flow_run_id from etl_run")
    assert flow_run_id is not None
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(UUID(flow_run_id)).state.is_completed()
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(flow_run_id)])))
    assert [a.key for a in artifacts] == ["gazette-run-summary-table"]
