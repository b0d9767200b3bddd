-- One row per document, without its body.
select
    document_key,
    document_id,
    source_uri,
    coalesce(publication, '(unknown)') as publication,
    edition,
    headline,
    published_on,
    published_on_source,
    char_count,
    loaded_at,
    run_id
from {{ source('gazette', 'dim_document') }}
