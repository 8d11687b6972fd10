#!/usr/bin/env bash
# Many clients of one role exporting at once never get more clear addresses
# than the quota in total, counted by the clients themselves: 2, 8 and 32
# concurrent COPY exports, and a pgbench run with 8 clients. Also the
# extended protocol with a row limit (a portal suspended and resumed, as
# JDBC's fetch size does), spoken by a small raw-protocol client.
set -u
echo "1..6"
here=$(cd "$(dirname "$0")" && pwd)
out=$(pg_virtualenv -t -o shared_preload_libraries=listguard -o max_connections=60 bash -c '
set -e
hba=$(psql -X -A -t -c "SHOW hba_file")
{ echo "local all all trust"; cat "$hba"; } > "$hba.new" && cat "$hba.new" > "$hba" && rm -f "$hba.new"
psql -X -q -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION listguard;
CREATE ROLE exporter LOGIN;
CREATE TABLE subs (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect(\$\$subs\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
INSERT INTO subs SELECT g, 1, 10, \$\$member\$\$ || g || \$\$@example.com\$\$ FROM generate_series(1, 2000) g;
GRANT SELECT ON subs TO exporter;
CREATE TABLE seen (v text);
GRANT INSERT ON seen TO exporter;
SQL
fresh_quota() { # limit [on_exceed]
    psql -X -q -A -t -c "SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = \$\$exporter\$\$::regrole" \
         -c "SELECT listguard.grant_access(\$\$exporter\$\$, 1, reveal => \$\$clear\$\$, quota => \$\$$1/day\$\$, on_exceed => \$\$${2:-mask}\$\$)" >/dev/null
}
parallel_copies() { # clients quota
    fresh_quota "$2"
    dir=$(mktemp -d)
    for i in $(seq "$1"); do
        psql -X -q -c "SET ROLE exporter" -c "COPY (SELECT email FROM subs) TO STDOUT" > "$dir/$i.out" 2>/dev/null &
    done
    wait
    cat "$dir"/*.out | grep -c "^member" || true
    rm -rf "$dir"
}
echo "copies_2=$(parallel_copies 2 300)"
echo "copies_8=$(parallel_copies 8 300)"
echo "copies_32=$(parallel_copies 32 300)"

fresh_quota 500
cat > /tmp/listguard-pgbench-$$.sql <<PGB
\set n random(1, 2000)
SET ROLE exporter;
INSERT INTO seen SELECT email::text FROM subs WHERE id = :n;
PGB
pgbench -n -c 8 -j 2 -T 3 -f /tmp/listguard-pgbench-$$.sql >/dev/null 2>&1 || true
rm -f /tmp/listguard-pgbench-$$.sql
echo "pgbench_clear=$(psql -X -A -t -c "SELECT count(*) FROM seen WHERE v LIKE \$\$member%\$\$")"
echo "pgbench_total=$(psql -X -A -t -c "SELECT count(*) FROM seen")"

fresh_quota 5 error
sockdir=$(psql -X -A -t -c "SHOW unix_socket_directories" | cut -d, -f1)
echo "portal=$(python3 '"$here"'/portal_client.py "$sockdir" "$PGPORT" exporter "$PGDATABASE" \
    "SELECT email FROM subs ORDER BY id" 2)"
' 2>/dev/null)

line() { printf '%s\n' "$out" | grep "^$1=" | head -1 | cut -d= -f2-; }
le() { # number description value limit
    v=$(line "$3")
    if [ -n "$v" ] && [ "$v" -le "$4" ] 2>/dev/null && [ "$v" -gt 0 ]; then echo "ok $1 - $2 ($v of $4)"; else echo "not ok $1 - $2 (got '$v', limit $4)"; fi
}
le 1 "2 concurrent COPY exports stay within the quota" copies_2 300
le 2 "8 concurrent COPY exports stay within the quota" copies_8 300
le 3 "32 concurrent COPY exports stay within the quota" copies_32 300
le 4 "pgbench with 8 clients stays within the quota" pgbench_clear 500
portal=$(line portal)
case "$portal" in
    "clear=5 error=LG001"*) echo "ok 5 - a suspended and resumed portal stops at the quota ($portal)" ;;
    *) echo "not ok 5 - a suspended and resumed portal stops at the quota (got '$portal')" ;;
esac
case "$portal" in
    *"batches="*) b=${portal##*batches=}; [ "${b%% *}" -ge 3 ] && echo "ok 6 - the portal really was resumed (${b%% *} batches)" ||
        echo "not ok 6 - the portal really was resumed" ;;
    *) echo "not ok 6 - the portal really was resumed" ;;
esac
