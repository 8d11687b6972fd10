-- Partitioned tables and inheritance: protect() starts at the top and
-- covers every table below it, now and later; a table below an unprotected
-- parent cannot be protected alone (its rows are read through the parent).
CREATE ROLE pt_reader;
CREATE ROLE pt_owner;
CREATE TABLE pt_subs (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email)
    PARTITION BY LIST (account_id);
CREATE TABLE pt_subs_1 PARTITION OF pt_subs FOR VALUES IN (1);
CREATE TABLE pt_subs_2 PARTITION OF pt_subs FOR VALUES IN (2) PARTITION BY LIST (list_id);
CREATE TABLE pt_subs_2_20 PARTITION OF pt_subs_2 FOR VALUES IN (20);
ALTER TABLE pt_subs OWNER TO pt_owner;
ALTER TABLE pt_subs_1 OWNER TO pt_owner;
INSERT INTO pt_subs VALUES (1, 1, 10, 'one.before@example.com'), (2, 2, 20, 'two.before@example.com');
GRANT SELECT ON pt_subs, pt_subs_1, pt_subs_2, pt_subs_2_20 TO pt_reader;

-- Protecting a partition alone is refused, with the way to do it.
SELECT lgtest.try($$SELECT listguard.protect('pt_subs_1', 'account_id', 'list_id')$$);
SELECT lgtest.try($$SELECT listguard.protect('pt_subs_2_20', 'account_id', 'list_id')$$);
SELECT listguard.protect('pt_subs', 'account_id', 'list_id');
-- Every partition, at every level, is protected and owned by
-- listguard_owner, with the root named.
SELECT relid, root, owner_was, (SELECT relowner::regrole FROM pg_class WHERE oid = relid) AS owner,
       (SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = relid) AS rls,
       (SELECT count(*) FROM pg_policy WHERE polrelid = relid) AS policies,
       (SELECT count(*) FROM pg_trigger WHERE tgrelid = relid AND tgname = 'listguard_stamp') AS stamp
FROM listguard.protected_tables WHERE root = 'pt_subs'::regclass ORDER BY relid::text;

-- Reading a partition directly is as closed as reading through the root.
SELECT listguard.grant_access('pt_reader', 2, reveal => 'clear') AS g \gset
INSERT INTO pt_subs VALUES (3, 1, 10, 'one.after@example.com'), (4, 2, 20, 'two.after@example.com');
SELECT lgtest.as_role('pt_reader', 'SELECT email::text FROM pt_subs ORDER BY id') AS through_root,
       lgtest.as_role('pt_reader', 'SELECT email::text FROM pt_subs_1 ORDER BY id') AS partition_1,
       lgtest.as_role('pt_reader', 'SELECT email::text FROM pt_subs_2_20 ORDER BY id') AS partition_2_20;
-- Values written through a partition are stamped too (a list grant reads them).
INSERT INTO pt_subs_2_20 VALUES (5, 2, 20, 'two.direct@example.com');
SELECT lgtest.as_role('pt_reader', 'SELECT count(*) FROM pt_subs_2_20') AS direct_rows_seen;

-- A partition an admin adds later is protected at once; one with code a
-- non-admin owns is refused.
CREATE TABLE pt_subs_3 PARTITION OF pt_subs FOR VALUES IN (3);
SELECT relid, root FROM listguard.protected_tables WHERE relid = 'pt_subs_3'::regclass;
CREATE TABLE pt_loose (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
ALTER TABLE pt_loose OWNER TO pt_owner;
CREATE FUNCTION pt_spy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
ALTER FUNCTION pt_spy() OWNER TO pt_owner;
SET ROLE pt_owner;
CREATE TRIGGER spy BEFORE INSERT ON pt_loose FOR EACH ROW EXECUTE FUNCTION pt_spy();
RESET ROLE;
ALTER TABLE pt_subs ATTACH PARTITION pt_loose FOR VALUES IN (4);
DROP TRIGGER spy ON pt_loose;
ALTER TABLE pt_subs ATTACH PARTITION pt_loose FOR VALUES IN (4);
SELECT relid, root, owner_was, (SELECT relowner::regrole FROM pg_class WHERE oid = relid) AS owner
FROM listguard.protected_tables WHERE relid = 'pt_loose'::regclass;

-- A detached partition stays protected on its own, stamping trigger
-- included (PostgreSQL drops the one it cloned).
ALTER TABLE pt_subs DETACH PARTITION pt_loose;
SELECT relid, root, (SELECT count(*) FROM pg_trigger WHERE tgrelid = relid AND tgname = 'listguard_stamp') AS stamp
FROM listguard.protected_tables WHERE relid = 'pt_loose'::regclass;
-- ... and cannot go back under an unprotected parent.
CREATE TABLE pt_open (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email)
    PARTITION BY LIST (account_id);
ALTER TABLE pt_open ATTACH PARTITION pt_loose FOR VALUES IN (4);
DROP TABLE pt_open;

-- Inheritance works the same way.
CREATE TABLE pt_people (id int, account_id bigint NOT NULL, email listguard.email);
CREATE TABLE pt_people_vip (vip boolean) INHERITS (pt_people);
SELECT lgtest.try($$SELECT listguard.protect('pt_people_vip', 'account_id')$$);
SELECT listguard.protect('pt_people', 'account_id');
SELECT relid, root FROM listguard.protected_tables WHERE root = 'pt_people'::regclass ORDER BY relid::text;
CREATE TABLE pt_people_new () INHERITS (pt_people);
SELECT relid, root FROM listguard.protected_tables WHERE relid = 'pt_people_new'::regclass;

-- unprotect() takes the whole tree, from the root only, and gives each
-- table back to its owner.
SELECT lgtest.try($$SELECT listguard.unprotect('pt_subs_1')$$);
SELECT listguard.unprotect('pt_subs');
SELECT c.relname, c.relowner::regrole AS owner, c.relrowsecurity AS rls,
       (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname LIKE 'listguard%') AS triggers
FROM pg_class c WHERE c.relname LIKE 'pt\_subs%' AND c.relkind IN ('r', 'p') ORDER BY 1;
SELECT count(*) AS still_protected FROM listguard.protected_tables WHERE root = 'pt_subs'::regclass;

SELECT listguard.revoke_access(:g);
SELECT listguard.unprotect('pt_people');
SELECT listguard.unprotect('pt_loose');
DROP TABLE pt_subs, pt_people, pt_people_vip, pt_people_new, pt_loose;
DROP FUNCTION pt_spy();
DROP ROLE pt_reader, pt_owner;
