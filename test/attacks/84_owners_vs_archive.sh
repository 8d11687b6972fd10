#!/usr/bin/env bash
# 84: the database owner (a6_dbo) and the table owner (a6_towner), both
# non-superusers, and a monitor, try to archive, prune or forge the audit
# trail and its archive: archive_audit() and the internal _archive_audit(),
# _verify_audit_archive(), _read_audit_archive(); DELETE/UPDATE/TRUNCATE of
# audit_log, audit_archives, canary_reveal_history; setting
# audit_archive_directory / audit_retention (ALTER DATABASE/ROLE SET, SET,
# set_config); SET LOCAL of the directory inside a call.
# Secure outcome: every attempt refused, nothing archived or changed.
# Result: held. Every attempt is refused (permission denied, "cannot be
# changed now"); SET LOCAL of the directory by an admin refused; no file,
# no record; verify_audit() ok; only the refusals were added to the log.
. "$(dirname "$0")/atk6_env.sh"
fresh
before=$(sq -c "SELECT count(*), max(id) FROM listguard.audit_log")
for u in a6_dbo a6_towner a6_mon a6_pgmon; do
  echo "== $u"
  for q in "SELECT * FROM listguard.archive_audit(now())" \
           "SELECT * FROM listguard._archive_audit(now())" \
           "SELECT * FROM listguard._verify_audit_archive(NULL)" \
           "SELECT * FROM listguard.verify_audit_archive()" \
           "SELECT count(*) FROM listguard._read_audit_archive('x.lgseg')" \
           "DELETE FROM listguard.audit_log WHERE id = 1" \
           "UPDATE listguard.audit_log SET kind = kind WHERE id = 1" \
           "TRUNCATE listguard.audit_log" \
           "DELETE FROM listguard.audit_archives" \
           "INSERT INTO listguard.audit_archives (segment, source, first_id, last_id, entry_link, exit_link, events, archived_at, seal) VALUES ('f', 's', 1, 1000, '\\x00', '\\x00', 1000, now(), '\\x00')" \
           "TRUNCATE listguard.canary_reveal_history" \
           "ALTER DATABASE atk6 SET listguard.audit_archive_directory = '/tmp'" \
           "ALTER DATABASE atk6 SET listguard.audit_retention = 1" \
           "ALTER ROLE a6_admin SET listguard.audit_archive_directory = '/tmp'" \
           "SET listguard.audit_archive_directory = '/tmp'" \
           "SELECT set_config('listguard.audit_retention', '1', false)" \
           "ALTER SYSTEM SET listguard.audit_archive_directory = '/tmp'"; do
    printf '%-60.60s -> %s\n' "$q" "$(U=$u sq -c "$q" 2>&1 | head -1)"
  done
done
echo "-- admin (non-superuser) with a per-call directory"
U=a6_admin sq -c "BEGIN" -c "SET LOCAL listguard.audit_archive_directory = '/tmp'" -c "SELECT * FROM listguard.archive_audit(now())" -c "ROLLBACK" 2>&1 | head -2
echo "audit_log before: $before, after: $(sq -c "SELECT count(*), max(id) FROM listguard.audit_log") (new events are the refusals)"
echo "archives: $(sq -c 'SELECT count(*) FROM listguard.audit_archives'), files: $(ls "$ARCH" | wc -l)"
sq -c "SELECT ok, problem FROM listguard.verify_audit()"
