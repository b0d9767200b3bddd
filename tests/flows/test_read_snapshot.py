"""Readers open a snapshot of the last run that changed the warehouse: a reader holding it open never blocks a
run, and the DuckDB 1.x command line from the package registry reads it."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from tests.conftest import SAMPLE_DIR
from tests.faults.corpus import ARTICLES
from tests.flows.helpers import query
from warehouse.publish import publish_snapshot, read_path, snapshot_path

pytestmark = pytest.mark.usefixtures("prefect_harness")
DUCKDB_CLI = Path(sys.executable).with_name("duckdb")

HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select count(*) from dim_document").fetchall()[0][0], flush=True)
    time.sleep(600)
""")


def test_a_reader_holding_the_snapshot_never_blocks_a_run(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE_DIR, folder)
    db = tmp_path / "w.duckdb"
    assert ingest(paths=[str(folder)], db=str(db))["status"] == "completed"
    assert read_path(db) == snapshot_path(db)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(snapshot_path(db))], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "5"
        (folder / "new.txt").write_text(ARTICLES["gb18030"], encoding="utf-8")
        second = ingest(paths=[str(folder)], db=str(db))
        assert (second["status"], second["documents_loaded"]) == ("completed", 1)
        assert holder.poll() is None, "the reader kept its connection for the whole run"
    finally:
        holder.kill()
        holder.wait()
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(6,)]


def test_no_op_runs_leave_the_snapshot_alone(tmp_path):
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(SAMPLE_DIR)], db=str(db))
    published = snapshot_path(db).stat().st_mtime_ns
    ingest(paths=[str(SAMPLE_DIR)], db=str(db))
    assert snapshot_path(db).stat().st_mtime_ns == published


@pytest.mark.skipif(not DUCKDB_CLI.exists(), reason="the duckdb-cli dev dependency is not installed")
def test_the_duckdb_1x_command_line_reads_the_snapshot(tmp_path):
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(SAMPLE_DIR)], db=str(db))
    version = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("v1."), version
    result = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", str(snapshot_path(db)),
                             "select count(*) as documents from v_document; select count(*) > 0 as has_metrics from v_metric"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["documents", "5", "has_metrics", "true"], result.stdout


# A warehouse of 6 documents beside a snapshot of 5: what a run that committed a document and was then stopped
# (killed, interrupted, out of disk) before it published leaves.
@pytest.fixture(scope="module")
def behind(tmp_path_factory):
    base = tmp_path_factory.mktemp("behind")
    folder = base / "in"
    shutil.copytree(SAMPLE_DIR, folder)
    db = base / "w.duckdb"
    ingest(paths=[str(folder)], db=str(db))
    shutil.copy(snapshot_path(db), base / "five.duckdb")
    (folder / "new.txt").write_text(ARTICLES["gb18030"], encoding="utf-8")
    assert ingest(paths=[str(folder)], db=str(db))["documents_loaded"] == 1
    return {"warehouse": db, "old snapshot": base / "five.duckdb"}


def _copy_of(behind, tmp_path, snapshot: str = "old snapshot") -> Path:
    db = tmp_path / "w.duckdb"
    shutil.copy(behind["warehouse"], db)
    shutil.copy(behind[snapshot], snapshot_path(db))
    return db


def _sql_count(db, **env) -> tuple[str, int]:
    from typer.testing import CliRunner

    from cli.app import app

    result = CliRunner().invoke(app, ["sql", "select count(*) as n from dim_document", "--format", "csv",
                                      "--db", str(db)], env=env)
    assert result.exit_code == 0, result.output
    return result.output, int(result.output.split()[-1])


STATES = ["behind", "garbage", "truncated", "half-published", "missing"]


def _make(state: str, db: Path) -> None:
    snapshot = snapshot_path(db)
    if state == "garbage":
        snapshot.write_bytes(b"not a database " * 1000)
    elif state == "truncated":
        snapshot.write_bytes(snapshot.read_bytes()[:50_000])
    elif state == "half-published":
        snapshot.with_name(snapshot.name + ".partial").write_bytes(b"an interrupted copy")
    elif state == "missing":
        snapshot.unlink()


