"""Integrity checks: generic data tests (sql/checks/generic.toml) and singular ones (sql/checks/*.sql)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from warehouse.migrate import SQL_DIR

CHECKS_DIR = SQL_DIR / "checks"
SAMPLE_ROWS = 5
SLICE_CHARS = 20_000_000  # characters of body per slice of documents checked at once


@dataclass(frozen=True)
class CheckResult:
    name: str
    violations: int
    sample: list[tuple] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.violations == 0


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns "
        "join information_schema.tables using (table_catalog, table_schema, table_name) "
        "where table_catalog = current_database() and table_schema = 'main' and table_type = 'BASE TABLE'"
    ).fetchall()
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


@dataclass(frozen=True)
class Check:
    sql: str
    per_document: bool  # its violations are found document by document, so it can run on a slice of them
    python: Callable[[duckdb.DuckDBPyConnection], tuple[int, list[tuple]]] | None = None


def sentence_spans_index_the_body(con: duckdb.DuckDBPyConnection) -> tuple[int, list[tuple]]:
    """Every sentence is exactly the slice of the body its span names.

    Checked in Python, where a character offset into a string costs nothing: SQL's substring walks the UTF-8
    from the start of the body, so checking a long document's sentences that way is quadratic in its size."""
    bodies = dict(con.execute("select document_key, body from dim_document").fetchall())
    bad = []
    for key, no, start, end, text in con.execute(
            "select document_key, sentence_no, span_start, span_end, text from fact_sentence").fetchall():
        if key not in bodies:
            continue  # an orphan sentence: the relationship checks report it
        body = bodies[key] or ""
        if start < 0 or end > len(body) or start >= end or body[start:end] != text:
            bad.append((key, no, start, end))
    return len(bad), bad[:SAMPLE_ROWS]


# Checks written in Python, for what SQL cannot do in time linear in the data.
PYTHON_CHECKS = {"sentence_spans_index_the_body": Check("", True, sentence_spans_index_the_body)}


def generic_checks(known: dict[str, set[str]], keyed: set[str]) -> dict[str, Check]:
    """sql/checks/generic.toml over the warehouse's tables (known) and those keyed by document (keyed)."""
    spec = tomllib.loads((CHECKS_DIR / "generic.toml").read_text(encoding="utf-8"))
    checks = {}
    for table, columns in spec.get("unique", []):
        cols = _identifiers(known, table, columns)
        checks[f"unique:{table}({', '.join(cols)})"] = Check(
            f"select {', '.join(cols)}, count(*) as n from {table} group by {', '.join(cols)} having count(*) > 1",
            table in keyed and "document_key" in cols)  # duplicates of another column may lie in two slices
    for table, column, parent, parent_column in spec.get("relationships", []):
        (col,) = _identifiers(known, table, column)
        (pcol,) = _identifiers(known, parent, parent_column)
        checks[f"relationship:{table}.{col}->{parent}.{pcol}"] = Check(
            f"select distinct c.{col} from {table} c where c.{col} is not null "
            f"and not exists (select 1 from {parent} p where p.{pcol} = c.{col})",
            table in keyed and col == "document_key")  # other columns count distinct values, across slices
    return checks


