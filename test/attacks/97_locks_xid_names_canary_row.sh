#!/usr/bin/env bash
# 97: a clear reader (a9_alice) polls pg_locks and pg_stat_activity (readable
# by every role in PostgreSQL 15) while its list grows by signups and a
# planting job (a session that lives on, as docs/limitations.md advises)
# plants canaries planned with plan_canaries(). It keeps every transaction id
# it sees held by a session (pg_locks 'transactionid') with the session's
# role (pg_stat_activity, snapshot cleared each poll), then marks the rows of
# its list whose xmin lies just above an xid the job's session held (the
# planting's subtransaction takes the next xids) and that no other session
# held: are those exactly its canaries, however busy the list?
# Documented: the moment of a planting is visible (pg_locks, sessions), and
# "the busier the server, the less this tells". Secure outcome per that text:
# the reader learns moments, not rows, among concurrent signups.
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq -c "SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 4, over => '12 seconds')" >/dev/null
# Alice's poller: 20 s of polling, observations kept in a table of hers.
sq -c "DROP TABLE IF EXISTS public.alice_seen" -c "CREATE TABLE public.alice_seen (xid bigint, pid int, role name, app text)" -c "GRANT ALL ON alice_seen TO a9_alice" >/dev/null
U=a9_alice sq >/dev/null 2>&1 <<'SQL' &
DO $$ DECLARE t timestamptz := clock_timestamp(); BEGIN
  WHILE clock_timestamp() < t + interval '20 seconds' LOOP
    INSERT INTO alice_seen
    SELECT DISTINCT l.transactionid::text::bigint, l.pid, a.usename, a.application_name
    FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'transactionid' AND l.pid <> pg_backend_pid();
    PERFORM pg_stat_clear_snapshot(); -- pg_stat_activity is cached per transaction
  END LOOP; END $$;
SQL
POLL=$!
# Signups: a writer's rows every 0.1 s, concurrent with the job.
( for i in $(seq 1 150); do U=a9_writer sq -c "INSERT INTO subs (account_id, list_id, email, first_name, last_name) VALUES (1, 11, 'signup$i.doe@gmail.com', 'Signup', 'Doe')" >/dev/null 2>&1; sleep 0.05; done ) &
SIGN=$!
# The planting job: one long-lived session, a run every 0.5 s.
( for i in $(seq 1 32); do echo "SELECT listguard.plant_due_canaries();"; echo "SELECT pg_sleep(0.5);"; done ) | "$PGBIN/psql" -X -q -At -U postgres -d atk9 -v application_name=cronjob >/dev/null 2>&1
wait $SIGN $POLL
settle
U=a9_alice sq -c "CREATE TEMP TABLE mine AS SELECT s.id, s.email::text AS email, s.xmin::text::bigint AS x FROM subs s" \
  -c "CREATE TEMP TABLE job AS SELECT DISTINCT xid FROM alice_seen WHERE role = 'postgres' AND app NOT LIKE 'listguard%'" \
  -c "SELECT 'suspects (xmin just after an xid the job held, held by no other session): ' || coalesce(string_agg(DISTINCT m.id::text, ',' ORDER BY m.id::text), '') FROM mine m WHERE EXISTS (SELECT 1 FROM job j WHERE m.x > j.xid AND m.x <= j.xid + 4) AND NOT EXISTS (SELECT 1 FROM alice_seen o WHERE o.xid = m.x AND o.role <> 'postgres')" \
  -c "SELECT 'rows of mine whose xmin was seen at all: ' || count(DISTINCT m.id) FROM mine m JOIN alice_seen o ON o.xid = m.x" > /tmp/atk9/97.out 2>&1
cat /tmp/atk9/97.out
TRUTH=$(sq -c "SELECT string_agg(id::text, ',' ORDER BY id::text) FROM subs s WHERE listguard._canary_id_of(email) IS NOT NULL" 2>/dev/null)
[ -z "$TRUTH" ] && TRUTH=$(U=a9_alice sq -c "SELECT string_agg(id::text, ',' ORDER BY id::text) FROM subs" | tr ',' '\n' | while read id; do U=a9_bob sq -c "SELECT 1 FROM subs WHERE id = $id" | grep -q 1 || echo "$id"; done | paste -sd,)
echo "alice's canaries (rows she sees and bob does not): $TRUTH"
SUS=$(sed -n 's/^suspects.*: //p' /tmp/atk9/97.out)
echo "signups during the run: $(sq -c "SELECT count(*) FROM subs WHERE id > 400") rows of the list after id 400"
nsus=$(echo "$SUS" | tr ',' '\n' | grep -c .); ncan=$(echo "$TRUTH" | tr ',' '\n' | grep -c .)
hit=$(comm -12 <(echo "$SUS" | tr ',' '\n' | sort) <(echo "$TRUTH" | tr ',' '\n' | sort) | grep -c .)
echo "canaries among suspects: $hit of $ncan; suspects: $nsus"
if [ "$ncan" -gt 0 ] && [ "$hit" = "$ncan" ] && [ "$nsus" -le $((2 * ncan)) ]; then echo "FINDING: the xids a planting job holds (pg_locks + pg_stat_activity, readable by every role) point at its canary rows' xmin: every canary of the reader among $nsus suspects out of the concurrent signups, however busy the list"; else echo "held (or not caught): suspects '$SUS' vs canaries '$TRUTH'"; fi
