"""The shared development corpus, read in place (never copied here): cleaning drops no line of content.

A line cleaning drops must be one of the gold's chrome lines, a byline, or text the document keeps anyway
(an e-paper lists the page's own headline above its navigation bar, then prints it again). Skipped when the
corpus is not beside the repository."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import polars as pl
import pytest

from tests.conftest import ROOT
from transforms.clean.script import t2s_chars

DEV = ROOT.parent / "shared" / "corpus" / "dev"

pytestmark = pytest.mark.skipif(not (DEV / "raw").is_dir(), reason="no shared dev corpus beside the repository")


def _norm(text: str | None) -> str:
    """As the gold guide compares lines: NFKC, no whitespace (and Simplified, as names are)."""
    table = str.maketrans(t2s_chars())
    return "".join(unicodedata.normalize("NFKC", text or "").split()).translate(table)


@pytest.fixture(scope="module")
def dev():
    from flows.batch import join_vocabulary
    from transforms.clean import clean_documents
    from transforms.decode import decode_documents
    from transforms.keys import document_key
    from transforms.rules import default_cleaning_rules

    rows, stems = [], {}
    for path in sorted((DEV / "raw").glob("*.txt")):
        raw = path.read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
        rows.append({"source_uri": str(path), "document_id": sha, "raw": raw, "document_key": document_key(sha)})
        stems[document_key(sha)] = path.stem
    decoded = decode_documents(pl.DataFrame(rows))
    assert decoded["text"].null_count() == 0, "every dev document decodes"
    cleaned = clean_documents(decoded.select("document_key", "source_uri", "text"), default_cleaning_rules(),
                              join_vocabulary())
    gold = {stem: json.loads((DEV / "gold" / f"{stem}.json").read_text(encoding="utf-8")) for stem in stems.values()}
    return cleaned, stems, gold


def test_every_dev_document_keeps_a_body(dev):
    cleaned, stems, _ = dev
    docs = cleaned.documents
    assert docs.filter(pl.col("body").str.strip_chars() == "").is_empty()
    assert docs["no_body"].null_count() == docs.height, docs.filter(pl.col("no_body").is_not_null()).rows()


def test_no_content_line_is_dropped(dev):
    cleaned, stems, gold = dev
    kept = {
        row["document_key"]: _norm(" ".join(filter(None, (row["headline"], row["subheadline"], row["kicker"],
                                                         row["body"]))))
        for row in cleaned.documents.iter_rows(named=True)
    }
    lost = []
    for row in cleaned.lines.filter(pl.col("drop_reason").is_not_null() & (pl.col("text") != "")).iter_rows(named=True):
        stem = stems[row["document_key"]]
        chrome = {_norm(line) for line in gold[stem].get("chrome_lines", [])}
        text = _norm(row["raw"])
        if row["drop_reason"] == "byline" or text in chrome or text in kept[row["document_key"]]:
            continue
        lost.append((stem, row["drop_reason"], row["raw"]))
    assert not lost


def test_no_gold_chrome_line_is_left_in_a_body(dev):
    cleaned, stems, gold = dev
    left = []
    for row in cleaned.documents.iter_rows(named=True):
        body = _norm(row["body"])
        left += [(stems[row["document_key"]], line) for line in gold[stems[row["document_key"]]].get("chrome_lines", [])
                 if _norm(line) and _norm(line) in body]
    assert len(left) <= 3, left
