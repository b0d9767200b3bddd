-- Documents loaded per publication and month of publication (undated documents in their own row).
with documents as (
    select * from {{ ref('stg_documents') }}
),
renamed as (
    select
        publication,
        date_trunc('month', published_on)::date as month,
        count(*) as documents,
        sum(char_count) as characters
    from documents
    group by all
)
select * from renamed
order by publication, month nulls last
