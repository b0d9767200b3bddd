"""The DDL in sql/ against the contract (tests/fixtures/WAREHOUSE.md, the repository's copy of the shared one)."""

import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from transforms.extract.tables import SCHEMAS
from warehouse.migrate import SQL_DIR, current_version, latest_version, migrate, migrations

CONTRACT = (ROOT / "tests" / "fixtures" / "WAREHOUSE.md").read_text(encoding="utf-8")


def contract_tables() -> dict[str, list[str]]:
    """| table | columns ... | rows of the contract, column names taken before any parenthesis."""
    tables = {}
    for name, cols in re.findall(r"^\| (\w+) \| (.+?) \|$", CONTRACT, flags=re.M):
        if name in ("table", "view"):
            continue
        cols = re.sub(r"\([^)]*\)", "", cols)
        if cols.startswith("one row per") or ":" in cols.split(",")[0]:
            cols = cols.split(":", 1)[1]
        tables[name] = [c.strip().split(" ")[0] for c in cols.split(",") if c.strip()]
    return tables


@pytest.fixture()
def con(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield con
    con.close()


def columns(con, name: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_name = ? order by ordinal_position", [name]
    ).fetchall()]


def test_fresh_warehouse_gets_latest_schema_and_rerun_applies_nothing(con):
    # versions are numbered per branch in parallel work, so the set may have gaps until every branch lands
    assert migrate(con) == [version for version, _, _ in migrations()]
    assert current_version(con) == latest_version()
    assert migrate(con) == []


def test_every_contract_table_and_view_has_its_columns(con):
    migrate(con)
    contract = contract_tables()
    assert {"dim_document", "fact_metric", "quarantine", "etl_run", "v_metric", "v_region_mention"} <= set(contract)
    for name, expected in contract.items():
        have = columns(con, name)
        assert have, f"{name} missing"
        if name.startswith("v_"):
            assert have == expected, name
        else:
            assert set(expected) <= set(have), f"{name} lacks {set(expected) - set(have)}"


def test_extraction_frames_match_their_tables(con):
    migrate(con)
    for table, schema in SCHEMAS.items():
        assert list(schema) == columns(con, table), table


def test_the_large_fact_tables_carry_no_key_index(con):
    # inserting into a keyed table holds its key index in memory; these two grow fastest (schema v4)
    migrate(con)
    keyed = {r[0] for r in con.execute(
        "select table_name from duckdb_constraints() where constraint_type in ('PRIMARY KEY', 'UNIQUE')").fetchall()}
    assert {"dim_document", "dim_region", "etl_run"} <= keyed
    assert not keyed & {"fact_sentence", "fact_metric"}


def test_dim_date_covers_the_periods_of_these_texts(con):
    migrate(con)
    lo, hi, n = con.execute("select min(date), max(date), count(*) from dim_date").fetchall()[0]
    assert (str(lo), str(hi)) == ("1990-01-01", "2040-12-31")
    assert con.execute("select half, quarter from dim_date where date_key = 20190701").fetchall()[0] == (2, 3)


def test_a_version_1_warehouse_migrates_in_place_and_keeps_every_row(tmp_path, staged_sample):
    from tests.flows.helpers import snapshot
    from tests.warehouse.conftest import schema_v1, views_v1
    from warehouse.connection import writer
    from warehouse.load import load_batch

    import shutil

    import polars as pl

    # what a version-1 pipeline staged: quarantine without the file state columns of version 3 ...
    old_staging = tmp_path / "old-staging"
    shutil.copytree(staged_sample, old_staging)
    q = pl.read_parquet(old_staging / "quarantine.parquet")
    q.drop("file_mtime", "byte_size").write_parquet(old_staging / "quarantine.parquet")
    # ... regions without the kind of version 6, documents without the date's basis of version 8 and their own
    # region of version 13, fact_metric
    # without its range bounds (version 5) and restated (version 9)
    r = pl.read_parquet(old_staging / "dim_region.parquet")
    r.drop("kind").write_parquet(old_staging / "dim_region.parquet")
    d = pl.read_parquet(old_staging / "dim_document.parquet")
    d.drop("published_on_basis", "region_key", "region_source").write_parquet(old_staging / "dim_document.parquet")
    m = pl.read_parquet(old_staging / "fact_metric.parquet")
    m.drop("value_high", "base_value_high", "restated").write_parquet(old_staging / "fact_metric.parquet")
    db = tmp_path / "old.duckdb"
    with writer(db) as con:
        assert migrate(con, schema_dir=schema_v1(tmp_path), views_dir=views_v1(tmp_path)) == [1]
        load_batch(con, old_staging)
        con.execute("insert into etl_run (run_id, started_at, status, pipeline_version) "
                    "values ('old-run', now(), 'completed', '0.0.1')")
    before = snapshot(db, exclude=("meta_schema_version",))
    assert len(before["dim_document"]) == 5 and before["fact_metric"]

    with writer(db) as con:
        assert migrate(con) == [version for version, _, _ in migrations() if version > 1]
        assert current_version(con) == latest_version()
    after = snapshot(db, exclude=("meta_schema_version", "meta_commit"))  # meta_commit is new in version 10
    # versions 5 and 9 append fact_metric's range bounds and restated, null for the rows loaded before them
    assert all(row[-3:] == (None, None, None) for row in after["fact_metric"])
    after["fact_metric"] = [row[:-3] for row in after["fact_metric"]]
    added = ("etl_run", "quarantine", "dim_document", "dim_region")  # tables that gained columns
    assert {t: rows for t, rows in after.items() if t not in added} == {
        t: rows for t, rows in before.items() if t not in added}
    assert after["dim_document"] == [row + (None, None, None) for row in before["dim_document"]]
    assert after["dim_region"] == [row + ("admin",) for row in before["dim_region"]], "regions loaded before are divisions"
    assert after["quarantine"] == [row + (None, None) for row in before["quarantine"]]
    assert [row[:-1] for row in after["etl_run"]] == before["etl_run"], "etl_run gains a column, loses nothing"
    assert after["etl_run"][0][-1] is None


