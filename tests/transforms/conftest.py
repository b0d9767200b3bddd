"""Fixtures of the transform tests: the bundled sample, cleaned, with its gold annotations."""

from __future__ import annotations

import hashlib
import json

import polars as pl
import pytest

from tests.conftest import GOLD_DIR, SAMPLE_DIR


@pytest.fixture(scope="session")
def sample():
    from flows.batch import join_vocabulary
    from transforms.clean import clean_documents
    from transforms.keys import document_key
    from transforms.rules import default_cleaning_rules

    rows, stems = [], {}
    for path in sorted(SAMPLE_DIR.glob("*.txt")):
        raw = path.read_bytes()
        key = document_key(hashlib.sha256(raw).hexdigest())
        rows.append(dict(document_key=key, source_uri=str(path), text=raw.decode("utf-8")))
        stems[key] = path.stem
    cleaned = clean_documents(pl.DataFrame(rows), default_cleaning_rules(), join_vocabulary())
    gold = {k: json.loads((GOLD_DIR / f"{s}.json").read_text(encoding="utf-8"))
            for k, s in stems.items()}
    return cleaned, gold
