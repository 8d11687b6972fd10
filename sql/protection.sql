-- protect() and unprotect(), and the DDL that would switch protection off.
CREATE ROLE pr_app;       -- owns the table, as applications often do; not an admin
CREATE ROLE pr_reader;    -- masked reader of account 1
CREATE TABLE pr_contacts (id int PRIMARY KEY, account_id integer NOT NULL, list_id smallint NOT NULL,
                          email listguard.email, backup_email listguard.email, note text);
ALTER TABLE pr_contacts OWNER TO pr_app;
INSERT INTO pr_contacts VALUES (1, 1, 10, 'one@example.com', 'one.backup@example.com', 'a'),
                               (2, 2, 20, 'two@example.com', NULL, 'b');

-- Bad arguments are clear errors.
SELECT lgtest.try($$SELECT listguard.protect('pr_contacts', 'no_such_column')$$);
SELECT lgtest.try($$SELECT listguard.protect('pr_contacts', 'account_id', 'no_such_column')$$);
SELECT lgtest.try($$SELECT listguard.protect('pr_contacts', 'note')$$);
SELECT lgtest.try($$SELECT listguard.protect('pr_contacts', 'account_id', audit => 'loud')$$);
CREATE TABLE pr_plain (id int, account_id int);
SELECT lgtest.try($$SELECT listguard.protect('pr_plain', 'account_id')$$);
CREATE VIEW pr_view AS SELECT * FROM pr_contacts;
SELECT lgtest.try($$SELECT listguard.protect('pr_view', 'account_id')$$);
SELECT lgtest.try($$SELECT listguard.protect('no_such_table', 'account_id')$$);
DROP VIEW pr_view;
DROP TABLE pr_plain;

-- Protecting twice is the same as once. Existing rows keep their values;
-- rows written from now on are stamped (every email column).
SELECT listguard.protect('pr_contacts', 'account_id', 'list_id');
SELECT listguard.protect('pr_contacts', 'account_id', 'list_id');
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'pr_contacts'::regclass;
SELECT polname, polpermissive, polcmd FROM pg_policy WHERE polrelid = 'pr_contacts'::regclass ORDER BY polname;
SELECT tgname FROM pg_trigger WHERE tgrelid = 'pr_contacts'::regclass ORDER BY tgname;
-- (Tables of earlier tests were dropped, and forgotten with them.)
SELECT relid, account_column, list_column, audit FROM listguard.protected_tables;
UPDATE pr_contacts SET note = note || '!';
SELECT listguard.grant_access('pr_reader', 1, reveal => 'clear') AS g1 \gset
GRANT SELECT ON pr_contacts TO pr_reader;
SELECT lgtest.as_role('pr_reader', 'SELECT email::text || '' / '' || coalesce(backup_email::text, ''-'') FROM pr_contacts ORDER BY id')
       AS reader_sees;

-- protect() gives the table to listguard_owner. Its former owner keeps
-- reading and writing as its grants allow, and nothing more.
SELECT relowner::regrole AS owner FROM pg_class WHERE oid = 'pr_contacts'::regclass;
SELECT string_agg(privilege_type, ', ' ORDER BY privilege_type) AS former_owner_may
FROM information_schema.table_privileges WHERE table_name = 'pr_contacts' AND grantee = 'pr_app';

-- The former owner cannot switch protection off ...
SET ROLE pr_app;
ALTER TABLE pr_contacts DISABLE ROW LEVEL SECURITY;
ALTER TABLE pr_contacts NO FORCE ROW LEVEL SECURITY;
DROP POLICY listguard_read ON pr_contacts;
ALTER POLICY listguard_read ON pr_contacts USING (true);
ALTER POLICY listguard_read ON pr_contacts RENAME TO something_else;
ALTER TABLE pr_contacts DISABLE TRIGGER listguard_stamp;
ALTER TABLE pr_contacts DISABLE TRIGGER ALL;
ALTER TABLE pr_contacts DISABLE TRIGGER USER;
ALTER TABLE pr_contacts ENABLE REPLICA TRIGGER listguard_stamp;
DROP TRIGGER listguard_stamp ON pr_contacts;
ALTER TRIGGER listguard_stamp ON pr_contacts RENAME TO something_else;
ALTER TABLE pr_contacts RENAME COLUMN account_id TO acct;
ALTER TABLE pr_contacts DROP COLUMN list_id;
-- ... nor add a policy of its own ...
CREATE POLICY pr_everything ON pr_contacts USING (true);
SELECT count(*) AS owner_sees FROM pr_contacts;
-- ... nor make any other change: what runs around a protected table is an
-- administrator's to change.
ALTER TABLE pr_contacts ADD COLUMN source text;
ALTER TABLE pr_contacts RENAME COLUMN note TO remark;
RESET ROLE;
-- An admin may (and is recorded doing it); listguard's own policies are
-- restrictive, so another permissive policy widens nothing.
CREATE POLICY pr_everything ON pr_contacts USING (true);
SELECT lgtest.as_role('pr_app', 'SELECT count(*) FROM pr_contacts') AS owner_sees;
DROP POLICY pr_everything ON pr_contacts;
ALTER TABLE pr_contacts ADD COLUMN source text;
ALTER TABLE pr_contacts RENAME COLUMN note TO remark;

