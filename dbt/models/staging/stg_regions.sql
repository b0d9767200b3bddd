-- Regions with their parent's name (code: the gazetteer's, as the extractor matched it).
select
    r.region_key,
    r.name,
    r.level,
    r.full_name,
    r.code,
    r.parent_region_key,
    p.name as parent_name
from {{ source('gazette', 'dim_region') }} r
left join {{ source('gazette', 'dim_region') }} p on p.region_key = r.parent_region_key
