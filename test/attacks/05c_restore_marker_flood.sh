#!/bin/bash
# Class 5: the fact that a restore brought history (the audit_log_modified
# INSERT event with first_id/last_id that check_restored_heads() reads
# through last_restored_event(), src/pg/audit/heads.cpp) is recorded through
# the shared, bounded audit queue (src/pg/audit/restore.cpp
# audit_restored_rows_json -> record_event). Any role can keep that queue
# full (denied events), so the marker lands in the server log, and a dump
# whose head row and last events were removed restores with verify_audit()
# ok. Needs the fixture of setup.sql (a_masked in atk) and a plain dump of a
# listguard database whose audit_heads rows and last events were removed
# (see 05_restore_cut_to_inner_head.sh for the editing): $1.
q() { "$PGBIN/psql" -X -q "$@"; }
DUMP=${1:?plain dump edited: no head rows, tail cut}
for i in 1 2 3; do q -d atk -U a_masked -f "$(dirname "$0")/05c_flood.sql" & done
sleep 2
q -d postgres -c "DROP DATABASE IF EXISTS v_flood" -c "CREATE DATABASE v_flood"
q -d v_flood -f "$DUMP" >/dev/null 2>&1
wait; sleep 4
q -d v_flood -Atc "SELECT 'verify_audit: ' || ok || ' ' || coalesce(problem, '') FROM listguard.verify_audit()"
q -d v_flood -Atc "SELECT 'restore markers in the log: ' || count(*) FROM listguard.audit_log WHERE kind = 'audit_log_modified'"
