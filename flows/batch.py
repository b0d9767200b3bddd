"""What a batch does, without Prefect: find files, read them, run the transforms, stage Parquet."""

from __future__ import annotations

import glob
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files as package_files
from pathlib import Path

import polars as pl

from flows.settings import SUPPORTED_SUFFIXES, Settings
from transforms import PIPELINE_VERSION
from transforms.clean import clean_documents
from transforms.decode import decode_documents
from transforms.extract import Resources, extract
from transforms.keys import document_key, key_from_hex, keys_for
from transforms.rules import CleaningRules


@dataclass(frozen=True)
class SourceFile:
    uri: str
    size: int
    mtime: datetime

    @property
    def path(self) -> Path:
        return Path(self.uri)


@dataclass(frozen=True)
class Refusal:
    uri: str
    reason: str
    detail: str


@dataclass
class BatchOutcome:
    staging: Path
    files: int
    new_documents: int = 0
    known: int = 0
    duplicates_in_batch: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)


def _source(path: Path) -> SourceFile:
    stat = path.stat()
    return SourceFile(str(path.resolve()), stat.st_size, datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(tzinfo=None))


def discover(paths: list[str]) -> tuple[list[SourceFile], list[Refusal], int]:
    """Folders (recursively), glob patterns and files -> supported files, refused files, ignored count.

    A file named explicitly with an unsupported suffix is refused (and quarantined); inside a folder such
    files are only counted, so a folder of scraper output with images beside the text is not noise."""
    found: dict[str, SourceFile] = {}
    refused: list[Refusal] = []
    ignored = 0
    for spec in paths:
        path = Path(spec)
        if path.is_dir():
            candidates, explicit = sorted(p for p in path.rglob("*") if p.is_file()), False
        elif path.is_file():
            candidates, explicit = [path], True
        else:
            matches = sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
            if not matches:
                raise FileNotFoundError(f"{spec}: no such file, folder or matching pattern")
            candidates, explicit = matches, False
        for candidate in candidates:
            if candidate.name.startswith("."):
                continue
            if candidate.suffix.lower() in SUPPORTED_SUFFIXES:
                source = _source(candidate)
                found.setdefault(source.uri, source)
            elif explicit:
                refused.append(Refusal(str(candidate.resolve()), "unsupported_type",
                                       f"suffix {candidate.suffix or '(none)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"))
            else:
                ignored += 1
    return sorted(found.values(), key=lambda s: s.uri), refused, ignored


def plan_batches(files: list[SourceFile], batch_bytes: int) -> list[list[SourceFile]]:
    """Consecutive files grouped up to batch_bytes each (a larger file is a batch of its own)."""
    batches: list[list[SourceFile]] = []
    current: list[SourceFile] = []
    size = 0
    for source in files:
        if current and size + source.size > batch_bytes:
            batches.append(current)
            current, size = [], 0
        current.append(source)
        size += source.size
    if current:
        batches.append(current)
    return batches


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def extraction_resources() -> Resources:
    return Resources.load()


@cache
def join_vocabulary() -> frozenset[str]:
    """Two-character words of jieba's dictionary: evidence that a print line broke inside a word."""
    words = set()
    with package_files("jieba").joinpath("dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            word, freq, *_ = line.split(" ")
            if len(word) == 2 and int(freq) >= 50:
                words.add(word)
    return frozenset(words)


def _quarantine_frame(rows: list[dict], run_id: str, detected_at: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"source_uri": pl.String, "content_sha256": pl.String, "reason": pl.String, "detail": pl.String},
    ).with_columns(detected_at=pl.lit(detected_at, pl.Datetime("us")), run_id=pl.lit(run_id))


