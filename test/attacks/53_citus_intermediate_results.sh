#!/usr/bin/env bash
# 53 — Citus: worker_partition_query_result() / read_intermediate_result()
# called by a client on a worker, to get values out of the shard uncharged.
#
# Tries: exp5 (clear on account 1, 5 a day) calls Citus's repartition UDF
# on a worker itself: the shard's rows go to Citus's own receiver, so they
# are written as transit tokens (no charge). Then reads the file back with
# read_intermediate_result() as text (tokens), as listguard.email cast to
# text (clear: must be charged), and feeds the tokens to the coordinator.
# viewer (masked) does the same: tokens must open as masks.
# Secure outcome: at most 5 clear addresses in all; viewer sees masks.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
at coordinator -c "SELECT 1 FROM pg_roles WHERE rolname = 'exp5'" | grep -q 1 || at coordinator -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE exp5 LOGIN" -c "GRANT USAGE ON SCHEMA listguard TO exp5" -c "GRANT SELECT, INSERT ON subs TO exp5" \
    -c "SELECT listguard.grant_access('exp5', 1, reveal => 'clear', quota => '5/day')" >/dev/null
part="SELECT count(*) FROM worker_partition_query_result('r1', 'SELECT email FROM $shard WHERE account_id = 1', 0, 'hash', '{-2147483648}'::text[], '{2147483647}'::text[], false)"
clear=0
for r in exp5 viewer; do
    out=$(at "$node" -U "$r" -c "BEGIN" -c "$part" \
        -c "SELECT e FROM read_intermediate_result('r1_0', 'text') AS (e text)" \
        -c "SELECT e::text FROM read_intermediate_result('r1_0', 'text') AS (e listguard.email)" 2>&1)
    echo "$r: $(echo "$out" | grep -c '^lgt1:') tokens; cast: $(echo "$out" | grep -c '^member') clear, $(echo "$out" | grep -c '\*\*\*') masked; $(echo "$out" | grep -m1 ERROR)"
    [ "$r" = exp5 ] && clear=$((clear + $(echo "$out" | grep -c '^member')))
    tok=$(echo "$out" | grep -m3 '^lgt1:' | tr '\n' ' ')
    for t in $tok; do
        v=$(at coordinator -U "$r" -c "SELECT '$t'::listguard.email::text" 2>&1 | head -1)
        echo "  token on the coordinator as $r: $v"
        case "$v" in member*) [ "$r" = exp5 ] && clear=$((clear + 1)) ;; esac
        case "$v" in member*) [ "$r" = viewer ] && clear=99 ;; esac
    done
done
echo "clear addresses exp5 got in all: $clear (quota 5 a day, fresh role only)"
if [ "$clear" -gt 5 ]; then echo "RESULT: FINDING: intermediate results bypass the quota or the mask"; else echo "RESULT: held"; fi
