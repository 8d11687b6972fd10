-- Round 3, listguard_backup (0.3: "a backup login holds no grants and no
-- grantee becomes one"): a CREATEROLE role puts the backup login into a
-- harmless-looking group it creates (GRANT x TO backup_login changes the
-- backup login's memberships: is that managing a role that carries
-- listguard power?), then an administrator grants that group clear access.
-- Or the other way round: the backup login is put into a group that is
-- itself a member of a grantee.
-- Expected secure outcome: a_crole's GRANT ... TO b_login is refused
-- (42501), and grant_access() refuses any grantee that the backup login
-- receives grants of.
-- RESULT: held: grant_access() refuses x_team (members no administrator let in).
-- Run: psql -X -U postgres -d atk -f 27_backup_login_via_group.sql
\set ON_ERROR_STOP 0
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'b_login') THEN CREATE ROLE b_login LOGIN; END IF; END $$;
GRANT listguard_backup TO b_login;
GRANT SELECT ON subs TO b_login;
\c - a_crole
DROP ROLE IF EXISTS x_team; DROP ROLE IF EXISTS y_inner;
CREATE ROLE x_team;
GRANT x_team TO b_login;             -- the backup login joins a group a CREATEROLE role made
CREATE ROLE y_inner;
GRANT y_inner TO b_login;
GRANT a_grp TO y_inner;              -- a_grp holds a clear grant: refused (held in earlier rounds)
GRANT x_team TO y_inner;
\c - a_admin
SELECT listguard.grant_access('x_team', 1, 11, reveal => 'clear');   -- must be refused
\c - postgres
SELECT r.rolname, m.rolname AS member FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member
WHERE m.rolname IN ('b_login', 'y_inner');
SELECT grantee::regrole, account, list, reveal FROM listguard.grants WHERE grantee::regrole::text IN ('x_team', 'y_inner');
-- with a grant: what does the backup login read outside a dump?
\c "dbname=atk user=b_login application_name=app"
SELECT email FROM subs WHERE id <= 2;
