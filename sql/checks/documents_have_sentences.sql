-- A document with a body has sentences.
select d.document_key, d.document_id, d.char_count
from dim_document d
where d.char_count > 0
  and not exists (select 1 from fact_sentence s where s.document_key = d.document_key)
