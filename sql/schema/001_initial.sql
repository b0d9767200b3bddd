-- Gazette warehouse, schema version 1: the star schema of the warehouse contract.
-- Keys are deterministic 64-bit hashes of natural keys (transforms/keys.py), so batches built in
-- parallel agree on them without a sequence and re-runs produce the same rows.
-- Relationships are checked by `gazette check` rather than FOREIGN KEY clauses: DuckDB's foreign
-- keys forbid the delete-and-reinsert that a batch reload needs.

create table dim_document (
    document_key        bigint primary key,
    document_id         varchar not null unique,   -- sha256 hex of the raw bytes
    source_uri          varchar not null,          -- first seen
    publication         varchar,
    edition             integer,
    headline            varchar,
    subheadline         varchar,
    kicker              varchar,                   -- series or column label printed above the headline
    published_on        date,
    published_on_source varchar check (published_on_source in ('text', 'filename', 'sidecar')),
    encoding            varchar not null,
    byte_size           bigint not null,
    char_count          integer not null,
    body                varchar not null,
    loaded_at           timestamp not null,
    run_id              varchar not null,
    pipeline_version    varchar not null
);

create table dim_source_file (
    source_uri     varchar not null,
    document_key   bigint not null,
    first_seen_at  timestamp not null,
    last_seen_at   timestamp not null,   -- moves only when the file is rewritten (new mtime) with the same bytes
    file_mtime     timestamp,
    byte_size      bigint not null,
    primary key (source_uri, document_key)
);

create table dim_region (
    region_key        bigint primary key,
    name              varchar not null,
    level             varchar not null check (level in ('province', 'city', 'district', 'county',
                                                        'subdistrict', 'town', 'community', 'village')),
    parent_region_key bigint,
    full_name         varchar not null unique,
    code              varchar
);

create table dim_person (
    person_key bigint primary key,
    name       varchar not null unique
);

create table dim_organization (
    organization_key bigint primary key,
    name             varchar not null unique,
    kind             varchar not null check (kind in ('party', 'government', 'people_congress',
                                                      'enterprise', 'media', 'other'))
);

create table dim_indicator (
    indicator_key bigint primary key,
    name          varchar not null unique,
    category      varchar,
    base_unit     varchar
);

create table dim_project (
    project_key bigint primary key,
    name        varchar not null unique,
    region_key  bigint
);

create table dim_date (
    date_key integer primary key,   -- yyyymmdd
    date     date not null unique,
    year     smallint not null,
    half     tinyint not null,
    quarter  tinyint not null,
    month    tinyint not null,
    day      tinyint not null
);

create table fact_sentence (
    document_key bigint not null,
    sentence_no  integer not null,
    paragraph_no integer not null,
    span_start   integer not null,
    span_end     integer not null,
    text         varchar not null,
    kind         varchar not null check (kind in ('text', 'heading')),
    primary key (document_key, sentence_no)
);

create table fact_metric (
    metric_key       bigint primary key,
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

create table fact_person_title (
    document_key     bigint not null,
    person_key       bigint not null,
    title            varchar not null,
    organization_key bigint,
    region_key       bigint,
    sentence_no      integer not null,
    span_start       integer not null,
    span_end         integer not null
);

create table fact_byline (
    document_key bigint not null,
    person_key   bigint not null,
    role         varchar not null check (role in ('记者', '通讯员', '实习生', '摄影', '作者')),
    credit       varchar check (credit in ('文', '图', '文/图')),
    line_no      integer not null
);

create table fact_mention (
    document_key bigint not null,
    entity_type  varchar not null check (entity_type in ('region', 'person', 'organization',
                                                         'project', 'slogan')),
    entity_key   bigint not null,
    surface      varchar not null,
    sentence_no  integer not null,
    span_start   integer not null,
    span_end     integer not null
);

create table fact_term (
    document_key bigint not null,
    term         varchar not null,
    pos          varchar,
    frequency    integer not null,
    weight       double not null,
    rank         integer not null
);

create table fact_cleaning (
    document_key bigint not null,
    line_no      integer not null,   -- 1-based line of the decoded raw text
    action       varchar not null check (action in ('drop', 'join', 'rewrite', 'move')),
    reason       varchar not null,
    raw_text     varchar not null
);

create table quarantine (
    source_uri     varchar not null,
    content_sha256 varchar,
    reason         varchar not null,
    detail         varchar,
    detected_at    timestamp not null,
    run_id         varchar not null
);

create table etl_run (
    run_id             varchar primary key,
    flow_run_id        varchar,
    started_at         timestamp not null,
    finished_at        timestamp,
    status             varchar not null,
    files_seen         integer,
    documents_loaded   integer,
    documents_skipped  integer,
    files_quarantined  integer,
    pipeline_version   varchar not null,
    summary            json
);

-- dim_date is static: every day a period in these texts can name.
insert into dim_date
select cast(strftime(d, '%Y%m%d') as integer), d::date, year(d), case when month(d) <= 6 then 1 else 2 end,
       quarter(d), month(d), day(d)
from range(date '1990-01-01', date '2041-01-01', interval 1 day) t(d);
