-- Files that were refused, newest first, with the run that refused them.
with quarantine as (
    select * from main.quarantine
),
runs as (
    select run_id, started_at from etl_run
),
joined as (
    select q.reason, q.source_uri, q.detail, q.content_sha256, q.detected_at, q.run_id
    from quarantine q
    left join runs r using (run_id)
)
select * from joined
order by detected_at desc, source_uri;
