-- Mentions of regions, persons, organizations and projects point at an existing dimension row
-- (slogans are their own text and have no dimension).
select m.entity_type, m.entity_key, m.surface, m.document_key
from fact_mention m
where (m.entity_type = 'region' and not exists (select 1 from dim_region r where r.region_key = m.entity_key))
   or (m.entity_type = 'person' and not exists (select 1 from dim_person p where p.person_key = m.entity_key))
   or (m.entity_type = 'organization'
       and not exists (select 1 from dim_organization o where o.organization_key = m.entity_key))
   or (m.entity_type = 'project' and not exists (select 1 from dim_project p where p.project_key = m.entity_key))
