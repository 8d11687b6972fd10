#!/usr/bin/env bash
# 101: the sender (a9_mta, the MTA's grant: it sees and mails every canary)
# wants its leak pinned on someone else. It spots the canary rows as 97 does
# (polling pg_locks/pg_stat_activity while the planting job plants among
# signups), then leaks the whole list without its canaries but the first two
# spotted. It does not know whose they are (when they are of two roles, the
# file points at the sender); when they are one role's, that role is an innocent
# clear reader (a9_alice or a9_bob, both of whom exported the list).
# trace_leak() then weighs "the sender leaked" against "the canary's role
# leaked": a sender's full leak that misses 7 of its 8 canaries is unlikely.
# Secure outcome (issue 27: never blame the innocent; a sender's leak names
# the sender or nobody): no role is named likely.
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq -c "SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 4, over => '12 seconds')" >/dev/null
sq -c "DROP TABLE IF EXISTS public.mta_seen" -c "CREATE TABLE public.mta_seen (xid bigint, pid int, role name, app text)" -c "GRANT ALL ON mta_seen TO a9_mta" >/dev/null 2>&1
U=a9_mta sq >/dev/null 2>&1 <<'SQL' &
DO $$ DECLARE t timestamptz := clock_timestamp(); BEGIN
  WHILE clock_timestamp() < t + interval '20 seconds' LOOP
    INSERT INTO mta_seen
    SELECT DISTINCT l.transactionid::text::bigint, l.pid, a.usename, a.application_name
    FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'transactionid' AND l.pid <> pg_backend_pid();
    PERFORM pg_stat_clear_snapshot();
  END LOOP; END $$;
SQL
POLL=$!
( for i in $(seq 1 150); do U=a9_writer sq -c "INSERT INTO subs (account_id, list_id, email, first_name, last_name) VALUES (1, 11, 'signup$i.doe@gmail.com', 'Signup', 'Doe')" >/dev/null 2>&1; sleep 0.05; done ) &
SIGN=$!
( for i in $(seq 1 32); do echo "SELECT listguard.plant_due_canaries();"; echo "SELECT pg_sleep(0.5);"; done ) | "$PGBIN/psql" -X -q -At -U postgres -d atk9 >/dev/null 2>&1
wait $SIGN $POLL
# Every clear reader exports the list (their ordinary work); the MTA mails it.
for r in a9_alice a9_bob a9_mta; do U=$r sq -c "SELECT email::text FROM subs" >/dev/null; done
settle
# The MTA's leak: every row but the suspects, plus the first two suspects.
U=a9_mta sq > /tmp/atk9/101.file 2>/dev/null <<'SQL'
CREATE TEMP TABLE mine AS SELECT s.id, s.email::text AS email, s.xmin::text::bigint AS x FROM subs s;
CREATE TEMP TABLE job AS SELECT DISTINCT xid FROM mta_seen WHERE role = 'postgres' AND app NOT LIKE 'listguard%';
CREATE TEMP TABLE sus AS SELECT m.id FROM mine m WHERE EXISTS (SELECT 1 FROM job j WHERE m.x > j.xid AND m.x <= j.xid + 4)
  AND NOT EXISTS (SELECT 1 FROM mta_seen o WHERE o.xid = m.x AND o.role <> 'postgres');
SELECT email FROM mine WHERE id NOT IN (SELECT id FROM sus) OR id IN (SELECT id FROM sus ORDER BY id LIMIT 2);
SQL
echo "MTA's file: $(grep -c @ /tmp/atk9/101.file) lines; canaries planted: $(sq -c "SELECT count(*) FROM listguard.canaries WHERE removed_at IS NULL AND relid IS NOT NULL")"
sq -c "CREATE TEMP TABLE f(line text)" -c "\\copy f FROM '/tmp/atk9/101.file'" \
   -c "SELECT 'trace_leak: ' || coalesce(string_agg(format('%s found=%s visible=%s revealed=%s addr=%s odds=%s likely=%s', role, canaries_found, canaries_visible, canaries_revealed, round(addresses_revealed::numeric, 2), round(odds::numeric, 1), likely), '; '), 'no row') FROM listguard.trace_leak(ARRAY(SELECT line FROM f))" 2>&1 | grep -v NOTICE | tail -1 | tee /tmp/atk9/101.out
if grep -Eq "a9_(alice|bob) found=[^;]*likely=t" /tmp/atk9/101.out; then echo "FINDING: the sender's leak names an innocent reader as likely"; else echo "held: no innocent reader named"; fi
