#!/usr/bin/env bash
# 69: SQL injected into webapp acting for acme:w (pseudonyms + writes on
# account 1 list 10 only; webapp may write on accounts 1 and 2) wants
# globex's (account 2) rows: UPDATE them into its own list, INSERT into
# account 2, move one of its own rows out to account 2, and an INSERT ... ON
# CONFLICT probe on account 2's unique key.
# Secure outcome: no account-2 row changes or is revealed; writes outside
# account 1 list 10 refused or touch 0 rows.
# Result: held: UPDATE of account-2 rows touches none, INSERT into account 2 and moving a row out are refused; the ON CONFLICT probe on account 2 is refused before it can tell.
. "$(dirname "$0")/principals_env.sh"
p="acme:w$RANDOM"
sq -c "SELECT listguard.grant_access('webapp', 1, 10, reveal => 'clear', can_write => true)" \
   -c "SELECT listguard.grant_access('webapp', 2, reveal => 'clear', can_write => true)" \
   -c "SELECT listguard.create_principal('$p', 1)" \
   -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'pseudonym', can_write => true, principal => '$p')" >/dev/null
t=$("$A" webapp "$p")
U=webapp sq <<SQL 2>&1 | cut -c1-200
BEGIN; SELECT listguard.act_as('$t');
SAVEPOINT a; UPDATE subscribers SET account_id = 1, list_id = 10 WHERE account_id = 2 RETURNING 'moved in', id, email::text; ROLLBACK TO a;
SAVEPOINT a; INSERT INTO subscribers (account_id, list_id, email) VALUES (2, 20, 'planted@globex-club.example') RETURNING 'inserted into 2', id; ROLLBACK TO a;
SAVEPOINT a; UPDATE subscribers SET account_id = 2, list_id = 20 WHERE id = 1 RETURNING 'moved out', id; ROLLBACK TO a;
SAVEPOINT a; INSERT INTO subscribers (account_id, list_id, email) VALUES (2, 20, 'member1@globex-club.example') ON CONFLICT (account_id, email) DO NOTHING RETURNING 'probe inserted', id; ROLLBACK TO a;
SAVEPOINT a; INSERT INTO subscribers (account_id, list_id, email) VALUES (1, 10, 'member1@globex-club.example') ON CONFLICT (account_id, email) DO UPDATE SET list_id = 10 RETURNING 'upsert own', id, email::text; ROLLBACK TO a;
COMMIT;
SQL
