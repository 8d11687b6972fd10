#!/usr/bin/env bash
# 99: a clear reader (a9_alice) streams its whole list in clear with COPY ...
# TO STDOUT; the last row calls a pg_temp function that raises a NOTICE (which
# flushes every row sent so far to the client) and sleeps; from a second
# session of hers she ends the first with pg_terminate_backend() (allowed on
# a backend of one's own role) before the statement ends. If the reveal
# trail (reveal records, summaries' spool) is written only when a statement
# ends, and SIGTERM is no crash (no audit_gap), the trail says she never
# read her canaries and trace_leak() does not name her.
# Secure outcome: alice named likely, or, as a9_mta (a sender) reads the
# list, listed with the best odds beside it (or her reads unknown, hence as read).
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq -c "SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 4, over => '1 millisecond')" >/dev/null 2>&1
sleep 0.1; plant_now 2>/dev/null
U=a9_mta sq -c "SELECT email::text FROM subs" >/dev/null
U=a9_bob sq -c "SELECT email::text FROM subs" >/dev/null
settle
"$PGBIN/psql" -X -q -At -U a9_alice -d atk9 > /tmp/atk9/99.file 2>/tmp/atk9/99.err <<'SQL' &
CREATE FUNCTION pg_temp.stall() RETURNS text LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'flush'; PERFORM pg_sleep(20); RETURN ''; END $$;
COPY (SELECT email::text || CASE WHEN id = (SELECT min(id) FROM subs) THEN pg_temp.stall() ELSE '' END FROM subs ORDER BY id DESC) TO STDOUT;
SQL
sleep 4
U=a9_alice sq -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'a9_alice' AND query LIKE 'COPY%' AND pid <> pg_backend_pid()"
wait
sleep 1; settle; sleep 1; settle
echo "alice's file: $(grep -c @ /tmp/atk9/99.file) lines; her session: $(grep -o 'terminating connection[^.]*' /tmp/atk9/99.err | head -1)"
sq -c "CREATE TEMP TABLE f(line text)" -c "\\copy f FROM '/tmp/atk9/99.file'" \
   -c "SELECT 'trace_leak: ' || coalesce(string_agg(format('%s found=%s revealed=%s addr=%s odds=%s likely=%s', role, canaries_found, canaries_revealed, round(addresses_revealed::numeric, 2), round(odds::numeric, 1), likely), '; '), 'no row') FROM listguard.trace_leak(ARRAY(SELECT line FROM f))" 2>&1 | grep -v NOTICE | tail -1 | tee /tmp/atk9/99.out
U=a9_bob sq -c "SELECT 1" >/dev/null
if names_or_ties "$(cat /tmp/atk9/99.out)"; then echo "held: alice is named for the export she cut short (or listed with the sender, at the best odds)"; else echo "FINDING: a reader that ends its own backend before its export statement ends leaks a file that does not name it"; fi
