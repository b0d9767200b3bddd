-- Schema version 6: a region says what kind of place it is: `admin` (a division of the state), `zone` (a
-- functional zone or new area: 郑东新区, 郑州高新技术产业开发区) or `former` (a unit under a name it no longer
-- has: 郑县, a town since made a subdistrict). Rows loaded before are divisions.
alter table dim_region add column kind varchar default 'admin';
update dim_region set kind = 'admin' where kind is null;
