#!/usr/bin/env bash
# 55 — Citus: a CREATEROLE role made locally on one worker (or on the
# coordinator) against listguard's roles, and the database owner of a worker.
#
# Tries: GRANT listguard_owner / listguard_admin / an admin / clear grantees
# to itself; CREATE ROLE … IN ROLE listguard_owner; ALTER ROLE of a clear
# grantee (password); a worker's database owner setting application_name and
# listguard.citus_proof for every session (ALTER DATABASE … SET) with a proof
# captured by viewer.
# Secure outcome: every change refused; sessions of the database stay clients.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
ok=0
at coordinator -c "DROP ROLE IF EXISTS crole8" -c "CREATE ROLE crole8 LOGIN CREATEROLE" >/dev/null 2>&1
at worker1 -c "SET citus.enable_ddl_propagation = off" -c "DROP ROLE IF EXISTS wcrole8" -c "CREATE ROLE wcrole8 LOGIN CREATEROLE" >/dev/null 2>&1
try() { # node role sql
    local out; out=$(at "$1" -U "$2" -c "$3" 2>&1 | head -1)
    echo "$1 $2: $3 -> ${out:-done}"
    case "$out" in *ERROR*|*FATAL*) ;; *) ok=$((ok + 1)) ;; esac
}
try coordinator crole8 "GRANT listguard_owner TO crole8"
for r in listguard_owner listguard_admin adm app reader; do try worker1 wcrole8 "GRANT $r TO wcrole8"; done
try worker1 wcrole8 "SET citus.enable_ddl_propagation = off; CREATE ROLE wsub8 LOGIN IN ROLE listguard_owner"
try worker1 wcrole8 "ALTER ROLE reader PASSWORD 'x'"
try worker1 wcrole8 "ALTER ROLE listguard_owner PASSWORD 'x'"
at worker1 -c "SET citus.enable_ddl_propagation = off" -c "DROP ROLE IF EXISTS wdbo8" -c "CREATE ROLE wdbo8 LOGIN" -c "ALTER DATABASE esp OWNER TO wdbo8" >/dev/null 2>&1
read -r p g < <(ATTACKER=viewer capture_proof)
try worker1 wdbo8 "ALTER DATABASE esp SET application_name = 'citus_internal gpid=$g'"
try worker1 wdbo8 "ALTER DATABASE esp SET listguard.citus_proof = '$p'"
echo "viewer on worker1 afterwards: $(at worker1 -U viewer -c "SELECT email FROM $(shard_of 10 | cut -d' ' -f1) LIMIT 1" 2>&1 | head -1)"
at worker1 -c "ALTER DATABASE esp OWNER TO postgres" -c "ALTER DATABASE esp RESET ALL" >/dev/null 2>&1
at worker1 -c "SET citus.enable_ddl_propagation = off" -c "DROP ROLE IF EXISTS wcrole8" -c "DROP ROLE IF EXISTS wdbo8" -c "DROP ROLE IF EXISTS wsub8" >/dev/null 2>&1
at coordinator -c "DROP ROLE IF EXISTS crole8" >/dev/null 2>&1
if [ "$ok" -gt 0 ]; then echo "RESULT: FINDING: $ok changes went through"; else echo "RESULT: held"; fi