def singular_checks(con: duckdb.DuckDBPyConnection, keyed: set[str]) -> dict[str, Check]:
    """sql/checks/*.sql. One that reads a table keyed by document runs document by document: such checks
    join those tables on document_key (a rule for writing them, stated in generic.toml)."""
    checks = {}
    for path in sorted(CHECKS_DIR.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        checks[path.stem] = Check(sql, bool(_tables_read(con, sql) & keyed))
    return checks


def _tables_read(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    """Names in the FROM clauses of sql, from DuckDB's own parse tree (names of CTEs included)."""
    tree = json.loads(con.execute("select json_serialize_sql(?::varchar)", [sql]).fetchall()[0][0])
    if tree.get("error"):
        raise ValueError(f"cannot parse a check: {tree.get('error_message')}")
    names, todo = set(), [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                names.add(node["table_name"])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return names


def _document_keyed(known: dict[str, set[str]]) -> set[str]:
    return {table for table, columns in known.items() if "document_key" in columns}


def _scope(con: duckdb.DuckDBPyConnection, keyed: set[str], run_id: str | None, slice_chars: int) -> int:
    """Number the documents in scope into slices of about slice_chars characters of body, and shadow every
    table keyed by document with a temporary view of the current slice (checked_documents). Returns the
    number of slices. Without a run, the scope is every document key found in any table, orphans included."""
    database = con.execute("select current_database()").fetchall()[0][0]
    if run_id is None:
        keys = " union ".join(f'select document_key from "{database}".main.{t}' for t in sorted(keyed))
    else:
        keys = f'select document_key from "{database}".main.dim_document where run_id = $run_id'
    con.execute(
        "create or replace temp table check_scope as "
        "select document_key, (dense_rank() over (order by chars // $slice) - 1)::integer as slice from ("
        "  select k.document_key, sum(coalesce(d.char_count, 0)) over (order by k.document_key) as chars "
        f'  from ({keys}) k left join "{database}".main.dim_document d using (document_key))',
        {"slice": slice_chars, **({"run_id": run_id} if run_id is not None else {})})
    con.execute("create or replace temp table checked_documents as select document_key from check_scope")
    for table in sorted(keyed):
        con.execute(f'create or replace temp view {table} as select * from "{database}".main.{table} '
                    "where document_key in (select document_key from checked_documents)")
    return con.execute("select coalesce(max(slice) + 1, 0) from check_scope").fetchall()[0][0]


def _run(con: duckdb.DuckDBPyConnection, check: Check) -> tuple[int, list[tuple]]:
    if check.python is not None:
        return check.python(con)
    violations = con.execute(f"select count(*) from ({check.sql})").fetchall()[0][0]
    return violations, (con.sql(check.sql).limit(SAMPLE_ROWS).fetchall() if violations else [])


def blocks_readable(con: duckdb.DuckDBPyConnection, tables: set[str]) -> CheckResult:
    """Read every column of every table back: DuckDB verifies each block's checksum as it reads it, so a
    corrupt block fails here rather than in the next run."""
    database = con.execute("select current_database()").fetchall()[0][0]
    for table in sorted(tables):
        try:
            con.execute(f'select sum(hash(columns(*))) from "{database}".main."{table}"').fetchall()
        except duckdb.Error as err:
            return CheckResult("blocks_readable", 1, [(table, str(err).splitlines()[0])])
    return CheckResult("blocks_readable", 0)


def check_warehouse(con: duckdb.DuckDBPyConnection, run_id: str | None = None, *,
                    slice_chars: int = SLICE_CHARS, read_every_block: bool = False) -> list[CheckResult]:
    """All checks over the whole warehouse, or over the documents one run loaded (run_id).

    Checks that look at documents one by one run on slices of the documents, so their memory follows the
    slice, not the warehouse: joining every sentence to every body at once takes 1.4 GB at 100 000
    documents. The rest (dimensions, uniqueness across documents) run once over the whole scope."""
    known = _columns(con)
    keyed = _document_keyed(known)
    checks = {**generic_checks(known, keyed), **singular_checks(con, keyed), **PYTHON_CHECKS}
    found = {name: (0, []) for name in checks}
    try:
        slices = _scope(con, keyed, run_id, slice_chars)
        for name, check in checks.items():
            if not check.per_document:
                found[name] = _run(con, check)
        for i in range(slices):
            if slices > 1:
                con.execute("create or replace temp table checked_documents as "
                            "select document_key from check_scope where slice = ?", [i])
            for name, check in checks.items():
                if check.per_document:
                    violations, sample = _run(con, check)
                    total, kept = found[name]
                    found[name] = (total + violations, (kept + sample)[:SAMPLE_ROWS])
    finally:  # the connection sees the warehouse whole again
        for table in keyed:
            con.execute(f"drop view if exists temp.main.{table}")
        con.execute("drop table if exists temp.main.checked_documents")
        con.execute("drop table if exists temp.main.check_scope")
    results = [CheckResult(name, *found[name]) for name in checks]
    if read_every_block:
        results.append(blocks_readable(con, set(known)))
    return results
