-- Pipeline runs with their duration and, for a failed run, its error (from the summary).
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
    integrity_violations,
    pipeline_version,
    json_extract_string(summary, '$.error') as error
from {{ source('gazette', 'etl_run') }}
