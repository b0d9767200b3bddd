-- Schema version 2: each run records how many integrity violations `gazette check` found after it.
alter table etl_run add column integrity_violations integer;
