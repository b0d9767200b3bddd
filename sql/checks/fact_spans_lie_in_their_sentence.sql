-- Metric, official and mention spans fall inside the sentence they cite.
with spans as (
    select 'fact_metric' as fact, document_key, sentence_no, span_start, span_end from fact_metric
    union all
    select 'fact_person_title', document_key, sentence_no, span_start, span_end from fact_person_title
    union all
    select 'fact_mention', document_key, sentence_no, span_start, span_end from fact_mention
)
select f.*
from spans f
left join fact_sentence s using (document_key, sentence_no)
where s.document_key is null or f.span_start < s.span_start or f.span_end > s.span_end
   or f.span_start >= f.span_end
