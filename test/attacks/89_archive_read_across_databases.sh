#!/usr/bin/env bash
# 89: listguard.audit_archive_directory is one directory for the whole
# server. An admin (member of listguard_admin, a non-superuser) that may not
# CONNECT to database atk6 calls read_audit_archive() and
# verify_audit_archive() in another database (atk6b) on atk6's segment.
# Secure outcome: a database's archived events are read only in that
# database (or by superusers): the segment's source is not this database's.
# Result: FINDING (M). From atk6b the admin lists atk6's segments and reads
# every archived event of atk6 with its detail: grants (grantee names,
# quotas, reasons), clear_reveal events with the sealed canary records,
# email_digests and links -- the audit trail of a database it is refused
# CONNECT to. A database's own admins in a multi-tenant cluster read each
# other's archived trails.
. "$(dirname "$0")/atk6_env.sh"
fresh
U=a6_clear sq -c "SELECT count(email::text) FROM subs" >/dev/null; settle
sq -c "SELECT segment FROM listguard.archive_audit(now())"
sq -d postgres -c "DROP DATABASE IF EXISTS atk6b" -c "CREATE DATABASE atk6b" -c "REVOKE CONNECT ON DATABASE atk6 FROM PUBLIC" >/dev/null
DB=atk6b sq -c "CREATE EXTENSION listguard"
echo "admin connects to atk6: $(U=a6_admin sq -c 'SELECT 1' 2>&1 | head -1)"
seg=$(ls "$ARCH" | grep "^audit-$(sq -c "SELECT oid FROM pg_database WHERE datname = 'atk6'")-" | head -1)
U=a6_admin DB=atk6b sq -c "SELECT segment, ok FROM listguard.verify_audit_archive()" \
  -c "SELECT id, kind, current_user_name, account, list, counts, email_digests IS NOT NULL AS has_digests, link IS NOT NULL AS has_link, left(detail::text, 140) FROM listguard.read_audit_archive('$seg') WHERE kind IN ('grant', 'clear_reveal')" 2>&1
sq -d postgres -c "GRANT CONNECT ON DATABASE atk6 TO PUBLIC" -c "DROP DATABASE atk6b WITH (FORCE)" >/dev/null 2>&1
