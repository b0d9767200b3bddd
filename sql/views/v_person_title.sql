create or replace view v_person_title as
select
    d.document_id,
    d.published_on,
    p.name as person,
    f.title,
    o.name as organization,
    r.name as region,
    s.text as sentence,
    f.sentence_no,
    f.span_start,
    f.span_end
from fact_person_title f
join dim_document d using (document_key)
join dim_person p using (person_key)
left join fact_sentence s on s.document_key = f.document_key and s.sentence_no = f.sentence_no
left join dim_organization o using (organization_key)
left join dim_region r on r.region_key = f.region_key;
