-- Each indicator's values over time: one row per region, indicator, measure, unit, target flag and period,
-- with the value most documents state (the latest document's on a tie) and where it was read. A figure whose
-- period the text does not date has no year: it is a row of its own per value, never merged into a year.
with figures as (
    select
        *,
        period_start is not null and period_end is not null as dated
    from {{ ref('stg_metrics') }}
    where region_key is not null and indicator is not null and base_value is not null
),
keyed as (
    select
        *,
        -- an undated figure is only known to be the same as another by its label and value
        case when dated then null else coalesce(period_label, '') end as undated_label,
        case when dated then null else base_value end as undated_value
    from figures
),
votes as (
    select
        region_key, indicator, measure, base_unit, is_target, period_start, period_end, undated_label,
        undated_value, base_value,
        count(distinct document_key) as documents,
        max(published_on) as last_published_on
    from keyed
    group by all
),
ranked as (
    select
        *,
        count(*) over series as values_stated,
        row_number() over (series order by documents desc, last_published_on desc nulls last, base_value) as nth
    from votes
    window series as (partition by region_key, indicator, measure, base_unit, is_target, period_start,
                                   period_end, undated_label, undated_value)
),
shown as (
    select * exclude (nth) from ranked where nth = 1
),
-- the statement the row shows: of the documents giving the value, the latest (then the first figure in it)
stated as (
    select
        k.*,
        s.documents,
        s.values_stated,
        row_number() over (
            partition by k.region_key, k.indicator, k.measure, k.base_unit, k.is_target, k.period_start,
                         k.period_end, k.undated_label, k.undated_value
            order by k.published_on desc nulls last, k.document_id, k.sentence_no, k.metric_key
        ) as nth
    from keyed k
    join shown s
        on s.region_key = k.region_key and s.indicator = k.indicator and s.measure = k.measure
        and s.base_unit is not distinct from k.base_unit and s.is_target = k.is_target
        and s.period_start is not distinct from k.period_start and s.period_end is not distinct from k.period_end
        and s.undated_label is not distinct from k.undated_label
        and s.undated_value is not distinct from k.undated_value
        and s.base_value = k.base_value
)
select
    r.name as region,
    r.level as region_level,
    r.full_name as region_full_name,
    r.code as region_code,
    src.indicator,
    src.indicator_category,
    src.measure,
    src.is_target,
    -- a year only when the period lies inside one calendar year
    case when year(src.period_start) = year(src.period_end) then year(src.period_start) end as year,
    coalesce(src.period_start = make_date(year(src.period_start), 1, 1)
             and src.period_end = make_date(year(src.period_end), 12, 31), false) as full_year,
    src.period_label,
    src.period_start,
    src.period_end,
    src.value,
    src.unit,
    src.base_value,
    src.base_unit,
    src.qualifier,
    src.comparison,
    src.documents,
    src.values_stated,
    src.document_id,
    src.headline,
    src.published_on,
    src.evidence as sentence,
    src.metric_key
from stated src
join {{ ref('stg_regions') }} r on r.region_key = src.region_key
where src.nth = 1
order by region_full_name, indicator, measure, is_target, period_start nulls last, period_end, base_value
