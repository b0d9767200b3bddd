create or replace view v_person_title as
select
    d.document_id,
    p.name as person,
    f.title,
    o.name as organization,
    r.name as region
from fact_person_title f
join dim_document d using (document_key)
join dim_person p using (person_key)
left join dim_organization o using (organization_key)
left join dim_region r using (region_key);
