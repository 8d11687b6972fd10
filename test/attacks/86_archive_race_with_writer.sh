#!/usr/bin/env bash
# 86: a workload making archive_audit() lose or duplicate events: 6 clients
# read in clear, are refused (laundering insert) and write rows in a loop
# while an admin calls archive_audit(now()) and archive_audit(now() - 0.2 s)
# 30 times, some of them in transactions that also read and roll back, and
# with listguard.audit_retention = 1 s so that the housekeeper archives too.
# Then: every event id from 1 to max exactly once across the segments
# (read_audit_archive) and the table; verify_audit() and
# verify_audit_archive() ok.
# Secure outcome: no id lost or doubled, everything verifies.
# Result: held for loss and duplication (2307 ids, each once, none missing;
# verify_audit() and verify_audit_archive() ok over 46 segments). Two minor
# findings (L): a call failed with "audit events 890 to 890 are missing: the
# audit log is not archived" (the cursor reads with the statement's older
# snapshot while the extent was read with a fresh one taken after the lock:
# an event committed in between is counted but not seen), and that failure
# left audit-...-0000000000000000890.lgseg.tmp behind in the directory
# (never removed; ignored by verify). The housekeeper archived nothing: see 87.
. "$(dirname "$0")/atk6_env.sh"
fresh
sq -c "ALTER SYSTEM SET listguard.audit_retention = 1" -c "SELECT pg_reload_conf()" >/dev/null
end=$((SECONDS + 25))
for c in 1 2 3 4 5 6; do
  ( while [ $SECONDS -lt $end ]; do
      U=a6_clear sq -c "SELECT count(email::text) FROM subs WHERE id % 7 = $c" -c "INSERT INTO subs (account_id, list_id, email) SELECT 1, 12, email FROM subs WHERE id = $c" -c "INSERT INTO subs (account_id, list_id, email) VALUES (1, 11, 'w' || random() || '@example.net')" >/dev/null 2>&1
    done ) &
done
n=0
while [ $SECONDS -lt $end ]; do
  n=$((n + 1))
  case $((n % 3)) in
    0) U=a6_admin sq -c "SELECT events FROM listguard.archive_audit(now())" >/dev/null 2>>/tmp/atk6/86.err ;;
    1) U=a6_admin sq -c "SELECT events FROM listguard.archive_audit(now() - interval '0.2 s')" >/dev/null 2>>/tmp/atk6/86.err ;;
    2) U=a6_admin sq -c "BEGIN" -c "SELECT events FROM listguard.archive_audit(now())" -c "SELECT pg_sleep(0.3)" -c "COMMIT" >/dev/null 2>>/tmp/atk6/86.err ;;
  esac
  sleep 0.3
done
wait
sq -c "ALTER SYSTEM RESET listguard.audit_retention" -c "SELECT pg_reload_conf()" >/dev/null
settle; sleep 1
echo "archive calls: $n; errors: $(sort /tmp/atk6/86.err 2>/dev/null | uniq -c | head -5)"
echo "segments: $(ls "$ARCH" | grep -c lgseg), records: $(sq -c 'SELECT count(*) FROM listguard.audit_archives'), by housekeeper: $(sq -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'audit_archived' AND session_user_name <> 'a6_admin'")"
sq <<'SQL'
CREATE TEMP TABLE allev AS SELECT id FROM listguard.audit_log;
INSERT INTO allev SELECT r.id FROM listguard.audit_archives a, LATERAL listguard.read_audit_archive(a.segment) r;
SELECT 'ids: ' || count(*) || ' rows, ' || count(DISTINCT id) || ' distinct, min ' || min(id) || ' max ' || max(id) FROM allev;
SELECT 'missing: ' || count(*) FROM generate_series(1, (SELECT max(id) FROM allev)) g WHERE g NOT IN (SELECT id FROM allev);
SELECT 'verify_audit: ' || ok || ' ' || coalesce(problem, '') FROM listguard.verify_audit();
SELECT 'verify_audit_archive not ok: ' || count(*) FILTER (WHERE NOT ok) || ' of ' || count(*) FROM listguard.verify_audit_archive();
SQL
