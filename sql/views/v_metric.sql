create or replace view v_metric as
select
    d.document_id,
    d.headline,
    r.name as region,
    r.level as region_level,
    r.full_name as region_full_name,
    i.name as indicator,
    m.value,
    m.value_high,
    m.unit,
    m.base_value,
    m.base_value_high,
    m.base_unit,
    m.measure,
    m.comparison,
    m.is_target,
    m.qualifier,
    m.period_label,
    ps.date as period_start,
    pe.date as period_end,
    s.text as evidence,
    m.span_start,
    m.span_end,
    i.category as indicator_category,
    m.metric_key,
    m.document_key,
    m.sentence_no,
    m.region_key,
    m.indicator_key,
    m.period_start_key,
    m.period_end_key
from fact_metric m
join dim_document d using (document_key)
left join fact_sentence s on s.document_key = m.document_key and s.sentence_no = m.sentence_no
left join dim_region r on r.region_key = m.region_key
left join dim_indicator i on i.indicator_key = m.indicator_key
left join dim_date ps on ps.date_key = m.period_start_key
left join dim_date pe on pe.date_key = m.period_end_key;
