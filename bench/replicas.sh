#!/usr/bin/env bash
# Clear reads on a hot standby under an export quota: leases from the
# primary (listguard.standby_quota = 'primary') against the standby's own
# counters ('local', each server allowing the whole quota), and against a
# plain text column. A COPY export, and pgbench lookups revealing one value
# each. Starts its own primary and standby (test/cluster/lib/servers.sh).
# Run by bench/run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/../test/cluster/lib/servers.sh"
trap servers_cleanup EXIT
DURATION=${DURATION:-10}

primary_init "shared_buffers = 512MB" >/dev/null
on primary -d postgres -c "CREATE DATABASE esp" >/dev/null
on primary -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL
CREATE EXTENSION listguard;
$(bench_source_sql)
CREATE TABLE t_plain AS SELECT id, account_id, list_id, email FROM bench_src;
CREATE UNIQUE INDEX ON t_plain (id);
CREATE TABLE t_protected (id int PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('t_protected', 'account_id', 'list_id');
INSERT INTO t_protected SELECT id, account_id, list_id, email FROM bench_src;
VACUUM ANALYZE t_plain, t_protected;
CREATE ROLE reader LOGIN;
GRANT SELECT ON t_plain, t_protected TO reader;
SELECT listguard.grant_access('reader', NULL, reveal => 'clear', quota => '1000000000/day');
CREATE ROLE standby_link LOGIN;
GRANT listguard_standby TO standby_link;
SQL
standby_init standby1 "listguard.primary_conninfo = 'host=$SERVERS_DIR port=$(port_of primary) user=standby_link'" \
    "shared_buffers = 512MB"
wait_replayed standby1

mode() {
    as_server sed -i '/listguard.standby_quota/d' "$SERVERS_DIR/standby1/postgresql.auto.conf"
    echo "listguard.standby_quota = '$1'" | as_server tee -a "$SERVERS_DIR/standby1/postgresql.auto.conf" >/dev/null
    on standby1 -c "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
}
export_plain() { on standby1 -U reader -c "COPY (SELECT email FROM t_plain) TO STDOUT" >/dev/null; }
export_clear() { on standby1 -U reader -c "COPY (SELECT email FROM t_protected) TO STDOUT" >/dev/null; }
tps() { # table
    echo "\\set id random(1, $ROWS)
SELECT email FROM $1 WHERE id = :id;" >"$SERVERS_DIR/lookup.sql"
    pgbench -n -h "$SERVERS_DIR" -p "$(port_of standby1)" -U reader -c 2 -j 2 -T "$DURATION" -f "$SERVERS_DIR/lookup.sql" esp 2>/dev/null |
        awk '/^tps/ { printf "%.0f", $3 }'
}

mode local; export_clear; export_plain
best_of copy_plain export_plain
best_of copy_local export_clear
tps_local=$(tps t_protected)
mode primary; export_clear
best_of copy_leased export_clear
tps_leased=$(tps t_protected)
tps_plain=$(tps t_plain)
used=$(on primary -c "SELECT used FROM listguard.quota_usage")

header "clear reads on a hot standby ($ROWS rows)"
row "COPY out, leases vs local counting (s)" "$copy_local" "$copy_leased" s "~ 1.0x"
row "COPY out, leases vs a text column (s)" "$copy_plain" "$copy_leased" s "(comparison)"
row "lookups revealing 1 value, leases vs local (TPS)" "$tps_local" "$tps_leased" "" ">= 0.9x"
row "lookups, leases vs a text column (TPS)" "$tps_plain" "$tps_leased" "" "(comparison)"
echo "(the primary counted $used clear values of the standby's reads)"
gap=$(on primary -c "SELECT coalesce(sum((detail->>'events_in_server_log')::bigint), 0) FROM listguard.audit_log WHERE kind = 'audit_gap' AND origin IS NOT NULL")
shipped=$(on primary -c "SELECT count(*) FROM listguard.audit_log WHERE origin IS NOT NULL")
echo "(the standby shipped $shipped events to the primary's audit log; $gap went to its server log for want of queue room)"