@pytest.mark.parametrize("state", STATES)
def test_a_reader_never_sees_other_counts_than_the_warehouse(behind, tmp_path, state):
    db = _copy_of(behind, tmp_path)
    _make(state, db)
    output, count = _sql_count(db)
    assert count == query(db, "select count(*) from dim_document")[0][0] == 6
    assert "published it again" in output and len(output.strip().splitlines()) == 3, output
    assert not snapshot_path(db).with_name(snapshot_path(db).name + ".partial").exists()
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(6,)]
    again, _ = _sql_count(db)
    assert "published" not in again, "a current snapshot is read as it is"


def test_a_reader_that_cannot_publish_reads_the_warehouse_and_says_why(behind, tmp_path):
    import fcntl
    import os

    db = _copy_of(behind, tmp_path)
    lock = snapshot_path(db).with_name(snapshot_path(db).name + ".lock")
    fd = os.open(lock, os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process publishing, for longer than a reader waits
    try:
        output, count = _sql_count(db)
    finally:
        os.close(fd)
    assert count == 6
    assert "reading the warehouse itself" in output and "is behind the warehouse" in output, output
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(5,)]


def test_read_snapshot_0_means_readers_open_the_warehouse(behind, tmp_path):
    db = _copy_of(behind, tmp_path)
    output, count = _sql_count(db, GAZETTE_READ_SNAPSHOT="0")
    assert count == 6 and "snapshot" not in output, output
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(5,)], "left alone"


def test_a_no_op_run_publishes_a_snapshot_left_behind(behind, tmp_path):
    db = _copy_of(behind, tmp_path)
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE_DIR, folder)
    result = ingest(paths=[str(folder)], db=str(db))
    assert (result["status"], result["documents_loaded"]) == ("completed", 0)
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(6,)]


def test_a_publish_that_fails_fails_the_run_and_the_next_run_publishes(behind, tmp_path):
    from flows.faults import InjectedFailure

    db = _copy_of(behind, tmp_path)
    _make("missing", db)
    shutil.copy(behind["old snapshot"], snapshot_path(db))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "another.txt").write_text(ARTICLES["gb18030"] + "\n另一篇稿件在这里多写了一句话。\n", encoding="utf-8")
    with pytest.raises(Exception) as failure:
        ingest(paths=[str(folder)], db=str(db), fail_at="publish")  # as a full disk or a signal would
    assert isinstance(failure.value.__cause__, InjectedFailure), failure.value
    status, summary = query(db, "select status, summary from etl_run order by started_at desc limit 1")[0]
    assert status == "failed" and "read snapshot was not published" in summary
    assert query(db, "select count(*) from dim_document") == [(7,)], "the committed batch is kept"
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(5,)]
    assert not snapshot_path(db).with_name(snapshot_path(db).name + ".partial").exists()
    assert ingest(paths=[str(folder)], db=str(db))["status"] == "completed"
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(7,)]


