-- Data quality per document: what extraction found in it, and what share of its figures could be placed
-- (region, indicator, period).
with docs as (
    select * from {{ ref('stg_documents') }}
),
sentences as (
    select document_key, count(*) as sentences from {{ source('gazette', 'fact_sentence') }} group by all
),
metrics as (
    select
        document_key,
        count(*) as figures,
        count(region_key) as figures_with_region,
        count(indicator_key) as figures_with_indicator,
        count(period_end_key) as figures_with_period,
        count(*) filter (where is_target) as targets
    from {{ source('gazette', 'fact_metric') }}
    group by all
),
officials as (
    select document_key, count(*) as officials from {{ source('gazette', 'fact_person_title') }} group by all
),
bylines as (
    select document_key, count(*) as bylines from {{ source('gazette', 'fact_byline') }} group by all
),
mentions as (
    select document_key, count(*) filter (where entity_type = 'region') as region_mentions
    from {{ source('gazette', 'fact_mention') }} group by all
),
cleaning as (
    select document_key, count(*) filter (where action = 'drop') as lines_dropped, count(*) as cleaning_actions
    from {{ source('gazette', 'fact_cleaning') }} group by all
)
select
    d.document_id,
    d.publication,
    d.published_on,
    d.headline,
    d.char_count,
    d.published_on is not null as dated,
    coalesce(s.sentences, 0) as sentences,
    coalesce(m.figures, 0) as figures,
    coalesce(m.targets, 0) as targets,
    round(m.figures_with_region / m.figures, 3) as share_with_region,
    round(m.figures_with_indicator / m.figures, 3) as share_with_indicator,
    round(m.figures_with_period / m.figures, 3) as share_with_period,
    coalesce(o.officials, 0) as officials,
    coalesce(b.bylines, 0) as bylines,
    coalesce(mn.region_mentions, 0) as region_mentions,
    coalesce(c.lines_dropped, 0) as lines_dropped,
    coalesce(c.cleaning_actions, 0) as cleaning_actions
from docs d
left join sentences s using (document_key)
left join metrics m using (document_key)
left join officials o using (document_key)
left join bylines b using (document_key)
left join mentions mn using (document_key)
left join cleaning c using (document_key)
order by d.publication, d.published_on nulls last, d.document_id
