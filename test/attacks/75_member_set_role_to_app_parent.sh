#!/usr/bin/env bash
# 75 (attack7): siblings of 66 (members of a require_principal application).
# Setup (administrator): role lg_readers with clear on both accounts; the
# application belongs to it (GRANT lg_readers TO webapp: a shared "readers"
# group the app was put in); a jobs login is a member of webapp
# (GRANT webapp TO jobs7), as in 66.
# Tries, with no principal:
#  (a) webapp: SET ROLE lg_readers;  (b) webapp: a SECURITY DEFINER function
#      owned by lg_readers;  (c) jobs7 reads directly (66's regression);
#  (d) jobs7: SET ROLE lg_readers (it is a member through webapp);
#  (e) jobs7: the SECURITY DEFINER function of lg_readers;
#  (f) jobs7: SET ROLE webapp.
# Secure outcome: masks everywhere (each reaches lg_readers' grants only
# through the application).
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
sq >/dev/null 2>&1 <<'SQL'
CREATE ROLE lg_readers NOLOGIN;
CREATE ROLE jobs7 LOGIN;
GRANT SELECT ON subscribers TO lg_readers;
SELECT listguard.grant_access('lg_readers', 1, reveal => 'clear');
SELECT listguard.grant_access('lg_readers', 2, reveal => 'clear');
GRANT lg_readers TO webapp;
GRANT webapp TO jobs7;
CREATE SCHEMA IF NOT EXISTS r7 AUTHORIZATION lg_readers;
GRANT USAGE ON SCHEMA r7 TO PUBLIC;
SET ROLE lg_readers;
CREATE OR REPLACE FUNCTION r7.peek(bigint) RETURNS text LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog AS 'SELECT email::text FROM public.subscribers WHERE id = $1';
RESET ROLE;
SQL
res=$(
U=webapp sq -c "SET ROLE lg_readers" -c "SELECT 'a webapp SET ROLE lg_readers', email::text FROM subscribers WHERE id = 1"
U=webapp sq -c "SELECT 'b webapp definer fn', r7.peek(2)"
U=jobs7 sq -c "SELECT 'c jobs7 direct', email::text FROM subscribers WHERE id = 3"
U=jobs7 sq -c "SET ROLE lg_readers" -c "SELECT 'd jobs7 SET ROLE lg_readers', email::text FROM subscribers WHERE id IN (4, 54)"
U=jobs7 sq -c "SELECT 'e jobs7 definer fn', r7.peek(5)"
U=jobs7 sq -c "SET ROLE webapp" -c "SELECT 'f jobs7 SET ROLE webapp', email::text FROM subscribers WHERE id = 6"
)
echo "$res" 2>&1
sq >/dev/null 2>&1 <<'SQL'
DROP SCHEMA r7 CASCADE;
REVOKE webapp FROM jobs7; REVOKE lg_readers FROM webapp;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'lg_readers'::regrole;
REVOKE SELECT ON subscribers FROM lg_readers;
DROP ROLE jobs7; DROP ROLE lg_readers;
SQL
clear=$(echo "$res" | grep -E '\|(reader|member)[0-9]+@' || true)
if [ -n "$clear" ]; then echo "FINDING: clear without a principal:"; echo "$clear" | cut -d'|' -f1 | sort -u; else echo "held"; fi
