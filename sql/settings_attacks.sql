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
-- Settings that only change how its own sessions behave stay the owner's.
ALTER DATABASE sa_db SET work_mem = '8MB';
ALTER DATABASE sa_db RESET work_mem;
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
\c "dbname=contrib_regression options=''"
DROP DATABASE sa_db;
DROP ROLE sa_dbo, sa_plain;