def _flip_a_block(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    block = con.execute("select max(block_id) from pragma_storage_info('fact_sentence') "
                        "where column_name = 'text'").fetchall()[0][0]
    con.close()
    data = bytearray(db.read_bytes())
    at = 3 * 4096 + block * 256 * 1024 + 64  # past the file's three headers and the block's checksum
    data[at:at + 4096] = bytes(b ^ 0xFF for b in data[at:at + 4096])
    db.write_bytes(bytes(data))


def test_a_corrupt_snapshot_is_blamed_on_itself_found_by_check_and_published_again(behind, tmp_path):
    from typer.testing import CliRunner

    from cli.app import app

    db = _copy_of(behind, tmp_path)
    publish_snapshot(db, force=True)  # current: the readers open it without looking at every block
    _flip_a_block(snapshot_path(db))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = CliRunner().invoke(app, ["sql", "select count(*) from fact_sentence where length(text) > 0",
                                      "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert str(snapshot_path(db)) in result.output and "published it again" in result.output, result.output
    assert "Restore it from a copy" not in result.output
    _flip_a_block(snapshot_path(db))
    check = CliRunner().invoke(app, ["check", "--db", str(db)])
    assert check.exit_code == 1 and "FAIL read_snapshot_current" in check.output, check.output
    assert CliRunner().invoke(app, ["check", "--db", str(db)]).exit_code == 0
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before, "the warehouse was only read"


@pytest.mark.slow
def test_a_run_killed_while_publishing_leaves_readers_the_warehouse_counts(behind, tmp_path):
    from tests.reliability.helpers import gazette_env, run_gazette

    db = _copy_of(behind, tmp_path, snapshot="warehouse")
    publish_snapshot(db, force=True)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "another.txt").write_text(ARTICLES["gb18030"] + "\n另一篇稿件在这里多写了一句话。\n", encoding="utf-8")
    args = ["run", str(folder), "--db", str(db), "-q"]
    killed = run_gazette(args, gazette_env(tmp_path, GAZETTE_CRASH_AT="publish"))
    assert killed.returncode == -signal.SIGKILL, killed.output
    assert snapshot_path(db).with_name(snapshot_path(db).name + ".partial").exists()
    check = run_gazette(["check", "--db", str(db)], gazette_env(tmp_path))
    assert check.returncode == 0 and "half-published" in check.output, check.output
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(7,)]


def test_an_interrupted_publish_leaves_the_last_snapshot_and_no_partial(behind, tmp_path):
    from warehouse.publish import snapshot_problem

    db = _copy_of(behind, tmp_path)

    def interrupt() -> None:  # Ctrl-C between the copy and the rename
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish_snapshot(db, after_copy=interrupt)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.read.duckdb", "w.read.duckdb.lock"]
    assert query(snapshot_path(db), "select count(*) from dim_document") == [(5,)]
    assert snapshot_problem(db).startswith("is behind the warehouse")


# Publishing only what the runs since the last snapshot added: the result is what a full copy of the
# warehouse gives, table by table, and anything that cannot be shown complete is a full copy.
def _tables(path: Path) -> dict[str, list[tuple]]:
    from tests.flows.helpers import snapshot

    return snapshot(path, exclude=())


def _catalog(path: Path) -> list:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [con.execute(sql).fetchall() for sql in (
            "select table_name, sql, comment from duckdb_tables() order by all",
            "select view_name, sql, comment from duckdb_views() where not internal order by all",
            "select table_name, column_name, comment from duckdb_columns() order by all",
            "select index_name, sql from duckdb_indexes() order by all",
            "select tags['storage_version'] from duckdb_databases() where database_name = current_database()")]
    finally:
        con.close()


def _publish(db: Path, caplog, **kwargs) -> str:
    """How the snapshot was written: 'incremental' or the reason for a full copy."""
    import logging

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="warehouse.publish"):
        publish_snapshot(db, **kwargs)
    lines = [r.getMessage() for r in caplog.records if r.name == "warehouse.publish"]
    return lines[-1] if lines else ""


def _full_publish_of(db: Path, tmp_path: Path) -> Path:
    other = tmp_path / "full" / db.name
    other.parent.mkdir()
    shutil.copy(db, other)
    publish_snapshot(other, force=True)
    return snapshot_path(other)


def test_a_snapshot_behind_is_brought_up_to_date_incrementally_as_a_full_copy_would(behind, tmp_path, caplog):
    db = _copy_of(behind, tmp_path)
    assert "applied what" in _publish(db, caplog)
    full = _full_publish_of(db, tmp_path)
    assert _tables(snapshot_path(db)) == _tables(full) == _tables(db)
    assert _catalog(snapshot_path(db)) == _catalog(full)
    assert _catalog(full)[-1] == [("v1.2.0+",)], "still a file DuckDB 1.2 opens"
    if DUCKDB_CLI.exists():
        result = subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", str(snapshot_path(db)),
                                 "select count(*) as documents from v_document"], capture_output=True, text=True,
                                timeout=120)
        assert result.stdout.split() == ["documents", "6"], result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "w.duckdb", "w.read.duckdb", "w.read.duckdb.lock"]


