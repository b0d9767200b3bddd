-- Schema version 9: a figure stated twice in one document (same indicator, region, period, value) is one
-- fact_metric row at its first statement; `restated` lists the later statements' spans (sentence_no,
-- span_start, span_end into dim_document.body), null when the figure is stated once.
alter table fact_metric add column restated struct(sentence_no integer, span_start integer, span_end integer)[];
