-- Schema version 12: micrograms per cubic metre are written `ug/m3`, in the slash style of the other compound
-- units (person/km2), so figures loaded before keep no second spelling of the same unit.
update fact_metric set base_unit = 'ug/m3' where base_unit = 'ug_m3';
update dim_indicator set base_unit = 'ug/m3' where base_unit = 'ug_m3';
