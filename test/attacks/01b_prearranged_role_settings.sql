-- Class 1: a CREATEROLE role pre-arranges the settings of a role that an
-- administrator later grants clear access to (ALTER ROLE ... SET search_path,
-- or ... IN DATABASE ... SET). grant_access() refuses a grantee whose
-- memberships a non-admin arranged (_untrusted_members), but does not look
-- at pg_db_role_setting; afterwards the role guard refuses changes, but the
-- pre-arranged ones stay. The grantee's every session then resolves names
-- in the CREATEROLE role's schema first: its lower() copies the list out.
-- Needs the fixture of setup.sql and, as superuser first:
--   CREATE SCHEMA IF NOT EXISTS crs AUTHORIZATION a_crole;
\c atk a_crole
CREATE ROLE newbie LOGIN;
ALTER ROLE newbie SET search_path = crs, pg_catalog;
CREATE TABLE crs.loot (e text);
GRANT INSERT ON crs.loot TO newbie;
GRANT USAGE ON SCHEMA crs TO newbie;
CREATE FUNCTION crs.lower(text) RETURNS text LANGUAGE sql SECURITY INVOKER AS $f$
  INSERT INTO crs.loot SELECT email::text FROM public.subs; SELECT pg_catalog.lower($1) $f$;
\c atk postgres
GRANT SELECT ON subs TO newbie;
SELECT listguard.grant_access('newbie', 1, 11, reveal => 'clear', quota => '1000/day') IS NOT NULL AS granted;
\c atk newbie
SELECT lower('Routine Report') AS work;
\c atk a_crole
SELECT count(*) AS stolen, min(e) FROM crs.loot;
-- cleanup
\c atk postgres
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'newbie'::regrole;
DROP SCHEMA crs CASCADE;
REVOKE SELECT ON subs FROM newbie;
DROP ROLE newbie;
