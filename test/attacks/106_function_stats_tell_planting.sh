#!/usr/bin/env bash
# 106: with track_functions = 'pl' (a common monitoring setting), every role
# reads pg_stat_user_functions (no privilege). Do listguard's planting
# functions count their calls there while track_counts is off for them?
# Documented: "No cumulative statistic moves when canaries are planted,
# planned or added, other than the list's own counts of one inserted row".
# Secure outcome: no function's counts move at a planting.
. "$(dirname "$0")/atk9_env.sh"
fresh 2>/dev/null
sq -c "ALTER SYSTEM SET track_functions = 'pl'" -c "SELECT pg_reload_conf()" >/dev/null; sleep 1
sq -c "SELECT listguard.plan_canaries('subs', 1, 11, roles => ARRAY['a9_alice']::regrole[], per_role => 1, over => '1 millisecond')" >/dev/null 2>&1
stats() { U=a9_alice sq -c "SELECT pg_stat_clear_snapshot()" -c "SELECT coalesce(string_agg(schemaname || '.' || funcname || '=' || calls, ' ' ORDER BY funcname), 'none') FROM pg_stat_user_functions" | tail -1; }
B=$(stats)
sleep 0.1; sq -c "SELECT listguard.plant_due_canaries()" >/dev/null 2>&1
sleep 1; A=$(stats)
echo "before: $B"; echo "after:  $A"
sq -c "ALTER SYSTEM RESET track_functions" -c "SELECT pg_reload_conf()" >/dev/null
if [ "$A" != "$B" ] && echo "$A" | grep -q listguard; then echo "FINDING: pg_stat_user_functions (every role) counts the planting functions' calls: a planting's moment"; else echo "held: no function count moved"; fi
