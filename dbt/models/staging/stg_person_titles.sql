-- Officials named with a title, with the document's date.
select
    f.document_key,
    d.document_id,
    d.published_on,
    f.person_key,
    p.name as person,
    f.title,
    f.organization_key,
    o.name as organization,
    f.region_key,
    r.name as region
from {{ source('gazette', 'fact_person_title') }} f
join {{ ref('stg_documents') }} d using (document_key)
join {{ source('gazette', 'dim_person') }} p using (person_key)
left join {{ source('gazette', 'dim_organization') }} o using (organization_key)
left join {{ source('gazette', 'dim_region') }} r using (region_key)
