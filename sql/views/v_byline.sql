create or replace view v_byline as
select
    d.document_id,
    p.name as person,
    b.role,
    b.credit
from fact_byline b
join dim_document d using (document_key)
join dim_person p using (person_key);
