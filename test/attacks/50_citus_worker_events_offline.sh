#!/usr/bin/env bash
# 50 — Citus: a worker's audit events while the coordinator is away.
#
# Tries: with the coordinator stopped, reader (clear on account 1, no
# quota) reads addresses on worker1 directly (a worker confirmed since it
# started goes on showing them); then worker1 is restarted, cleanly (fast)
# in one round and crashed (immediate) in another, before the coordinator
# comes back. Are the clear reveals made while the coordinator was away in
# the coordinator's chain once it is back, or at least counted by an
# audit_gap? Does verify_audit() stay ok?
# Secure outcome: after a clean restart every reveal is in the chain with
# origin worker1; after a crash, the missing ones are counted by an
# audit_gap; verify_audit() ok.
# Result: held. 25 of 25 reveals reached the chain with origin worker1 after
# both a clean and a crash restart (the link had spilled them to disk);
# verify_audit() ok.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
at "$node" -U reader -c "SELECT count(*) FROM $shard WHERE email::text LIKE 'member%'" >/dev/null
sleep 3
bad=0
for mode in fast immediate; do
    # wait until the worker confirmed its catalog (a reader sees clear)
    for _ in $(seq 30); do
        [ "$(at "$node" -U reader -c "SELECT count(*) FROM $shard WHERE email::text LIKE 'member%'" 2>/dev/null | tail -1)" -gt 0 ] && break
        sleep 1
    done
    sleep 3
    mark=$(at coordinator -c "SELECT max(id) FROM listguard.audit_log")
    node_stop coordinator
    seen=$(at "$node" -U reader -c "SELECT count(*) FROM $shard WHERE email::text LIKE 'member%'" 2>&1 | tail -1)
    seen2=$(at "$node" -U reader -c "SELECT email FROM $shard WHERE account_id = 1 ORDER BY id LIMIT 5" 2>&1 | grep -c 'member')
    sleep 1
    as_server "$PGBIN/pg_ctl" -D "$SERVERS_DIR/$node" -m "$mode" -w stop >/dev/null 2>&1
    node_start "$node"
    node_start coordinator
    got=0
    for _ in $(seq 60); do
        got=$(at coordinator -c "SELECT coalesce(sum((counts->>'clear')::int), 0) FROM listguard.audit_log WHERE id > $mark AND kind = 'clear_reveal' AND origin = '$node' AND detail->>'role' = 'reader'")
        [ "$got" -ge $((seen + seen2)) ] && break
        at "$node" -U viewer -c "SELECT count(*) FROM $shard" >/dev/null 2>&1
        sleep 0.5
    done
    gaps=$(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE id > $mark AND kind = 'audit_gap'")
    echo "$mode restart: reader saw $((seen + seen2)) clear on $node while the coordinator was away; recorded $got; audit_gap events $gaps"
    if [ "$got" -lt $((seen + seen2)) ] && { [ "$mode" = fast ] || [ "$gaps" = 0 ]; }; then bad=1; fi
done
ok=$(at coordinator -c "SELECT ok FROM listguard.verify_audit()")
echo "verify_audit(): $ok"
[ $bad = 0 ] && [ "$ok" = t ] && echo "RESULT: held" || echo "RESULT: FINDING"