-- Nobody, superusers included, may turn an email column into text: it
-- would replace addresses with masks.
ALTER TABLE pr_contacts ALTER COLUMN email TYPE text;
CREATE TABLE pr_unprotected (email listguard.email);
ALTER TABLE pr_unprotected ALTER COLUMN email TYPE varchar(200);
DROP TABLE pr_unprotected;

-- An admin may change what the owner may not.
ALTER TABLE pr_contacts DISABLE TRIGGER listguard_stamp;
ALTER TABLE pr_contacts ENABLE TRIGGER listguard_stamp;

-- unprotect() removes it all and restores the table's own row-security
-- state; values keep their stamps, so they are still shown per grant.
ALTER TABLE pr_contacts DISABLE ROW LEVEL SECURITY;
SELECT listguard.protect('pr_contacts', 'account_id', 'list_id');
SELECT listguard.unprotect('pr_contacts');
SELECT listguard.unprotect('pr_contacts');
SELECT relrowsecurity, relforcerowsecurity, relowner::regrole AS owner FROM pg_class WHERE oid = 'pr_contacts'::regclass;
SELECT count(*) AS policies FROM pg_policy WHERE polrelid = 'pr_contacts'::regclass;
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'pr_contacts'::regclass;
SELECT count(*) AS protected FROM listguard.protected_tables;
SELECT lgtest.as_role('pr_reader', 'SELECT email::text FROM pr_contacts ORDER BY id') AS reader_sees;
SET ROLE pr_app;
ALTER TABLE pr_contacts DISABLE ROW LEVEL SECURITY;
RESET ROLE;

-- Without a list column, values carry list 0: account grants reach them,
-- list grants do not. Memberships in another table get a DBA policy that
-- uses listguard.can_read().
CREATE TABLE pr_people (id int PRIMARY KEY, account_id bigint NOT NULL, email listguard.email);
CREATE TABLE pr_memberships (person_id int REFERENCES pr_people, account_id bigint NOT NULL, list_id bigint NOT NULL);
SELECT listguard.protect('pr_people', 'account_id');
ALTER TABLE pr_memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY by_list ON pr_memberships USING (listguard.can_read(account_id, list_id));
INSERT INTO pr_people VALUES (1, 1, 'alice@example.com'), (2, 1, 'bert@example.com');
INSERT INTO pr_memberships VALUES (1, 1, 10), (2, 1, 11);
GRANT SELECT ON pr_people, pr_memberships TO pr_reader;
CREATE ROLE pr_list10;
GRANT SELECT ON pr_people, pr_memberships TO pr_list10;
SELECT listguard.grant_access('pr_list10', 1, 10, reveal => 'clear') AS g2 \gset
SELECT lgtest.as_role('pr_reader', 'SELECT p.email::text FROM pr_people p ORDER BY id') AS account_grant_sees,
       lgtest.as_role('pr_list10', 'SELECT p.email::text FROM pr_people p ORDER BY id') AS list_grant_sees_people,
       lgtest.as_role('pr_list10', 'SELECT m.person_id || '':'' || m.list_id FROM pr_memberships m') AS list_grant_sees_memberships;

-- A column of a domain over listguard.email is an email column too: it is
-- stamped, guarded against laundering, and cannot be turned into text.
CREATE DOMAIN pr_work_email AS listguard.email;
CREATE TABLE pr_staff (id int PRIMARY KEY, account_id bigint NOT NULL, work pr_work_email);
SELECT listguard.protect('pr_staff', 'account_id');
INSERT INTO pr_staff VALUES (1, 1, 'staff.one@example.com'), (2, 2, 'staff.two@example.com');
GRANT SELECT ON pr_staff TO pr_reader;
SELECT lgtest.as_role('pr_reader', 'SELECT work::text FROM pr_staff ORDER BY id') AS domain_values_stamped;
ALTER TABLE pr_staff ALTER COLUMN work TYPE text;
DROP TABLE pr_staff;
DROP DOMAIN pr_work_email;

SELECT listguard.revoke_access(g) FROM unnest(ARRAY[:g1, :g2]::bigint[]) g;
DROP TABLE pr_memberships, pr_people, pr_contacts;
SELECT count(*) AS still_protected FROM listguard.protected_tables;
DROP ROLE pr_app, pr_reader, pr_list10;
