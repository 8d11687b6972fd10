#!/usr/bin/env bash
# 95 (attack7): a principal's grant that expires (valid_until) while the
# application's pooled backend holds a transaction open for it, or has
# decided for it in an earlier transaction (siblings of 70, by the clock
# instead of revoke_access()). Also the application's own grant (the
# ceiling) expiring under a principal.
# Secure outcome: masks from the expiry on, in the open transaction (a
# cursor, a new statement) and in later transactions with fresh assertions.
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
p="acme:exp7_$RANDOM"
sq -c "SELECT listguard.create_principal('$p', 1)" -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', valid_until => now() + interval '4 seconds', principal => '$p')" >/dev/null
t1=$("$A" webapp "$p"); t2=$("$A" webapp "$p")
out=$(U=webapp sq <<SQL 2>&1
BEGIN; SELECT listguard.act_as('$t1') IS NOT NULL;
DECLARE c CURSOR FOR SELECT email::text FROM subscribers WHERE list_id = 10 ORDER BY id;
FETCH 1 FROM c;
SELECT 'open before expiry', email::text FROM subscribers WHERE id = 20;
SELECT pg_sleep(5);
FETCH 1 FROM c;
SELECT 'open after expiry', email::text FROM subscribers WHERE id = 21;
COMMIT;
BEGIN; SELECT listguard.act_as('$t2') IS NOT NULL;
SELECT 'next transaction after expiry', email::text FROM subscribers WHERE id = 22;
COMMIT;
SQL
)
echo "$out" | grep -v '^t$'
echo "-- the application's ceiling expiring (a grant of webapp2-like app: webapp gets a 4 s clear grant on account 3)"
sq -c "INSERT INTO subscribers (account_id, list_id, email) VALUES (3, 30, 'ceil7@third.example')" >/dev/null
q="acme:ce7_$RANDOM"
sq -c "SELECT listguard.create_principal('$q')" -c "SELECT listguard.grant_access(NULL, 3, reveal => 'clear', principal => '$q')" -c "SELECT listguard.grant_access('webapp', 3, reveal => 'clear', valid_until => now() + interval '4 seconds')" >/dev/null
t3=$("$A" webapp "$q"); t4=$("$A" webapp "$q")
out2=$(U=webapp sq <<SQL 2>&1
BEGIN; SELECT listguard.act_as('$t3') IS NOT NULL;
SELECT 'ceiling before expiry', email::text FROM subscribers WHERE account_id = 3;
SELECT pg_sleep(5);
SELECT 'ceiling after expiry', email::text FROM subscribers WHERE account_id = 3;
COMMIT;
BEGIN; SELECT listguard.act_as('$t4') IS NOT NULL;
SELECT 'ceiling next transaction', email::text FROM subscribers WHERE account_id = 3;
COMMIT;
SQL
)
echo "$out2" | grep -v '^t$'
sq -c "DELETE FROM subscribers WHERE account_id = 3" >/dev/null 2>&1
bad=$( (echo "$out" | grep -E "after expiry.*reader|^reader[0-9]+@" | sed -n '2,$p'; echo "$out" | grep -E "^next transaction.*reader"; echo "$out2" | grep -E "(after expiry|next transaction).*ceil7@") )
if [ -n "$bad" ]; then echo "FINDING:"; echo "$bad"; else echo "held"; fi
