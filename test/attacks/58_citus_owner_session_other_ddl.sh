#!/usr/bin/env bash
# 58 — Citus: the DDL that a proven listguard_owner session (proof made from
# the keyring, standing for a leaked one) may still run on a protected
# shard, each in a transaction rolled back: moving the shard to another
# schema, ADD COLUMN with a default, an expression index over its own
# function, SET DEFAULT on the email column, CREATE FUNCTION in public, a
# trigger named as the Citus table's on the shard but calling its own
# function, GRANT to PUBLIC, TRUNCATE, ALTER TABLE SET (options),
# CREATE TABLE ... INHERITS the shard.
# Secure outcome: each that changes what runs around the shard or where
#   its rows go is refused (42501).
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
owner_proof() {
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
GPID=10000058058
P=$(owner_proof $GPID)
as_owner() { PGAPPNAME="citus_internal gpid=$GPID" PGOPTIONS="-c listguard.citus_proof=$P" at "$1" -U listguard_owner "${@:2}"; }
read -r shard node < <(shard_of 10)
sid=${shard##*_}
trig=$(at "$node" -c "SET citus.override_table_visibility = off" -c "SELECT tgname FROM pg_trigger WHERE tgrelid = '$shard'::regclass AND tgname LIKE 'listguard%' ORDER BY 1 LIMIT 1")
allowed=0
try() {
    local out
    out=$(as_owner "$node" -v ON_ERROR_STOP=1 -c "BEGIN; $1; ROLLBACK" 2>&1)
    case "$out" in *ERROR*) echo "refused: $1 -- $(echo "$out" | grep ERROR | head -1 | cut -c1-110)" ;;
        *) echo "ALLOWED: $1"; allowed=$((allowed + 1)) ;; esac
}
try "CREATE SCHEMA IF NOT EXISTS s58; ALTER TABLE $shard SET SCHEMA s58"
try "ALTER TABLE $shard ADD COLUMN x58 int DEFAULT 1"
try "CREATE FUNCTION public.f58(listguard.email) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'"
try "CREATE FUNCTION public.f58(listguard.email) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1'; CREATE INDEX i58 ON $shard (public.f58(email))"
try "ALTER TABLE $shard ALTER COLUMN email SET DEFAULT 'planted@example.com'"
try "CREATE FUNCTION public.t58() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; DROP TRIGGER IF EXISTS $trig ON $shard"
try "CREATE FUNCTION public.t58() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; CREATE TRIGGER listguard_zz_$sid BEFORE INSERT ON $shard FOR EACH ROW EXECUTE FUNCTION public.t58()"
try "GRANT SELECT ON $shard TO PUBLIC"
try "TRUNCATE $shard"
try "ALTER TABLE $shard SET (autovacuum_enabled = off)"
try "CREATE TABLE c58 () INHERITS ($shard)"
try "ALTER TABLE $shard RENAME TO ${shard}_x"
echo "RESULT: $allowed statements allowed (see ALLOWED lines; the rename is 56's finding)"
