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

-- pg_partman's and plain PARTITION BY's usual set-up: the key is a
-- bigserial of the application's role, owned by the partitioned root, and
-- another default draws from a sequence of that role linked to no table.
-- protect() takes both over (listguard_owner owns them, the role keeps
-- USAGE, the move is recorded); the role still inserts, and can no longer
-- change or drop them under the table.
CREATE ROLE pt_app;
CREATE SCHEMA pt_app AUTHORIZATION pt_app;
SET ROLE pt_app;
CREATE SEQUENCE pt_app.refs;
CREATE TABLE pt_app.subs (id bigserial, ref bigint DEFAULT nextval('pt_app.refs'), account_id bigint NOT NULL,
                          list_id bigint NOT NULL, email listguard.email, PRIMARY KEY (id, account_id))
    PARTITION BY LIST (account_id);
CREATE TABLE pt_app.subs_1 PARTITION OF pt_app.subs FOR VALUES IN (1);
RESET ROLE;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset
SELECT listguard.protect('pt_app.subs', 'account_id', 'list_id');
SELECT c.oid::regclass AS sequence, c.relowner::regrole AS owner, c.relacl FROM pg_class c
WHERE c.relnamespace = 'pt_app'::regnamespace AND c.relkind = 'S' ORDER BY 1;
SELECT lgtest.audit_settle() AS settled;
SELECT kind, relation, detail FROM listguard.audit_log
WHERE id > :mark AND detail ->> 'action' = 'take over sequence' ORDER BY detail ->> 'sequence';
SELECT listguard.grant_access('pt_app', 1, can_write => true) AS g_app \gset
SET ROLE pt_app;
INSERT INTO pt_app.subs (account_id, list_id, email) VALUES (1, 10, 'app.row@example.com') RETURNING id, ref;
SELECT lgtest.try('ALTER SEQUENCE pt_app.refs RESTART 1');
SELECT lgtest.try('DROP SEQUENCE pt_app.refs CASCADE');
SELECT lgtest.try('ALTER SEQUENCE pt_app.subs_id_seq OWNED BY NONE');
RESET ROLE;
-- Taken over, a sequence keeps no UPDATE (setval) for anyone: not the
-- PUBLIC grant its former owner made before protect().
SELECT listguard.unprotect('pt_app.subs');
ALTER SEQUENCE pt_app.refs OWNER TO pt_app;
SET ROLE pt_app;
GRANT UPDATE ON SEQUENCE pt_app.refs TO PUBLIC;
GRANT UPDATE ON SEQUENCE pt_app.subs_id_seq TO PUBLIC;
RESET ROLE;
SELECT listguard.protect('pt_app.subs', 'account_id', 'list_id');
SELECT c.oid::regclass AS sequence, a.grantee::regrole AS grantee, a.privilege_type
FROM pg_class c, aclexplode(c.relacl) a
WHERE c.relnamespace = 'pt_app'::regnamespace AND c.relkind = 'S' AND a.privilege_type = 'UPDATE' ORDER BY 1, 2;
-- A default drawing from another role's sequence does not hand it over.
CREATE ROLE pt_victim;
CREATE SEQUENCE pt_app.victims;
ALTER SEQUENCE pt_app.victims OWNER TO pt_victim;
SET ROLE pt_app;
CREATE TABLE pt_app.seizes (id bigint DEFAULT nextval('pt_app.victims'), account_id bigint NOT NULL,
                            email listguard.email);
RESET ROLE;
SELECT lgtest.try($$SELECT listguard.protect('pt_app.seizes', 'account_id')$$) LIKE '42501%' AS refused;
SELECT relowner::regrole AS victims_owner FROM pg_class WHERE oid = 'pt_app.victims'::regclass;
DROP TABLE pt_app.seizes;
DROP SEQUENCE pt_app.victims;
DROP ROLE pt_victim;
-- A sequence linked to another table is not taken from it: refused.
CREATE TABLE pt_app.other (id bigserial);
ALTER TABLE pt_app.other OWNER TO pt_app;
SET ROLE pt_app;
CREATE TABLE pt_app.borrows (id bigint DEFAULT nextval('pt_app.other_id_seq'), account_id bigint NOT NULL,
                             email listguard.email);
RESET ROLE;
SELECT lgtest.try($$SELECT listguard.protect('pt_app.borrows', 'account_id')$$);
-- An index of a partition attached to the root's index (as pg_restore
-- does after the partition's own index) is no new partition to protect.
SELECT listguard.unprotect('pt_app.subs');
CREATE TABLE pt_app.subs_2 (LIKE pt_app.subs);
ALTER TABLE pt_app.subs ATTACH PARTITION pt_app.subs_2 FOR VALUES IN (2);
SELECT listguard.protect('pt_app.subs', 'account_id', 'list_id');
CREATE TABLE pt_app.subs_3 (id bigint NOT NULL, ref bigint, account_id bigint NOT NULL, list_id bigint NOT NULL,
                            email listguard.email);
ALTER TABLE pt_app.subs_3 OWNER TO listguard_owner;
ALTER TABLE ONLY pt_app.subs_3 ADD PRIMARY KEY (id, account_id);
ALTER TABLE pt_app.subs ATTACH PARTITION pt_app.subs_3 FOR VALUES IN (3);
CREATE INDEX subs_ref ON ONLY pt_app.subs (ref);
CREATE INDEX subs_1_ref ON pt_app.subs_1 (ref);
ALTER INDEX pt_app.subs_ref ATTACH PARTITION pt_app.subs_1_ref;
SELECT c.relname, (SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'listguard_stamp') AS stamp,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
FROM pg_class c WHERE c.relnamespace = 'pt_app'::regnamespace AND c.relname LIKE 'subs%' AND c.relkind IN ('r', 'p')
ORDER BY 1;
SELECT listguard.revoke_access(:g_app);
SELECT listguard.unprotect('pt_app.subs');
DROP SCHEMA pt_app CASCADE;
DROP ROLE pt_app;

SELECT listguard.revoke_access(:g);
SELECT listguard.unprotect('pt_people');
SELECT listguard.unprotect('pt_loose');
DROP TABLE pt_subs, pt_people, pt_people_vip, pt_people_new, pt_loose;
DROP FUNCTION pt_spy();
DROP ROLE pt_reader, pt_owner;
