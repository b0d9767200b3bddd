-- Officials as the articles name them: person, title, organisation and region, with the first and last
-- document date and how many documents name them so.
select
    person,
    title,
    organization,
    region,
    min(published_on) as first_seen_on,
    max(published_on) as last_seen_on,
    count(distinct document_key) as documents,
    count(*) as mentions
from {{ ref('stg_person_titles') }}
group by all
order by person, first_seen_on nulls last, title