def test_current_sql_shows_the_schema_the_migrations_build(con):
    from warehouse.migrate import CURRENT_SCHEMA, current_schema

    migrate(con)
    assert CURRENT_SCHEMA.read_text(encoding="utf-8") == current_schema(con), (
        "sql/schema/current.sql is stale: regenerate it with `python -m warehouse.migrate`")


def test_version_12_renames_the_old_spelling_of_micrograms_per_cubic_metre(tmp_path, staged_sample):
    import shutil

    from warehouse.connection import writer
    from warehouse.load import load_batch

    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        migrate(con)
        load_batch(con, staged_sample)
        # a warehouse of version 11, with figures loaded when the unit was written ug_m3
        con.execute("update fact_metric set base_unit = 'ug_m3' where metric_key in "
                    "(select metric_key from fact_metric order by metric_key limit 2)")
        # (the later versions set aside: this one alone is applied again)
        schema = tmp_path / "schema_v12"
        schema.mkdir()
        for version, _, path in migrations():
            if version <= 12:
                shutil.copy(path, schema)
        con.execute("delete from meta_schema_version where version >= 12")
        assert migrate(con, schema_dir=schema) == [12]
        units = dict(con.execute("select base_unit, count(*) from fact_metric "
                                 "where base_unit in ('ug_m3', 'ug/m3') group by all").fetchall())
    assert units == {"ug/m3": 2}


def test_version_13_gives_a_version_12_warehouse_the_documents_own_region(tmp_path, staged_sample):
    import shutil

    import polars as pl

    from warehouse.connection import writer
    from warehouse.load import load_batch

    # a warehouse file written at version 12: its migrations, its v_person_title (joined dim_region using
    # (region_key)), documents staged without the new columns
    schema, views = tmp_path / "schema_v12", tmp_path / "views_v12"
    schema.mkdir()
    shutil.copytree(SQL_DIR / "views", views)
    for version, _, path in migrations():
        if version <= 12:
            shutil.copy(path, schema)
    view = views / "v_person_title.sql"
    view.write_text(view.read_text(encoding="utf-8").replace("on r.region_key = f.region_key", "using (region_key)"),
                    encoding="utf-8")
    old_staging = tmp_path / "old-staging"
    shutil.copytree(staged_sample, old_staging)
    d = pl.read_parquet(old_staging / "dim_document.parquet")
    d.drop("region_key", "region_source").write_parquet(old_staging / "dim_document.parquet")
    db = tmp_path / "w.duckdb"
    with writer(db) as con:
        migrate(con, schema_dir=schema, views_dir=views)
        assert current_version(con) == 12
        load_batch(con, old_staging)
        persons = con.execute("select * from v_person_title order by all").fetchall()
        documents = con.execute("select * from dim_document order by document_key").fetchall()
    assert persons and documents
    with writer(db) as con:
        assert migrate(con) == [version for version, _, _ in migrations() if version > 12]
        assert con.execute("select * from dim_document order by document_key").fetchall() == [
            row + (None, None) for row in documents], "documents loaded before keep every value, the new ones NULL"
        # the view reads the same rows beside the new column (using (region_key) would now be ambiguous)
        assert con.execute("select * from v_person_title order by all").fetchall() == persons


def test_documents_carry_their_own_region_where_the_headline_names_it(loaded):
    import duckdb

    with duckdb.connect(str(loaded), read_only=True) as con:
        rows = con.execute("select d.headline, r.name, d.region_source from dim_document d "
                           "left join dim_region r on r.region_key = d.region_key order by d.document_key").fetchall()
    named = [(headline, name, source) for headline, name, source in rows if name is not None]
    assert named, "the sample's headlines name their districts"
    assert all(source in ("headline", "title_line") for _, _, source in named)
    assert all(name in headline for headline, name, source in named if source == "headline")
    assert all(source is None for _, name, source in rows if name is None)
