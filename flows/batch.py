"""What a batch does, without Prefect: find files, read them, run the transforms, stage Parquet."""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from flows import cancel
from flows.settings import SUPPORTED_SUFFIXES, Settings
from transforms import PIPELINE_VERSION
from transforms.keys import key_from_hex, keys_for
from transforms.rules import CleaningRules

if TYPE_CHECKING:
    from transforms.extract import Resources


class StagingUnreachable(RuntimeError):
    """A batch's staged files are not where the loader or a worker expects them."""


@dataclass(frozen=True)
class Refusal:
    uri: str
    reason: str
    detail: str


@dataclass
class BatchOutcome:
    staging: Path
    files: int
    bytes_read: int = 0
    new_documents: int = 0
    known: int = 0
    duplicates_in_batch: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: read, decode, clean, extract, segment, stage


class _Stopwatch:
    def __init__(self, into: dict[str, float]) -> None:
        self.into, self.last = into, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = self.into.get(stage, 0.0) + now - self.last
        self.last = now
        cancel.check()  # between stages: a cancelled run's workers stop here


# A file is known by its name, size and modification time (FILE_STATE); `path` holds the name's bytes when they
# are not UTF-8 (source_uri then shows them escaped, as DuckDB and Polars hold only valid text), else null.
FILE_STATE = {"source_uri": pl.String, "byte_size": pl.Int64, "file_mtime": pl.Datetime("us")}
LISTING_SCHEMA = {**FILE_STATE, "path": pl.Binary}


