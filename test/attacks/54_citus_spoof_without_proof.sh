#!/usr/bin/env bash
# 54 — Citus: a client that poses as Citus's internal connection without a
# proof of its own role, with every citus.* setting a client may set, and
# shard-direct DML/COPY.
#
# Tries, as viewer (masked on account 1) and outsider, directly on the
# worker holding list 10's shard: application_name "citus_internal gpid=N",
# "citus_rebalancer gpid=N", "citus_run_command gpid=N", "citus_shard_move_x";
# citus.enable_manual_changes_to_shards, citus.override_table_visibility,
# citus.show_shards_for_app_name_prefixes, citus.allow_nested_distributed_execution;
# a proof captured by outsider (its own, valid) replayed as viewer; viewer's
# own proof with SET ROLE; COPY and INSERT into the shard for account 2 and
# into another list's shard; an outsider's own proof for a session that
# then runs worker_apply_shard_ddl_command() on the shard.
# Secure outcome: only masks, no rows for outsider, writes refused.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
bad=0
sets="SET citus.enable_manual_changes_to_shards = on; SET citus.override_table_visibility = off; SET citus.show_shards_for_app_name_prefixes = '*'; SET citus.allow_nested_distributed_execution = on;"
read -r oproof ogpid < <(ATTACKER=outsider capture_proof)
for app in "citus_internal gpid=$ogpid" "citus_rebalancer gpid=$ogpid" "citus_run_command gpid=$ogpid" "citus_shard_move_1_2"; do
    for r in viewer outsider; do
        out=$(PGAPPNAME="$app" PGOPTIONS="-c listguard.citus_proof=$oproof" at "$node" -U "$r" -c "$sets SELECT email::text FROM $shard" 2>&1)
        n=$(echo "$out" | grep -c '^member')
        rows=$(echo "$out" | grep -c '@')
        echo "$app as $r (outsider's proof): $rows rows, $n clear, $(echo "$out" | grep -c '^lgt1:') tokens"
        [ "$n" -gt 0 ] && bad=$((bad + 1))
        [ "$r" = outsider ] && [ "$rows" -gt 0 ] && bad=$((bad + 1))
    done
done
read -r vproof vgpid < <(ATTACKER=viewer capture_proof)
out=$(PGAPPNAME="citus_internal gpid=$vgpid" PGOPTIONS="-c listguard.citus_proof=$vproof" at "$node" -U viewer -c "$sets SELECT email::text FROM $shard LIMIT 3" 2>&1 | tr '\n' ' ')
echo "viewer's own proof, cast: $out"
echo "$out" | grep -q 'member' && bad=$((bad + 1))
w1=$(at "$node" -U viewer -c "$sets INSERT INTO $shard (id, account_id, list_id, email) VALUES (900001, 2, 10, 'planted@example.com')" 2>&1 | head -1)
w2=$(printf '900002\t1\t10\tplanted2@example.com\n' | at "$node" -U outsider -c "$sets COPY $shard (id, account_id, list_id, email) FROM STDIN" 2>&1 | head -1)
w3=$(PGAPPNAME="citus_internal gpid=$ogpid" PGOPTIONS="-c listguard.citus_proof=$oproof" at "$node" -U outsider \
    -c "SELECT worker_apply_shard_ddl_command(${shard##*_}, 'public', 'ALTER TABLE subs DISABLE TRIGGER ALL')" 2>&1 | head -1)
echo "viewer INSERT into the shard: $w1"
echo "outsider COPY into the shard: $w2"
echo "outsider worker_apply_shard_ddl_command(): $w3"
planted=$(at "$node" -c "SELECT count(*) FROM $shard WHERE id IN (900001, 900002)")
trig=$(at "$node" -c "SELECT count(*) FROM pg_trigger WHERE tgrelid = '$shard'::regclass AND tgenabled = 'D'")
echo "rows planted: $planted; triggers disabled: $trig"
at "$node" -c "DELETE FROM $shard WHERE id IN (900001, 900002)" >/dev/null
bad=$((bad + planted + trig))
if [ "$bad" -gt 0 ]; then echo "RESULT: FINDING: $bad"; else echo "RESULT: held"; fi
