-- Every region paired with itself and each region above it: join figures on region_key and group by
-- ancestor_key to roll them up the hierarchy. depth 0 is the region itself.
with recursive ancestors(region_key, ancestor_key, depth) as (
    select region_key, region_key, 0
    from {{ source('gazette', 'dim_region') }}
    union all
    select a.region_key, r.parent_region_key, a.depth + 1
    from ancestors a
    join {{ source('gazette', 'dim_region') }} r on r.region_key = a.ancestor_key
    where r.parent_region_key is not null and a.depth < 12
)
select region_key, ancestor_key, depth from ancestors
