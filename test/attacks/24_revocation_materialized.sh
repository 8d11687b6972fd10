#!/usr/bin/env bash
# Round 3, class 3 (access that outlives its grant) over shapes that make
# values before the revocation and hand them out after it: a cursor WITH
# HOLD (materialised at COMMIT), a materialised CTE / sort read by a cursor,
# a generic cached plan, and an expiring grant read by a procedure that
# commits in a loop.
# Expected secure outcome: after the revocation commits (or the grant
# expires), every value output is masked, except clear text the role itself
# made (and was charged and recorded for) before: held cursors of
# email::text are that (materialised at COMMIT, charged then).
# RESULT: held: the open cursor, the generic plan and the held cursor of
# email show masks after the revocation; the loop shows masks once the grant
# expires; only the held cursor of email::text (made and charged before)
# stays clear, as a temp table of email::text would.
# Needs PGHOST, PGPORT (superuser postgres), the setup.sql fixture.
set -u
P="psql -X -q -d atk"
$P -U postgres -At <<'SQL'
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'a_rev') THEN CREATE ROLE a_rev LOGIN; END IF; END $$;
GRANT SELECT ON subs TO a_rev;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'a_rev'::regrole;
SELECT listguard.grant_access('a_rev', 1, 11, reveal => 'clear', quota => '1000/day') AS g \gset
SQL
mkfifo /tmp/atk3/rev.in 2>/dev/null
( $P -U a_rev -At < /tmp/atk3/rev.in > /tmp/atk3/rev.out 2>&1 ) &
exec 3> /tmp/atk3/rev.in
cat >&3 <<'SQL'
BEGIN;
DECLARE h1 CURSOR WITH HOLD FOR SELECT email FROM subs WHERE id <= 4 ORDER BY id;
DECLARE h2 CURSOR WITH HOLD FOR SELECT email::text FROM subs WHERE id <= 4 ORDER BY id;
COMMIT;
BEGIN ISOLATION LEVEL REPEATABLE READ;
DECLARE s1 CURSOR FOR WITH m AS MATERIALIZED (SELECT id, email FROM subs WHERE id <= 8) SELECT email FROM m ORDER BY id;
FETCH 1 FROM s1;
SET plan_cache_mode = force_generic_plan;
PREPARE p AS SELECT email FROM subs WHERE id = 5;
EXECUTE p;
SELECT 'before revoke: ' || pg_sleep(3)::text;
SQL
sleep 1
$P -U postgres -c "SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'a_rev'::regrole" >/dev/null
sleep 3
cat >&3 <<'SQL'
\echo after revocation:
FETCH ALL FROM s1;
EXECUTE p;
COMMIT;
FETCH ALL FROM h1;
FETCH ALL FROM h2;
SQL
exec 3>&-
wait
cat /tmp/atk3/rev.out
rm -f /tmp/atk3/rev.in
echo "== expiry inside a procedure that commits in a loop"
$P -U postgres -At <<'SQL'
SELECT listguard.grant_access('a_rev', 1, 11, reveal => 'clear', quota => '1000/day', valid_until => clock_timestamp() + interval '3 seconds');
CREATE OR REPLACE PROCEDURE public.atk_loop() LANGUAGE plpgsql AS $$
DECLARE i int; e text;
BEGIN
  FOR i IN 1..6 LOOP
    SELECT email::text INTO e FROM subs WHERE id = i;
    RAISE NOTICE '% %', to_char(clock_timestamp(), 'HH24:MI:SS'), e;
    COMMIT;
    PERFORM pg_sleep(1);
  END LOOP;
END $$;
GRANT EXECUTE ON PROCEDURE public.atk_loop() TO a_rev;
SQL
$P -U a_rev -c "CALL public.atk_loop()" 2>&1
