-- Targets beside what was achieved: for each target (same region, indicator, measure and unit), the latest
-- achieved figure whose period lies inside the target's period, and the progress toward it where adding up
-- makes sense (levels and counts) or the gap in percentage points (growth rates and shares).
with targets as (
    select * from {{ ref('stg_metrics') }}
    where is_target and region_key is not null and indicator_key is not null and period_start is not null
    -- the same target repeated (in one document or several) is one target: its first mention
    qualify row_number() over (
        partition by region_key, indicator_key, measure, base_unit, period_start_key, period_end_key, base_value
        order by published_on nulls last, metric_key) = 1
),
actuals as (
    select * from {{ ref('stg_metrics') }}
    where not is_target and region_key is not null and indicator_key is not null and period_start is not null
),
paired as (
    select
        t.region_key,
        t.indicator,
        t.measure,
        t.base_unit,
        t.period_start as target_period_start,
        t.period_end as target_period_end,
        t.period_label as target_period_label,
        t.value as target_value,
        t.unit as target_unit,
        t.base_value as target_base_value,
        t.document_id as target_document_id,
        t.headline as target_headline,
        t.published_on as target_published_on,
        t.evidence as target_evidence,
        a.period_start as actual_period_start,
        a.period_end as actual_period_end,
        a.period_label as actual_period_label,
        a.value as actual_value,
        a.unit as actual_unit,
        a.base_value as actual_base_value,
        a.document_id as actual_document_id,
        a.headline as actual_headline,
        a.published_on as actual_published_on,
        a.evidence as actual_evidence,
        row_number() over (
            partition by t.metric_key
            order by a.period_end desc nulls last, a.published_on desc nulls last, a.metric_key
        ) as nth
    from targets t
    left join actuals a
        on a.region_key = t.region_key
        and a.indicator_key = t.indicator_key
        and a.measure = t.measure
        and a.base_unit = t.base_unit
        and coalesce(a.comparison, '') = coalesce(t.comparison, '')
        and a.period_start >= t.period_start
        and a.period_end <= t.period_end
)
select
    r.name as region,
    r.level as region_level,
    paired.* exclude (nth, region_key),
    case when measure in ('level', 'count') and target_base_value > 0
         then round(actual_base_value / target_base_value, 4) end as progress,
    case when measure in ('growth_pct', 'share_pct')
         then round(actual_base_value - target_base_value, 4) end as gap_points
from paired
join {{ ref('stg_regions') }} r using (region_key)
where nth = 1
order by region, indicator, target_period_start
