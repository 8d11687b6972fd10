#!/usr/bin/env bash
# 104: the application has an ordinary AFTER INSERT trigger on its list (set
# up by an administrator, in a schema listguard trusts, search_path pinned):
# each new subscriber goes to an outbox table (CRM sync / welcome mail) that
# is not protected, with its email value. Canaries are planted with
# plan_canaries() and the job. The trigger fires for the canary rows too.
# a9_bob (clear reader of list 11, innocent of nothing but curiosity) then:
#  (a) spots: outbox rows whose sub_id he cannot see in subs are other
#      roles' canaries; those written by the job's role that he can see are
#      his own canaries;
#  (b) frames: leaks his list (without his own canaries) plus the outbox's
#      canaries that are not his; trace_leak() weighs the file.
# Secure outcome: planting does not hand canary rows to the list's own
# code (or the copies stay hidden like the row), and no innocent is named.
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq >/dev/null 2>&1 <<'SQL'
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO PUBLIC;
CREATE TABLE app.outbox (sub_id bigint, email listguard.email, by_role text, at timestamptz DEFAULT clock_timestamp());
GRANT SELECT ON app.outbox TO a9_bob;
GRANT INSERT ON app.outbox TO a9_writer;
CREATE FUNCTION app.to_outbox() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN INSERT INTO app.outbox (sub_id, email, by_role) VALUES (NEW.id, NEW.email, current_user); RETURN NEW; END $$;
CREATE TRIGGER to_outbox AFTER INSERT ON subs FOR EACH ROW EXECUTE FUNCTION app.to_outbox();
SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 4, over => '3 seconds');
SQL
( for i in $(seq 1 30); do U=a9_writer sq -c "INSERT INTO subs (account_id, list_id, email, first_name, last_name) VALUES (1, 11, 'signup$i.doe@gmail.com', 'Signup', 'Doe')" >/dev/null 2>&1; sleep 0.1; done ) &
( for i in $(seq 1 8); do echo "SELECT listguard.plant_due_canaries();"; echo "SELECT pg_sleep(0.5);"; done ) | "$PGBIN/psql" -X -q -At -U postgres -d atk9 >/dev/null 2>&1
wait
for r in a9_alice a9_bob a9_mta; do U=$r sq -c "SELECT email::text FROM subs" >/dev/null; done
settle
U=a9_bob sq > /tmp/atk9/104.out 2>&1 <<'SQL'
SELECT 'outbox rows: ' || count(*) || ', by the job''s role: ' || count(*) FILTER (WHERE by_role <> 'a9_writer') FROM app.outbox;
SELECT 'others'' canaries (outbox rows bob cannot see in subs): ' || coalesce(string_agg(sub_id::text, ',' ORDER BY sub_id), '') FROM app.outbox o WHERE NOT EXISTS (SELECT 1 FROM subs s WHERE s.id = o.sub_id);
SELECT 'his own (job-written rows he sees): ' || coalesce(string_agg(sub_id::text, ',' ORDER BY sub_id), '') FROM app.outbox o WHERE by_role <> 'a9_writer' AND EXISTS (SELECT 1 FROM subs s WHERE s.id = o.sub_id);
SQL
cat /tmp/atk9/104.out
U=a9_bob sq -c "SELECT email::text FROM subs s WHERE NOT EXISTS (SELECT 1 FROM app.outbox o WHERE o.sub_id = s.id AND o.by_role <> 'a9_writer') UNION ALL SELECT email::text FROM app.outbox o WHERE NOT EXISTS (SELECT 1 FROM subs s WHERE s.id = o.sub_id)" > /tmp/atk9/104.file 2>/dev/null
echo "bob's file: $(grep -c @ /tmp/atk9/104.file) lines"
settle
sq -c "CREATE TEMP TABLE f(line text)" -c "\\copy f FROM '/tmp/atk9/104.file'" \
   -c "SELECT 'trace_leak: ' || coalesce(string_agg(format('%s found=%s visible=%s revealed=%s addr=%s odds=%s likely=%s', role, canaries_found, canaries_visible, canaries_revealed, round(addresses_revealed::numeric, 2), round(odds::numeric, 1), likely), '; '), 'no row') FROM listguard.trace_leak(ARRAY(SELECT line FROM f))" 2>&1 | grep -v NOTICE | tail -1 | tee /tmp/atk9/104.trace
TRUTH_A=$(sq -c "SELECT count(*) FROM listguard.canaries c WHERE c.role = 'a9_alice'::regrole AND removed_at IS NULL")
echo "alice's canaries planted: $TRUTH_A"
if grep -q "a9_alice found=[1-9][^;]*likely=t" /tmp/atk9/104.trace; then echo "FINDING: the list's own insert trigger copies every canary at planting into an unprotected outbox; a reader spots his canaries and frames another reader, whom trace_leak names"; elif grep -q "others' canaries.*[0-9]" /tmp/atk9/104.out; then echo "FINDING (spotting only): the insert trigger's outbox shows the canary rows"; else echo "held"; fi
