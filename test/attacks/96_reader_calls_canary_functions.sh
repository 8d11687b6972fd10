#!/usr/bin/env bash
# 96: every insider role of the threat model (clear reader, sender, writer,
# table owner, database owner, monitor) calls listguard's canary functions
# and reads its canary tables: trace(), trace_leak(), report_canary_hit(),
# canary_plans, canaries, reveal_summaries, canary_reveal_history.
# Secure outcome: each is refused (42501) or tells nothing about canaries.
. "$(dirname "$0")/atk9_env.sh"
fresh
sq -c "SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 3, over => '1 millisecond')" >/dev/null
sleep 0.1; plant_now; settle
CAN=$(U=a9_alice sq -c "SELECT string_agg(email::text, ',') FROM subs" | tr ',' '\n' | grep -E 'northmedia|pinehealth|vistasoft|quillbyte|maria.lopez77|kevin.hall31|paul.king8|susan.lee55' | head -1)
found=0
for r in a9_alice a9_mta a9_writer a9_towner a9_dbo a9_mon; do
  for q in "SELECT count(*) FROM listguard.trace('$CAN')" \
           "SELECT count(*) FROM listguard.trace_leak(ARRAY['$CAN'])" \
           "SELECT count(*) FROM listguard.report_canary_hit('$CAN', now(), 'x')" \
           "SELECT count(*) FROM listguard.canary_plans" \
           "SELECT count(*) FROM listguard.canaries" \
           "SELECT count(*) FROM listguard.reveal_summaries" \
           "SELECT count(*) FROM listguard.canary_reveal_history"; do
    out=$(U=$r sq -c "$q" 2>&1 | head -1)
    case "$out" in *"permission denied"*|*"must be"*|*ERROR*) ;; *) echo "  $r: $q -> $out"; found=1;; esac
  done
done
if [ $found = 1 ]; then echo "FINDING: a non-admin role reached a canary function or table (above)"; else echo "held: every canary function and table refused to every non-admin insider"; fi
