-- Conflicts: the same indicator, region and period (with the same measure, unit, comparison and target
-- flag) reported with different values by different documents. One row per pair of documents, with both
-- values, both sources and their evidence sentences.
with figures as (
    select * from {{ ref('stg_metrics') }}
    where indicator_key is not null and region_key is not null
      and period_start_key is not null and period_end_key is not null
),
pairs as (
    select
        a.region_key,
        a.indicator,
        a.measure,
        a.base_unit,
        a.comparison,
        a.is_target,
        a.period_start,
        a.period_end,
        a.value as value_a,
        a.unit as unit_a,
        a.base_value as base_value_a,
        a.qualifier as qualifier_a,
        a.document_id as document_id_a,
        a.headline as headline_a,
        a.published_on as published_on_a,
        a.evidence as evidence_a,
        b.value as value_b,
        b.unit as unit_b,
        b.base_value as base_value_b,
        b.qualifier as qualifier_b,
        b.document_id as document_id_b,
        b.headline as headline_b,
        b.published_on as published_on_b,
        b.evidence as evidence_b
    from figures a
    join figures b
        on a.indicator_key = b.indicator_key
        and a.region_key = b.region_key
        and a.period_start_key = b.period_start_key
        and a.period_end_key = b.period_end_key
        and a.measure = b.measure
        and a.base_unit = b.base_unit
        and a.is_target = b.is_target
        and coalesce(a.comparison, '') = coalesce(b.comparison, '')
        and a.document_id < b.document_id
    -- equal up to rounding is no conflict
    where abs(a.base_value - b.base_value) > 1e-9 * greatest(abs(a.base_value), abs(b.base_value), 1)
      -- a document that also gives b's value agrees with b: not a conflict between the two
      and not exists (
          select 1 from figures c
          where c.document_key = a.document_key and c.indicator_key = a.indicator_key
            and c.region_key = a.region_key and c.period_start_key = a.period_start_key
            and c.period_end_key = a.period_end_key and c.measure = a.measure and c.is_target = a.is_target
            and abs(c.base_value - b.base_value) <= 1e-9 * greatest(abs(b.base_value), 1)
      )
)
select
    r.name as region,
    r.full_name as region_full_name,
    pairs.* exclude (region_key),
    round(base_value_b - base_value_a, 6) as difference
from pairs
join {{ ref('stg_regions') }} r using (region_key)
order by region_full_name, indicator, period_start, document_id_a, document_id_b
