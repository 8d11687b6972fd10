#!/usr/bin/env bash
# A protected distributed table on a Citus cluster (a coordinator and two
# workers, test/cluster/lib/citus.sh) against the same distributed table
# with a text column, through the coordinator:
#  - COPY out, masked and clear: "COPY t TO STDOUT" (Citus forwards each
#    shard's COPY from its worker, which shows the values as the role may
#    see them) and "COPY (SELECT ...) TO STDOUT" (the values travel to the
#    coordinator as transit tokens, and it shows them);
#  - router lookups (pgbench, one clear value each).
# Starts its own cluster; needs Citus installed (bench/run, or
# ../shared/citus/build.sh). ROWS (1000000), REPEAT (3), DURATION (10 s).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/../test/cluster/lib/servers.sh"
. "$here/../test/cluster/lib/citus.sh"
trap citus_cleanup EXIT
DURATION=${DURATION:-10}
if ! citus_available; then
    echo "SKIP: Citus is not installed (../shared/citus/build.sh installs it)"
    exit 0
fi

citus_cluster_init 2 "shared_buffers = 256MB" "max_wal_size = 4GB" "checkpoint_timeout = 30min"
export PGDATABASE=esp
at coordinator -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL
$(bench_source_sql)
CREATE TABLE t_plain (id int, account_id bigint, list_id bigint, email text, PRIMARY KEY (list_id, id));
CREATE TABLE t_protected (id int, account_id bigint, list_id bigint, email listguard.email, PRIMARY KEY (list_id, id));
SELECT create_distributed_table('t_plain', 'list_id');
SELECT create_distributed_table('t_protected', 'list_id');
SELECT listguard.protect('t_protected', 'account_id', 'list_id');
INSERT INTO t_plain SELECT id, account_id, list_id, email FROM bench_src;
INSERT INTO t_protected SELECT id, account_id, list_id, email FROM bench_src;
VACUUM ANALYZE t_plain;
VACUUM ANALYZE t_protected;
CREATE ROLE reader LOGIN;
CREATE ROLE viewer LOGIN;
GRANT SELECT ON t_plain, t_protected TO reader, viewer;
SELECT listguard.grant_access('reader', NULL, reveal => 'clear');
SELECT listguard.grant_access('viewer', NULL, reveal => 'masked');
SQL
loaded=$(at coordinator -U reader -c "SELECT count(*) FROM t_protected")
[ "$loaded" = "$ROWS" ] || { echo "loading failed: $loaded rows"; exit 1; }

copy_table() { at coordinator -U "$1" -c "COPY $2 TO STDOUT" >/dev/null; }
copy_query() { at coordinator -U "$1" -c "COPY (SELECT id, account_id, list_id, email FROM $2) TO STDOUT" >/dev/null; }
plain_table() { copy_table reader t_plain; }
plain_query() { copy_query reader t_plain; }
clear_table() { copy_table reader t_protected; }
clear_query() { copy_query reader t_protected; }
masked_table() { copy_table viewer t_protected; }
masked_query() { copy_query viewer t_protected; }

# Each against its baseline, run alternately.
best_of_pair p_clear_table plain_table t_clear_table clear_table
best_of_pair p_masked_table plain_table t_masked_table masked_table
best_of_pair p_clear_query plain_query t_clear_query clear_query
best_of_pair p_masked_query plain_query t_masked_query masked_query

tps() { # table
    echo "\\set id random(1, $ROWS)
SELECT email FROM $1 WHERE list_id = 10 * (1 + :id % 3) + :id % 2 AND id = :id;" >"$SERVERS_DIR/lookup.sql"
    pgbench -n -h "$SERVERS_DIR" -p "$(node_port coordinator)" -U reader -M prepared -c 2 -j 2 -T "$DURATION" \
        -f "$SERVERS_DIR/lookup.sql" esp 2>/dev/null | awk '/^tps/ { printf "%.0f", $3 }'
}
tps t_plain >/dev/null; tps t_protected >/dev/null # warm up
tps_plain=$(tps t_plain)
tps_protected=$(tps t_protected)

header "Citus, coordinator and 2 workers ($ROWS rows)"
row "COPY t TO STDOUT, clear (s)" "$p_clear_table" "$t_clear_table" s "<= 1.5x"
row "COPY t TO STDOUT, masked (s)" "$p_masked_table" "$t_masked_table" s "<= 1.5x"
row "COPY (SELECT ...) TO STDOUT, clear (s)" "$p_clear_query" "$t_clear_query" s "<= 1.5x"
row "COPY (SELECT ...) TO STDOUT, masked (s)" "$p_masked_query" "$t_masked_query" s "<= 1.5x"
row "router lookups, 1 clear value (TPS)" "$tps_plain" "$tps_protected" "" ">= 0.9x"
events=$(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE origin IS NOT NULL")
echo "(the workers' events in the coordinator's audit log: $events)"
