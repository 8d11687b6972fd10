-- Settings that decide whom code runs as or what names resolve to, set by
-- a database owner (in any letter case), a CREATEROLE role, or the caller of
-- listguard's functions: none of them reaches listguard's workers or its
-- elevated code.
CREATE ROLE sa_dbo LOGIN CREATEROLE;
CREATE ROLE sa_plain;
CREATE DATABASE sa_db OWNER sa_dbo;
\c sa_db
CREATE EXTENSION listguard;
CREATE TABLE sa_subs (id int, account_id bigint, email listguard.email);
ALTER TABLE sa_subs OWNER TO sa_dbo;

-- The database owner may not set, in any spelling, the settings that reach
-- every session of the database and decide what it resolves or whom it is.
SET ROLE sa_dbo;
\set VERBOSITY terse
ALTER DATABASE sa_db SET search_path = public;
ALTER DATABASE sa_db SET "Search_Path" = public;
ALTER DATABASE sa_db SET "SEARCH_PATH" TO DEFAULT;
ALTER DATABASE sa_db SET "Row_Security" = off;
ALTER DATABASE sa_db SET role = sa_dbo;
ALTER DATABASE sa_db SET "ROLE" = sa_dbo;
ALTER DATABASE sa_db SET session_authorization = sa_dbo;
ALTER DATABASE sa_db SET "Session_Authorization" = sa_dbo;
SET search_path = public;
ALTER DATABASE sa_db SET "search_PATH" FROM CURRENT;
RESET search_path;
-- Nor as the defaults of every role in the database: PostgreSQL stores
-- ALTER ROLE ALL IN DATABASE ... SET exactly as ALTER DATABASE ... SET (the
-- same row of pg_db_role_setting, the same owner check); ALTER USER is the
-- same statement; SET SCHEMA is search_path. And not for every database
-- (PostgreSQL lets only superusers; listguard refuses first).
ALTER ROLE ALL IN DATABASE sa_db SET search_path = public, pg_catalog;
ALTER ROLE ALL IN DATABASE sa_db SET "Search_Path" = public;
ALTER ROLE ALL IN DATABASE sa_db SET SCHEMA 'public';
ALTER ROLE ALL IN DATABASE sa_db SET "Row_Security" = off;
ALTER USER ALL IN DATABASE sa_db SET "ROLE" = sa_dbo;
ALTER ROLE ALL IN DATABASE sa_db SET session_authorization = sa_dbo;
ALTER ROLE ALL IN DATABASE sa_db SET "SEARCH_PATH" TO DEFAULT;
ALTER ROLE ALL IN DATABASE sa_db RESET search_path;
ALTER ROLE ALL SET search_path = public;
ALTER USER ALL SET "Role" = sa_dbo;
SELECT count(*) AS stored_for_every_role FROM pg_db_role_setting
WHERE setrole = 0 AND setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = 'sa_db'));
-- Settings that only change how its own sessions behave stay the owner's.
ALTER DATABASE sa_db SET work_mem = '8MB';
ALTER DATABASE sa_db RESET work_mem;
ALTER ROLE ALL IN DATABASE sa_db SET work_mem = '8MB';
ALTER ROLE ALL IN DATABASE sa_db RESET ALL;
-- Nor through a role's settings in the database, for listguard's roles.
ALTER ROLE listguard_admin IN DATABASE sa_db SET "Search_Path" = public;
ALTER ROLE listguard_standby SET "ROLE" = sa_dbo;
\set VERBOSITY default
RESET ROLE;

-- A setting the owner may make for its database changes how SQL reads
-- string literals (standard_conforming_strings = off turns '\m' into 'm').
-- listguard's check of the code around a table reads function bodies with
-- such patterns; it runs under the built-in defaults whatever the session
-- says, so an administrator's trigger function that calls the owner's
-- function is still found.
SET ROLE sa_dbo;
CREATE FUNCTION public.sa_helper() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER DATABASE sa_db SET standard_conforming_strings = off;
RESET ROLE;
CREATE SCHEMA sa_trusted;
CREATE FUNCTION sa_trusted.sa_stamp() RETURNS trigger LANGUAGE plpgsql SET search_path = public AS
    $$ BEGIN PERFORM sa_helper(); RETURN NEW; END $$;
