create or replace view v_document as
with metrics as (
    select document_key, count(*) as n_metrics from fact_metric group by document_key
),
person_titles as (
    select document_key, count(*) as n_person_titles from fact_person_title group by document_key
)
select
    d.document_id,
    d.source_uri,
    d.publication,
    d.edition,
    d.headline,
    d.published_on,
    d.char_count,
    coalesce(m.n_metrics, 0) as n_metrics,
    coalesce(p.n_person_titles, 0) as n_person_titles
from dim_document d
left join metrics m using (document_key)
left join person_titles p using (document_key);
