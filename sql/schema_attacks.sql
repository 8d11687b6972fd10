-- The schema called listguard belongs to the extension. A database owner
-- (no superuser) attacks it where the extension is not created yet: makes
-- the schema, or renames one to it, plants look-alike objects in it (an
-- enum called email, tables called protected_tables and grants), and waits
-- for an administrator's CREATE EXTENSION to install into it. Nothing
-- crashes, nothing is installed into a schema someone else controls, and
-- the schema cannot be renamed, re-owned, granted on or dropped by anyone
-- but a superuser.
CREATE ROLE sa_dbo;
CREATE ROLE listguard;                      -- a role whose name is the schema's
GRANT listguard TO sa_dbo;
CREATE DATABASE lg_schema_attacks OWNER sa_dbo;
\c lg_schema_attacks
SET client_min_messages = warning;
SET ROLE sa_dbo;
-- Making the schema, under every spelling of the statement.
CREATE SCHEMA listguard;
CREATE SCHEMA IF NOT EXISTS listguard;
CREATE SCHEMA AUTHORIZATION listguard;
CREATE SCHEMA elsewhere;
ALTER SCHEMA elsewhere RENAME TO listguard;
RESET ROLE;
-- A schema made before listguard was loaded, owned by the database owner:
-- look-alike objects in it are not taken for listguard's.
CREATE SCHEMA listguard AUTHORIZATION sa_dbo;
SET ROLE sa_dbo;
CREATE TYPE listguard.email AS ENUM ('a', 'b');
CREATE TABLE listguard.protected_tables (relid int, account_column int, list_column int);
CREATE TABLE listguard.grants (id int);
CREATE TABLE listguard.audit_log (id int);
CREATE TABLE public.t (id int, e listguard.email);
INSERT INTO public.t VALUES (1, 'a');
PREPARE p(listguard.email) AS SELECT $1;
EXECUTE p('a');
UPDATE public.t SET e = 'b' WHERE id = 1;
ALTER TABLE public.t ADD COLUMN note text;
SELECT id, e FROM public.t;
-- Nor can its owner rename it, give it away or drop it.
ALTER SCHEMA listguard RENAME TO mine;
ALTER SCHEMA listguard OWNER TO sa_dbo;
GRANT CREATE ON SCHEMA listguard TO PUBLIC;
DROP SCHEMA listguard CASCADE;
RESET ROLE;
SELECT 1 AS "the server is up";
-- CREATE EXTENSION does not install into it: not while a non-superuser
-- owns it, nor while it holds anything, nor while others may create in it.
CREATE EXTENSION listguard;
ALTER SCHEMA listguard OWNER TO CURRENT_USER;
CREATE EXTENSION listguard;
DROP TABLE public.t;
DROP TYPE listguard.email;
DROP TABLE listguard.protected_tables, listguard.grants, listguard.audit_log;
GRANT CREATE ON SCHEMA listguard TO sa_dbo;
CREATE EXTENSION listguard;
REVOKE CREATE ON SCHEMA listguard FROM sa_dbo;
-- An empty schema of a superuser's (what a restore makes first) takes it.
CREATE EXTENSION listguard;
SELECT extname, extnamespace::regnamespace FROM pg_extension WHERE extname = 'listguard';
-- Once installed, CREATE EXTENSION IF NOT EXISTS is PostgreSQL's to skip
-- (every ORM's migration runs it), and CREATE EXTENSION PostgreSQL's to refuse.
CREATE EXTENSION IF NOT EXISTS listguard;
CREATE EXTENSION listguard;
-- Installed, the schema stays the superuser's.
SET ROLE sa_dbo;
ALTER SCHEMA listguard RENAME TO mine;
DROP SCHEMA listguard CASCADE;
GRANT USAGE ON SCHEMA listguard TO sa_dbo;
CREATE SCHEMA x;
ALTER SCHEMA x RENAME TO listguard;
RESET ROLE;
\c contrib_regression
DROP DATABASE lg_schema_attacks;
DROP ROLE sa_dbo, listguard;
