-- Schema version 3: quarantine remembers the file's size and modification time, so a run can pass over a
-- refused file that has not changed without reading it again (as it does for loaded files).
alter table quarantine add column file_mtime timestamp;
alter table quarantine add column byte_size bigint;
