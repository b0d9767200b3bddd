-- Every row of fct_indicator_series is stated by at least one document, and a year is given only for a
-- dated period inside that year.
select *
from {{ ref('fct_indicator_series') }}
where documents < 1
   or values_stated < 1
   or (year is not null and (year(period_start) <> year or year(period_end) <> year))
   or (period_start is null and (year is not null or full_year))