CREATE TABLE sa_checked (id int, account_id bigint, email listguard.email);
CREATE TRIGGER sa_checked_stamp BEFORE INSERT ON sa_checked FOR EACH ROW EXECUTE FUNCTION sa_trusted.sa_stamp();
\c sa_db
SHOW standard_conforming_strings;
SELECT listguard.protect('sa_checked', 'account_id');
RESET standard_conforming_strings;

-- PL/pgSQL's settings made before PL/pgSQL is loaded in a session are
-- placeholders, which PL/pgSQL takes up as it loads: in the middle of the
-- first listguard call, after its settings were pinned. Elevated calls load
-- it first and pin its settings like any other; the session keeps its own.
\c sa_db
SELECT count(*) AS plpgsql_settings FROM pg_settings WHERE name LIKE 'plpgsql.%';
SET plpgsql.variable_conflict = use_column;
SET plpgsql.extra_errors = 'all';
SET plpgsql.extra_warnings = 'all';
SELECT count(*) >= 0 AS admin_call FROM listguard.explain_access('sa_dbo');
SELECT listguard.grant_access('sa_plain', 1) IS NOT NULL AS granted;
SELECT count(listguard.revoke_access(id)::text) AS revoked FROM listguard.grants WHERE grantee = 'sa_plain'::regrole;
SELECT name, setting FROM pg_settings WHERE name IN ('plpgsql.variable_conflict', 'plpgsql.extra_errors') ORDER BY name;
\c sa_db

-- Pinning leaves the transaction's own state alone (it cannot change once
-- a query ran, and a standby's is read-only): an administrator's call in a
-- read-only, serializable, deferrable transaction works.
BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE;
SELECT count(*) >= 0 AS read_only_call FROM listguard.explain_access('sa_dbo');
SELECT ok FROM listguard.verify_audit();
COMMIT;

