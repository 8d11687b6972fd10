#!/usr/bin/env bash
# 42 — Citus: a clear reader spreads reads over the nodes to exceed its quota.
#
# Tries: exporter (clear on account 1, quota 20/day, error when exceeded)
# reads at once: a multi-shard SELECT through the coordinator, the shell
# table queried on worker1, COPY out of each shard directly on the worker
# that holds it, run_command_on_shards() with a cast, router queries by
# (list_id, id) on worker2, and a session replaying a captured proof (40)
# doing COPY (SELECT email::text ...) and SELECT email::text on the shard.
# Secure outcome: at most the quota's remaining room of distinct clear
# addresses in total, across every path and node.
# Result: see the RESULT line (counts printed).
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
T=$ATK_DIR/q42; rm -rf $T; mkdir -p $T
used0=$(at coordinator -c "SELECT coalesce(sum(used), 0) FROM listguard.quota_usage WHERE role = 'exporter'::regrole")
room=$((20 - used0))
read -r proof gpid < <(capture_proof)
as_citus() { PGAPPNAME="citus_internal gpid=$gpid" PGOPTIONS="-c listguard.citus_proof=$proof" at "$@"; }
shards=$(at coordinator -c "SELECT shard_name('subs', s.shardid) || ' ' || CASE n.nodeport WHEN $(node_port worker1) THEN 'worker1' ELSE 'worker2' END
    FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid) JOIN pg_dist_node n USING (groupid) WHERE s.logicalrelid = 'subs'::regclass")
(at coordinator -U exporter -c "SELECT email FROM subs WHERE account_id = 1" >$T/coord 2>>$T/err) &
(at worker1 -U exporter -c "SELECT email::text FROM subs" >$T/w1shell 2>>$T/err) &
(echo "$shards" | while read -r s n; do at "$n" -U exporter -c "COPY $s TO STDOUT" 2>>$T/err; done >$T/copy) &
(at coordinator -U exporter -c "SELECT result FROM run_command_on_shards('subs', \$\$SELECT string_agg(email::text, ' ') FROM %s\$\$)" >$T/shards 2>>$T/err) &
(for i in $(seq 1 80); do echo "SELECT email FROM subs WHERE list_id = $((10 + i % 8)) AND id = $i;"; done | at worker2 -U exporter >$T/router 2>>$T/err) &
(echo "$shards" | while read -r s n; do as_citus "$n" -U exporter -c "COPY (SELECT email::text FROM $s) TO STDOUT" -c "SELECT email::text FROM $s" 2>>$T/err; done >$T/proven) &
wait
total=0
for f in coord w1shell copy shards router proven; do
    c=$(grep -o 'member[0-9]*@example.com' $T/$f | sort -u | wc -l); total=$((total + c)); echo "$f: $c distinct clear"
done
distinct=$(cat $T/coord $T/w1shell $T/copy $T/shards $T/router $T/proven | grep -o 'member[0-9]*@example.com' | sort -u | wc -l)
sleep 2
used1=$(at coordinator -c "SELECT coalesce(sum(used), 0) FROM listguard.quota_usage WHERE role = 'exporter'::regrole")
echo "room before: $room; clear values delivered (sum over paths): $total, distinct: $distinct; coordinator counter $used0 -> $used1"
echo "errors: $(grep -h 'ERROR' $T/err | sed 's/member[0-9]*@/M@/g' | sort | uniq -c | head -4)"
[ "$total" -le "$room" ] && echo "RESULT: held" || echo "RESULT: FINDING: $total clear values with room $room"
