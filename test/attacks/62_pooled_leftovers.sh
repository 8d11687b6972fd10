#!/usr/bin/env bash
# 62: what one pooled client's act_as() leaves for the next on the same
# backend (pgbouncer transaction mode, simulated by one psql session as
# webapp): a prepared statement made under acme:alice, a WITH HOLD cursor
# declared under her, COMMIT AND CHAIN after act_as(), and the session form
# without session_principals. Fresh principals (quota 5/hour) each run.
# Secure outcome: the next client acts for nobody (current_principal NULL),
# the prepared statement and the held cursor decide as the client running
# them (masks for nobody), the chained transaction acts for nobody, the
# session form is refused (LGP08).
# Result: held (text made from addresses inside a held cursor's query is
# the documented limitation, not retried here).
. "$(dirname "$0")/principals_env.sh"
p="acme:pool$RANDOM"
sq -c "SELECT listguard.create_principal('$p', 1)" -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', quota => '5/hour', principal => '$p')" >/dev/null
t1=$("$A" webapp "$p"); t2=$("$A" webapp "$p"); t3=$("$A" webapp "$p")
U=webapp sq <<SQL
BEGIN; SELECT 'client1', listguard.act_as('$t1');
PREPARE p1 AS SELECT email::text FROM subscribers WHERE list_id=10 ORDER BY id LIMIT 2;
EXECUTE p1;
DECLARE c1 CURSOR WITH HOLD FOR SELECT id, email FROM subscribers WHERE list_id=10 ORDER BY id;
COMMIT;
SELECT 'client2 principal', coalesce(listguard.current_principal(), '(nobody)');
EXECUTE p1;
FETCH 2 FROM c1;
BEGIN; SELECT listguard.act_as('$t2'); COMMIT AND CHAIN; SELECT 'after COMMIT AND CHAIN', coalesce(listguard.current_principal(), '(nobody)'); COMMIT;
SELECT 'session form', listguard.act_as('$t3', session => true);
SELECT 'after refused session form', coalesce(listguard.current_principal(), '(nobody)');
SQL
