-- The main indicators (var main_indicators) side by side, one row per region and year: each indicator's
-- achieved level (in its base unit) and growth rate (%), the value of the latest document when documents
-- differ (fct_reconciliation lists those).
{%- set indicators = var('main_indicators') %}
with figures as (
    select
        region_key, period_year as year, indicator, measure, base_value,
        row_number() over (
            partition by region_key, period_year, indicator, measure
            order by (period_start = make_date(period_year, 1, 1)
                      and period_end = make_date(period_year, 12, 31)) desc,
                     published_on desc nulls last, metric_key
        ) as nth
    from {{ ref('stg_metrics') }}
    where not is_target and region_key is not null and period_year is not null
      and measure in ('level', 'growth_pct')
      and indicator in ({% for name in indicators %}'{{ name }}'{{ "," if not loop.last }}{% endfor %})
),
latest as (
    select * from figures where nth = 1
)
select
    r.name as region,
    r.level as region_level,
    r.full_name as region_full_name,
    l.year,
    {%- for name in indicators %}
    max(base_value) filter (where indicator = '{{ name }}' and measure = 'level') as "{{ name }}",
    max(base_value) filter (where indicator = '{{ name }}' and measure = 'growth_pct') as "{{ name }}_增速"
    {{- "," if not loop.last }}
    {%- endfor %}
from latest l
join {{ ref('stg_regions') }} r using (region_key)
group by all
order by region_full_name, year
