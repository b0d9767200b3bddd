-- Schema version 13: the document's own region, the unit it is about where its headline or a title line names
-- it (建平县 in a work report's `——…在建平县第十八届人民代表大会…上`), even when no body sentence does and so no
-- fact_mention can hold it. region_key: dim_region (NULL when the text names none); region_source: where it
-- was read, `headline`, `title_line` (a subheadline, kicker or the body's first short line), `dateline` or
-- `metadata` (the last two are reserved: a dateline names where a story was filed, not what it is about).
-- Documents loaded before keep NULL in both.
-- v_person_title joined dim_region using (region_key), which the new column makes ambiguous: dropped here and
-- re-created from sql/views (which join on f.region_key) after the migrations.
drop view if exists v_person_title;
alter table dim_document add column region_key bigint;
alter table dim_document add column region_source varchar;
