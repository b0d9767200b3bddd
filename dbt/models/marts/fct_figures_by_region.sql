-- Figures by region, indicator and period, rolled up the region hierarchy: each region's row counts the
-- figures attributed to it (own_*) and to the regions below it (below_*). Sums are given only where adding
-- makes sense (levels and counts); a figure reported by several documents with the same value counts once.
with figures as (
    select distinct
        region_key, indicator_key, indicator, period_start, period_end, period_label, measure, base_unit,
        is_target, base_value, document_key
    from {{ ref('stg_metrics') }}
    where region_key is not null
),
distinct_values as (
    select
        region_key, indicator_key, indicator, period_start, period_end, measure, base_unit, is_target,
        base_value,
        count(distinct document_key) as documents
    from figures
    group by all
),
rolled as (
    select
        a.ancestor_key as region_key,
        v.indicator_key,
        v.indicator,
        v.period_start,
        v.period_end,
        v.measure,
        v.base_unit,
        v.is_target,
        count(*) filter (where a.depth = 0) as own_figures,
        count(*) filter (where a.depth > 0) as below_figures,
        count(distinct v.region_key) filter (where a.depth > 0) as below_regions,
        sum(v.documents) as documents,
        sum(v.base_value) filter (where a.depth = 0 and v.measure in ('level', 'count')) as own_base_value_sum,
        sum(v.base_value) filter (where a.depth > 0 and v.measure in ('level', 'count')) as below_base_value_sum,
        min(v.base_value) as min_base_value,
        max(v.base_value) as max_base_value
    from distinct_values v
    join {{ ref('stg_region_ancestors') }} a on a.region_key = v.region_key
    group by all
)
select
    r.name as region,
    r.level as region_level,
    r.full_name as region_full_name,
    r.parent_name,
    rolled.*
from rolled
join {{ ref('stg_regions') }} r using (region_key)
order by region_full_name, indicator nulls last, period_start nulls last, measure, is_target
