"""Shared fixtures: an isolated Prefect home, the cleaning rules, and small helpers to build frames."""

from __future__ import annotations

import os
import tempfile

# Before anything imports Prefect: its state, results and telemetry stay inside this test session.
_PREFECT_HOME = tempfile.mkdtemp(prefix="gazette-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = os.path.join(_PREFECT_HOME, "storage")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import hashlib  # noqa: E402
from pathlib import Path  # noqa: E402

import polars as pl  # noqa: E402
import pytest  # noqa: E402

from flows.batch import join_vocabulary  # noqa: E402
from transforms.clean import Cleaned, clean_documents  # noqa: E402
from transforms.keys import document_key  # noqa: E402
from transforms.rules import default_cleaning_rules  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "data" / "sample"
GOLD_DIR = ROOT / "tests" / "fixtures" / "gold"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def rules():
    return default_cleaning_rules()


def docs_frame(texts: list[str], uris: list[str] | None = None) -> pl.DataFrame:
    uris = uris or [f"/in/doc{i}.txt" for i in range(len(texts))]
    ids = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    return pl.DataFrame({"document_key": [document_key(i) for i in ids], "source_uri": uris, "text": texts})


def clean_texts(texts: list[str], uris: list[str] | None = None) -> Cleaned:
    return clean_documents(docs_frame(texts, uris), default_cleaning_rules(), join_vocabulary())


def clean_one(text: str) -> tuple[dict, Cleaned]:
    cleaned = clean_texts([text])
    return cleaned.documents.row(0, named=True), cleaned
