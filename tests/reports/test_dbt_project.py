"""The dbt project's data dictionary (dbt/models/staging/sources.yml) against the warehouse it describes:
every table, view and column of the migrated schema is described, and the tests' value lists cover the
values the rules can produce."""

from __future__ import annotations

import re
import tomllib

import duckdb
import pytest
import yaml

from reports.marts import DBT_DIR, mart_names
from tests.conftest import ROOT
from warehouse.migrate import migrate

SOURCES = yaml.safe_load((DBT_DIR / "models" / "staging" / "sources.yml").read_text(encoding="utf-8"))
TABLES = {t["name"]: t for t in SOURCES["sources"][0]["tables"]}


@pytest.fixture(scope="module")
def schema() -> dict[str, list[str]]:
    con = duckdb.connect(":memory:")
    migrate(con)
    rows = con.execute("select table_name, list(column_name order by column_index) from duckdb_columns() "
                       "where schema_name = 'main' and not internal group by all").fetchall()
    con.close()
    return dict(rows)


def test_every_table_and_view_is_a_described_source(schema):
    assert set(schema) == set(TABLES)
    for name, table in TABLES.items():
        assert table.get("description"), name


def test_every_column_is_described_in_order(schema):
    for name, columns in schema.items():
        described = [c["name"] for c in TABLES[name]["columns"]]
        assert described == columns, name
        assert all(c.get("description") for c in TABLES[name]["columns"]), name


def test_the_contract_names_no_table_the_dictionary_lacks():
    contract = (ROOT / "tests" / "fixtures" / "WAREHOUSE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"^\| ((?:dim|fact|v)_\w+|quarantine|etl_run) \|", contract, flags=re.M))
    assert len(named) > 15
    assert named <= set(TABLES)


def _accepted(table: str, column: str) -> set[str]:
    col = next(c for c in TABLES[table]["columns"] if c["name"] == column)
    for test in col.get("data_tests", []):
        if isinstance(test, dict) and "accepted_values" in test:
            return set(test["accepted_values"]["arguments"]["values"])
    raise AssertionError(f"{table}.{column} has no accepted_values test")


def test_every_unit_the_rules_normalise_to_is_accepted():
    rules = tomllib.loads((ROOT / "transforms" / "rules" / "metrics.toml").read_text(encoding="utf-8"))
    units = {u["base_unit"] for u in rules["unit"]}
    assert {"CNY", "pct", "m2"} <= units
    assert units <= _accepted("fact_metric", "base_unit")


def test_the_value_lists_match_the_ddl():
    ddl = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "sql" / "schema").glob("*.sql")))
    blocks = re.split(r"\bcreate table ", ddl)
    for table, column in [("dim_region", "level"), ("fact_metric", "measure"), ("fact_byline", "role"),
                          ("dim_organization", "kind"), ("fact_mention", "entity_type")]:
        # the table's last definition (a migration may rebuild it as NAME_vN)
        body = "\n".join(b for b in blocks if re.match(rf"{table}(_v\d+)? \(", b))
        checks = re.findall(rf"{column}\s+varchar not null check \({column} in \(([^)]*)\)", body)
        assert checks, (table, column)
        assert set(re.findall(r"'([^']+)'", checks[-1])) == _accepted(table, column), (table, column)


def test_the_marts_are_documented():
    documented = {m["name"] for m in yaml.safe_load(
        (DBT_DIR / "models" / "marts" / "schema.yml").read_text(encoding="utf-8"))["models"]}
    assert set(mart_names()) == documented
    assert {"fct_reconciliation", "fct_figures_by_region", "fct_actual_vs_target", "fct_officials_roster",
            "fct_main_indicators_wide", "fct_documents_by_publication_month", "fct_extraction_coverage"} <= documented


def test_the_warehouse_carries_the_dictionary_as_comments(schema):
    con = duckdb.connect(":memory:")
    migrate(con)
    objects = dict(con.execute("select table_name, comment from duckdb_tables() where schema_name = 'main' union all "
                               "select view_name, comment from duckdb_views() where schema_name = 'main' "
                               "and not internal").fetchall())
    columns = con.execute("select table_name, column_name, comment from duckdb_columns() "
                          "where schema_name = 'main' and table_name in (select unnest(?))", [list(schema)]).fetchall()
    con.close()
    assert set(objects) == set(schema)
    assert all(objects[name] == TABLES[name]["description"] for name in schema)
    described = {(t, c["name"]): c["description"] for t in schema for c in TABLES[t]["columns"]}
    assert len(columns) == len(described) > 150
    assert all(comment == described[(t, c)] for t, c, comment in columns)
