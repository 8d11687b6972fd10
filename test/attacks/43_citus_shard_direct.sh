#!/usr/bin/env bash
# 43 — Citus: reading shards directly on a worker.
#
# Tries: the shard's name (shard_name(), pg_dist_shard) and, on the worker
# that holds it: SELECT and COPY (text, binary) of the shard as a masked
# role, a role without grant and the table's former owner; as a clear
# reader, COPY of the shard (recorded? with the worker's origin?);
# pg_dump -t <shard> of a worker as non-superusers (with
# citus.override_table_visibility off, with and without
# --enable-row-security).
# Secure outcome: masks / no rows / refusal; a clear COPY on the worker is
# in the coordinator's audit log with the worker's name as origin.
# Result: held (counts printed). pg_dump of a shard fails on LOCK (Citus).
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
bad=0
for r in viewer outsider owner1; do
    sel=$(at "$node" -U "$r" -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%'), count(*) FROM $shard" 2>&1 | head -1)
    cp=$(at "$node" -U "$r" -c "COPY $shard TO STDOUT" 2>&1 | grep -c 'member[0-9]*@')
    bin=$(at "$node" -U "$r" -c "COPY $shard TO STDOUT (FORMAT binary)" 2>&1 | strings | grep -c 'member[0-9]*@')
    echo "$r on $node: SELECT clear|rows = $sel; COPY text clear: $cp; COPY binary clear: $bin"
    [ "$cp$bin" = 00 ] || bad=1
    case $sel in 0\|*|*denied*) ;; *) bad=1 ;; esac
done
before=$(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'clear_reveal' AND origin = '$node' AND detail->>'role' = 'reader'")
n=$(at "$node" -U reader -c "COPY $shard TO STDOUT" | grep -c 'member[0-9]*@')
sleep 3
after=$(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'clear_reveal' AND origin = '$node' AND detail->>'role' = 'reader'")
echo "reader COPY of the shard: $n clear; clear_reveal events from $node: $before -> $after"
[ "$after" -gt "$before" ] || bad=1
for r in viewer reader; do
    for flag in --enable-row-security ""; do
        out=$(PGOPTIONS="-c citus.override_table_visibility=off" "$PGBIN/pg_dump" -h "$PGHOST" -p "$(node_port "$node")" -U "$r" -d esp -t "$shard" $flag 2>&1)
        echo "pg_dump -t $shard $flag as $r: clear $(printf '%s' "$out" | grep -c 'member[0-9]*@'); $(printf '%s' "$out" | grep -m1 -i error)"
        [ "$(printf '%s' "$out" | grep -c 'member[0-9]*@')" = 0 ] || { [ "$r" = reader ] || bad=1; }
    done
done
[ $bad = 0 ] && echo "RESULT: held" || echo "RESULT: FINDING"
