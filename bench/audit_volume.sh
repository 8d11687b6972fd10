#!/usr/bin/env bash
# Audit volume (issue 23): bytes the audit log takes for INSERTS single-row
# INSERTs (1M by default) into a protected table, made by pgbench (4
# clients), with the statement audit on: the events written and the size of
# listguard.audit_log (table, TOAST and indexes) they add. Variants:
#   statement  - the events of listguard 0.2 (one per statement): run with
#                PGBIN of an installation that has that library
#   transaction - one event per table and transaction (0.3's default), one
#                insert per transaction
#   batched    - the same, ten inserts per transaction
#   second     - listguard.audit_row_aggregation = 'second'
# A throwaway server of its own (test/cluster/lib/servers.sh).
#
#   VARIANTS="transaction second" INSERTS=1000000 bench/audit_volume.sh
set -u
cd "$(dirname "$0")/../test/cluster"
. lib/servers.sh
trap "${KEEP_SERVERS:+:} servers_cleanup" EXIT
INSERTS=${INSERTS:-1000000}
CLIENTS=4

primary_init "shared_buffers = '512MB'" "max_wal_size = '8GB'" "synchronous_commit = off" \
    "listguard.audit_queue_size = 65536" >/dev/null
on primary -d postgres -c "CREATE DATABASE esp" >/dev/null
on primary -c "CREATE EXTENSION listguard" >/dev/null 2>&1

variant() {
    local name=$1 per_tx=$2 aggregation=$3
    on primary -d postgres -c "ALTER SYSTEM SET listguard.audit_row_aggregation = '$aggregation'" \
        -c "SELECT pg_reload_conf()" >/dev/null 2>&1
    on primary -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
DROP TABLE IF EXISTS subs;
CREATE TABLE subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                   email listguard.email NOT NULL);
SELECT listguard.protect('subs', 'account_id', 'list_id');
SQL
    settle
    local size0 events0
    size0=$(on primary -c "SELECT pg_total_relation_size('listguard.audit_log')")
    events0=$(on primary -c "SELECT count(*) FROM listguard.audit_log")
    {
        echo '\set a random(1, 20)'
        [ "$per_tx" -gt 1 ] && echo 'BEGIN;'
        for _ in $(seq "$per_tx"); do
            echo "INSERT INTO subs (account_id, list_id, email) VALUES (:a, 10, 'v' || :client_id || '-' || random() || '@example.com');"
        done
        [ "$per_tx" -gt 1 ] && echo 'COMMIT;'
    } > "$SERVERS_DIR/insert.sql"
    local t0 t1
    t0=$(date +%s.%N)
    "$PGBIN/pgbench" -h "$SERVERS_DIR" -p "$(port_of primary)" -U postgres -n -c $CLIENTS -j 2 \
        -t $((INSERTS / per_tx / CLIENTS)) -f "$SERVERS_DIR/insert.sql" esp > "$SERVERS_DIR/pgbench.$name" 2>&1
    t1=$(date +%s.%N)
    settle
    on primary -c "VACUUM listguard.audit_log" >/dev/null 2>&1
    local size1 events1 rows
    size1=$(on primary -c "SELECT pg_total_relation_size('listguard.audit_log')")
    events1=$(on primary -c "SELECT count(*) FROM listguard.audit_log")
    rows=$(on primary -c "SELECT count(*) FROM subs")
    awk -v name="$name" -v rows="$rows" -v ev=$((events1 - events0)) -v bytes=$((size1 - size0)) -v t0="$t0" -v t1="$t1" \
        -v tps="$(awk '/^tps/ { print $3 }' "$SERVERS_DIR/pgbench.$name")" -v inserts="$INSERTS" 'BEGIN {
        printf "%-12s %8d rows: %8d events, %11d bytes of audit log (%.1f MB per 1M inserts, %.1f bytes per insert), %.0f s, %s tps\n",
               name, rows, ev, bytes, bytes / rows * 1e6 / 1048576, bytes / rows, t1 - t0, tps }'
}

settle() {
    for _ in $(seq 6000); do
        [ "$(on primary -c "SELECT listguard.audit_pending()")" = 0 ] && return 0
        sleep 0.1
    done
}

echo "listguard in $PGBIN, $(nproc) cores, $INSERTS single-row INSERTs by $CLIENTS pgbench clients"
for v in ${VARIANTS:-transaction batched second}; do
    case $v in
        statement | transaction) variant "$v" 1 transaction ;;
        batched) variant "$v" 10 transaction ;;
        second) variant "$v" 1 second ;;
    esac
done
