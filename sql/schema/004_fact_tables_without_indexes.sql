-- Schema version 4: the two largest fact tables lose their primary-key indexes. An insert into a table with
-- a primary key reads that key's index (an ART) into DuckDB's memory, and hashed keys spread a batch over
-- all of it: in a warehouse of 100 000 documents, DuckDB held 142 MB after loading one batch, 114 MB of it
-- these two indexes, and they grow with the warehouse, not with the batch. Uniqueness is decided where it
-- was before: the loader inserts a document's facts only together with the new document, and the checks
-- (`gazette check`, and the end of every run over its documents) test unique (document_key, sentence_no)
-- and metric_key.
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
