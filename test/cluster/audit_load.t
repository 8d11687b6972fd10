#!/usr/bin/env bash
# The audit trail under load and through a crash: 32 concurrent sessions
# producing events (pgbench), then kill -9 of a backend and recovery. The
# chain verifies, ids are contiguous with no duplicate, and the events in
# the table are the ones produced, less at most what the documented bound
# allows (the queue's content at the moment of the crash). With
# listguard.log_events on, events also reach the server log as JSON lines,
# and neither the table nor the log ever holds an address. Then 16 sessions
# write through a partitioned root and an inheritance parent, committing
# some transactions and rolling others back: the row counts the log holds
# for committed transactions are exactly the rows those wrote.
set -u
echo "1..8"
out=$(pg_virtualenv -t -o shared_preload_libraries=listguard -o max_connections=60 -o listguard.log_events=on bash -c '
set -e
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION listguard;
CREATE ROLE worker LOGIN;
CREATE TABLE subs (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect(\$\$subs\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
INSERT INTO subs SELECT g, 1, 10, \$\$loadtest\$\$ || g || \$\$@example.com\$\$ FROM generate_series(1, 500) g;
GRANT SELECT ON subs TO worker;
SELECT listguard.grant_access(\$\$worker\$\$, 1, reveal => \$\$clear\$\$);
SQL
cat > /tmp/listguard-audit-pgbench-$$.sql <<PGB
\set n random(1, 500)
SET ROLE worker;
SELECT email FROM subs WHERE id = :n;
PGB
pgbench -n -c 32 -j 2 -t 40 -f /tmp/listguard-audit-pgbench-$$.sql >/dev/null 2>&1 || true
rm -f /tmp/listguard-audit-pgbench-$$.sql
settle() { for i in $(seq 200); do [ "$(psql -X -A -t -c "SELECT listguard.audit_pending()")" = 0 ] && return 0; sleep 0.05; done; }
settle
echo "reveal_events=$(psql -X -A -t -c "SELECT count(*) FROM listguard.audit_log WHERE kind = \$\$clear_reveal\$\$")"
# A crash: kill -9 a backend while more events are produced.
psql -X -q -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
sleep 0.5
victim=$(psql -X -A -t -c "SELECT pid FROM pg_stat_activity WHERE query LIKE '"'"'SELECT pg_sleep(60)%'"'"' LIMIT 1")
for i in $(seq 20); do psql -X -q -c "SET ROLE worker" -c "SELECT email FROM subs WHERE id = $i" >/dev/null 2>&1 & done
kill -9 "$victim"
wait || true
for i in $(seq 100); do psql -X -A -t -c "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
psql -X -q -c "SET ROLE worker" -c "SELECT email FROM subs WHERE id = 1" >/dev/null
settle
echo "verify=$(psql -X -A -t -c "SELECT ok || \$\$ \$\$ || coalesce(problem, \$\$\$\$) FROM listguard.verify_audit()")"
echo "contiguous=$(psql -X -A -t -c "SELECT count(*) = max(id) AND count(DISTINCT id) = count(*) FROM listguard.audit_log")"
echo "address_in_table=$(psql -X -A -t -c "SELECT count(*) FROM listguard.audit_log WHERE audit_log::text LIKE \$\$%loadtest%@%\$\$")"
read -r _ _ _ _ _ _ log < <(pg_lsclusters -h "$PGVERSION" regress)
echo "json_lines=$(grep -c "listguard event: {\"kind\": \"clear_reveal\"" "$log" || true)"
echo "address_in_log=$(grep -c "loadtest[0-9]*@" "$log" || true)"
# Writes through a partitioned root and an inheritance parent.
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE TABLE parts (id serial, account_id bigint, list_id bigint, email listguard.email, tag int DEFAULT 0)
    PARTITION BY LIST (account_id);
CREATE TABLE parts_1 PARTITION OF parts FOR VALUES IN (1);
CREATE TABLE parts_2 PARTITION OF parts FOR VALUES IN (2);
CREATE TABLE parts_3 PARTITION OF parts FOR VALUES IN (3);
CREATE TABLE family (id serial, account_id bigint, list_id bigint, email listguard.email, tag int DEFAULT 0);
CREATE TABLE family_a () INHERITS (family);
CREATE TABLE family_b () INHERITS (family);
SELECT listguard.protect(\$\$parts\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
SELECT listguard.protect(\$\$family\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
CREATE TABLE tally (tbl text, op text, n bigint);
SQL
cat > /tmp/listguard-audit-parts-$$.sql <<PGB
\\set a random(1, 3)
\\set r random(1, 5)
\\set k random(0, 9)
BEGIN;
WITH i AS (INSERT INTO parts (account_id, list_id, email) VALUES (:a, 10, \$\$p\$\$ || :k || \$\$@example.com\$\$), (1 + :a % 3, 10, \$\$q\$\$ || :k || \$\$@example.com\$\$) RETURNING 1)
INSERT INTO tally SELECT \$\$parts\$\$, \$\$insert\$\$, count(*) FROM i;
WITH u AS (UPDATE parts SET tag = tag + 1 WHERE id % 10 = :k RETURNING 1) INSERT INTO tally SELECT \$\$parts\$\$, \$\$update\$\$, count(*) FROM u;
WITH d AS (DELETE FROM parts WHERE id % 7 = :k RETURNING 1) INSERT INTO tally SELECT \$\$parts\$\$, \$\$delete\$\$, count(*) FROM d;
WITH i AS (INSERT INTO family_a (account_id, list_id, email) VALUES (:a, 10, \$\$f\$\$ || :k || \$\$@example.com\$\$) RETURNING 1)
INSERT INTO tally SELECT \$\$family\$\$, \$\$insert\$\$, count(*) FROM i;
WITH u AS (UPDATE family SET tag = tag + 1 WHERE id % 5 = :k RETURNING 1) INSERT INTO tally SELECT \$\$family\$\$, \$\$update\$\$, count(*) FROM u;
WITH d AS (DELETE FROM family WHERE id % 11 = :k RETURNING 1) INSERT INTO tally SELECT \$\$family\$\$, \$\$delete\$\$, count(*) FROM d;
\\if :r = 1
ROLLBACK;
\\else
COMMIT;
\\endif
PGB
pgbench -n -c 16 -j 2 -t 30 -f /tmp/listguard-audit-parts-$$.sql >/dev/null 2>&1 || true
rm -f /tmp/listguard-audit-parts-$$.sql
settle
echo "committed_rows=$(psql -X -A -t -c "SELECT string_agg(tbl || \$\$ \$\$ || op || \$\$ \$\$ || n, \$\$, \$\$ ORDER BY tbl, op) FROM (SELECT tbl, op, sum(n) AS n FROM tally GROUP BY 1, 2) t")"
echo "logged_rows=$(psql -X -A -t -c "SELECT string_agg(tbl || \$\$ \$\$ || op || \$\$ \$\$ || n, \$\$, \$\$ ORDER BY tbl, op) FROM (SELECT split_part(relation, \$\$.\$\$, 2) AS tbl, detail ->> \$\$operation\$\$ AS op, sum((counts ->> \$\$rows\$\$)::bigint) AS n FROM listguard.audit_log WHERE kind = \$\$rows_changed\$\$ AND relation IN (\$\$public.parts\$\$, \$\$public.family\$\$, \$\$public.family_a\$\$) AND txid_status(xid) = \$\$committed\$\$ GROUP BY 1, 2) t")"
echo "family_a_as_family=$(psql -X -A -t -c "SELECT count(*) FROM listguard.audit_log WHERE relation = \$\$public.family_a\$\$")"
' 2>/dev/null)

line() { printf '%s\n' "$out" | grep "^$1=" | head -1 | cut -d= -f2-; }
n=$(line reveal_events)
if [ -n "$n" ] && [ "$n" -ge 1280 ] 2>/dev/null; then echo "ok 1 - 32 sessions x 40 statements: every reveal recorded ($n events)"; else echo "not ok 1 - 32 sessions x 40 statements: every reveal recorded (got '$n', want 1280)"; fi
case "$(line verify)" in "true "*) echo "ok 2 - the chain verifies after a crash" ;; *) echo "not ok 2 - the chain verifies after a crash ($(line verify))" ;; esac
[ "$(line contiguous)" = t ] && echo "ok 3 - ids are contiguous, without duplicates" || echo "not ok 3 - ids are contiguous, without duplicates"
[ "$(line address_in_table)" = 0 ] && echo "ok 4 - no address in the audit table" || echo "not ok 4 - no address in the audit table"
j=$(line json_lines)
if [ -n "$j" ] && [ "$j" -ge 1280 ] 2>/dev/null; then echo "ok 5 - events are logged as JSON lines with log_events on ($j)"; else echo "not ok 5 - events are logged as JSON lines with log_events on (got '$j')"; fi
[ "$(line address_in_log)" = 0 ] && echo "ok 6 - no address in the server log" || echo "not ok 6 - no address in the server log ($(line address_in_log))"
sorted() { tr ',' '\n' | sed 's/^ *//' | sort | paste -sd, -; }
committed=$(line committed_rows | sorted)
logged=$(line logged_rows | sed 's/family_a /family /g' | sorted)
[ -n "$committed" ] && [ "$committed" = "$logged" ] && echo "ok 7 - rows written through a partitioned root and an inheritance parent are all counted ($committed)" ||
    echo "not ok 7 - rows written through a partitioned root and an inheritance parent are all counted (committed '$committed', logged '$logged')"
[ -n "$(line family_a_as_family)" ] && echo "ok 8 - statements on a child are recorded under the child ($(line family_a_as_family) events)" ||
    echo "not ok 8 - statements on a child are recorded under the child"
