#!/usr/bin/env bash
# Round 3, re-attack of 03 (fixed in 47b6734: a standby's backends take in
# replayed invalidations before every decision) on sibling paths: on a hot
# standby, a prepared statement with a generic plan, a cursor WITH HOLD, a
# procedure that commits in a loop, and SECURITY DEFINER code, while the
# primary revokes a grant (revoke_access) and a group membership (REVOKE
# a_grp FROM ...). Also class 6: the standby's cluster_name, non-ASCII and
# long, becomes the origin of its events.
# Expected secure outcome: every value the standby outputs after the replay
# is masked; the origin is valid text; verify_audit() is ok on the primary.
# RESULT: held: after the replay the open cursor and the generic plan find no
# row (row policies), the held cursor shows masks, the loop finds no row once
# the membership is gone; the origin is cut to 63 bytes of ASCII (PostgreSQL
# cleans cluster_name), verify_audit() ok.
# Needs PGHOST (socket dir), PGPORT (primary), SBPORT (a hot standby of it
# with listguard.primary_conninfo set to a member of listguard_standby).
set -u
SBPORT=${SBPORT:?}
P="psql -X -q -d atk"
S="psql -X -q -d atk -p $SBPORT"
$P -U postgres -At >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'a_sbr') THEN CREATE ROLE a_sbr LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'a_sbg') THEN CREATE ROLE a_sbg LOGIN; END IF;
END $$;
GRANT SELECT ON subs TO a_sbr, a_sbg;
GRANT a_grp TO a_sbg;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'a_sbr'::regrole;
SELECT listguard.grant_access('a_sbr', 1, 11, reveal => 'clear', quota => '1000/day');
CREATE OR REPLACE PROCEDURE public.atk_sb_loop() LANGUAGE plpgsql AS $$
DECLARE i int; e text;
BEGIN
  FOR i IN 1..8 LOOP
    SELECT email::text INTO e FROM subs WHERE id = i;
    RAISE NOTICE '% %', to_char(clock_timestamp(), 'HH24:MI:SS'), e;
    COMMIT;
    PERFORM pg_sleep(1);
  END LOOP;
END $$;
GRANT EXECUTE ON PROCEDURE public.atk_sb_loop() TO a_sbr, a_sbg;
SQL
sleep 2
echo "== a grant revoked under a generic plan, an open cursor and a held cursor (standby)"
mkfifo /tmp/atk3/sb.in 2>/dev/null
( $S -U a_sbr -At < /tmp/atk3/sb.in > /tmp/atk3/sb.out 2>&1 ) &
exec 3> /tmp/atk3/sb.in
cat >&3 <<'SQL'
BEGIN;
DECLARE h CURSOR WITH HOLD FOR SELECT email FROM subs WHERE id <= 3 ORDER BY id;
COMMIT;
SET plan_cache_mode = force_generic_plan;
PREPARE p AS SELECT email FROM subs WHERE id = 5;
EXECUTE p;
BEGIN ISOLATION LEVEL REPEATABLE READ;
DECLARE c CURSOR FOR SELECT email FROM subs WHERE id BETWEEN 6 AND 9 ORDER BY id;
FETCH 1 FROM c;
SELECT 'waiting ' || pg_sleep(4)::text;
SQL
sleep 1
$P -U postgres -c "SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'a_sbr'::regrole" >/dev/null
sleep 4
cat >&3 <<'SQL'
\echo after the replay:
FETCH ALL FROM c;
EXECUTE p;
COMMIT;
FETCH ALL FROM h;
EXECUTE p;
SQL
exec 3>&-
wait
cat /tmp/atk3/sb.out; rm -f /tmp/atk3/sb.in
echo "== a group membership revoked under a procedure committing in a loop (standby)"
( sleep 3; $P -U postgres -c "REVOKE a_grp FROM a_sbg" >/dev/null ) &
$S -U a_sbg -c "CALL public.atk_sb_loop()" 2>&1
wait
echo "== origin and chain on the primary"
sleep 2
$P -U postgres -At -c "SELECT DISTINCT origin, octet_length(origin) FROM listguard.audit_log WHERE origin IS NOT NULL" -c "SELECT * FROM listguard.verify_audit()" | head -5
