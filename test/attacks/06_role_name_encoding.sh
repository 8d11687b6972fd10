#!/bin/bash
# Finding: a role name that is not valid in the database's encoding (role
# names are cluster-wide; one created from a LATIN1 or SQL_ASCII database of
# the same cluster keeps that database's bytes) is copied into audit events
# as is (src/pg/base/session_info.cpp role_name() -> copy_clipped(), which
# only clips at what pg_mbcliplen takes for a character boundary and never
# checks validity; src/pg/audit/record.cpp CStringGetTextDatum). The audit
# writer stores it, pg_dump writes it, and every restore of the audit log
# then fails (COPY ... invalid byte sequence for encoding "UTF8"): the whole
# history is lost from every later backup.
# Needs: the fixture of setup.sql; env: PGBIN PGHOST PGPORT (superuser postgres).
set -u
psql() { "$PGBIN/psql" -X -q "$@"; }
psql -d postgres -c "DROP DATABASE IF EXISTS latin" -c "CREATE DATABASE latin ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'"
# The CREATEROLE insider, from the LATIN1 database: 'r<0xE4>der'.
printf 'DROP ROLE IF EXISTS "r\xe4der";\nCREATE ROLE "r\xe4der" LOGIN;\nGRANT "r\xe4der" TO a_crole;\n' |
    PGCLIENTENCODING=LATIN1 psql -d latin -U a_crole
# In the UTF-8 database: become that role and do anything that is audited.
psql -d atk -U a_crole -c "SELECT set_config('role', (SELECT rolname::text FROM pg_roles WHERE rolname::text LIKE 'r%der' AND length(rolname::text) < 10), false)" \
     -c "SELECT listguard.grant_access('a_crole', 1)" 2>/dev/null
sleep 3
psql -d atk -Atc "SELECT 'stored bytes: ' || textsend(current_user_name) FROM listguard.audit_log WHERE kind = 'denied' ORDER BY id DESC LIMIT 1"
rm -f /tmp/atk_enc.dump
"$PGBIN/pg_dump" -Fc -d atk -f /tmp/atk_enc.dump
psql -d postgres -c "DROP DATABASE IF EXISTS atk_enc" -c "CREATE DATABASE atk_enc"
"$PGBIN/pg_restore" -d atk_enc /tmp/atk_enc.dump 2>&1 | grep -E "audit_log|UTF8" && echo "FINDING: the audit log did not restore"
psql -d atk_enc -Atc "SELECT ok, problem FROM listguard.verify_audit()"
