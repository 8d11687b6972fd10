#!/usr/bin/env bash
# 64: a principal (5 clear an hour) reads clear addresses inside a savepoint
# and a transaction that both roll back, three times with fresh assertions,
# hoping the rollback takes back the quota charge and the audit events.
# Secure outcome: charges survive the rollback (6th value refused), every
# clear_reveal / quota_exceeded event names the principal.
# Result: held.
. "$(dirname "$0")/principals_env.sh"
p="acme:rb$RANDOM"
sq -c "SELECT listguard.create_principal('$p', 1)" -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', quota => '5/hour', principal => '$p')" >/dev/null
before=$(sq -c "select max(id) from listguard.audit_log")
for i in 0 1 2; do
t=$("$A" webapp "$p")
U=webapp sq <<SQL
BEGIN; SELECT listguard.act_as('$t'); SAVEPOINT s;
SELECT string_agg(e, ' ') FROM (SELECT email::text e FROM subscribers WHERE list_id=10 AND id IN ($((i*2+1)), $((i*2+2)))) x;
ROLLBACK TO s; ROLLBACK;
SQL
done
sleep 1
sq -c "SELECT principal, used, remaining FROM listguard.quota_usage WHERE principal = '$p'" \
   -c "SELECT id, kind, detail->>'principal' FROM listguard.audit_log WHERE id > $before ORDER BY id"
