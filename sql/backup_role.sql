-- A backup login needs neither superuser nor BYPASSRLS: a member of
-- listguard_backup dumps every row of every protected table (canaries
-- too), every address sealed, with pg_dump --enable-row-security; it may
-- read nothing outside a dump and write nothing; its dumps are recorded.
CREATE DATABASE lg_backup_src;
CREATE DATABASE lg_backup_dst;
\c lg_backup_src
CREATE EXTENSION listguard;
CREATE TABLE subs (id serial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
INSERT INTO subs (account_id, list_id, email)
SELECT 1 + g % 2, 10, 'Backed.Up' || g || '@example.com' FROM generate_series(1, 20) g ORDER BY g;
CREATE INDEX ON subs (account_id);
SELECT listguard.protect('subs', 'account_id', 'list_id');
CREATE ROLE bk_reader;
SELECT listguard.grant_access('bk_reader', 1, reveal => 'clear') IS NOT NULL AS reader_grant;
SELECT listguard.add_canary_addresses(ARRAY['maria.backup91@gmail.example']) AS added;
SELECT listguard.plant_canaries('subs', 1, 10, ARRAY['bk_reader'::regrole], 1) AS planted;
-- Membership is all a backup login needs for protected tables (listguard
-- owns them and grants listguard_backup SELECT on them and their
-- sequences); the application's other tables need SELECT as usual
-- (pg_read_all_data, say). It is given writes here to show they are refused.
CREATE ROLE bk_login LOGIN PASSWORD 'bk_login_pw' IN ROLE listguard_backup;
GRANT INSERT, UPDATE ON subs TO bk_login;
GRANT USAGE ON SEQUENCE subs_id_seq TO bk_login;
SELECT count(*) AS rows_with_a_canary FROM subs;

-- The dump: every row, canaries included, addresses as sealed tokens only.
-- One file per server: other suites may run beside this one.
\getenv lg_port PGPORT
\setenv LG_BACKUP_FILE /tmp/listguard-regress-backup-:lg_port.sql
\! env -u PGAPPNAME PGUSER=bk_login PGPASSWORD=bk_login_pw pg_dump --enable-row-security -d lg_backup_src -f "$LG_BACKUP_FILE" && echo dumped
\! grep -c -i -e 'backed.up' -e 'maria.backup' "$LG_BACKUP_FILE"
\! sed -n '/^COPY public.subs /,/^\\\./p' "$LG_BACKUP_FILE" | grep -c 'lg1:'
-- Without --enable-row-security PostgreSQL refuses (row security would
-- filter the rows): the flag is what the backup login needs.
\! env -u PGAPPNAME PGUSER=bk_login PGPASSWORD=bk_login_pw pg_dump -d lg_backup_src -t subs 2>&1 >/dev/null | grep -o 'query would be affected by row-level security policy for table "subs"'

-- Restored by a superuser: every row, lookups by another spelling, the
-- canary still a canary.
\! psql -X -q -v ON_ERROR_STOP=1 -d lg_backup_dst -f "$LG_BACKUP_FILE" >/dev/null && echo restored
\c lg_backup_dst
SELECT count(*) AS rows_restored FROM subs;
SELECT id FROM subs WHERE email = 'BACKED.UP7@example.com';
SELECT count(*) AS canaries_restored FROM listguard.canaries;
\c lg_backup_src

-- Outside a dump it reads nothing and writes nothing.
SET ROLE bk_login;
SELECT count(*) AS rows_outside_a_dump FROM subs;
UPDATE subs SET list_id = 11;
INSERT INTO subs (account_id, list_id, email) VALUES (1, 10, 'planted.by.backup@example.com');
-- In a session that says it is a dump it reads every row, sealed: what
-- the role is for; and still writes nothing.
SET application_name = 'pg_dump';
SELECT count(*) AS rows_in_a_dump, count(*) FILTER (WHERE email::text LIKE 'lg1:%') AS sealed FROM subs;
-- Through the account index too (the policies' index condition covers
-- every account for it).
SET enable_seqscan = off;
SELECT count(*) AS rows_through_the_index FROM subs WHERE account_id > 0;
RESET enable_seqscan;
UPDATE subs SET list_id = 11;
RESET application_name;
RESET ROLE;

-- Its dumps are recorded, with the right they used.
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT kind, current_user_name, detail FROM listguard.audit_log WHERE kind = 'dump' ORDER BY id;

-- Membership is listguard's to give: a CREATEROLE role cannot take it or
-- hand it out.
CREATE ROLE bk_creator CREATEROLE;
SET ROLE bk_creator;
GRANT listguard_backup TO bk_creator;
CREATE ROLE bk_sneak IN ROLE listguard_backup;
-- Nor put the backup login into a group of its own making, whatever that
-- group is given later (attack 3's open finding): by GRANT, or as the new
-- role's member or admin.
CREATE ROLE bk_creators_group;
GRANT bk_creators_group TO bk_login;
CREATE ROLE bk_group2 ROLE bk_login;
CREATE ROLE bk_group3 ADMIN bk_login;
SELECT count(*) AS backup_login_groups FROM pg_auth_members
WHERE member = 'bk_login'::regrole AND roleid <> 'listguard_backup'::regrole;
DROP ROLE bk_creators_group;
RESET ROLE;

-- A backup login can tell canaries apart, so it may not also read
-- addresses: no grant to it, no backup membership for a grantee, from
-- either side, administrators included.
SELECT listguard.grant_access('bk_login', 1, reveal => 'masked');
GRANT listguard_backup TO bk_reader;
CREATE ROLE bk_both IN ROLE listguard_backup, bk_reader;
CREATE ROLE bk_group;
SELECT listguard.grant_access('bk_group', 1) IS NOT NULL AS group_grant;
GRANT bk_group TO bk_login;

-- A dump session that only reads rows (no address) is recorded too.
CREATE ROLE bk_quiet LOGIN PASSWORD 'bk_quiet_pw' IN ROLE listguard_backup;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset
\! env -u PGAPPNAME PGUSER=bk_quiet PGPASSWORD=bk_quiet_pw psql -X -q -A -t -d lg_backup_src -c "SET application_name = 'pg_dump'" -c "SELECT count(id) FROM subs"
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT kind, current_user_name, detail FROM listguard.audit_log WHERE id > :mark AND kind = 'dump';
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'bk_group'::regrole;

\c contrib_regression
DROP DATABASE lg_backup_src;
DROP DATABASE lg_backup_dst;
DROP ROLE bk_login, bk_reader, bk_creator, bk_group, bk_quiet;
\! rm -f "$LG_BACKUP_FILE"
