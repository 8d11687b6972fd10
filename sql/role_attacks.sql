-- A role with CREATEROLE, which in PostgreSQL 15 may grant itself any
-- non-superuser role, tries to get listguard power: membership in
-- listguard's roles or in a role with a clear grant, a new role placed in
-- them, the password or settings of such a role, PostgreSQL's roles that
-- reach around listguard. Roles are shared by every database, so it also
-- tries from a database without listguard. Every attempt fails and is
-- recorded; an admin may do the same, recorded too.
CREATE ROLE ra_creator CREATEROLE;   -- a help-desk role that manages logins
CREATE ROLE ra_exporter;             -- has a clear grant
CREATE ROLE ra_team IN ROLE ra_exporter;  -- gets it through membership
SELECT listguard.grant_access('ra_exporter', 1, reveal => 'clear') AS g_exporter \gset

SET ROLE ra_creator;
GRANT listguard_admin TO ra_creator;
GRANT listguard_owner TO ra_creator;
GRANT listguard_approver TO ra_creator;
GRANT ra_exporter TO ra_creator;
GRANT ra_team TO ra_creator;
GRANT pg_write_all_data TO ra_creator;
GRANT pg_read_server_files TO ra_creator;
GRANT pg_execute_server_program TO ra_creator;
CREATE ROLE ra_sneak IN ROLE listguard_admin;
CREATE ROLE ra_sneak2 IN ROLE ra_exporter;
ALTER GROUP listguard_admin ADD USER ra_creator;
ALTER ROLE ra_exporter PASSWORD 'taken-over';
ALTER ROLE ra_exporter LOGIN;
ALTER ROLE ra_exporter SET search_path = public, pg_catalog;
ALTER ROLE ra_team RENAME TO ra_renamed;
DROP ROLE ra_team;
REVOKE listguard_owner FROM listguard_admin;
CREATE ROLE listguard_helpdesk;
ALTER ROLE ra_creator RENAME TO listguard_admin2;
SECURITY LABEL FOR listguard ON ROLE ra_exporter IS NULL;
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = public, pg_catalog', current_database()); END $$;
-- Roles that carry no listguard power are its to manage, as before.
CREATE ROLE ra_newhire;
GRANT ra_newhire TO ra_creator;
ALTER ROLE ra_newhire PASSWORD 'welcome';
DROP ROLE ra_newhire;
RESET ROLE;
SELECT pg_has_role('ra_creator', 'listguard_admin', 'MEMBER') AS creator_is_admin,
       pg_has_role('ra_creator', 'ra_exporter', 'MEMBER') AS creator_is_exporter,
       (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'ra_exporter') AS exporter_can_log_in;

-- The same from a database where listguard is not installed.
CREATE DATABASE ra_elsewhere;
\c ra_elsewhere
SET ROLE ra_creator;
GRANT ra_exporter TO ra_creator;
GRANT listguard_admin TO ra_creator;
CREATE ROLE ra_sneak3 IN ROLE ra_team;
RESET ROLE;
\c contrib_regression
DROP DATABASE ra_elsewhere;
SELECT pg_has_role('ra_creator', 'ra_exporter', 'MEMBER') AS creator_is_exporter;

-- A membership planted before a grant exists: the CREATEROLE role puts
-- itself into a fresh role, then waits for an admin to grant that role
-- clear access. grant_access() refuses: it would hand the grant to a member
-- no administrator let in.
SET ROLE ra_creator;
CREATE ROLE ra_newhire;
GRANT ra_newhire TO ra_creator;
RESET ROLE;
SELECT lgtest.try($$SELECT listguard.grant_access('ra_newhire', 1, reveal => 'clear')$$);
-- An admin who lets the member in again (as itself) may then grant.
REVOKE ra_newhire FROM ra_creator;
GRANT ra_newhire TO ra_creator;
SELECT listguard.grant_access('ra_newhire', 1, reveal => 'masked') AS g_newhire \gset
SELECT listguard.revoke_access(:g_newhire);
REVOKE ra_newhire FROM ra_creator;

-- Dropping a database where listguard keeps an audit trail (its owner may
-- otherwise drop it) erases the trail: for admins only.
CREATE ROLE ra_dbowner CREATEDB;
CREATE DATABASE ra_trail OWNER ra_dbowner;
\c ra_trail
CREATE EXTENSION listguard;
SELECT listguard.grant_access('ra_exporter', 1) AS g_trail \gset
SELECT pg_sleep(2.5);  -- the writer leaves the database when idle
\c contrib_regression
SET ROLE ra_dbowner;
DROP DATABASE ra_trail;
RESET ROLE;
SELECT count(*) AS trail_still_there FROM pg_database WHERE datname = 'ra_trail';
DROP DATABASE ra_trail;
DROP ROLE ra_dbowner;

