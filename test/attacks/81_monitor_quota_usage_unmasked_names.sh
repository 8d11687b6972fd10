#!/usr/bin/env bash
# 81: a monitor (listguard_monitor or pg_monitor) reads quota_usage, which
# shows it every quota; the role whose name is an address
# (jane.doe@corp.example) is masked in metrics and audit_events
# (j***@corp.example) -- is it in quota_usage?
# Secure outcome: the same masking everywhere a monitor reads names.
# Result: FINDING (L). quota_usage.role is the grantee regrole unmasked
# ("jane.doe@corp.example"), next to the grant id, account, list and
# on_exceed (principal names likewise unmasked). Low: pg_roles shows role
# names to every login anyway, so the masking in metrics is cosmetic; the
# point is the inconsistency of the "no address" promise.
. "$(dirname "$0")/atk6_env.sh"
U=jane.doe@corp.example sq -c "SELECT count(email::text) FROM subs" >/dev/null; settle
for u in a6_mon a6_pgmon; do
  echo "== $u"
  U=$u sq -c "SELECT grant_id, role, account, list, quota, on_exceed, used, principal FROM listguard.quota_usage"
  U=$u sq -c "SELECT DISTINCT labels->>'role' FROM listguard.metrics WHERE labels ? 'role' AND labels->>'role' LIKE '%@%'"
  U=$u sq -c "SELECT DISTINCT current_user_name FROM listguard.audit_events WHERE current_user_name LIKE '%@%'"
done
