-- Schema version 10: a counter every load transaction that changed rows raises. The read snapshot carries a
-- copy, so a reader can tell a snapshot that is behind the warehouse (a run stopped before it published)
-- from a current one.
create table meta_commit (
    commits       bigint not null,
    committed_at  timestamp
);
insert into meta_commit values (0, null);
