#!/usr/bin/env bash
# 83: an admin (non-superuser) runs archive_audit() inside a subtransaction
# that is rolled back (ROLLBACK TO SAVEPOINT; a PL/pgSQL EXCEPTION block does
# the same), then archives normally later. Compared: a top-level ROLLBACK.
# Secure outcome: no segment file survives a rolled-back archive (or
# verification ignores it); the archive verifies after the later, real one.
# Result: FINDING (M). Top-level ROLLBACK removes the file (held), but after
# ROLLBACK TO SAVEPOINT the segment file stays, unrecorded, while its events
# stay in the table: verify_audit_archive() says it is ok (a segment this
# database never recorded, duplicating live events). After the next real
# archive_audit(), verify_audit_archive() reports BOTH segments broken
# ("not the one this database archived under that name", "overlaps") for
# ever, and the genuine segment is indistinguishable from tampering:
# an admin can make the archive permanently alarm (cover for a real cut),
# and an application that wraps calls in savepoints does it by accident.
. "$(dirname "$0")/atk6_env.sh"
fresh
echo "-- top-level ROLLBACK"
U=a6_admin sq -c "BEGIN" -c "SELECT segment, events FROM listguard.archive_audit(now())" -c "ROLLBACK"
echo "files: $(ls "$ARCH" | wc -l)"
echo "-- ROLLBACK TO SAVEPOINT"
U=a6_admin sq -c "BEGIN" -c "SAVEPOINT s" -c "SELECT segment, events FROM listguard.archive_audit(now())" -c "ROLLBACK TO s" -c "COMMIT"
ls "$ARCH"; echo "records: $(sq -c 'SELECT count(*) FROM listguard.audit_archives')"
U=a6_admin sq -c "SELECT segment, ok, problem FROM listguard.verify_audit_archive()"
echo "-- a real archive later"
U=a6_clear sq -c "SELECT count(email::text) FROM subs" >/dev/null; settle
U=a6_admin sq -c "SELECT segment, events FROM listguard.archive_audit(now())"
U=a6_admin sq -c "SELECT segment, ok, problem FROM listguard.verify_audit_archive()"
sq -c "SELECT 'verify_audit', ok, problem FROM listguard.verify_audit()"
echo "-- the same from a PL/pgSQL EXCEPTION block"
fresh
U=a6_admin sq -c "DO \$\$BEGIN PERFORM listguard.archive_audit(now()); RAISE EXCEPTION 'x'; EXCEPTION WHEN others THEN RAISE NOTICE 'caught'; END\$\$" 2>&1
echo "files: $(ls "$ARCH")"; echo "records: $(sq -c 'SELECT count(*) FROM listguard.audit_archives')"
