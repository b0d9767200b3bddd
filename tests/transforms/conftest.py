"""Fixtures of the transform tests: the bundled sample, cleaned, with its gold annotations."""

from __future__ import annotations

import glob
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def sample():
    import jieba

    from transforms.clean import clean_documents
    from transforms.keys import document_key
    from transforms.rules import default_cleaning_rules

    rows, stems = [], {}
    for f in sorted(glob.glob(str(ROOT / "data" / "sample" / "*.txt"))):
        raw = Path(f).read_bytes()
        key = document_key(hashlib.sha256(raw).hexdigest())
        rows.append(dict(document_key=key, source_uri=f, text=raw.decode("utf-8")))
        stems[key] = Path(f).stem
    jieba.setLogLevel(60)
    jieba.initialize()
    vocab = {w for w, n in jieba.dt.FREQ.items() if n > 0}
    cleaned = clean_documents(pl.DataFrame(rows), default_cleaning_rules(), vocab)
    gold = {k: json.loads((ROOT / "tests" / "fixtures" / "gold" / f"{s}.json").read_text(encoding="utf-8"))
            for k, s in stems.items()}
    return cleaned, gold
