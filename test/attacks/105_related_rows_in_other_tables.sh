#!/usr/bin/env bash
# 105: the application writes, with every signup, a row in another table in
# the same transaction: here a consent record (double opt-in proof, which
# GDPR asks for) referencing the subscriber's id. Canaries planted with
# plan_canaries() are rows of the list only. A clear reader (a9_alice), who
# may read the consents table (not protected: it holds no address), lists
# the rows of her list that have no consent.
# Secure outcome: canary rows cannot be told from real ones by the rows
# that refer to them (or the docs say to plant where none do).
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq >/dev/null 2>&1 <<'SQL'
CREATE TABLE public.consents (sub_id bigint PRIMARY KEY REFERENCES subs (id), ip inet, given_at timestamptz DEFAULT now());
INSERT INTO consents (sub_id, ip) SELECT id, '192.0.2.1' FROM subs;
GRANT SELECT ON consents TO a9_alice;
GRANT SELECT, INSERT ON consents TO a9_writer;
SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 4, over => '3 seconds');
SQL
( for i in $(seq 1 30); do U=a9_writer sq -c "WITH s AS (INSERT INTO subs (account_id, list_id, email, first_name, last_name) VALUES (1, 11, 'signup$i.doe@gmail.com', 'Signup', 'Doe') RETURNING id) INSERT INTO consents (sub_id, ip) SELECT id, '198.51.100.7' FROM s" >/dev/null 2>&1; sleep 0.1; done ) &
( for i in $(seq 1 8); do echo "SELECT listguard.plant_due_canaries();"; echo "SELECT pg_sleep(0.5);"; done ) | "$PGBIN/psql" -X -q -At -U postgres -d atk9 >/dev/null 2>&1
wait
SUS=$(U=a9_alice sq -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM subs s WHERE NOT EXISTS (SELECT 1 FROM consents c WHERE c.sub_id = s.id)")
TRUTH=$(U=a9_alice sq -c "SELECT id FROM subs ORDER BY id" | while read id; do U=a9_bob sq -c "SELECT 1 FROM subs WHERE id = $id" | grep -q 1 || echo "$id"; done | paste -sd,)
echo "rows of alice's list without a consent: $SUS; alice's canaries: $TRUTH; rows: $(U=a9_alice sq -c "SELECT count(*) FROM subs")"
if [ -n "$TRUTH" ] && [ "$SUS" = "$TRUTH" ]; then echo "FINDING: a canary row has no row referring to it where every signup has one (consents): exactly the reader's canaries"; else echo "held: suspects '$SUS' vs canaries '$TRUTH'"; fi
