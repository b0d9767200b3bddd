-- document_key is derived from document_id (its first 8 bytes as a signed integer), so batches agree on it.
with derived as (
    select document_key, document_id, ('0x' || left(document_id, 16))::ubigint::hugeint as u
    from dim_document
)
select document_key, document_id
from derived
where length(document_id) <> 64
   or document_key <> cast(case when u >= 9223372036854775808 then u - 18446744073709551616 else u end as bigint)
