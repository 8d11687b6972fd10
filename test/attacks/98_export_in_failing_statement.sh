#!/usr/bin/env bash
# 98: a clear reader (a9_alice) exports its list in clear in ways whose
# statement or transaction ends in an error, so that, if the reveal trail
# (reveal records, reveal summaries) is written only at a clean end, it
# never says she read her canaries: (a) COPY (SELECT ...) TO STDOUT that
# streams every row and fails on the last one (ids descending: the planted rows come first); (b) a cursor FETCHed to the
# end and the transaction rolled back; (c) a SELECT streamed with
# FETCH_COUNT that fails after the rows are out. Then an admin traces each
# leaked file (alice's full export) with trace_leak().
# Secure outcome: alice is named likely for each file, or, as a9_mta (a
# sender) reads the list, listed with the best odds beside it (or her reads count as
# unknown, hence as read), as for her baseline export by a plain SELECT.
. "$(dirname "$0")/atk9_env.sh"
run() {  # $1 label, $2 psql input as alice; leaves the export in /tmp/atk9/98.$1
  fresh 2>/dev/null
  sq -c "SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 4, over => '1 millisecond')" >/dev/null 2>&1
  sleep 0.1; plant_now 2>/dev/null
  U=a9_mta sq -c "SELECT email::text FROM subs" >/dev/null   # the MTA mails the list
  U=a9_bob sq -c "SELECT email::text FROM subs" >/dev/null
  printf '%s\n' "$2" | U=a9_alice "$PGBIN/psql" -X -q -At -U a9_alice -d atk9 2>/dev/null | grep '@' > /tmp/atk9/98.$1
  settle; sleep 1; settle
  local lines; lines=$(wc -l < /tmp/atk9/98.$1)
  sq -c "CREATE TEMP TABLE f(line text)" -c "\\copy f FROM '/tmp/atk9/98.$1'" \
     -c "SELECT '$1 ($lines lines): ' || coalesce(string_agg(format('%s found=%s revealed=%s addr=%s odds=%s likely=%s', role, canaries_found, canaries_revealed, round(addresses_revealed::numeric, 2), round(odds::numeric, 1), likely), '; '), 'no row') FROM listguard.trace_leak(ARRAY(SELECT line FROM f))" 2>&1 | grep -v NOTICE | tail -1
}
B=$(run baseline "SELECT email::text FROM subs ORDER BY id DESC;")
echo "$B"
A=$(run copy_fails "COPY (SELECT email::text || CASE WHEN id = (SELECT min(id) FROM subs) THEN (1/(id - id))::text ELSE '' END FROM subs ORDER BY id DESC) TO STDOUT;")
echo "$A"
C=$(run cursor_rollback "BEGIN; DECLARE c CURSOR FOR SELECT email::text FROM subs ORDER BY id DESC; FETCH ALL FROM c; ROLLBACK;")
echo "$C"
D=$(run fetch_count_fails "\\set FETCH_COUNT 50
SELECT email::text || CASE WHEN id = (SELECT min(id) FROM subs) THEN (1/(id - id))::text ELSE '' END FROM subs ORDER BY id DESC;")
echo "$D"
bad=0
for r in "$A" "$C" "$D"; do
  case "$r" in *"(0 lines)"*) ;; *) names_or_ties "$r" || { bad=1; echo "  not named: $r"; };; esac
done
names_or_ties "$B" || echo "  (baseline does not name alice either)"
if [ $bad = 1 ]; then echo "FINDING: an export whose statement or transaction fails leaves a file that does not name its reader"; else echo "held: every failing-statement export still names alice (or lists her with the sender, at the best odds)"; fi
