"""Integrity checks: generic data tests (sql/checks/generic.toml) and singular ones (sql/checks/*.sql)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field

import duckdb

from warehouse.migrate import SQL_DIR

CHECKS_DIR = SQL_DIR / "checks"
SAMPLE_ROWS = 5


@dataclass(frozen=True)
class CheckResult:
    name: str
    violations: int
    sample: list[tuple] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.violations == 0


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute("select table_name, column_name from information_schema.columns").fetchall()
    out: dict[str, set[str]] = {}
    for table, column in rows:
        out.setdefault(table, set()).add(column)
    return out


def _identifiers(known: dict[str, set[str]], table: str, columns: str) -> list[str]:
    """Names from the checks file, accepted only if the warehouse has them (no SQL built from free text)."""
    cols = [c.strip() for c in columns.split(",")]
    if table not in known or not set(cols) <= known[table]:
        raise ValueError(f"{CHECKS_DIR / 'generic.toml'}: unknown table or column {table}({columns})")
    return cols


def generic_checks(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    spec = tomllib.loads((CHECKS_DIR / "generic.toml").read_text(encoding="utf-8"))
    known = _columns(con)
    checks = {}
    for table, columns in spec.get("unique", []):
        cols = ", ".join(_identifiers(known, table, columns))
        checks[f"unique:{table}({cols})"] = (
            f"select {cols}, count(*) as n from {table} group by {cols} having count(*) > 1"
        )
    for table, column, parent, parent_column in spec.get("relationships", []):
        (col,) = _identifiers(known, table, column)
        (pcol,) = _identifiers(known, parent, parent_column)
        checks[f"relationship:{table}.{col}->{parent}.{pcol}"] = (
            f"select distinct c.{col} from {table} c where c.{col} is not null "
            f"and not exists (select 1 from {parent} p where p.{pcol} = c.{col})"
        )
    return checks


def singular_checks() -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(CHECKS_DIR.glob("*.sql"))}


def scope_to_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Shadow every table keyed by document with a temporary view of the run's own documents, so the same
    checks cover what one run loaded: its cost follows the run, not the warehouse (dimensions stay whole)."""
    database = con.execute("select current_database()").fetchall()[0][0]
    con.execute(f'create or replace temp table run_documents as select document_key from "{database}".main.dim_document '
                "where run_id = ?", [run_id])
    for table, columns in _columns(con).items():
        if "document_key" in columns and table != "run_documents":
            con.execute(f'create or replace temp view {table} as select * from "{database}".main.{table} '
                        "where document_key in (select document_key from run_documents)")


def check_warehouse(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> list[CheckResult]:
    """All checks over the whole warehouse, or over the documents one run loaded (run_id)."""
    if run_id is not None:
        scope_to_run(con, run_id)
    results = []
    for name, sql in {**generic_checks(con), **singular_checks()}.items():
        relation = con.sql(sql)
        violations = con.execute(f"select count(*) from ({sql})").fetchall()[0][0]
        sample = relation.limit(SAMPLE_ROWS).fetchall() if violations else []
        results.append(CheckResult(name, violations, sample))
    return results
