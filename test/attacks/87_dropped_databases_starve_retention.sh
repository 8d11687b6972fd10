#!/usr/bin/env bash
# 87: databases that had an audit log and were dropped (by their owner, a
# non-superuser, with DROP DATABASE) leave their audit anchor
# (pg_listguard/audit-anchor.<oid>) behind. With listguard.audit_retention
# set, the housekeeper starts a maintenance worker for each anchor every
# round: do the dropped databases' workers keep the live database's
# retention from running? (The scripts before this one dropped and made
# database atk6 several times, as a database owner who recreates a
# database would.)
# Secure outcome: retention archives the live database's old events; a
# dropped database is forgotten (or at least does not crowd out others), and
# a failure to start a worker is logged.
# Result: held (L note). The owner cannot drop an audited database ("Only
# superusers and members of listguard_admin may drop it"); after a
# superuser's drops the anchors stay and the housekeeper starts a doomed
# worker per dropped database every round (FATAL "database N does not exist"
# about twice a second with 10 of them), but the live database was still
# archived (8 times in 15 s, against 9 without the stale anchors). Then the
# stale anchors are moved aside (on this
# private server) to show the cause, and put back.
. "$(dirname "$0")/atk6_env.sh"
fresh
# A few more dropped audited databases, as their owner.
for i in 1 2 3; do
  sq -d postgres -c "DROP DATABASE IF EXISTS atk6_tmp$i" -c "CREATE DATABASE atk6_tmp$i OWNER a6_dbo" >/dev/null
  DB=atk6_tmp$i sq -c "CREATE EXTENSION listguard" -c "SELECT listguard.audit_pending()" >/dev/null
  DB=atk6_tmp$i sq -c "DO \$\$BEGIN PERFORM listguard.archive_audit(now()); EXCEPTION WHEN others THEN END\$\$" >/dev/null 2>&1
  DB=atk6_tmp$i settle
  U=a6_dbo sq -d postgres -c "DROP DATABASE atk6_tmp$i WITH (FORCE)"
done
live=$(sq -c "SELECT oid FROM pg_database WHERE datname = 'atk6'")
echo "anchors: $(ls "$DATA/pg_listguard" | grep -c audit-anchor), live database $live, max_worker_processes $(sq -c 'SHOW max_worker_processes')"
round() {
  L=$(wc -l < /tmp/atk6/pg.log)
  sq -c "ALTER SYSTEM SET listguard.audit_retention = 1" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 15
  sq -c "ALTER SYSTEM RESET listguard.audit_retention" -c "SELECT pg_reload_conf()" >/dev/null
  echo "  maintenance workers that died (database does not exist): $(tail -n +"$L" /tmp/atk6/pg.log | grep -c 'FATAL:  database [0-9]* does not exist')"
  echo "  archived by the housekeeper in the live database: $(tail -n +"$L" /tmp/atk6/pg.log | grep -c "archived audit events .* of database $live")"
  echo "  'could not archive' logged: $(tail -n +"$L" /tmp/atk6/pg.log | grep -c 'could not archive')"
}
echo "-- with the dropped databases' anchors"; round
as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
as mkdir -p /tmp/atk6/stale
for f in "$DATA"/pg_listguard/audit-anchor.*; do [ "$f" = "$DATA/pg_listguard/audit-anchor.$live" ] || as mv "$f" /tmp/atk6/stale/; done
U=a6_clear sq -c "SELECT count(email::text) FROM subs WHERE id < 3" >/dev/null; settle; sleep 1
echo "-- stale anchors moved aside"; round
as bash -c 'mv /tmp/atk6/stale/* '"$DATA"'/pg_listguard/'
