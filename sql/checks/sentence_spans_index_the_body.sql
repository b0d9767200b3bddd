-- Every sentence is exactly the slice of the body its span names.
select s.document_key, s.sentence_no, s.span_start, s.span_end
from fact_sentence s
join dim_document d using (document_key)
where s.span_start < 0 or s.span_end > length(d.body) or s.span_start >= s.span_end
   or substring(d.body, s.span_start + 1, s.span_end - s.span_start) <> s.text
