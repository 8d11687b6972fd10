-- A schema named after a role comes first on that role's search_path
-- ("$user"): its functions and operators would be found before public's
-- and, for unqualified calls whose argument types they match better, before
-- pg_catalog's. A database owner (no superuser) names schemas after a
-- superuser and after listguard's roles, under every spelling of the
-- statement: refused. Names PostgreSQL would not resolve to those roles
-- (another case, the owner's own name) are not. Superusers may.
-- A function named like one of Citus's is refused only where the citus
-- extension is installed (test/cluster/citus.t): here it is not.
CREATE ROLE sn_super SUPERUSER;
CREATE ROLE sn_dbo;
CREATE DATABASE lg_shadow_names OWNER sn_dbo;
\c lg_shadow_names
SET client_min_messages = warning;
SET ROLE sn_dbo;
CREATE SCHEMA sn_super;
CREATE SCHEMA IF NOT EXISTS sn_super;
CREATE SCHEMA AUTHORIZATION sn_super;
CREATE SCHEMA listguard_owner;
CREATE SCHEMA "listguard_admin";
CREATE SCHEMA listguard_approver CREATE TABLE t (id int);
CREATE SCHEMA listguard_monitor;
CREATE SCHEMA listguard_backup;
CREATE SCHEMA listguard_standby;
CREATE SCHEMA elsewhere;
ALTER SCHEMA elsewhere RENAME TO listguard_owner;
ALTER SCHEMA elsewhere RENAME TO sn_super;
-- Not those roles' names as PostgreSQL resolves "$user".
CREATE SCHEMA "SN_SUPER";
CREATE SCHEMA "listguard_owner ";
CREATE SCHEMA AUTHORIZATION sn_dbo;
ALTER SCHEMA elsewhere RENAME TO listguard_owners;
SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('public', 'information_schema')
 ORDER BY 1;
-- Without Citus, Citus's function names are anyone's.
CREATE FUNCTION sn_dbo.worker_apply_shard_ddl_command(int, text) RETURNS void LANGUAGE sql AS '';
RESET ROLE;
-- A superuser may.
CREATE SCHEMA listguard_owner;
ALTER SCHEMA listguard_owner RENAME TO sn_super;
DROP SCHEMA sn_super;
\c contrib_regression
DROP DATABASE lg_shadow_names;
DROP ROLE sn_dbo;
DROP ROLE sn_super;