def process_batch(
    files: list[SourceFile],
    *,
    known_ids: frozenset[str],
    staging: Path,
    settings: Settings,
    rules: CleaningRules,
    run_id: str,
    started_at: datetime,
    refusals: list[Refusal] = (),
) -> BatchOutcome:
    """Read, decode, clean and extract one batch, writing one Parquet file per warehouse table."""
    staging.mkdir(parents=True, exist_ok=True)
    outcome = BatchOutcome(staging=staging, files=len(files))
    quarantine = [
        {"source_uri": r.uri, "content_sha256": None, "reason": r.reason, "detail": r.detail} for r in refusals
    ]
    seen: list[dict] = []
    raw_rows: list[dict] = []
    batch_ids: set[str] = set()
    for source in files:
        if source.size > settings.max_file_bytes:
            quarantine.append({
                "source_uri": source.uri, "content_sha256": sha256_file(source.path), "reason": "too_large",
                "detail": f"{source.size} bytes > limit {settings.max_file_bytes} (GAZETTE_MAX_FILE_MB)",
            })
            continue
        raw = source.path.read_bytes()
        document_id = hashlib.sha256(raw).hexdigest()
        seen.append({"source_uri": source.uri, "document_key": document_key(document_id), "seen_at": started_at,
                     "file_mtime": source.mtime, "byte_size": len(raw)})
        if document_id in known_ids:
            outcome.known += 1
            continue
        if document_id in batch_ids:
            outcome.duplicates_in_batch += 1
            continue
        batch_ids.add(document_id)
        raw_rows.append({"source_uri": source.uri, "document_id": document_id, "raw": raw})
    pl.DataFrame(seen, schema={"source_uri": pl.String, "document_key": pl.Int64, "seen_at": pl.Datetime("us"),
                               "file_mtime": pl.Datetime("us"), "byte_size": pl.Int64}).write_parquet(
        staging / "dim_source_file.parquet")

    decoded = decode_documents(
        pl.DataFrame(raw_rows, schema={"source_uri": pl.String, "document_id": pl.String, "raw": pl.Binary})
    ).with_columns(document_key=key_from_hex("document_id"))
    failed = decoded.filter(pl.col("text").is_null())
    quarantine.extend(
        failed.select("source_uri", content_sha256="document_id", reason="reason", detail="detail").to_dicts()
    )
    docs = decoded.filter(pl.col("text").is_not_null())
    q = _quarantine_frame(quarantine, run_id, started_at)
    q.write_parquet(staging / "quarantine.parquet")
    outcome.quarantined = dict(q.group_by("reason").len().iter_rows())
    outcome.new_documents = docs.height
    if docs.is_empty():
        return outcome

    cleaned = clean_documents(docs.select("document_key", "source_uri", "text"), rules, join_vocabulary())
    documents = docs.select(
        "document_key", "document_id", "source_uri", "encoding",
        byte_size=pl.col("raw").bin.size().cast(pl.Int64),
    ).join(cleaned.documents, on="document_key").with_columns(
        loaded_at=pl.lit(started_at, pl.Datetime("us")), run_id=pl.lit(run_id),
        pipeline_version=pl.lit(PIPELINE_VERSION),
    )
    documents.write_parquet(staging / "dim_document.parquet")
    cleaned.sentences.write_parquet(staging / "fact_sentence.parquet")
    decode_log = docs.select(
        "document_key", line_no=pl.lit(0, pl.Int32), action=pl.lit("rewrite"),
        reason=pl.col("decode_fixes"), raw_text=pl.coalesce("detail", pl.lit("")),
    ).explode("reason").drop_nulls("reason")
    pl.concat([decode_log, cleaned.cleaning], how="vertical_relaxed").write_parquet(staging / "fact_cleaning.parquet")
    bylines = cleaned.bylines.with_columns(person_key=keys_for(cleaned.bylines["name"]))
    bylines.select("document_key", "person_key", "role", "credit", "line_no").write_parquet(
        staging / "fact_byline.parquet")

    extracted = extract(documents, cleaned.sentences, extraction_resources())
    persons = pl.concat([extracted.table("dim_person"), bylines.select("person_key", "name")], how="vertical_relaxed")
    for table in extracted.tables.keys() | {"dim_person"}:
        frame = persons if table == "dim_person" else extracted.table(table)
        frame.write_parquet(staging / f"{table}.parquet")
    return outcome
