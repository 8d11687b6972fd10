#!/usr/bin/env bash
# 102: a list with columns that real rows fill in an order: created_at
# (DEFAULT now()), confirmed_at (double opt-in: a few minutes after
# created_at), and ext_id (a CRM number that grows with the row's id). A
# canary planted with plan_canaries() takes created_at and id as a signup
# does, but its confirmed_at and ext_id are drawn "between two real rows'
# values" of the list. A clear reader (a9_alice) looks for rows whose
# confirmed_at is before their created_at, or whose ext_id is out of order
# with id.
# Documented (limitations.md): "two columns that go together (a city and
# its country) may not in a canary row". Secure outcome: no simple rule
# over such columns singles out canaries.
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq >/dev/null 2>&1 <<'SQL'
CREATE TABLE public.subs2 (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
  email listguard.email NOT NULL, first_name text, last_name text, created_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz, ext_id bigint, UNIQUE (account_id, email));
INSERT INTO subs2 (account_id, list_id, email, first_name, last_name, created_at, confirmed_at, ext_id)
SELECT 1, 12, format('%s.%s%s@%s', f, l, g, (ARRAY['gmail.com','yahoo.com','outlook.com','hotmail.com'])[1 + g % 4]),
       initcap(f), initcap(l), now() - interval '2 days' + g * interval '5 minutes',
       now() - interval '2 days' + g * interval '5 minutes' + (1 + g % 9) * interval '1 minute', 100000 + 3 * g + g % 2
FROM generate_series(1, 400) g,
     LATERAL (SELECT (ARRAY['john','mary','kevin','linda','paul','susan','mark','karen','james','nancy'])[1 + (g * 7) % 10] AS f,
                     (ARRAY['smith','jones','brown','lee','clark','hall','young','king','wright','lopez'])[1 + (g * 3) % 10] AS l) x;
SELECT listguard.protect('subs2', 'account_id', 'list_id');
GRANT SELECT, INSERT ON subs2 TO a9_alice, a9_bob, a9_writer;
GRANT USAGE ON SEQUENCE subs2_id_seq TO a9_writer;
SELECT listguard.grant_access('a9_alice', 1, 12, reveal => 'clear');
SELECT listguard.grant_access('a9_bob', 1, 12, reveal => 'clear');
SELECT listguard.grant_access('a9_writer', 1, 12, can_write => true);
SELECT listguard.plan_canaries('subs2', 1, 12, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 5, over => '5 seconds');
SQL
# Signups (the app sets confirmed_at at the opt-in, ext_id from the CRM) and the job.
( for i in $(seq 1 60); do U=a9_writer sq -c "INSERT INTO subs2 (account_id, list_id, email, first_name, last_name, confirmed_at, ext_id) VALUES (1, 12, 'signup$i.doe@gmail.com', 'Signup', 'Doe', now() + interval '3 minutes', 101300 + 3 * $i)" >/dev/null 2>&1; sleep 0.1; done ) &
( for i in $(seq 1 14); do echo "SELECT listguard.plant_due_canaries();"; echo "SELECT pg_sleep(0.5);"; done ) | "$PGBIN/psql" -X -q -At -U postgres -d atk9 >/dev/null 2>&1
wait
U=a9_alice sq -c "SELECT 'confirmed before created: ' || coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM subs2 WHERE confirmed_at IS NULL OR confirmed_at < created_at" \
  -c "SELECT 'ext_id out of order with id: ' || coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM (SELECT id, ext_id, lag(ext_id) OVER (ORDER BY id) AS p, lead(ext_id) OVER (ORDER BY id) AS n FROM subs2) s WHERE ext_id < p AND (n IS NULL OR ext_id < n) OR ext_id IS NULL" > /tmp/atk9/102.out
cat /tmp/atk9/102.out
TRUTH=$(U=a9_alice sq -c "SELECT id FROM subs2 ORDER BY id" | while read id; do U=a9_bob sq -c "SELECT 1 FROM subs2 WHERE id = $id" | grep -q 1 || echo "$id"; done | paste -sd,)
echo "alice's canaries: $TRUTH"
SUS=$(sed -n 's/^confirmed before created: //p' /tmp/atk9/102.out)
if [ -n "$TRUTH" ] && [ "$SUS" = "$TRUTH" ]; then echo "FINDING: confirmed_at < created_at singles out exactly the reader's canaries (a time column drawn from the past, next to created_at taken at planting)"; else echo "held: suspects '$SUS' vs canaries '$TRUTH'"; fi
