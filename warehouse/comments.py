"""COMMENT ON every table, view and column, from the one data dictionary: the dbt project's sources.yml
(dbt/models/staging/sources.yml), which also gives dbt its descriptions. Tools that show catalog comments
(DuckDB's duckdb_tables()/duckdb_columns(), DBeaver, BI tools) then explain the warehouse by themselves."""

from __future__ import annotations

from pathlib import Path

import duckdb

DICTIONARY = Path(__file__).resolve().parent.parent / "dbt" / "models" / "staging" / "sources.yml"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_statements(dictionary: Path = DICTIONARY) -> list[tuple[str, tuple[str, str | None, str]]]:
    """(COMMENT statement, (object, column or None, text)) for every entry of the dictionary."""
    import yaml

    if not dictionary.exists():  # an installed copy without the dbt project: nothing to say
        return []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser: 0.04 s here against 0.26 s
    tables = yaml.load(dictionary.read_text(encoding="utf-8"), Loader=loader)["sources"][0]["tables"]
    out = []
    for table in tables:
        kind = "view" if table["name"].startswith("v_") else "table"
        text = table.get("description", "")
        out.append((f'comment on {kind} "{table["name"]}" is {_quote(text)}', (table["name"], None, text)))
        for column in table.get("columns", []):
            text = column.get("description", "")
            out.append((f'comment on column "{table["name"]}"."{column["name"]}" is {_quote(text)}',
                        (table["name"], column["name"], text)))
    return out


def apply_comments(con: duckdb.DuckDBPyConnection, dictionary: Path = DICTIONARY) -> int:
    """Comment what exists (a table or column the dictionary names but this schema lacks is passed over)."""
    existing = {(t, c) for t, c in con.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'main' and not internal"
    ).fetchall()}
    objects = {t for t, _ in existing}
    # what is already said is not said again: each COMMENT is a catalog write
    current = {(t, None): c for t, c in con.execute(
        "select table_name, comment from duckdb_tables() where schema_name = 'main' union all "
        "select view_name, comment from duckdb_views() where schema_name = 'main' and not internal").fetchall()}
    current.update({(t, c): comment for t, c, comment in con.execute(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'main' "
        "and not internal").fetchall()})
    todo = []
    for statement, (name, column, text) in comment_statements(dictionary):
        if name not in objects or (column is not None and (name, column) not in existing):
            continue
        if current.get((name, column)) != text:
            todo.append(statement)
    if todo:
        con.execute("\n".join(s + ";" for s in todo))
    return len(todo)
