-- Pipeline runs, newest first.
with runs as (
    select * from etl_run
),
renamed as (
    select
        run_id,
        status,
        started_at,
        finished_at,
        date_diff('millisecond', started_at, finished_at) / 1000.0 as seconds,
        files_seen,
        documents_loaded,
        documents_skipped,
        files_quarantined,
        pipeline_version
    from runs
)
select * from renamed
order by started_at desc;
