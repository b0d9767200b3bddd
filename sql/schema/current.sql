-- Generated from the migrations (python -m warehouse.migrate); not applied. The shape of every table and
-- view at the latest schema version, in one place.

CREATE TABLE dim_date(
    date_key INTEGER PRIMARY KEY,
    date DATE NOT NULL UNIQUE,
    "year" SMALLINT NOT NULL,
    half TINYINT NOT NULL,
    "quarter" TINYINT NOT NULL,
    "month" TINYINT NOT NULL,
    "day" TINYINT NOT NULL
);

CREATE TABLE dim_document(
    document_key BIGINT PRIMARY KEY,
    document_id VARCHAR NOT NULL UNIQUE,
    source_uri VARCHAR NOT NULL,
    "publication" VARCHAR,
    edition INTEGER,
    headline VARCHAR,
    subheadline VARCHAR,
    kicker VARCHAR,
    published_on DATE,
    published_on_source VARCHAR,
    "encoding" VARCHAR NOT NULL,
    byte_size BIGINT NOT NULL,
    char_count INTEGER NOT NULL,
    body VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    published_on_basis VARCHAR,
    region_key BIGINT,
    region_source VARCHAR,
    CHECK((published_on_source IN ('text', 'filename', 'sidecar')))
);

CREATE TABLE dim_indicator(
    indicator_key BIGINT PRIMARY KEY,
    "name" VARCHAR NOT NULL UNIQUE,
    category VARCHAR,
    base_unit VARCHAR
);

CREATE TABLE dim_organization(
    organization_key BIGINT PRIMARY KEY,
    "name" VARCHAR NOT NULL UNIQUE,
    kind VARCHAR NOT NULL,
    CHECK((kind IN ('party', 'government', 'people_congress', 'enterprise', 'media', 'other')))
);

CREATE TABLE dim_person(
    person_key BIGINT PRIMARY KEY,
    "name" VARCHAR NOT NULL UNIQUE
);

CREATE TABLE dim_project(
    project_key BIGINT PRIMARY KEY,
    "name" VARCHAR NOT NULL UNIQUE,
    region_key BIGINT
);

CREATE TABLE dim_region(
    region_key BIGINT PRIMARY KEY,
    "name" VARCHAR NOT NULL,
    "level" VARCHAR NOT NULL,
    parent_region_key BIGINT,
    full_name VARCHAR NOT NULL UNIQUE,
    code VARCHAR,
    kind VARCHAR DEFAULT('admin'),
    CHECK(("level" IN ('province', 'city', 'district', 'county', 'subdistrict', 'town', 'community', 'village')))
);

CREATE TABLE dim_source_file(
    source_uri VARCHAR,
    document_key BIGINT,
    first_seen_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    file_mtime TIMESTAMP,
    byte_size BIGINT NOT NULL,
    PRIMARY KEY(source_uri, document_key)
);

CREATE TABLE etl_run(
    run_id VARCHAR PRIMARY KEY,
    flow_run_id VARCHAR,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    files_seen INTEGER,
    documents_loaded INTEGER,
    documents_skipped INTEGER,
    files_quarantined INTEGER,
    pipeline_version VARCHAR NOT NULL,
    summary JSON,
    integrity_violations INTEGER
);

CREATE TABLE fact_byline(
    document_key BIGINT NOT NULL,
    person_key BIGINT NOT NULL,
    "role" VARCHAR NOT NULL,
    credit VARCHAR,
    line_no INTEGER NOT NULL,
    CHECK(("role" IN ('记者', '通讯员', '实习生', '摄影', '作者'))),
    CHECK((credit IN ('文', '图', '文/图')))
);

CREATE TABLE fact_cleaning(
    document_key BIGINT NOT NULL,
    line_no INTEGER NOT NULL,
    "action" VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    raw_text VARCHAR NOT NULL,
    CHECK(("action" IN ('drop', 'join', 'rewrite', 'move')))
);

CREATE TABLE fact_mention(
    document_key BIGINT NOT NULL,
    entity_type VARCHAR NOT NULL,
    entity_key BIGINT NOT NULL,
    surface VARCHAR NOT NULL,
    sentence_no INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    CHECK((entity_type IN ('region', 'person', 'organization', 'project', 'slogan')))
);

CREATE TABLE fact_metric(
    metric_key BIGINT NOT NULL,
    document_key BIGINT NOT NULL,
    sentence_no INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    region_key BIGINT,
    indicator_key BIGINT,
    "value" DOUBLE NOT NULL,
    unit VARCHAR,
    base_value DOUBLE NOT NULL,
    base_unit VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    comparison VARCHAR,
    is_target BOOLEAN NOT NULL,
    qualifier VARCHAR,
    period_label VARCHAR,
    period_start_key INTEGER,
    period_end_key INTEGER,
    indicator_text VARCHAR,
    value_high DOUBLE,
    base_value_high DOUBLE,
    restated STRUCT(sentence_no INTEGER, span_start INTEGER, span_end INTEGER)[],
    CHECK((measure IN ('level', 'growth_pct', 'share_pct', 'rank', 'count', 'change'))),
    CHECK((comparison IN ('yoy', 'mom')))
);

