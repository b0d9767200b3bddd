"""What `gazette sql` lets run: queries, judged by what DuckDB parses, not by the statement's first word.

The reader's connection is the first guard (read-only, no file, network or extension access, configuration
locked); it cannot stop a statement that writes through a folder --allow-files opened, or one that runs other
statements itself. So before anything runs, every statement must be a query: SELECT (DESCRIBE, SHOW,
SUMMARIZE, FROM ... are SELECTs to DuckDB), EXPLAIN of a query, PRAGMA that only reports, or CALL of a function
that only reads."""

from __future__ import annotations

import duckdb

# PRAGMAs that return rows and change nothing; every other one (import_database runs a folder's schema.sql and
# load.sql, copy_database writes, force_checkpoint, the settings) is refused.
REPORTING_PRAGMAS = frozenset({
    "collations", "database_list", "database_size", "extension_versions", "functions", "metadata_info",
    "platform", "show", "show_databases", "show_tables", "show_tables_expanded", "storage_info", "table_info",
    "user_agent", "version",
})
# Table functions with an effect beyond their rows. The locked configuration already refuses the logging and
# profiling ones; the others are refused here, in a CALL or a FROM alike.
WRITING_FUNCTIONS = frozenset({
    "checkpoint", "force_checkpoint", "truncate_duckdb_logs", "enable_logging", "disable_logging",
    "enable_profiling", "disable_profiling", "json_execute_serialized_sql", "create_external_resource",
    "register_external_resource", "register_external_resource_type", "deregister_external_resource",
    "destroy_external_resource",
})
KINDS = "SELECT, EXPLAIN of a query, reporting PRAGMAs, CALL of a reading function"


def _tokens(sql: str) -> list[tuple[str, str]]:
    """DuckDB's own tokens of sql, comments left out, as (text, kind)."""
    spans = [(start, kind.name) for start, kind in duckdb.tokenize(sql)]
    tokens = []
    for i, (start, kind) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else len(sql)
        if kind != "comment":
            tokens.append((sql[start:end].strip(), kind))
    return tokens


def _offsets(sql: str) -> list[int]:
    return [start for start, kind in duckdb.tokenize(sql) if kind.name != "comment"]


def _explained(sql: str) -> str | None:
    """The statement an EXPLAIN [ANALYZE] [(options)] statement explains, or None when there is none."""
    tokens, offsets = _tokens(sql), _offsets(sql)
    i = 1  # past EXPLAIN
    if i < len(tokens) and tokens[i][0].lower() == "analyze":
        i += 1
    if i < len(tokens) and tokens[i][0] == "(":
        depth = 0
        for j in range(i, len(tokens)):
            depth += tokens[j][0].count("(") - tokens[j][0].count(")")
            if depth == 0:
                i = j + 1
                break
        else:
            return None
    return sql[offsets[i]:] if i < len(tokens) else None


def _calls_writing_function(sql: str) -> str | None:
    tokens = _tokens(sql)
    for (text, kind), (following, _) in zip(tokens, tokens[1:]):
        name = text.strip('"').lower()
        if kind in ("identifier", "keyword") and following.startswith("(") and name in WRITING_FUNCTIONS:
            return name
    return None


def refusal(con: duckdb.DuckDBPyConnection, sql: str) -> str | None:
    """What the single statement sql is when it may not run ("a COPY", "an EXPLAIN of a COPY" ...), or None
    when it is a query."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as err:
        return f"not a statement DuckDB parses ({str(err).splitlines()[0]})"
    if len(statements) != 1:
        return "more than one statement"
    kind = statements[0].type.name
    writing = _calls_writing_function(sql)
    if writing:
        return f"a call of {writing}(), which changes state"
    if kind == "SELECT":
        return None
    if kind == "EXPLAIN":
        inner = _explained(sql)
        if inner is None:
            return "an EXPLAIN without a statement"
        why = refusal(con, inner)
        if why is None and con.extract_statements(inner)[0].type.name != "SELECT":
            why = "a statement other than a query"
        return None if why is None else f"an EXPLAIN of {why}"
    if kind == "PRAGMA":
        tokens = _tokens(sql)
        if tokens[0][0].lower() != "pragma":  # IMPORT DATABASE is a PRAGMA import_database
            return f"{' '.join(t for t, _ in tokens[:2]).upper()}"
        name = tokens[1][0].strip('"').lower()
        return None if name in REPORTING_PRAGMAS else f"PRAGMA {name}, which does more than report"
    if kind == "CALL":
        if _tokens(sql)[0][0].lower() != "call":
            return "a CHECKPOINT"
        return None  # a CALL is SELECT * FROM the function: the writing ones were refused above
    return f"a {kind}" if kind[0] not in "AEIOU" else f"an {kind}"


def first_refused(con: duckdb.DuckDBPyConnection, statements: list) -> tuple[int, str] | None:
    """(1-based position, what it is) of the first statement that may not run, or None when all are queries."""
    for i, statement in enumerate(statements, 1):
        why = refusal(con, statement.query)
        if why:
            return i, why
    return None