def display_name(path: str) -> str:
    """path as valid text: bytes of a name that is not UTF-8 (surrogate-escaped by os.fsdecode) become \\xNN."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def discover(paths: list[str]) -> tuple[pl.DataFrame, list[Refusal], int]:
    """Folders (recursively), glob patterns and files -> the listing of supported files (LISTING_SCHEMA,
    sorted by source_uri), refused files, ignored count.

    The listing is a frame, not an object per file: at 100 000 files it is 5 MB, where a list of records
    kept the process 42 MB larger for the whole run (28 MB after discovery now, most of it freed memory
    Python's allocator keeps for reuse). A file named explicitly with an unsupported suffix is refused (and quarantined); inside a
    folder such files are only counted, so a folder of scraper output with images beside the text is not
    noise. A source_uri is the file's canonical path (links resolved), as Path.resolve gives it."""
    uris, sizes, mtimes, raw_paths = [], [], [], []
    refused: list[Refusal] = []
    ignored = 0
    parents: dict[str, str] = {}
    for spec in paths:
        if os.path.isdir(spec):
            candidates, explicit = _files_under(spec), False
        elif os.path.lexists(spec):  # a file, or something named that is not one (a FIFO, a looping link)
            candidates, explicit = [_canonical(spec, parents)], True
        else:
            matches = [_canonical(p, parents) for p in glob.glob(spec, recursive=True) if os.path.isfile(p)]
            if not matches:
                raise FileNotFoundError(f"{spec}: no such file, folder or matching pattern")
            candidates, explicit = matches, False
        for path in candidates:
            uri = display_name(path)
            name = os.path.basename(uri)
            if name.startswith("."):
                continue
            suffix = Path(name).suffix
            if suffix.lower() in SUPPORTED_SUFFIXES:
                try:
                    info = os.stat(path)
                except OSError as err:
                    reason, detail = unreadable(err)
                    if isinstance(err, FileNotFoundError) and os.path.islink(path):
                        detail = f"a symbolic link to {display_name(os.readlink(path))}, which does not exist"
                    refused.append(Refusal(uri, reason, detail))
                    continue
                if not stat.S_ISREG(info.st_mode):
                    refused.append(Refusal(uri, "not_a_file", "not a regular file (a FIFO, device or socket)"))
                    continue
                uris.append(uri)
                raw_paths.append(None if uri is path else os.fsencode(path))
                sizes.append(info.st_size)
                mtimes.append(datetime.fromtimestamp(info.st_mtime, timezone.utc).replace(tzinfo=None))
            elif explicit:
                refused.append(Refusal(uri, "unsupported_type",
                                       f"suffix {suffix or '(none)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"))
            else:
                ignored += 1
    listing = pl.DataFrame({"source_uri": uris, "byte_size": sizes, "file_mtime": mtimes, "path": raw_paths},
                           schema=LISTING_SCHEMA)
    return listing.unique("source_uri", keep="first").sort("source_uri"), refused, ignored


def _files_under(folder: str) -> Iterator[str]:
    """Canonical paths of the files in folder and its sub-folders (not those behind links to folders).

    The folder is resolved once and only links below it again: resolving each path (a system call per
    component of it) made listing 10 000 files take 0.47-0.58 s, against 0.11-0.18 s now."""
    pending = [os.path.realpath(folder)]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                found = list(entries)
        except PermissionError:
            continue
        for entry in found:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif entry.is_symlink():
                # a link to a file counts as the file it points to; one to a folder is not followed; a broken one,
                # or one to a device, is listed as itself and refused like a named one
                try:
                    if entry.is_dir():
                        continue
                    yield os.path.realpath(entry.path) if entry.is_file() else entry.path
                except OSError:
                    yield entry.path
            else:  # a file, or a FIFO or socket that discover refuses
                yield entry.path


def unreadable(err: OSError) -> tuple[str, str]:
    """The quarantine reason and detail for a file that could not be listed or read."""
    if isinstance(err, FileNotFoundError):
        return "vanished", "deleted or moved after it was listed"
    if err.errno == errno.ELOOP:
        return "link_loop", "symbolic links that lead back to themselves"
    return "unreadable", f"{err.strerror or type(err).__name__} (errno {err.errno})"


def read_capped(uri: str | bytes, limit: int) -> bytes | tuple[str, str]:
    """The file's bytes, or (reason, detail) when it cannot be read or holds more than limit bytes. Reads at
    most limit + 1 bytes: a file that grew after it was listed is held to the limit all the same."""
    try:
        fd = os.open(uri, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO put in a file's place must not block the run
    except OSError as err:
        return unreadable(err)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "not_a_file", "not a regular file (a FIFO, device or socket)"
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(limit + 1)
    except OSError as err:
        return unreadable(err)
    finally:
        os.close(fd)
    if len(raw) > limit:
        return "too_large", f"more than the limit of {limit} bytes (GAZETTE_MAX_FILE_MB)"
    return raw


def _canonical(path: str, parents: dict[str, str]) -> str:
    """os.path.realpath(path), resolving each distinct parent folder once."""
    head, name = os.path.split(path)
    real = parents.get(head)
    if real is None:
        real = parents[head] = os.path.realpath(head or ".")
    path = os.path.join(real, name)
    # a link to a file is the file; a broken link, or one to a device, stays itself (discover refuses it)
    return os.path.realpath(path) if os.path.islink(path) and os.path.isfile(path) else path


def plan_batches(listing: pl.DataFrame, batch_bytes: int) -> list[pl.DataFrame]:
    """Consecutive files grouped up to batch_bytes each (a larger file is a batch of its own); each batch is a
    slice of the listing."""
    starts: list[int] = []
    size = 0
    for i, file_size in enumerate(listing["byte_size"].to_list()):
        if not starts or size + file_size > batch_bytes:
            starts.append(i)
            size = 0
        size += file_size
    ends = [*starts[1:], listing.height]
    return [listing.slice(start, end - start) for start, end in zip(starts, ends)]


@cache
def extraction_resources() -> Resources:
    from transforms.cache import set_default_dir
    from transforms.extract import Resources

    folder = Settings().cache
    set_default_dir(folder)
    return Resources.load(folder)


@cache
def join_vocabulary() -> pl.Series:
    """Two-character words of jieba's dictionary: evidence that a print line broke inside a word."""
    from transforms.cache import jieba_dictionary, set_default_dir
    from transforms.clean.structure import two_char_words

    set_default_dir(Settings().cache)
    words = jieba_dictionary().filter(pl.col("word").str.len_chars() == 2, pl.col("freq") >= 50)["word"]
    return two_char_words(words.unique().to_list())


QUARANTINE_SCHEMA = {"source_uri": pl.String, "content_sha256": pl.String, "reason": pl.String, "detail": pl.String,
                     "file_mtime": pl.Datetime("us"), "byte_size": pl.Int64}


def _quarantine_frame(rows: list[dict], run_id: str, detected_at: datetime) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=QUARANTINE_SCHEMA).with_columns(
        detected_at=pl.lit(detected_at, pl.Datetime("us")), run_id=pl.lit(run_id))


def unchanged_files(listing: pl.DataFrame, known_sources: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Files whose name, size and modification time match a loaded source file need not be read again."""
    if listing.is_empty() or known_sources.is_empty():
        return listing, 0
    changed = listing.join(known_sources.cast(FILE_STATE), on=list(FILE_STATE), how="anti",
                           maintain_order="left")
    return changed, listing.height - changed.height


@cache
def _known_keys(path: str, stamp: int) -> pl.Series:
    return pl.read_parquet(path)["document_key"]


def known_keys(path: Path | None) -> pl.Series:
    """document_keys already in the warehouse, written once per run and read once per worker process."""
    if path is None:
        return pl.Series("document_key", [], pl.Int64)
    if not path.exists():  # not "nothing is loaded": this worker cannot see the run's staging
        raise StagingUnreachable(f"{path}: the run's known keys are not visible to this worker; staging must be "
                                 "a folder every worker can read and write (set GAZETTE_STAGING_DIR)")
    return _known_keys(str(path), path.stat().st_mtime_ns)


_warm = threading.Lock()


def warm_up() -> None:
    """Load dictionaries and rule files once per process, before its first batch (worker threads wait for
    the first to finish rather than each building its own copy; the segmenter is one per thread). The
    automaton of all the gazetteer's names is not among them: a small batch does without it
    (transforms/extract/scoped.py), a large one builds it when it first searches."""
    from transforms.extract.terms import idf_frame, segmenter

    with _warm:  # not the cleaning rules: the run loads them, checked, and hands them to every batch
        join_vocabulary()
        extraction_resources()
        segmenter()
        idf_frame()


def _quarantine_no_body(cleaned, docs: pl.DataFrame, fresh: pl.DataFrame, staging: Path, run_id: str,
                        started_at: datetime, outcome: BatchOutcome):
    """Documents whose cleaning left no body (transforms.clean.no_body) join the batch's quarantine, with
    the rules that removed their text, instead of being loaded; the rest of the batch goes on."""
    from dataclasses import replace

    empty = cleaned.documents.filter(pl.col("no_body").is_not_null()).select("document_key", "no_body")
    if empty.is_empty():
        return cleaned
    ids = docs.select("document_key", "document_id").join(empty, on="document_key").select("document_id", "no_body")
    files = fresh.join(ids, on="document_id").select(
        "source_uri", content_sha256="document_id", reason=pl.lit("no_body"), detail="no_body",
        file_mtime="file_mtime", byte_size="byte_size")
    q = pl.concat([pl.read_parquet(staging / "quarantine.parquet"),
                   _quarantine_frame(files.to_dicts(), run_id, started_at)], how="vertical_relaxed")
    q.write_parquet(staging / "quarantine.parquet")
    outcome.quarantined = dict(q.group_by("reason").len().iter_rows())
    outcome.new_documents -= empty.height
    keep = ~pl.col("document_key").is_in(empty["document_key"].implode())
    return replace(cleaned, documents=cleaned.documents.filter(keep), sentences=cleaned.sentences.filter(keep),
                   bylines=cleaned.bylines.filter(keep), cleaning=cleaned.cleaning.filter(keep),
                   lines=cleaned.lines.filter(keep))


def process_batch(
    files: pl.DataFrame,
    *,
    known_keys_path: Path | None,
    staging: Path,
    settings: Settings,
    rules: CleaningRules,
    run_id: str,
    started_at: datetime,
    refusals: list[Refusal] = (),
) -> BatchOutcome:
    """Read, decode, clean and extract one batch, writing one Parquet file per warehouse table."""
    # imported with the first batch: a run with nothing to read does not pay for them
    from transforms.clean import clean_documents
    from transforms.decode import decode_documents
    from transforms.extract import extract

    cancel.check()  # queued before the run was cancelled: do not start
    staging.mkdir(parents=True, exist_ok=True)
    outcome = BatchOutcome(staging=staging, files=files.height)
    watch = _Stopwatch(outcome.seconds)
    quarantine = [
        {"source_uri": r.uri, "content_sha256": None, "reason": r.reason, "detail": r.detail, "file_mtime": None,
         "byte_size": None} for r in refusals
    ]
    rows: list[dict] = []
    for uri, size, mtime, path in files.select(list(LISTING_SCHEMA)).iter_rows():
        # over the limit by its listed size: refused unread (not hashed either: it may be gigabytes)
        raw = read_capped(path or uri, settings.max_file_bytes) if size <= settings.max_file_bytes else (
            "too_large", f"{size} bytes > limit {settings.max_file_bytes} (GAZETTE_MAX_FILE_MB)")
        if isinstance(raw, tuple):
            reason, detail = raw
            quarantine.append({"source_uri": uri, "content_sha256": None, "reason": reason, "detail": detail,
                               "file_mtime": mtime, "byte_size": size})
            continue
        rows.append({"source_uri": uri, "document_id": hashlib.sha256(raw).hexdigest(), "raw": raw,
                     "file_mtime": mtime})
    read = pl.DataFrame(rows, schema={"source_uri": pl.String, "document_id": pl.String, "raw": pl.Binary,
                                      "file_mtime": pl.Datetime("us")}).with_columns(
        document_key=key_from_hex("document_id"), byte_size=pl.col("raw").bin.size().cast(pl.Int64))
    outcome.bytes_read = int(read["byte_size"].sum() or 0)
    watch.lap("read")
    read.select("source_uri", "document_key", "file_mtime", "byte_size",
                seen_at=pl.lit(started_at, pl.Datetime("us"))).write_parquet(staging / "dim_source_file.parquet")
    is_known = pl.col("document_key").is_in(known_keys(known_keys_path).implode())
    outcome.known = read.filter(is_known).height
    fresh = read.filter(~is_known)
    new = fresh.unique("document_id", keep="first", maintain_order=True)
    outcome.duplicates_in_batch = fresh.height - new.height

    decoded = decode_documents(new.select("source_uri", "document_id", "raw", "document_key", "file_mtime",
                                          "byte_size"))
    failed = decoded.filter(pl.col("text").is_null())
    # every file with those bytes is quarantined (two empty files in a batch are two refusals, not a duplicate),
    # so the next run skips them all unread
    failed_files = fresh.join(failed.select("document_id", "reason", "detail"), on="document_id")
    quarantine.extend(failed_files.select("source_uri", content_sha256="document_id", reason="reason",
                                          detail="detail", file_mtime="file_mtime", byte_size="byte_size").to_dicts())
    outcome.duplicates_in_batch -= failed_files.height - failed.height
    docs = decoded.filter(pl.col("text").is_not_null())
    q = _quarantine_frame(quarantine, run_id, started_at)
    q.write_parquet(staging / "quarantine.parquet")
    outcome.quarantined = dict(q.group_by("reason").len().iter_rows())
    outcome.new_documents = docs.height
    watch.lap("decode")
    if docs.is_empty():
        return outcome

    warm_up()  # not before: a batch of refused files needs no dictionaries
    watch.lap("warm-up")
    cleaned = clean_documents(docs.select("document_key", "source_uri", "text"), rules, join_vocabulary())
    watch.lap("clean")
    cleaned = _quarantine_no_body(cleaned, docs, fresh, staging, run_id, started_at, outcome)
    if cleaned.documents.is_empty():
        return outcome
    documents = docs.select(
        "document_key", "document_id", "source_uri", "encoding",
        byte_size=pl.col("raw").bin.size().cast(pl.Int64),
    ).join(cleaned.documents.drop("no_body"), on="document_key").with_columns(
        loaded_at=pl.lit(started_at, pl.Datetime("us")), run_id=pl.lit(run_id),
        pipeline_version=pl.lit(PIPELINE_VERSION),
    )
    cleaned.sentences.write_parquet(staging / "fact_sentence.parquet")
    decode_log = docs.select(
        "document_key", line_no=pl.lit(0, pl.Int32), action=pl.lit("rewrite"),
        reason=pl.col("decode_fixes"), raw_text=pl.coalesce("detail", pl.lit("")),
    ).explode("reason").drop_nulls("reason")
    pl.concat([decode_log, cleaned.cleaning], how="vertical_relaxed").write_parquet(staging / "fact_cleaning.parquet")
    bylines = cleaned.bylines.with_columns(person_key=keys_for(cleaned.bylines["name"]))
    bylines.select("document_key", "person_key", "role", "credit", "line_no").write_parquet(
        staging / "fact_byline.parquet")

    watch.lap("stage")
    extracted = extract(documents, cleaned.sentences, extraction_resources(), timings=outcome.seconds)
    watch.lap("extract")
    outcome.seconds["extract"] -= outcome.seconds.get("segment", 0.0)
    # written after extraction, which adds the document's own region
    extracted.with_document_columns(documents).write_parquet(staging / "dim_document.parquet")
    persons = pl.concat([extracted.table("dim_person"), bylines.select("person_key", "name")], how="vertical_relaxed")
    for table in extracted.tables.keys() | {"dim_person"}:
        frame = persons if table == "dim_person" else extracted.table(table)
        frame.write_parquet(staging / f"{table}.parquet")
    watch.lap("stage")
    return outcome