-- Settings made where listguard could not refuse them (before it was
-- loaded, or by a superuser), including whom a session starts as: the audit
-- writer of the database takes the server's configuration only, so its
-- events still reach the audit log.
ALTER DATABASE sa_db SET session_authorization = sa_plain;
ALTER DATABASE sa_db SET role = sa_plain;
ALTER DATABASE sa_db SET default_transaction_read_only = on;
ALTER DATABASE sa_db SET "Search_Path" = public;
ALTER DATABASE sa_db SET statement_timeout = 1;
ALTER DATABASE sa_db SET transform_null_equals = on;
-- The owner cannot take them away either, RESET ALL included (a setting an
-- administrator chose, such as a search_path without public, protects).
SET ROLE sa_dbo;
\set VERBOSITY terse
ALTER DATABASE sa_db RESET ALL;
ALTER ROLE ALL IN DATABASE sa_db RESET ALL;
ALTER DATABASE sa_db RESET "search_path";
\set VERBOSITY default
RESET ROLE;
SELECT count(pg_terminate_backend(pid)) >= 0 AS writer_stopped FROM pg_stat_activity
WHERE backend_type = 'listguard audit writer' AND datname = 'sa_db';
-- This session keeps its own identity (the client's options come first).
SELECT format('dbname=sa_db options=''-c session_authorization=%s -c role=none -c default_transaction_read_only=off '
              '-c statement_timeout=0 -c transform_null_equals=off''', current_user) AS own_settings \gset
\c :own_settings
SELECT session_user = current_user AS same_user;
SELECT listguard.protect('sa_subs', 'account_id');
DO $$
BEGIN
    FOR i IN 1..200 LOOP
        EXIT WHEN listguard.audit_pending() = 0;
        PERFORM pg_sleep(0.05);
    END LOOP;
END $$;
SELECT listguard.audit_pending() AS pending;
SELECT count(*) AS protect_events FROM listguard.audit_log WHERE kind = 'protect';
SELECT count(*) AS gaps FROM listguard.audit_log WHERE kind = 'audit_gap';
SELECT ok FROM listguard.verify_audit();

-- A CREATEROLE role stores the settings of roles before an administrator
-- gives them anything (nothing guards a role without listguard power then):
-- a search_path that starts with a schema of its own runs its functions in
-- every session of the role. grant_access() refuses such a role, and a group
-- whose member holds one, whoever asks (who stored a setting is not
-- recorded); so does granting membership in a role that carries listguard
-- power. Once an administrator removed the setting, the grant is made, and
-- from then on only administrators change the role's settings.
\c "dbname=contrib_regression options=''"
CREATE ROLE sa_dbo2 LOGIN CREATEROLE;
SET ROLE sa_dbo2;
CREATE ROLE sa_newbie LOGIN;
ALTER ROLE sa_newbie SET search_path = sa_crs, pg_catalog;
CREATE ROLE sa_newbie2 LOGIN;
ALTER USER sa_newbie2 IN DATABASE contrib_regression SET "Row_Security" = off;
CREATE ROLE sa_team;
CREATE ROLE sa_member LOGIN;
ALTER ROLE sa_member IN DATABASE contrib_regression SET "Search_Path" = sa_crs;
RESET ROLE;
GRANT sa_team TO sa_member;
\set SHOW_CONTEXT never
SELECT listguard.grant_access('sa_newbie', 1, reveal => 'clear');
SELECT listguard.grant_access('sa_newbie2', 1, reveal => 'masked');
SELECT listguard.grant_access('sa_team', 1, reveal => 'clear');
SET ROLE sa_newbie;
SELECT listguard.request_access(1, reveal => 'clear', duration => '1 hour', reason => 'ticket 1');
RESET ROLE;
GRANT listguard_approver TO sa_newbie;
\set SHOW_CONTEXT errors
SELECT count(*) AS grants_made FROM listguard.grants WHERE grantee::text LIKE 'sa\_%';
-- The refusals are recorded.
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT detail->>'holder' AS holder, detail->>'setting' AS setting, detail->>'database' AS database
FROM listguard.audit_log WHERE kind = 'denied' AND detail->>'reason' = 'role setting' ORDER BY id;
-- An administrator removes them; the grant is made.
ALTER ROLE sa_newbie RESET search_path;
ALTER ROLE sa_member IN DATABASE contrib_regression RESET ALL;
SELECT listguard.grant_access('sa_newbie', 1, reveal => 'clear') IS NOT NULL AS granted;
SELECT listguard.grant_access('sa_team', 1, reveal => 'clear') IS NOT NULL AS granted;
-- The CREATEROLE role can no longer store them; an administrator can, and
-- a later grant to the role is made (its settings are the administrators').
SET ROLE sa_dbo2;
ALTER ROLE sa_newbie SET search_path = sa_crs, pg_catalog;
ALTER ROLE sa_member SET search_path = sa_crs, pg_catalog;
RESET ROLE;
ALTER ROLE sa_newbie SET search_path = public, pg_catalog;
SELECT listguard.grant_access('sa_newbie', 2, reveal => 'masked') IS NOT NULL AS granted;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee::text LIKE 'sa\_%';
ALTER ROLE sa_newbie RESET ALL;
ALTER ROLE sa_newbie2 RESET ALL;
DROP DATABASE sa_db;
DROP ROLE sa_dbo, sa_dbo2, sa_plain, sa_newbie, sa_newbie2, sa_team, sa_member;

-- application_name makes a session a dump (whose masked reads fail) only
-- when the session chose it: the client's startup packet or a SET. A
-- default the database owner stores for everyone is ignored, so a client
-- that names no application (libpq, psycopg by default) still reads masks.
CREATE ROLE sa_app_reader;
CREATE TABLE sa_app_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                          email listguard.email);
SELECT listguard.protect('sa_app_subs', 'account_id', 'list_id');
INSERT INTO sa_app_subs VALUES (1, 7, 1, 'reader.test@example.com');
GRANT SELECT ON sa_app_subs TO sa_app_reader;
SELECT listguard.grant_access('sa_app_reader', 7, reveal => 'masked') IS NOT NULL AS granted;
ALTER DATABASE contrib_regression SET application_name = 'pg_dump';
\! env -u PGAPPNAME /usr/bin/python3 -c "import psycopg; c = psycopg.connect('dbname=contrib_regression', autocommit=True); print(c.execute('SELECT source FROM pg_settings WHERE name = %s', ['application_name']).fetchone()[0], c.execute('SET ROLE sa_app_reader').statusmessage, c.execute('SELECT email::text FROM sa_app_subs').fetchone()[0])"
-- The client saying it is pg_dump still makes a dump session.
\! /usr/bin/python3 -c "import psycopg; c = psycopg.connect('dbname=contrib_regression application_name=pg_dump', autocommit=True); c.execute('SET ROLE sa_app_reader'); c.execute('SELECT email::text FROM sa_app_subs')" 2>&1 | grep -o 'cannot dump listguard.email values'
ALTER DATABASE contrib_regression RESET application_name;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'sa_app_reader'::regrole;
SELECT listguard.unprotect('sa_app_subs');
DROP TABLE sa_app_subs;
DROP ROLE sa_app_reader;
