"""Read what the warehouse extracted for the gold documents and score it (transforms.evaluate)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from transforms import evaluate

# A document is known to the gold by its raw file's stem, under any name it was seen.
_STEM = "regexp_extract({uri}, '([^/\\\\]+?)(\\.[^./\\\\]*)?$', 1)"
_DOCS = f"select distinct {_STEM.format(uri='f.source_uri')} as doc, f.document_key from dim_source_file f"


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    return con.sql(f"with docs as ({_DOCS}) {sql}").pl()


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {name for (name,) in con.execute(
        "select column_name from information_schema.columns where table_name = ?", [table]).fetchall()}


def score_warehouse(con: duckdb.DuckDBPyConnection, gold_dir: Path, half: str | None = None) -> dict:
    """Scores against the gold of `gold_dir`; with `half` ("A" or "B"), against that half of it only."""
    gold = evaluate.load_gold(gold_dir)
    if half:
        gold = evaluate.split_halves(gold)[half]
    metrics = _frame(con, """
        select docs.doc, substring(d.body, m.span_start + 1, m.span_end - m.span_start) as text, m.value,
               m.base_value, m.base_unit, m.measure, i.name as indicator, r.name as region, m.is_target,
               m.span_start, m.period_label, year(p.date) as period_year
        from fact_metric m join docs using (document_key) join dim_document d using (document_key)
        left join dim_indicator i using (indicator_key) left join dim_region r on r.region_key = m.region_key
        left join dim_date p on p.date_key = m.period_start_key""")
    persons = _frame(con, """
        select docs.doc, p.name, f.title from fact_person_title f join docs using (document_key)
        join dim_person p using (person_key)""")
    # a unit the text names: in a body sentence (fact_mention), or as the document's own unit in its headline
    # or a title line (dim_document.region_key, schema version 13)
    own = ("union select docs.doc, r.name from dim_document d join docs using (document_key) "
           "join dim_region r on r.region_key = d.region_key"
           if "region_key" in _columns(con, "dim_document") else "")
    regions = _frame(con, f"""
        select distinct docs.doc, r.name from fact_mention m join docs using (document_key)
        join dim_region r on r.region_key = m.entity_key where m.entity_type = 'region' {own}""")
    bylines = _frame(con, """
        select docs.doc, p.name, b.role from fact_byline b join docs using (document_key)
        join dim_person p using (person_key)""")
    documents = _frame(con, """
        select docs.doc, d.body, strftime(d.published_on, '%Y-%m-%d') as published_on
        from docs join dim_document d using (document_key)""")
    quarantined = con.sql(f"select {_STEM.format(uri='source_uri')} as doc, reason from quarantine").pl()
    bodies = dict(zip(documents["doc"], documents["body"]))
    chrome, chrome_total = evaluate.chrome_in_bodies(gold, bodies)
    return {
        "documents": {
            "gold": len(gold), "found": len(set(bodies) & set(gold)),
            "empty_body": sorted(d for d in set(bodies) & set(gold) if not (bodies[d] or "").strip()),
            "quarantined": {d: r for d, r in quarantined.iter_rows() if d in gold},
        },
        "metrics": evaluate.score_metrics(gold, metrics),
        "persons": evaluate.score_persons(gold, persons),
        "regions": evaluate.score_regions(gold, regions),
        "bylines": evaluate.score_bylines(gold, bylines),
        "dates": evaluate.score_dates(gold, dict(zip(documents["doc"], documents["published_on"]))),
        "chrome_lines_in_body": chrome,
        "chrome_lines_total": chrome_total,
    }
