"""Schema versions: numbered DDL files in sql/schema applied in order, views re-created from sql/views."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from warehouse.comments import apply_comments

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
_VERSIONED = re.compile(r"^(\d{3})_(\w+)\.sql$")
_GENERATED = {"current.sql"}


class SchemaTooNew(RuntimeError):
    """The warehouse was written by a newer Gazette: this code does not know its shape."""


def migrations(schema_dir: Path = SQL_DIR / "schema") -> list[tuple[int, str, Path]]:
    found = []
    for path in sorted(schema_dir.glob("*.sql")):
        if path.name in _GENERATED:
            continue
        match = _VERSIONED.match(path.name)
        if not match:
            raise ValueError(f"{path}: schema files are named NNN_description.sql")
        found.append((int(match[1]), match[2], path))
    return found


def latest_version() -> int:
    return max(v for v, _, _ in migrations())


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_name = 'meta_schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from meta_schema_version").fetchall()[0][0]


def require_known_schema(con: duckdb.DuckDBPyConnection, latest: int | None = None) -> int:
    """The warehouse's schema version, refusing one newer than this code's migrations."""
    have, latest = current_version(con), latest or latest_version()
    if have > latest:
        raise SchemaTooNew(f"schema version {have} is newer than this Gazette knows ({latest}): "
                           "upgrade Gazette to read or write it")
    return have


def migrate(con: duckdb.DuckDBPyConnection, *, schema_dir: Path = SQL_DIR / "schema",
            views_dir: Path = SQL_DIR / "views") -> list[int]:
    """Bring the warehouse to the latest schema, one transaction per version; returns versions applied."""
    con.execute(
        "create table if not exists meta_schema_version "
        "(version integer primary key, name varchar not null, applied_at timestamp not null)"
    )
    have = require_known_schema(con, max((v for v, _, _ in migrations(schema_dir)), default=0))
    applied = []
    for version, name, path in migrations(schema_dir):
        if version <= have:
            continue
        con.execute("begin transaction")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "insert into meta_schema_version values (?, ?, ?)",
                [version, name, datetime.now(timezone.utc).replace(tzinfo=None)],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        applied.append(version)
    for path in sorted(views_dir.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))
    apply_comments(con)  # after the views: re-creating a view drops its comments
    return applied


CURRENT_SCHEMA = SQL_DIR / "schema" / "current.sql"


def _one_column_a_line(statement: str) -> str:
    head, _, body = statement.partition("(")
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
        if depth < 0:  # the closing parenthesis of the column list
            parts.append(body[start:i].strip())
            break
    return head + "(\n    " + ",\n    ".join(parts) + "\n);"


def current_schema(con: duckdb.DuckDBPyConnection) -> str:
    """Each table's and view's whole current shape, as the migrations leave it (sql/schema/current.sql)."""
    tables = con.execute("select sql from duckdb_tables() where schema_name = 'main' order by table_name").fetchall()
    views = con.execute("select sql from duckdb_views() where not internal and schema_name = 'main' "
                        "order by view_name").fetchall()
    return ("-- Generated from the migrations (python -m warehouse.migrate); not applied. The shape of every table and\n"
            "-- view at the latest schema version, in one place.\n\n"
            + "\n\n".join(_one_column_a_line(sql) for (sql,) in tables) + "\n\n"
            + "\n\n".join(sql for (sql,) in views) + "\n")


if __name__ == "__main__":
    memory = duckdb.connect()
    migrate(memory)
    CURRENT_SCHEMA.write_text(current_schema(memory), encoding="utf-8")
    print(f"wrote {CURRENT_SCHEMA}")
