-- What cleaning removed or changed, by action and reason, with one example line each.
with cleaning as (
    select * from {{ source('gazette', 'fact_cleaning') }}
),
summarised as (
    select
        action,
        reason,
        count(*) as lines,
        count(distinct document_key) as documents,
        min(raw_text) as example
    from cleaning
    group by all
)
select * from summarised
order by lines desc, action, reason
