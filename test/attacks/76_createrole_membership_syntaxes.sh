#!/usr/bin/env bash
# 76 (attack7): a CREATEROLE role (a_crole) joins an application, or a role
# with clear grants, through every membership syntax PostgreSQL 15 has, or
# takes the application's login over.
# Targets: webapp2 (an application without require_principal: clear on both
# accounts for nobody), lg_clear7 (a plain role with clear on account 1),
# listguard_admin.
# Tries: GRANT r TO a_crole; ALTER GROUP r ADD USER a_crole; CREATE ROLE x
# IN ROLE r / IN GROUP r; CREATE ROLE r2 ROLE a_crole (no: new role), ALTER
# ROLE r PASSWORD / VALID UNTIL / RENAME (take the login over), ALTER ROLE r
# SET listguard.missing_principal / search_path (settings its sessions
# inherit); then reads as each role that got in.
# Secure outcome: each refused (as GRANT is since 0.1), nothing read in clear.
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
sq >/dev/null 2>&1 <<'SQL'
CREATE ROLE lg_clear7 LOGIN;
GRANT SELECT ON subscribers TO lg_clear7;
SELECT listguard.grant_access('lg_clear7', 1, reveal => 'clear');
SQL
ok=""
try() { # label, sql
    local r; r=$(U=a_crole sq -c "$2" 2>&1)
    if [ -z "$r" ] || ! echo "$r" | grep -q ERROR; then echo "ACCEPTED: $1"; ok="$ok $1"; else echo "refused: $1: $(echo "$r" | head -1 | cut -c1-110)"; fi
}
for r in webapp2 lg_clear7 listguard_admin; do
    try "GRANT $r TO a_crole" "GRANT $r TO a_crole"
    try "ALTER GROUP $r ADD USER a_crole" "ALTER GROUP $r ADD USER a_crole"
    try "CREATE ROLE x7_$r IN ROLE $r" "CREATE ROLE x7_$r LOGIN IN ROLE $r"
    try "CREATE ROLE y7_$r IN GROUP $r" "CREATE ROLE y7_$r LOGIN IN GROUP $r"
    try "ALTER ROLE $r PASSWORD" "ALTER ROLE $r PASSWORD 'taken-over'"
    try "ALTER ROLE $r VALID UNTIL" "ALTER ROLE $r VALID UNTIL 'infinity'"
    try "ALTER ROLE $r SET search_path" "ALTER ROLE $r SET search_path = public"
done
try "ALTER ROLE webapp PASSWORD" "ALTER ROLE webapp PASSWORD 'taken-over'"
try "ALTER ROLE webapp NOINHERIT" "ALTER ROLE webapp NOINHERIT"
try "ALTER ROLE webapp SET listguard.missing_principal" "ALTER ROLE webapp SET listguard.missing_principal = 'mask'"
echo "-- reads by roles that got in"
for u in a_crole x7_webapp2 y7_webapp2 x7_lg_clear7 y7_lg_clear7; do
    U=$u sq -c "SELECT '$u', email::text FROM subscribers WHERE id IN (1, 51)" 2>/dev/null
done | tee /tmp/atk7/76.out
sq >/dev/null 2>&1 <<'SQL'
REVOKE webapp2 FROM a_crole; REVOKE lg_clear7 FROM a_crole; REVOKE listguard_admin FROM a_crole;
ALTER ROLE webapp2 RESET ALL; ALTER ROLE lg_clear7 RESET ALL; ALTER ROLE webapp RESET ALL; ALTER ROLE webapp INHERIT;
DROP ROLE IF EXISTS x7_webapp2; DROP ROLE IF EXISTS y7_webapp2; DROP ROLE IF EXISTS x7_lg_clear7; DROP ROLE IF EXISTS y7_lg_clear7;
DROP ROLE IF EXISTS x7_listguard_admin; DROP ROLE IF EXISTS y7_listguard_admin;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'lg_clear7'::regrole;
REVOKE SELECT ON subscribers FROM lg_clear7; DROP ROLE lg_clear7;
SQL
if grep -qE '\|(reader|member)[0-9]+@' /tmp/atk7/76.out || echo "$ok" | grep -qE 'PASSWORD|ADD USER|IN ROLE|IN GROUP|GRANT'; then
    echo "FINDING: accepted:$ok"; else echo "held"; fi