def test_runs_that_update_rows_publish_incrementally_as_a_full_copy_would(tmp_path, caplog):
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE_DIR, folder)
    db = tmp_path / "w.duckdb"
    ingest(paths=[str(folder)], db=str(db))
    touched = sorted(folder.iterdir())[0]
    os.utime(touched, (touched.stat().st_atime, touched.stat().st_mtime + 60))  # dim_source_file: updated in place
    (folder / "new.txt").write_text(ARTICLES["gb18030"], encoding="utf-8")
    published = []
    with caplog.at_level(logging.INFO, logger="warehouse.publish"):
        assert ingest(paths=[str(folder)], db=str(db))["documents_loaded"] == 1
        published += [r.getMessage() for r in caplog.records if r.name == "warehouse.publish"]
        (folder / "blank.txt").write_bytes(b"")  # quarantine
        assert ingest(paths=[str(folder)], db=str(db))["files_quarantined"] == 1
        published += [r.getMessage() for r in caplog.records if r.name == "warehouse.publish"][len(published):]
    assert len(published) == 2 and all("applied what" in line for line in published), published
    updated = query(snapshot_path(db), "select count(*) from dim_source_file where last_seen_at > first_seen_at")
    assert updated == [(1,)]
    assert _tables(snapshot_path(db)) == _tables(_full_publish_of(db, tmp_path)) == _tables(db)


def test_a_new_schema_version_or_catalog_is_a_full_copy(behind, tmp_path, caplog):
    db = _copy_of(behind, tmp_path)
    con = duckdb.connect(str(db))
    con.execute("comment on table dim_document is 'a comment a migration changed'")
    con.close()
    assert "full copy (its tables, views or comments differ" in _publish(db, caplog)
    assert _catalog(snapshot_path(db)) == _catalog(_full_publish_of(db, tmp_path))

    (tmp_path / "version").mkdir()
    db = _copy_of(behind, tmp_path / "version")
    con = duckdb.connect(str(db))
    con.execute("insert into meta_schema_version select max(version) + 1, 'next', now() from meta_schema_version")
    con.close()
    assert "full copy" in _publish(db, caplog)
    assert _tables(snapshot_path(db)) == _tables(db)


def test_changes_the_loader_never_makes_are_found_and_copied_whole(behind, tmp_path, caplog):
    db = _copy_of(behind, tmp_path)
    con = duckdb.connect(str(db))  # a fact row gone: no count of added rows can make up for it
    con.execute("delete from fact_sentence where rowid = (select min(rowid) from fact_sentence)")
    con.close()
    assert "full copy (the changes did not add up (fact_sentence" in _publish(db, caplog)
    assert _tables(snapshot_path(db)) == _tables(db)


def test_a_publish_stopped_anywhere_leaves_the_last_snapshot_and_the_next_one_repairs_it(behind, tmp_path, caplog):
    import warehouse.publish as publish

    db = _copy_of(behind, tmp_path)
    five = _tables(snapshot_path(db))

    def interrupt(*args) -> None:
        raise KeyboardInterrupt

    for stop in ("copying", "applying"):
        original = {"copying": publish._copy_file, "applying": publish._apply}[stop]
        setattr(publish, {"copying": "_copy_file", "applying": "_apply"}[stop], interrupt)
        try:
            with pytest.raises(KeyboardInterrupt):
                publish_snapshot(db)
        finally:
            setattr(publish, {"copying": "_copy_file", "applying": "_apply"}[stop], original)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.read.duckdb", "w.read.duckdb.lock"]
        assert _tables(snapshot_path(db)) == five
    assert "applied what" in _publish(db, caplog)
    assert _tables(snapshot_path(db)) == _tables(db)


def test_a_snapshot_written_to_by_hand_is_copied_whole(behind, tmp_path, caplog):
    db = _copy_of(behind, tmp_path)
    con = duckdb.connect(str(snapshot_path(db)))  # a notebook that opened it read-write
    con.execute("create table scratch as select 1 as x")
    con.close()
    assert "full copy" in _publish(db, caplog)
    assert "scratch" not in _tables(snapshot_path(db))
