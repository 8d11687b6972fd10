#!/usr/bin/env bash
# protect() of a table in use (issue 23), measured: ROWS rows (1M by
# default) take single-row INSERTs and UPDATEs from pgbench (4 clients)
# while protect() runs, once with stamp => 'now' (every row stamped under
# the lock, as before 0.3) and once online (the default). For each: how long
# ACCESS EXCLUSIVE was held (a watcher session samples pg_locks every 5 ms),
# how long protect() took, how long until every row was stamped, and the
# workload's latency (average, 99th percentile, longest) while it ran.
# A throwaway server of its own (test/cluster/lib/servers.sh; PGBIN picks
# the PostgreSQL installation). Not part of bench/run: it takes minutes.
#
#   ROWS=1000000 bench/online_protect.sh
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo/test/cluster"
. lib/servers.sh
trap "${KEEP_SERVERS:+:} servers_cleanup" EXIT
ROWS=${ROWS:-1000000}
SECONDS_AROUND=${SECONDS_AROUND:-5}

primary_init "shared_buffers = '1GB'" "max_wal_size = '8GB'" "checkpoint_timeout = '30min'" "max_connections = 50" \
    "listguard.audit_row_aggregation = 'second'" >/dev/null
on primary -d postgres -c "CREATE DATABASE esp" >/dev/null
on primary -c "CREATE EXTENSION listguard" >/dev/null 2>&1

make_table() {
    on primary -v ON_ERROR_STOP=1 >/dev/null <<SQL
DROP TABLE IF EXISTS subs, watch_stop;
CREATE TABLE watch_stop (x int);
CREATE TABLE subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                   email listguard.email NOT NULL, touched int NOT NULL DEFAULT 0);
INSERT INTO subs (account_id, list_id, email)
SELECT 1 + g % 50, 1 + g % 7, 'person' || g || '@example.com' FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE subs;
CHECKPOINT;
SQL
}

cat > "$SERVERS_DIR/work.sql" <<EOF
\set id random(1, $ROWS)
\set a random(1, 50)
INSERT INTO subs (account_id, list_id, email) VALUES (:a, 1, 'new' || :id || '-' || random() || '@example.com');
UPDATE subs SET touched = touched + 1 WHERE id = :id;
EOF

# Samples pg_locks every 5 ms until told to stop; prints the first and last
# time ACCESS EXCLUSIVE on subs was granted (epoch seconds).
watch_lock() {
    on primary <<'SQL'
DO $$
DECLARE
    first_seen timestamptz;
    last_seen timestamptz;
BEGIN
    WHILE NOT EXISTS (SELECT 1 FROM watch_stop) LOOP
        IF EXISTS (SELECT 1 FROM pg_locks l WHERE l.relation = 'subs'::regclass AND l.mode = 'AccessExclusiveLock'
                   AND l.granted) THEN
            first_seen := coalesce(first_seen, clock_timestamp());
            last_seen := clock_timestamp();
        END IF;
        PERFORM pg_sleep(0.005);
    END LOOP;
    RAISE NOTICE 'lock % %', extract(epoch FROM first_seen), extract(epoch FROM last_seen);
END $$;
SQL
}

run() {
    local mode=$1
    make_table
    rm -f "$SERVERS_DIR"/work.[0-9]*
    watch_lock > "$SERVERS_DIR/lock.$mode" 2>&1 &
    local watcher=$!
    rm -f "$SERVERS_DIR/stop"
    # In rounds of 2 s (each writes its per-transaction log when it ends),
    # until told to stop.
    (cd "$SERVERS_DIR" && while [ ! -f stop ]; do
        "$PGBIN/pgbench" -h "$SERVERS_DIR" -p "$(port_of primary)" -U postgres -n -c 4 -j 2 -T 2 -l --log-prefix=work \
            -f work.sql esp >>"pgbench.$mode" 2>&1
    done) &
    local bench=$!
    sleep "$SECONDS_AROUND"
    local t0 t1 t2
    t0=$(date +%s.%N)
    on primary -c "SELECT listguard.protect('subs', 'account_id', 'list_id', stamp => '$mode')" >/dev/null 2>&1
    t1=$(date +%s.%N)
    for _ in $(seq 36000); do
        [ "$(on primary -c "SELECT count(*) FROM listguard.stamp_queue")" = 0 ] && break
        sleep 0.1
    done
    t2=$(date +%s.%N)
    sleep "$SECONDS_AROUND"
    touch "$SERVERS_DIR/stop"; wait "$bench" 2>/dev/null
    on primary -c "INSERT INTO watch_stop VALUES (1)" >/dev/null
    wait "$watcher"
    local lock
    lock=$(sed -n 's/.*NOTICE:  lock \([0-9.]*\) \([0-9.]*\).*/\1 \2/p' "$SERVERS_DIR/lock.$mode")
    # Latency of the transactions that ran while protect() and the
    # stamping ran (the log's 5th and 6th fields are the epoch seconds and
    # microseconds of each transaction's end; the 3rd its latency in us).
    cat "$SERVERS_DIR"/work.[0-9]* | awk -v t0="$t0" -v t2="$t2" '{ end = $5 + $6 / 1e6; if (end >= t0 && end <= t2) print $3 }' |
        sort -n | awk '{ n++; s += $1; a[n] = $1 }
        END { if (n == 0) { print "no transaction"; exit }
              printf "%d transactions, latency avg %.1f ms, p99 %.1f ms, max %.1f ms\n", n, s / n / 1000, a[int(n * 0.99) + 0] / 1000, a[n] / 1000 }' \
        > "$SERVERS_DIR/latency.$mode"
    awk -v mode="$mode" -v rows="$ROWS" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v lock="$lock" -v lat="$(cat "$SERVERS_DIR/latency.$mode")" 'BEGIN {
        split(lock, l, " ");
        printf "%-7s %9d rows: lock held %.2f s; protect() %.2f s; every row stamped after %.1f s; during it: %s\n",
               mode, rows, l[2] - l[1] + 0.005, t1 - t0, t2 - t0, lat }'
}

echo "listguard $(git -C "$repo" log -1 --format=%h), $(nproc) cores, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')"
for mode in ${MODES:-now online}; do run "$mode"; done
