-- Round 3, class 1/CREATEROLE over 0.3's new role listguard_backup: every
-- spelling a CREATEROLE role has to put a role it controls into
-- listguard_backup (or the backup login into a group it controls, or take
-- over the backup login): GRANT, ALTER GROUP ... ADD USER, CREATE ROLE ... IN
-- ROLE / IN GROUP / ROLE / ADMIN, CREATE USER, ALTER ROLE password/rename/
-- valid until/settings, DROP ROLE.
-- Expected secure outcome: each refused (42501) and recorded; nothing in
-- pg_auth_members changes for listguard_backup or b_login.
-- RESULT: held for listguard_backup itself and for changes of b_login; note
-- (L): a CREATEROLE role still adds b_login to groups it creates (CREATE ROLE
-- c ROLE b_login, ADMIN b_login, ALTER GROUP c ADD USER b_login), unrecorded;
-- grant_access() later refuses such groups (27), so nothing is reached.
-- Run: psql -X -U postgres -d atk -f 29_createrole_backup_spellings.sql
\set ON_ERROR_STOP 0
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'b_login') THEN CREATE ROLE b_login LOGIN; END IF; END $$;
GRANT listguard_backup TO b_login;
\c - a_crole
DROP ROLE IF EXISTS c_one; DROP ROLE IF EXISTS c_two; DROP ROLE IF EXISTS c_three; DROP ROLE IF EXISTS c_four; DROP ROLE IF EXISTS c_five;
CREATE ROLE c_one LOGIN PASSWORD 'x';
GRANT listguard_backup TO c_one;
GRANT listguard_backup TO c_one GRANTED BY CURRENT_USER;
ALTER GROUP listguard_backup ADD USER c_one;
CREATE ROLE c_two LOGIN IN ROLE listguard_backup;
CREATE ROLE c_three LOGIN IN GROUP listguard_backup;
CREATE USER c_four IN ROLE listguard_backup;
CREATE ROLE c_five ROLE b_login;          -- b_login becomes a member of c_five
CREATE ROLE c_six ADMIN b_login;
ALTER ROLE b_login PASSWORD 'taken';
ALTER ROLE b_login VALID UNTIL 'infinity';
ALTER ROLE b_login SET application_name = 'pg_dump';
ALTER ROLE b_login RENAME TO b_login2;
ALTER GROUP c_one ADD USER b_login;
REVOKE listguard_backup FROM b_login;
DROP ROLE b_login;
\c - postgres
SELECT r.rolname AS role, m.rolname AS member FROM pg_auth_members am JOIN pg_roles r ON r.oid = am.roleid
JOIN pg_roles m ON m.oid = am.member WHERE r.rolname = 'listguard_backup' OR m.rolname = 'b_login' ORDER BY 1, 2;
SELECT rolname, rolpassword IS NOT NULL AS has_password FROM pg_authid WHERE rolname LIKE 'b_login%';
DROP ROLE IF EXISTS c_five; DROP ROLE IF EXISTS c_six;
