#!/usr/bin/env bash
# 90: someone with write access to the archive directory (not a database
# superuser) deletes every segment, or only the newest one; a monitor tries
# the verification and housekeeping functions (verify_audit(),
# audit_pending(), trace(), report_canary_hit()).
# Secure outcome: verify_audit_archive() reports each recorded segment that
# is gone; a monitor cannot run anything with side effects or read events.
# Result: held. All gone: each of the three recorded segments "is missing:
# it was deleted or moved" (verify_audit() stays ok: it checks the table,
# as documented); newest gone: reported, the others ok. Monitor calls: see
# output (each refused, or harmless counts).
. "$(dirname "$0")/atk6_env.sh"
fresh
for i in 1 2 3; do U=a6_clear sq -c "SELECT count(email::text) FROM subs WHERE id < 3" >/dev/null; settle; sq -c "SELECT segment FROM listguard.archive_audit(now())"; done
rm -rf /tmp/atk6/keep; mkdir -p /tmp/atk6/keep; cp -a "$ARCH"/* /tmp/atk6/keep/; rm -f "$ARCH"/*
echo "-- all gone"; U=a6_admin sq -c "SELECT segment, ok, problem FROM listguard.verify_audit_archive()"
sq -c "SELECT 'verify_audit', ok, problem FROM listguard.verify_audit()"
cp -a /tmp/atk6/keep/* "$ARCH"/; rm "$ARCH/$(ls "$ARCH" | sort | tail -1)"
echo "-- newest gone"; U=a6_admin sq -c "SELECT segment, ok, problem FROM listguard.verify_audit_archive()"
echo "-- a monitor"
for q in "SELECT count(*) FROM listguard.verify_audit()" "SELECT listguard.audit_pending()" \
         "SELECT count(*) FROM listguard.trace('user1@example.com')" \
         "SELECT count(*) FROM listguard.report_canary_hit('user1@example.com', now(), 'x')" \
         "SELECT count(*) FROM listguard.canary_reveal_history"; do
  printf '%-75.75s -> %s\n' "$q" "$(U=a6_mon sq -c "$q" 2>&1 | head -1)"
done