-- A database owner who is not an admin, in its own database: it may not
-- turn row security off for everyone, take over lookups with an operator
-- of its own, or get a trusted extension's trigger (tcn sends row values
-- to listeners) past protect().
CREATE ROLE ra_dbo;
CREATE DATABASE ra_owned OWNER ra_dbo;
\c ra_owned
CREATE EXTENSION listguard;
CREATE TABLE public.contacts (id int PRIMARY KEY, account_id bigint NOT NULL, email listguard.email);
ALTER TABLE public.contacts OWNER TO ra_dbo;
SET ROLE ra_dbo;
\set VERBOSITY terse
ALTER DATABASE ra_owned SET row_security = off;
CREATE FUNCTION public.peek(listguard.email, text) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR public.= (LEFTARG = listguard.email, RIGHTARG = text, FUNCTION = public.peek);
CREATE FUNCTION public.peek_any(anyelement, text) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR public.= (LEFTARG = anyelement, RIGHTARG = text, FUNCTION = public.peek_any);
-- Written as a string, the type name is still seen.
SET search_path = public, listguard;
CREATE OPERATOR public.= (LEFTARG = 'email', RIGHTARG = text, FUNCTION = public.peek);
CREATE OPERATOR public.= (LEFTARG = 'anyelement', RIGHTARG = text, FUNCTION = public.peek_any);
RESET search_path;
-- Functions, aggregates and casts over the type would be chosen over
-- PostgreSQL's own for count(email), format('%s', email), ...
CREATE FUNCTION public.count(listguard.email) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
CREATE FUNCTION public.format(text, listguard.email) RETURNS text LANGUAGE sql AS 'SELECT $1';
CREATE FUNCTION public.keep(bigint, listguard.email[]) RETURNS bigint LANGUAGE sql AS 'SELECT $1';
CREATE AGGREGATE public.gather(listguard.email) (SFUNC = array_append, STYPE = listguard.email[]);
CREATE TYPE public.mine AS (v text);
CREATE FUNCTION public.to_mine(text) RETURNS public.mine LANGUAGE sql AS 'SELECT ROW($1)::public.mine';
CREATE CAST (listguard.email AS public.mine) WITH INOUT AS IMPLICIT;
CREATE EXTENSION tcn;
CREATE TRIGGER contacts_tcn AFTER INSERT ON public.contacts FOR EACH ROW EXECUTE FUNCTION triggered_change_notification();
\set VERBOSITY default
RESET ROLE;
SELECT listguard.protect('public.contacts', 'account_id');
\c contrib_regression
DROP DATABASE ra_owned;
DROP ROLE ra_dbo;

-- A role with a grant may still change its own password.
SET ROLE ra_exporter;
ALTER ROLE ra_exporter PASSWORD 'my-own';
RESET ROLE;

-- Every attempt is recorded (those made elsewhere, in that database's
-- server log).
SELECT lgtest.audit_settle() AS settled;
SELECT detail ->> 'action' AS refused, detail ->> 'role' AS role
FROM listguard.audit_log WHERE kind = 'denied' AND current_user_name = 'ra_creator' ORDER BY id;

-- An admin may grant the same, and is recorded.
GRANT ra_exporter TO ra_creator;
REVOKE ra_exporter FROM ra_creator;
SELECT lgtest.audit_settle() AS settled;
SELECT kind, detail FROM listguard.audit_log WHERE kind = 'role_changed' ORDER BY id DESC LIMIT 2;

-- Even with pg_write_all_data (which only an admin can hand out), a role
-- cannot write listguard's tables around its functions.
GRANT pg_write_all_data TO ra_creator;
SET ROLE ra_creator;
INSERT INTO listguard.grants (grantee, account, reveal, granted_by) VALUES ('ra_creator', NULL, 'clear', 'ra_creator');
DELETE FROM listguard.protected_tables;
INSERT INTO listguard.audit_log (id, logged_at, kind, session_user_name, current_user_name, backend_pid, detail,
                                 prev_link, link)
VALUES (1000000, now(), 'forged', 'ra_creator', 'ra_creator', 0, '{}', '\x00', '\x00');
RESET ROLE;
REVOKE pg_write_all_data FROM ra_creator;

-- listguard's trigger functions are not for anyone else's tables.
SET ROLE ra_creator;
CREATE TEMP TABLE ra_fake (id bigint, kind text);
CREATE TRIGGER forge BEFORE INSERT ON ra_fake FOR EACH ROW EXECUTE FUNCTION listguard.audit_log_modified();
CREATE TRIGGER stamp BEFORE INSERT ON ra_fake FOR EACH ROW EXECUTE FUNCTION listguard.stamp_trigger();
CREATE TRIGGER audit AFTER INSERT ON ra_fake FOR EACH STATEMENT EXECUTE FUNCTION listguard.audit_statement_trigger();
CREATE TRIGGER changed AFTER INSERT ON ra_fake FOR EACH STATEMENT EXECUTE FUNCTION listguard.grants_changed();
RESET ROLE;
-- Not even when a superuser attaches them: they check where they run.
CREATE TABLE ra_plain (id bigint, account_id bigint, email listguard.email);
CREATE TRIGGER stamp BEFORE INSERT ON ra_plain FOR EACH ROW EXECUTE FUNCTION listguard.stamp_trigger();
INSERT INTO ra_plain VALUES (1, 1, 'x@example.com');
DROP TRIGGER stamp ON ra_plain;
CREATE TRIGGER forge BEFORE INSERT ON ra_plain FOR EACH ROW EXECUTE FUNCTION listguard.audit_log_modified();
INSERT INTO ra_plain VALUES (1, 1, 'x@example.com');
DROP TABLE ra_plain;

-- CREATE EXTENSION does not adopt a listguard role it did not create: its
-- members would become listguard roles without anyone saying so.
SECURITY LABEL FOR listguard ON ROLE listguard_approver IS NULL;
CREATE DATABASE ra_fresh;
\c ra_fresh
CREATE EXTENSION listguard;
SET listguard.adopt_existing_roles = on;
CREATE EXTENSION listguard;
SELECT label FROM pg_shseclabel WHERE objoid = 'listguard_approver'::regrole AND provider = 'listguard';
\c contrib_regression
DROP DATABASE ra_fresh;

SELECT listguard.revoke_access(:g_exporter);
DROP ROLE ra_team, ra_exporter, ra_creator, ra_newhire;
