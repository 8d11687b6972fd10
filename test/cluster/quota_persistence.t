#!/usr/bin/env bash
# Export-quota counts survive a clean restart and a crash restart (kill -9 of
# a backend): after a crash, at most the charges of the last
# listguard.quota_save_interval are lost, and here none are, since the test
# waits longer than the interval before crashing. The quota-exhausted event
# reaches the audit log, once for the statement that masked.
set -u
echo "1..6"
out=$(pg_virtualenv -t -o shared_preload_libraries=listguard -o listguard.quota_save_interval=200 bash -c '
set -e
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION listguard;
CREATE ROLE exporter;
CREATE TABLE subs (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect(\$\$subs\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
INSERT INTO subs SELECT g, 1, 10, \$\$member\$\$ || g || \$\$@example.com\$\$ FROM generate_series(1, 30) g;
GRANT SELECT ON subs TO exporter;
SELECT listguard.grant_access(\$\$exporter\$\$, 1, reveal => \$\$clear\$\$, quota => \$\$10/day\$\$,
                              on_exceed => \$\$mask\$\$);
SQL
used() { psql -X -A -t -c "SELECT used FROM listguard.quota_usage"; }
clear_reads() { psql -X -A -t -c "SET ROLE exporter" -c "SELECT email FROM subs WHERE id <= $1 ORDER BY id" 2>/dev/null | grep -c "^member" || true; }
wait_ready() { for i in $(seq 100); do pg_isready -q && psql -X -A -t -c "SELECT 1" >/dev/null 2>&1 && return 0; sleep 0.2; done; return 1; }
clear_reads 3 >/dev/null
echo "before_restart=$(used)"
pg_ctlcluster "$PGVERSION" regress restart
wait_ready
echo "after_restart=$(used)"
clear_reads 2 >/dev/null
sleep 1
psql -X -q -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
sleep 1
victim=$(psql -X -A -t -c "SELECT pid FROM pg_stat_activity WHERE query LIKE '"'"'SELECT pg_sleep(60)%'"'"' LIMIT 1")
kill -9 "$victim"
sleep 1
wait_ready
echo "after_crash=$(used)"
echo "more_after_crash=$(clear_reads 30)"
read -r _ _ _ _ _ _ log < <(pg_lsclusters -h "$PGVERSION" regress)
echo "crash_logged=$(grep -c "terminated by signal 9" "$log" || true)"
for i in $(seq 200); do [ "$(psql -X -A -t -c "SELECT listguard.audit_pending()")" = 0 ] && break; sleep 0.05; done
echo "event_logged=$(psql -X -A -t -c "SELECT count(*) FROM listguard.audit_log WHERE kind = \$\$quota_exceeded\$\$")"
' 2>/dev/null)

line() { printf '%s\n' "$out" | grep "^$1=" | head -1 | cut -d= -f2; }
check() { if [ "$2" = "$3" ]; then echo "ok $1 - $4"; else echo "not ok $1 - $4 (got '$2', expected '$3')"; fi; }
check 1 "$(line before_restart)" 3 "three clear reveals counted"
check 2 "$(line after_restart)" 3 "the count survives a clean restart"
[ "$(line crash_logged)" -ge 1 ] 2>/dev/null && echo "ok 3 - a backend was killed and the server recovered" ||
    echo "not ok 3 - a backend was killed and the server recovered"
check 4 "$(line after_crash)" 5 "the count survives a crash (saved within the interval)"
check 5 "$(line more_after_crash)" 5 "after the crash only what is left of the quota is revealed"
check 6 "$(line event_logged)" 1 "quota exhaustion is logged as an event, once for the masking statement"
