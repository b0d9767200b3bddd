"""Reading whole warehouses back for comparisons."""

from __future__ import annotations

from pathlib import Path

import duckdb


def snapshot(db: Path, *, exclude: tuple[str, ...] = ("etl_run",)) -> dict[str, list[tuple]]:
    """Full contents of every base table, sorted, for byte-for-byte comparisons between runs."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE' order by 1"
        ).fetchall()]
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in tables if t not in exclude}
    finally:
        con.close()


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
