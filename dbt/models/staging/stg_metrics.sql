-- Figures with their indicator, region, period dates and document date.
select
    m.metric_key,
    m.document_key,
    d.document_id,
    d.headline,
    d.publication,
    d.published_on,
    m.sentence_no,
    m.region_key,
    m.indicator_key,
    i.name as indicator,
    i.category as indicator_category,
    m.value,
    m.unit,
    m.base_value,
    m.base_unit,
    m.measure,
    m.comparison,
    m.is_target,
    m.qualifier,
    m.period_label,
    m.period_start_key,
    m.period_end_key,
    ps.date as period_start,
    pe.date as period_end,
    pe.year as period_year,
    s.text as evidence
from {{ source('gazette', 'fact_metric') }} m
join {{ ref('stg_documents') }} d using (document_key)
left join {{ source('gazette', 'dim_indicator') }} i using (indicator_key)
left join {{ source('gazette', 'dim_date') }} ps on ps.date_key = m.period_start_key
left join {{ source('gazette', 'dim_date') }} pe on pe.date_key = m.period_end_key
left join {{ source('gazette', 'fact_sentence') }} s on s.document_key = m.document_key and s.sentence_no = m.sentence_no
