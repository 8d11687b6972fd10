#!/usr/bin/env bash
# 72: writes by a require_principal application acting for nobody.
# webapp is registered with require_principal; its grants (the ceiling)
# include can_write on account 1 list 10 and on account 2 (made by 69; made
# here if missing). SQL injected into it holds NO assertion at all.
# Tries: INSERT an address into account 2 (another customer's list), and
# overwrite an address in account 2; the same as acme:alice (a read-only
# principal) for comparison.
# Secure outcome: without a principal a require_principal application
# writes nowhere (or only where some principal of it could), as it reads
# nothing above masks; a principal never has fewer rights than nobody.
# Result: FINDING (M): acting for nobody, both writes succeed across every
# account the application may write (list poisoning, overwriting a
# customer's subscribers); acting for alice they are refused. session_access()
# (src/pg/access/principals.cpp) with no principal lowers reveal, grant and
# sends but keeps the role's can_write. Docs promise only reads.
. "$(dirname "$0")/principals_env.sh"
n=$(sq -c "SELECT count(*) FROM listguard.grants WHERE grantee = 'webapp'::regrole AND account = 2 AND can_write")
[ "$n" = 0 ] && sq -c "SELECT listguard.grant_access('webapp', 2, reveal => 'clear', can_write => true)" >/dev/null
t=$("$A" webapp acme:alice)
U=webapp sq <<SQL 2>&1 | cut -c1-200
BEGIN;
SELECT 'principal', coalesce(listguard.current_principal(), '(nobody)');
SAVEPOINT a; INSERT INTO subscribers (account_id, list_id, email) VALUES (2, 20, 'planted-by-nobody@evil.example') RETURNING 'nobody inserted into account 2, row', id; ROLLBACK TO a;
SAVEPOINT a; UPDATE subscribers SET email = 'overwritten@evil.example' WHERE account_id = 2 AND id = 55 RETURNING 'nobody overwrote account 2 row', id; ROLLBACK TO a;
SELECT 'principal', listguard.act_as('$t');
SAVEPOINT a; INSERT INTO subscribers (account_id, list_id, email) VALUES (1, 10, 'planted-by-alice@evil.example') RETURNING 'alice inserted', id; ROLLBACK TO a;
SAVEPOINT a; UPDATE subscribers SET email = 'overwritten@evil.example' WHERE account_id = 1 AND id = 5 RETURNING 'alice overwrote', id; ROLLBACK TO a;
ROLLBACK;
SQL
