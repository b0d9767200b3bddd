-- Files that were refused, newest first, with the run that refused them.
with quarantine as (
    select * from {{ source('gazette', 'quarantine') }}
),
runs as (
    select run_id, started_at as run_started_at from {{ ref('stg_runs') }}
),
joined as (
    select q.reason, q.source_uri, q.detail, q.content_sha256, q.detected_at, q.run_id, r.run_started_at
    from quarantine q
    left join runs r using (run_id)
)
select * from joined
order by detected_at desc, source_uri
