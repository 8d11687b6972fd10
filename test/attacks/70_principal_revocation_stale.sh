#!/usr/bin/env bash
# 70: revoking a principal's grant while a pooled backend has decided for it.
# An administrator revokes acme:rv's clear grant on list 10 (say the
# customer user was fired, or a phished account is being cut off). The web
# app's backend (one pooled server connection) had acted for acme:rv before.
# Tries: (a) the same open transaction/cursor after revoke_access() and
# after drop_principal(); (b) a NEW transaction on the same backend with a
# fresh assertion, after the revocation committed; (c) a new session.
# Control: a role's revocation (webapp2's grant on account 2) under the same
# shape.
# Secure outcome: (a) masks / nothing from the next decision on (roles get
# this since 0.2); (b) and (c) nothing (the principal has no grant left).
# (d) drop_principal(), then act_as() with a fresh assertion for the dropped
# principal on the same live backend: accepted, and it reads clear (its
# name cache is not told either: see 73 for the sending side).
# Result: FINDING (H): (a), (b) and (d) still read clear addresses after the
# revocation (and after drop_principal in (a)); only (c), a new backend,
# sees the revocation. The role control sees it at once.
# Cause: listguard_relcache_callback (src/pg/module/hooks.cpp) calls
# forget_listguard_objects() first and then compares relid with
# remembered_listguard_objects().grants, which is by then InvalidOid: a
# grants-table invalidation from another backend never reaches
# forget_principal_caches(); the per-backend grant sets / decisions of
# principals (src/pg/access/principals.cpp) live on. Confirmed from outside:
# any unrelated role change (ALTER ROLE x VALID UNTIL 'infinity', which
# fires listguard_role_callback -> forget_principal_caches) makes the same
# backend see the revocation at once. Lasts for the backend's life otherwise
# (pooled server connections live for hours).
. "$(dirname "$0")/principals_env.sh"
p="acme:rv$RANDOM"
sq -c "SELECT listguard.create_principal('$p', 1)" >/dev/null
g=$(sq -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', principal => '$p')")
t1=$("$A" webapp "$p"); t2=$("$A" webapp "$p"); t3=$("$A" webapp "$p"); t4=$("$A" webapp "$p")
echo "-- (a) open transaction; (b) next transaction on the same backend"
( U=webapp sq <<SQL 2>&1 | cut -c1-200
BEGIN; SELECT 'a: principal', listguard.act_as('$t1');
DECLARE c CURSOR FOR SELECT 'a: cursor', email::text FROM subscribers WHERE list_id=10 ORDER BY id;
FETCH 1 FROM c;
SELECT pg_sleep(3);
FETCH 1 FROM c;
SELECT 'a: after revoke, new statement', email::text FROM subscribers WHERE id = 10;
COMMIT;
BEGIN; SELECT 'b: principal', listguard.act_as('$t2');
SELECT 'b: next transaction, after revoke', email::text FROM subscribers WHERE id IN (11, 12);
COMMIT;
SELECT pg_sleep(10);
BEGIN; SELECT 'b: 10 s later', listguard.act_as('$t3');
SELECT 'b: 10 s later', email::text FROM subscribers WHERE id = 13;
COMMIT;
SQL
) & sleep 1.5
echo "revoke_access($g): $(sq -c "SELECT listguard.revoke_access($g)" 2>&1) grants left: $(sq -c "SELECT count(*) FROM listguard.grants WHERE id = $g")"
wait
echo "-- (c) a new session"
U=webapp sq -c "BEGIN" -c "SELECT 'c: principal', listguard.act_as('$t4')" -c "SELECT 'c: new backend', count(*) AS rows_readable FROM subscribers WHERE list_id = 10" -c "COMMIT"
echo "-- control: a role's revocation (webapp2, account 2) seen by the open transaction"
rg=$(sq -c "SELECT listguard.grant_access('webapp2', 2, 20, reveal => 'clear')")
sq -c "SELECT id FROM listguard.grants WHERE grantee = 'webapp2'::regrole AND account = 2 AND list IS NULL" | while read -r id; do sq -c "SELECT listguard.revoke_access($id)" >/dev/null; done
( U=webapp2 sq <<SQL 2>&1 | cut -c1-200
BEGIN; SELECT 'control before', email::text FROM subscribers WHERE id = 51;
SELECT pg_sleep(3);
SELECT 'control after revoke', email::text FROM subscribers WHERE id = 52;
COMMIT;
SQL
) & sleep 1.5; sq -c "SELECT listguard.revoke_access($rg)" >/dev/null; wait
echo "-- (d) drop_principal(), then a fresh assertion for the dropped principal on the live backend"
p="acme:dp$RANDOM"
sq -c "SELECT listguard.create_principal('$p', 1)" >/dev/null
sq -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', principal => '$p')" >/dev/null
t1=$("$A" webapp "$p"); t2=$("$A" webapp "$p"); t3=$("$A" webapp "$p")
( U=webapp sq <<SQL 2>&1 | grep -E "^(ERROR|acme|d)" | cut -c1-150
BEGIN; SELECT listguard.act_as('$t1'); SELECT 'd: before', email::text FROM subscribers WHERE id = 1; COMMIT;
SELECT pg_sleep(3);
BEGIN; SELECT 'd: act_as after drop_principal', listguard.act_as('$t2'); SELECT 'd: after drop', email::text FROM subscribers WHERE id = 2; COMMIT;
SQL
) & sleep 1.5; sq -c "SELECT listguard.drop_principal('$p')" >/dev/null; wait
U=webapp sq -c "BEGIN" -c "SELECT 'd: new backend', listguard.act_as('$t3')" -c COMMIT 2>&1 | head -1
