-- Schema version 4: the two large fact tables lose their primary-key indexes. DuckDB loads a table's whole
-- index (an ART) into memory to insert into it, so every batch's load cost memory and time in proportion to
-- the warehouse, not the batch: at 100 000 documents the loading process peaked at 2.9 GB and the summed load
-- time grew 13x for 10x the data. Uniqueness stays where it was decided: the loader inserts a document's
-- facts only with the document, and `gazette check` tests unique (document_key, sentence_no) and metric_key.
create table fact_sentence_v4 (
    document_key bigint not null,
    sentence_no  integer not null,
    paragraph_no integer not null,
    span_start   integer not null,
    span_end     integer not null,
    text         varchar not null,
    kind         varchar not null check (kind in ('text', 'heading'))
);
insert into fact_sentence_v4 select document_key, sentence_no, paragraph_no, span_start, span_end, text, kind
from fact_sentence;
drop table fact_sentence;
alter table fact_sentence_v4 rename to fact_sentence;

create table fact_metric_v4 (
    metric_key       bigint not null,
    document_key     bigint not null,
    sentence_no      integer not null,
    span_start       integer not null,
    span_end         integer not null,
    region_key       bigint,
    indicator_key    bigint,
    value            double not null,
    unit             varchar,
    base_value       double not null,
    base_unit        varchar not null,
    measure          varchar not null check (measure in ('level', 'growth_pct', 'share_pct', 'rank',
                                                         'count', 'change')),
    comparison       varchar check (comparison in ('yoy', 'mom')),
    is_target        boolean not null,
    qualifier        varchar,
    period_label     varchar,
    period_start_key integer,
    period_end_key   integer,
    indicator_text   varchar            -- the phrase the number measures, as written
);
insert into fact_metric_v4 by name select * from fact_metric;
drop table fact_metric;
alter table fact_metric_v4 rename to fact_metric;
