-- Figures with their indicator, region, period dates and evidence: v_metric, the warehouse's interface, with
-- the document's publication and date from stg_documents.
select
    m.*,
    d.publication,
    d.published_on,
    year(m.period_end) as period_year
from {{ source('gazette', 'v_metric') }} m
join {{ ref('stg_documents') }} d using (document_key)
