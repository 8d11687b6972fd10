#!/usr/bin/env bash
# 45 — Citus: odd distributed query shapes and DDL propagated to shards.
#
# Tries: as app (clear) and viewer (masked), through the coordinator:
# DISTINCT/GROUP BY/ORDER BY on email across shards, self-joins on email
# (co-located and repartitioned), window functions, materialised CTEs
# (intermediate results), correlated and scalar subqueries, array/json
# aggregates, whole-row casts, generic plans of a prepared statement with
# an email parameter, WITH HOLD and SCROLL cursors over Citus scans
# (FETCH PRIOR/ABSOLUTE re-reads), EXPLAIN ANALYZE with a format() filter,
# LATERAL, UNION, temp tables, worker_partition_query_result outside a
# transaction; then DDL that Citus sends to shards with email literals
# (DEFAULT, CHECK, partial index predicate, ADD COLUMN ... DEFAULT), a table
# distributed BY an email column (routing by the digest), an UPDATE of the
# distribution value, a reference table of email values protect()ed.
# Secure outcome: no crash, no clear value to viewer, the literals keep
# working on the shards.
# and a fresh 251-octet address typed by a role with a 63-character name
# (the longest transit token) routed to a shard.
# Result: held (no backend crash in any node's log; viewer's output holds
# no clear address; defaults and CHECK literals work on the shards).
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
mark=$(cat $SERVERS_DIR/*.log | wc -l)
cat >$ATK_DIR/45_shapes.sql <<'SQL'
\set VERBOSITY terse
SELECT count(DISTINCT email) FROM subs;
SELECT email, count(*) FROM subs GROUP BY email ORDER BY 2 DESC LIMIT 2;
SELECT email FROM subs ORDER BY email LIMIT 2;
SELECT a.email = b.email FROM subs a JOIN subs b ON a.email = b.email LIMIT 2;
SET citus.enable_repartition_joins = on;
SELECT count(*) FROM subs a JOIN subs b ON a.email = b.email;
SELECT count(*) FROM subs a JOIN subs b ON a.id = b.id AND a.email = b.email;
SELECT email, row_number() OVER (PARTITION BY list_id ORDER BY email) FROM subs LIMIT 2;
WITH c AS MATERIALIZED (SELECT email FROM subs LIMIT 5) SELECT count(*) FROM subs WHERE email IN (SELECT email FROM c);
SELECT (SELECT email FROM subs s2 WHERE s2.list_id = s.list_id AND s2.id = s.id) FROM subs s WHERE list_id = 10 LIMIT 2;
SELECT email FROM subs WHERE list_id = 10 AND email = (SELECT email FROM subs WHERE list_id = 11 LIMIT 1);
SELECT array_agg(email) FILTER (WHERE id < 5), json_agg(email) FROM subs WHERE list_id = 10;
SELECT row(s.*)::text FROM subs s WHERE list_id = 10 LIMIT 1;
PREPARE p(listguard.email) AS SELECT count(*) FROM subs WHERE email = $1;
EXECUTE p('member8@example.com'); EXECUTE p('member8@example.com'); EXECUTE p('member8@example.com'); EXECUTE p('member8@example.com'); EXECUTE p('member8@example.com'); EXECUTE p('member8@example.com'); EXECUTE p('member8@example.com');
BEGIN; DECLARE c CURSOR WITH HOLD FOR SELECT email FROM subs WHERE email::text LIKE '%8%' ORDER BY id; FETCH 2 FROM c; COMMIT; FETCH 2 FROM c; CLOSE c;
BEGIN; DECLARE d SCROLL CURSOR FOR SELECT email, format('%s', email) FROM subs; FETCH LAST FROM d; FETCH PRIOR FROM d; FETCH ABSOLUTE 1 FROM d; ROLLBACK;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT email FROM subs WHERE format('%s', email) LIKE 'm%' LIMIT 1;
SELECT * FROM subs s, LATERAL (SELECT email::text FROM subs t WHERE t.list_id = s.list_id AND t.id = s.id) x WHERE s.list_id = 10 LIMIT 1;
SELECT email FROM subs WHERE list_id = 10 UNION SELECT email FROM subs WHERE list_id = 11 LIMIT 2;
SELECT count(*) FROM subs WHERE email IN (SELECT email FROM subs WHERE list_id = 12) AND list_id = 13;
INSERT INTO subs (account_id, list_id, email) SELECT account_id, list_id, email FROM subs WHERE list_id = 10 LIMIT 0;
SELECT 'lgt1:' || repeat('A', 100)::listguard.email;
CREATE TEMP TABLE tt AS SELECT email FROM subs LIMIT 3; SELECT count(*) FROM tt;
SELECT email FROM subs WHERE id IN (SELECT id FROM subs WHERE list_id = 10 ORDER BY email LIMIT 3) ORDER BY id LIMIT 1;
SELECT listguard.can_read(account_id, list_id, email) FROM subs LIMIT 1;
SELECT worker_partition_query_result('x1', 'SELECT email FROM subs', 0, 'hash', '{-2147483648,0}'::text[], '{-1,2147483647}'::text[], false);
SELECT 1;
SQL
cat >$ATK_DIR/45_ddl.sql <<'SQL'
\set VERBOSITY terse
CREATE SCHEMA IF NOT EXISTS play45; GRANT ALL ON SCHEMA play45 TO app;
SET ROLE app;
CREATE TABLE play45.t (id int, acct bigint, e listguard.email DEFAULT 'dflt@example.com', CHECK (e <> 'banned@example.com'));
SELECT create_distributed_table('play45.t', 'id');
INSERT INTO play45.t (id, acct) VALUES (1, 1);
INSERT INTO play45.t VALUES (2, 1, 'banned@example.com');
INSERT INTO play45.t VALUES (3, 1, 'ok@example.com');
SELECT id, e FROM play45.t ORDER BY id;
ALTER TABLE play45.t ADD COLUMN e2 listguard.email DEFAULT 'second@example.com';
ALTER TABLE play45.t ALTER COLUMN e SET DEFAULT 'third@example.com';
CREATE INDEX ON play45.t (e) WHERE e <> 'x@example.com';
INSERT INTO play45.t (id, acct) VALUES (4, 1);
SELECT id, e, e2 FROM play45.t ORDER BY id;
CREATE TABLE play45.d (e listguard.email PRIMARY KEY, n int);
SELECT create_distributed_table('play45.d', 'e');
INSERT INTO play45.d VALUES ('a@example.com', 1), ('b@example.com', 2);
SELECT * FROM play45.d WHERE e = 'a@example.com';
SELECT get_shard_id_for_distribution_column('play45.d', 'a@example.com'::listguard.email);
UPDATE play45.d SET e = 'c@example.com' WHERE e = 'a@example.com';
SELECT count(*) FROM play45.d d JOIN subs s ON s.email = d.e;
RESET ROLE;
SELECT create_reference_table('play45.r') FROM (SELECT 1) x WHERE false;
CREATE TABLE play45.r (e listguard.email); SELECT create_reference_table('play45.r');
INSERT INTO play45.r SELECT email FROM subs LIMIT 3;
SELECT listguard.protect('play45.r', 'e') ;
SELECT 1;
SQL
for r in app viewer; do at coordinator -U $r -f $ATK_DIR/45_shapes.sql >$ATK_DIR/45.$r.out 2>&1; echo "$r: exit $?, errors: $(grep -c ERROR $ATK_DIR/45.$r.out)"; done
at coordinator -c "DROP SCHEMA IF EXISTS play45 CASCADE" >/dev/null 2>&1
at coordinator -f $ATK_DIR/45_ddl.sql >$ATK_DIR/45.ddl.out 2>&1
grep ERROR $ATK_DIR/45.*.out | sed 's/^/  /' | sort | uniq -c
# The longest transit token: a fresh 251-octet address typed by a role with
# a 63-character name, routed to a shard of a table distributed by email.
R=$(printf 'r%.0s' $(seq 63))
A="$(printf 'a%.0s' $(seq 64))@$(printf 'b%.0s' $(seq 60)).$(printf 'c%.0s' $(seq 60)).$(printf 'd%.0s' $(seq 60)).com"
at coordinator -c "CREATE ROLE $R LOGIN" -c "GRANT USAGE ON SCHEMA listguard, play45 TO $R" -c "GRANT INSERT, SELECT ON play45.d TO $R" >/dev/null 2>&1
at coordinator -U $R -c "INSERT INTO play45.d VALUES ('$A', 9)" -c "SELECT count(*) FROM play45.d WHERE e = '$A'" >>$ATK_DIR/45.ddl.out 2>&1
clear_viewer=$(grep -c 'member[0-9]*@' $ATK_DIR/45.viewer.out)
crashes=$(tail -q -n +1 $SERVERS_DIR/*.log | grep -c 'terminated by signal\|PANIC')
defaults=$(grep -c 'third@example.com|second@example.com' $ATK_DIR/45.ddl.out)
echo "viewer clear values: $clear_viewer; crashes in logs: $crashes; shard defaults work: $defaults"
[ "$clear_viewer" = 0 ] && [ "$crashes" = 0 ] && echo "RESULT: held" || echo "RESULT: FINDING"
