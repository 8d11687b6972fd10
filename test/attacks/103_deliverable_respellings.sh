#!/usr/bin/env bash
# 103: a leaker respells every address of her file in ways mail still
# reaches the same mailbox (so the buyer's spam still lands in the canary
# mailbox): googlemail.com for gmail.com, upper case, a trailing dot on the
# domain, a quoted local part, a +tag, dots in a Gmail local part. Do
# trace() and trace_leak() still find the canaries?
# Secure outcome: every deliverable respelling of a canary is found.
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq -c "SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice','a9_bob']::regrole[], per_role => 4, over => '1 millisecond')" >/dev/null 2>&1
sleep 0.1; plant_now 2>/dev/null
miss=0
for c in $(U=a9_mta sq -c "SELECT email FROM subs WHERE id > 400"); do
  l=${c%@*}; d=${c#*@}
  vars=("$(echo "$c" | tr a-z A-Z)" "$c." "\"$l\"@$d" "$l+promo@$d")
  [ "$d" = gmail.com ] && vars+=("$l@googlemail.com" "$(echo "$l" | sed 's/./&./1')@gmail.com")
  for v in "${vars[@]}"; do
    t=$(sq -c "SELECT count(*) FROM listguard.trace_leak(ARRAY[\$\$$v\$\$])" 2>&1 | grep -v NOTICE | tail -1)
    [ "$t" -ge 1 ] 2>/dev/null || { echo "  not found: $v"; miss=1; }
  done
done
if [ $miss = 1 ]; then echo "FINDING: a deliverable respelling hides a canary from trace_leak"; else echo "held: every deliverable respelling of the 8 canaries was found by trace_leak"; fi
