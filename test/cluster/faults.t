#!/usr/bin/env bash
# Faults: a mixed workload from several sessions at once (clear reads under
# two quotas, masked reads, writes to a statement-audited and a row-audited
# protected table, now and then more rows at once than the audit queue
# holds, grants and revocations, access requests and approvals) while
# kill -9 hits, in turn, a random client backend of the workload, the audit
# writer and the housekeeper: 24 kills by default (FAULTS_KILLS), each one
# making the postmaster restart everything (crash recovery). After each
# kill the server accepts connections again and verify_audit() is ok. At
# the end, what docs/audit.md and docs/access.md promise for a crash:
# - events: every event a client saw committed (a grant_access(),
#   revoke_access(), request_access() or approve() that returned, a
#   committed write on an audited table, a clear read) is in the audit log,
#   or in the server log and counted by an audit_gap event, or was lost in
#   a crash while still queued or being written (at most
#   listguard.audit_queue_size events); and every crash leaves an audit_gap
#   (after_crash) in the log, so no loss goes unsaid. An event after which
#   audit_pending() was seen at 0 before the crash had been written (the
#   writer flushes its commit before the anchor, and a batch is pending
#   until then) and must be there.
# - quotas: a crash never gives back a reveal (the state file counts every
#   reservation before its values are shown), so the clear values the
#   clients received under a quota never exceed its limit.
# Both quotas are used up during the run, so the bound is tested where it
# bites. Last, docs/audit.md's own case of events going to the server log (the
# writer cannot append: the audit log is locked) followed by a crash: the
# log must say after recovery that they are missing.
# The workload and the checks are faults_workload.py (psycopg); FAULTS_SEED
# and the other FAULTS_* variables there tune a run.
set -u
cd "$(dirname "$0")"
. lib/servers.sh
trap "${KEEP_SERVERS:+:} servers_cleanup" EXIT

export FAULTS_QUEUE=${FAULTS_QUEUE:-512}
export FAULTS_SAVE_MS=${FAULTS_SAVE_MS:-200}
export FAULTS_SUBS=${FAULTS_SUBS:-2000}
export FAULTS_EXPORT_QUOTA=${FAULTS_EXPORT_QUOTA:-1200}
export FAULTS_HOG_QUOTA=${FAULTS_HOG_QUOTA:-150}

setup_failed() { echo "1..1"; echo "not ok 1 - set-up: $1"; exit 1; }

primary_init "listguard.audit_queue_size = $FAULTS_QUEUE" "listguard.quota_save_interval = $FAULTS_SAVE_MS" \
    "max_connections = 40" >/dev/null || setup_failed "the server did not start"
on primary -d postgres -c "CREATE DATABASE esp" >/dev/null || setup_failed "CREATE DATABASE"
on primary -v ON_ERROR_STOP=1 >/dev/null 2>"$SERVERS_DIR/setup.err" <<SQL || setup_failed "$(head -3 "$SERVERS_DIR/setup.err")"
CREATE EXTENSION listguard;
CREATE TABLE subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                   email listguard.email NOT NULL);
CREATE TABLE rowtab (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                     email listguard.email NOT NULL);
INSERT INTO subs (account_id, list_id, email)
    SELECT 1, 10, 'member' || g || '@example.com' FROM generate_series(1, $FAULTS_SUBS) g;
SELECT listguard.protect('subs', 'account_id', 'list_id');
SELECT listguard.protect('rowtab', 'account_id', 'list_id', audit => 'row');
CREATE ROLE exporter LOGIN;
CREATE ROLE hog LOGIN;
CREATE ROLE support LOGIN;
CREATE ROLE writer LOGIN;
CREATE ROLE engineer LOGIN;
CREATE ROLE lead LOGIN IN ROLE listguard_approver;
CREATE ROLE churn;
GRANT SELECT ON subs TO exporter, hog, support, engineer;
GRANT SELECT, INSERT ON subs, rowtab TO writer;
GRANT USAGE ON SEQUENCE subs_id_seq, rowtab_id_seq TO writer;
SELECT listguard.grant_access('exporter', 1, 10, reveal => 'clear', quota => '$FAULTS_EXPORT_QUOTA/hour');
SELECT listguard.grant_access('hog', 1, 10, reveal => 'clear', quota => '$FAULTS_HOG_QUOTA/hour');
SELECT listguard.grant_access('support', NULL, reveal => 'masked');
SELECT listguard.grant_access('writer', 1, 20, can_write => true);
SQL

FAULTS_DATADIR="$SERVERS_DIR/primary" FAULTS_LOG="$(server_log primary)" PGPORT="$(port_of primary)" \
    timeout 280 /usr/bin/python3 faults_workload.py
status=$?
[ "$status" = 124 ] && echo "not ok - the run took longer than 280 s"
exit "$status"
