#!/usr/bin/env bash
# 74 (attack7): spotting acme:alice's canaries with bob's assertion only.
# The fix of 60 shows a principal's canary to its application acting for
# nobody (so nobody vs alice lists the same rows), but hides it from the
# application acting for any other principal. SQL injected into webapp,
# holding only acme:bob's assertion (list 10, pseudonyms; bob has no
# canaries), lists row ids acting for nobody, then after act_as(bob): rows
# nobody sees and bob does not are other principals' canaries (alice's).
# Also shows: count(*), EXPLAIN ANALYZE row counts and can_read(1, 10, email)
# on values nobody copied: the same three rows.
# Secure outcome: nobody and bob list the same rows (the difference empty).
# Prints FINDING with the spotted ids, or held.
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
tok=$("$A" webapp acme:bob)
out=$(U=webapp sq <<SQL 2>&1
BEGIN;
CREATE TEMP TABLE nobody_ids ON COMMIT DROP AS SELECT id, email FROM subscribers WHERE list_id = 10;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM subscribers WHERE list_id = 10;
SELECT 'nobody count(*)', count(*) FROM subscribers WHERE list_id = 10;
SELECT listguard.act_as('$tok') IS NOT NULL AS acting;
SELECT 'bob count(*)', count(*) FROM subscribers WHERE list_id = 10;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM subscribers WHERE list_id = 10;
SELECT 'can_read false for bob', coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM nobody_ids WHERE NOT listguard.can_read(1, 10, email);
SELECT 'spotted', coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM (SELECT id FROM nobody_ids EXCEPT SELECT id FROM subscribers WHERE list_id = 10) s;
COMMIT;
SQL
)
echo "$out"
echo "admin: planted principal canaries: $(sq -c "SELECT count(*) FROM listguard.canaries WHERE principal IS NOT NULL")"
spotted=$(echo "$out" | sed -n 's/^spotted|//p')
if [ -n "$spotted" ]; then echo "FINDING: acting for nobody vs for bob singles out rows $spotted (alice's canaries)"; else echo "held"; fi
