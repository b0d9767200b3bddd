"""Files that go bad on the file system (vanished, unreadable, looping links, FIFOs, grown past the limit) and
text with one flaw: each is quarantined with its reason, or repaired, while the rest of the run loads."""

from __future__ import annotations

import os
from datetime import datetime

import polars as pl
import pytest

from flows.batch import discover, process_batch, read_capped
from flows.ingest import ingest
from flows.settings import Settings
from tests.faults.corpus import ARTICLES, write_huge_file
from tests.flows.helpers import query
from transforms.decode import detect_and_decode
from transforms.rules import default_cleaning_rules

GOOD = ARTICLES["gb18030"]


def _good_files(folder, n: int = 3) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i in range(n):
        path = folder / f"good{i}.txt"
        path.write_text(GOOD.replace("四十二", f"{i + 40}"), encoding="utf-8")
        names.append(str(path))
    return names


def test_read_capped_names_what_went_wrong(tmp_path):
    ok = tmp_path / "ok.txt"
    ok.write_bytes(b"x" * 10)
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    assert read_capped(str(ok), 10) == b"x" * 10
    assert read_capped(str(ok), 9)[0] == "too_large"  # held to the limit on the bytes read, not the listing
    assert read_capped(str(tmp_path / "gone.txt"), 10)[0] == "vanished"
    assert read_capped(str(loop), 10)[0] == "link_loop"
    assert read_capped(str(fifo), 10)[0] == "not_a_file"  # and it returns: a FIFO never blocks the run
    assert read_capped("/proc/self/mem", 10)[0] == "unreadable"  # EIO, even for root


def test_a_batch_quarantines_files_that_vanished_or_grew_after_listing(tmp_path):
    gone, grown, kept = _good_files(tmp_path / "in")
    listing, refused, _ = discover([str(tmp_path / "in")])
    os.remove(gone)
    with open(grown, "ab") as handle:
        handle.write(b"\n" + "增长".encode() * 1000)
    settings = Settings(db=tmp_path / "w.duckdb", max_file_bytes=2000)

    outcome = process_batch(listing, known_keys_path=None, staging=tmp_path / "stage", settings=settings,
                            rules=default_cleaning_rules(), run_id="r", started_at=datetime(2026, 1, 1),
                            refusals=refused)

    quarantined = pl.read_parquet(tmp_path / "stage" / "quarantine.parquet")
    assert dict(quarantined.select("source_uri", "reason").iter_rows()) == {gone: "vanished", grown: "too_large"}
    assert outcome.new_documents == 1
    assert pl.read_parquet(tmp_path / "stage" / "dim_document.parquet")["source_uri"].to_list() == [kept]


def test_one_invalid_byte_in_a_long_utf8_article_is_replaced_not_quarantined():
    raw = (GOOD * 20).encode("utf-8")
    cut = raw.index("改造".encode())
    broken = raw[:cut] + b"\xff" + raw[cut:]

    decoded = detect_and_decode(broken)

    assert (decoded.encoding, decoded.fix) == ("utf-8", "invalid_bytes")
    assert decoded.text.count("\ufffd") == 1
    assert "统筹推进水电气暖管网更新" in decoded.text
    assert detect_and_decode(("only latin text " * 50).encode() + b"\xff").fix is None


@pytest.mark.usefixtures("prefect_harness")
def test_a_run_loads_every_good_file_and_quarantines_each_bad_one(tmp_path):
    folder = tmp_path / "in"
    good = _good_files(folder)
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    os.mkfifo(folder / "pipe.txt")
    locked = folder / "locked.txt"
    locked.write_text(GOOD.replace("四十二", "九十九"), encoding="utf-8")
    locked.chmod(0)
    unreadable = os.geteuid() != 0  # root reads it all the same
    flawed = folder / "flawed.txt"
    text = (ARTICLES["gbk"] * 10).encode("utf-8")
    cut = text.index("招聘会".encode()) + 3
    flawed.write_bytes(text[:cut] + b"\xff" + text[cut:])
    (folder / "one_char_lines.txt").write_text("区" * 10 + "\n" + "我\n" * 20_000, encoding="utf-8")
    write_huge_file(folder / "four_mb.txt", 4)  # under the limit: loaded, at a cost linear in its size
    named_fifo = tmp_path / "named.txt"
    os.mkfifo(named_fifo)
    db = tmp_path / "w.duckdb"

    summary = ingest(paths=[str(folder), str(named_fifo)], db=str(db))

    assert summary["status"] == "completed", summary["error"]
    assert summary["quarantine_reasons"] == {"link_loop": 1, "not_a_file": 2, **({"unreadable": 1} if unreadable else {})}
    loaded = {uri for (uri,) in query(db, "select source_uri from dim_source_file")}
    assert loaded == {*good, str(flawed), str(folder / "one_char_lines.txt"), str(folder / "four_mb.txt"),
                      *([] if unreadable else [str(locked)])}
    assert query(db, "select count(*) from fact_cleaning where reason = 'invalid_bytes'") == [(1,)]
    assert query(db, "select count(*) from etl_run where status = 'running'") == [(0,)]


@pytest.mark.usefixtures("prefect_harness")
def test_odd_names_links_and_an_over_limit_file_never_fail_a_run(tmp_path):
    """A name that is not UTF-8 loads (escaped in source_uri); broken and device links in the folder are
    quarantined and counted; a 64 GiB sparse file over the limit is refused unread and unhashed, and later
    runs pass over it until the limit is raised above it."""
    folder = tmp_path / "in"
    good = _good_files(folder, 1)[0]
    with open(os.fsencode(folder) + b"/bad\xff\xfename.txt", "wb") as handle:
        handle.write(GOOD.replace("四十二", "七十七").encode("gb18030"))
    huge = folder / "huge.txt"
    with open(huge, "wb") as handle:  # sparse: no data is written, reading it would take minutes
        handle.truncate(64 * 2**30)
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    db = tmp_path / "w.duckdb"

    first = ingest(paths=[str(folder)], db=str(db))

    assert first["status"] == "completed", first["error"]
    assert first["files_seen"] == 5 and first["documents_loaded"] == 2
    assert first["quarantine_reasons"] == {"too_large": 1, "vanished": 1, "not_a_file": 1}
    escaped = f"{folder}/bad\\xff\\xfename.txt"
    assert sorted(uri for (uri,) in query(db, "select source_uri from dim_source_file")) == sorted([escaped, good])
    assert query(db, "select content_sha256, byte_size from quarantine where reason = 'too_large'") == [
        (None, 64 * 2**30)]
    assert query(db, "select count(*) from quarantine where source_uri in (?, ?)",
                 [str(folder / "dangling.txt"), str(folder / "zero.txt")]) == [(2,)]

    again = ingest(paths=[str(folder)], db=str(db))
    # the loaded files and the over-limit one are passed over unread; the links are looked at again
    assert (again["status"], again["skipped_unchanged"], again["documents_loaded"]) == ("completed", 3, 0)
    assert again["quarantine_reasons"] == {"vanished": 1, "not_a_file": 1}
    assert query(db, "select count(*) from quarantine where reason = 'too_large'") == [(1,)]
    assert query(db, "select count(*) from etl_run where status <> 'completed'") == [(0,)]
