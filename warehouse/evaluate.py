"""Read what the warehouse extracted for the gold documents and score it (transforms.evaluate)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from transforms import evaluate

# A document is known to the gold by its raw file's stem, under any name it was seen.
_DOCS = """
    select distinct regexp_extract(f.source_uri, '([^/\\\\]+?)(\\.[^./\\\\]*)?$', 1) as doc, f.document_key
    from dim_source_file f
"""


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    return con.sql(f"with docs as ({_DOCS}) {sql}").pl()


def score_warehouse(con: duckdb.DuckDBPyConnection, gold_dir: Path) -> dict:
    gold = evaluate.load_gold(gold_dir)
    metrics = _frame(con, """
        select docs.doc, substring(d.body, m.span_start + 1, m.span_end - m.span_start) as text, m.value,
               m.base_value, m.base_unit, m.measure, i.name as indicator, r.name as region, m.is_target,
               m.span_start
        from fact_metric m join docs using (document_key) join dim_document d using (document_key)
        left join dim_indicator i using (indicator_key) left join dim_region r using (region_key)""")
    persons = _frame(con, """
        select docs.doc, p.name, f.title from fact_person_title f join docs using (document_key)
        join dim_person p using (person_key)""")
    regions = _frame(con, """
        select distinct docs.doc, r.name from fact_mention m join docs using (document_key)
        join dim_region r on r.region_key = m.entity_key where m.entity_type = 'region'""")
    bylines = _frame(con, """
        select docs.doc, p.name, b.role from fact_byline b join docs using (document_key)
        join dim_person p using (person_key)""")
    bodies = dict(_frame(con, "select docs.doc, d.body from docs join dim_document d using (document_key)").iter_rows())
    return {
        "documents": {"gold": len(gold), "found": len(set(bodies) & set(gold))},
        "metrics": evaluate.score_metrics(gold, metrics),
        "persons": evaluate.score_persons(gold, persons),
        "regions": evaluate.score_regions(gold, regions),
        "bylines": evaluate.score_bylines(gold, bylines),
        "chrome_lines_in_body": evaluate.chrome_in_bodies(gold, bodies),
    }
