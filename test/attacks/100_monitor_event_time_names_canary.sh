#!/usr/bin/env bash
# 100: the scenario of 92 after its fix (audit_events no longer shows xid):
# a clear reader that is also a monitor (listguard_monitor; an ops login
# with both is ordinary) reads, after the fact and without polling anything,
# the `canary` events of its account and list in audit_events (logged_at,
# account, list) and the created_at (DEFAULT now(): the planting
# transaction's start) of the rows of its list. Canaries are planted with
# plan_canaries() and a planting job among signups arriving every ~0.05 s.
# For each canary event it keeps the rows whose created_at is at most 60 ms
# before the event's logged_at (a planting takes a few dozen ms).
# Secure outcome: the suspects are no better than chance (a canary event
# tells no moment finer than the signups around it).
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq -c "GRANT listguard_monitor TO a9_alice" >/dev/null 2>&1
sq -c "SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 4, over => '12 seconds')" >/dev/null
( for i in $(seq 1 150); do U=a9_writer sq -c "INSERT INTO subs (account_id, list_id, email, first_name, last_name) VALUES (1, 11, 'signup$i.doe@gmail.com', 'Signup', 'Doe')" >/dev/null 2>&1; sleep 0.05; done ) &
SIGN=$!
( for i in $(seq 1 32); do echo "SELECT listguard.plant_due_canaries();"; echo "SELECT pg_sleep(0.5);"; done ) | "$PGBIN/psql" -X -q -At -U postgres -d atk9 >/dev/null 2>&1
wait $SIGN
settle
U=a9_alice sq > /tmp/atk9/100.out 2>&1 <<'SQL'
CREATE TEMP TABLE ev AS SELECT logged_at FROM listguard.audit_events WHERE kind = 'canary' AND account = 1 AND list = 11;
SELECT 'canary events of list 11 (plans and plantings): ' || count(*) FROM ev;
SELECT 'suspects: ' || string_agg(DISTINCT s.id::text, ',' ORDER BY s.id::text)
FROM ev CROSS JOIN LATERAL (SELECT id FROM subs WHERE created_at <= ev.logged_at AND created_at > ev.logged_at - interval '60 ms') s;
SQL
cat /tmp/atk9/100.out
TRUTH=$(U=a9_alice sq -c "SELECT id FROM subs ORDER BY id" | while read id; do U=a9_bob sq -c "SELECT 1 FROM subs WHERE id = $id" | grep -q 1 || echo "$id"; done | paste -sd,)
echo "alice's canaries: $TRUTH; signups: $(sq -c "SELECT count(*) FROM subs WHERE id > 400")"
SUS=$(sed -n 's/^suspects: //p' /tmp/atk9/100.out)
nsus=$(echo "$SUS" | tr ',' '\n' | grep -c .); ncan=$(echo "$TRUTH" | tr ',' '\n' | grep -c .)
hit=$(comm -12 <(echo "$SUS" | tr ',' '\n' | sort) <(echo "$TRUTH" | tr ',' '\n' | sort) | grep -c .)
echo "canaries among suspects: $hit of $ncan; suspects: $nsus (of about $((400 + 158)) rows)"
sq -c "REVOKE listguard_monitor FROM a9_alice" >/dev/null
if [ "$ncan" -gt 0 ] && [ "$hit" = "$ncan" ] && [ "$nsus" -le $((3 * ncan)) ]; then echo "FINDING: the canary events' logged_at (audit_events, monitors) against created_at points at the reader's canary rows among concurrent signups"; else echo "held: suspects '$SUS' vs canaries '$TRUTH'"; fi
