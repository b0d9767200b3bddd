-- Pipeline runs, newest first, with why a failed run failed.
select * from {{ ref('stg_runs') }}
order by started_at desc
