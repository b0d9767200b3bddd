create or replace view v_region_mention as
select
    d.document_id,
    r.name as region,
    r.level,
    r.full_name,
    count(*) as n_mentions
from fact_mention m
join dim_document d using (document_key)
join dim_region r on r.region_key = m.entity_key
where m.entity_type = 'region'
group by all;
