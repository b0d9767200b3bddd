-- Schema version 5: a figure written as a range (一百二十到一百五十万元, 1万-5万元, 三四万吨) keeps its upper
-- bound. value and base_value stay the lower bound; value_high and base_value_high are the upper bound in
-- the same units, NULL for a single number.
alter table fact_metric add column value_high double;
alter table fact_metric add column base_value_high double;
