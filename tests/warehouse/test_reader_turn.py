"""A reader waiting while a writer holds the warehouse gets its turn when the writer lets go, even when the
writer takes the lock straight back (as the loader does between its holds)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb

from warehouse.connection import reader

# Holds the write lock in spells of 0.5 s, re-opening at once, for `seconds`; prints when it holds it first.
WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from warehouse.connection import open_connection
    path, seconds = Path(sys.argv[1]), float(sys.argv[2])
    end = time.monotonic() + seconds
    first = True
    while time.monotonic() < end:
        con = open_connection(path, wait_seconds=30)
        if first:
            print("holding", flush=True)
            first = False
        time.sleep(0.5)
        con.close()
""")


def test_a_waiting_reader_gets_in_between_two_holds_of_a_busy_writer(tmp_path):
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).execute("create table t as select 42 as answer").close()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), "20"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "holding"
        answers = []
        for _ in range(5):
            with reader(db, wait_seconds=2) as con:  # raises WarehouseBusy if starved
                answers.append(con.execute("select answer from t").fetchall()[0][0])
        assert answers == [42] * 5
        assert writer.poll() is None, "the writer was still taking its turns"
    finally:
        writer.kill()
        writer.wait()