CREATE TABLE fact_person_title(
    document_key BIGINT NOT NULL,
    person_key BIGINT NOT NULL,
    title VARCHAR NOT NULL,
    organization_key BIGINT,
    region_key BIGINT,
    sentence_no INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL
);

CREATE TABLE fact_sentence(
    document_key BIGINT NOT NULL,
    sentence_no INTEGER NOT NULL,
    paragraph_no INTEGER NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL,
    "text" VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    CHECK((kind IN ('text', 'heading')))
);

CREATE TABLE fact_term(
    document_key BIGINT NOT NULL,
    term VARCHAR NOT NULL,
    pos VARCHAR,
    frequency INTEGER NOT NULL,
    weight DOUBLE NOT NULL,
    rank INTEGER NOT NULL
);

CREATE TABLE meta_commit(
    commits BIGINT NOT NULL,
    committed_at TIMESTAMP
);

CREATE TABLE meta_schema_version(
    "version" INTEGER PRIMARY KEY,
    "name" VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);

CREATE TABLE quarantine(
    source_uri VARCHAR NOT NULL,
    content_sha256 VARCHAR,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    detected_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    file_mtime TIMESTAMP,
    byte_size BIGINT
);

CREATE VIEW v_byline AS SELECT d.document_id, p."name" AS person, b."role", b.credit FROM ((fact_byline AS b INNER JOIN dim_document AS d USING (document_key)) INNER JOIN dim_person AS p USING (person_key));

CREATE VIEW v_document AS WITH metrics AS (SELECT document_key, count_star() AS n_metrics FROM fact_metric GROUP BY document_key), person_titles AS (SELECT document_key, count_star() AS n_person_titles FROM fact_person_title GROUP BY document_key) SELECT d.document_id, d.source_uri, d."publication", d.edition, d.headline, d.published_on, d.char_count, COALESCE(m.n_metrics, 0) AS n_metrics, COALESCE(p.n_person_titles, 0) AS n_person_titles FROM ((dim_document AS d LEFT JOIN metrics AS m USING (document_key)) LEFT JOIN person_titles AS p USING (document_key));

CREATE VIEW v_metric AS SELECT d.document_id, d.headline, r."name" AS region, r."level" AS region_level, r.full_name AS region_full_name, i."name" AS indicator, m."value", m.value_high, m.unit, m.base_value, m.base_value_high, m.base_unit, m.measure, m.comparison, m.is_target, m.qualifier, m.period_label, ps.date AS period_start, pe.date AS period_end, s."text" AS evidence, m.span_start, m.span_end, i.category AS indicator_category, m.metric_key, m.document_key, m.sentence_no, m.region_key, m.indicator_key, m.period_start_key, m.period_end_key FROM ((((((fact_metric AS m INNER JOIN dim_document AS d USING (document_key)) LEFT JOIN fact_sentence AS s ON (((s.document_key = m.document_key) AND (s.sentence_no = m.sentence_no)))) LEFT JOIN dim_region AS r ON ((r.region_key = m.region_key))) LEFT JOIN dim_indicator AS i ON ((i.indicator_key = m.indicator_key))) LEFT JOIN dim_date AS ps ON ((ps.date_key = m.period_start_key))) LEFT JOIN dim_date AS pe ON ((pe.date_key = m.period_end_key)));

CREATE VIEW v_person_title AS SELECT d.document_id, d.published_on, p."name" AS person, f.title, o."name" AS organization, r."name" AS region, s."text" AS sentence, f.sentence_no, f.span_start, f.span_end FROM (((((fact_person_title AS f INNER JOIN dim_document AS d USING (document_key)) INNER JOIN dim_person AS p USING (person_key)) LEFT JOIN fact_sentence AS s ON (((s.document_key = f.document_key) AND (s.sentence_no = f.sentence_no)))) LEFT JOIN dim_organization AS o USING (organization_key)) LEFT JOIN dim_region AS r ON ((r.region_key = f.region_key)));

CREATE VIEW v_region_mention AS SELECT d.document_id, r."name" AS region, r."level", r.full_name, count_star() AS n_mentions FROM ((fact_mention AS m INNER JOIN dim_document AS d USING (document_key)) INNER JOIN dim_region AS r ON ((r.region_key = m.entity_key))) WHERE (m.entity_type = 'region') GROUP BY ALL;
