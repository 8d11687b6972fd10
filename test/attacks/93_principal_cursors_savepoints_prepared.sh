#!/usr/bin/env bash
# 93 (attack7): what a principal decided, carried past its end or into
# nobody's time, in one backend of the require_principal webapp.
# Principal acme:cur7 (list 10 clear, no quota). Tries, acting for nobody
# after having acted for cur7:
#  (a) a cursor declared and fetched under cur7, FETCH after end_principal()
#  (b) SAVEPOINT; act_as(cur7); ROLLBACK TO SAVEPOINT; read
#  (c) act_as(cur7) inside a plpgsql exception block that then fails; read
#  (d) a prepared statement run 6 times under cur7 (generic plan), EXECUTE
#      after COMMIT
#  (e) a SQL function (temp schema), cached plan, called after end_principal()
#  (f) WITH HOLD cursor of the email column declared under cur7, FETCH in
#      the next transaction (nobody)
#  (g) an INITIALLY DEFERRED constraint trigger of a temp table whose
#      function reads an address, fired at COMMIT after end_principal()
#  (h) act_as(cur7) in a savepoint RELEASEd, then end_principal() in another
#      savepoint rolled back: who is in force?
# Secure outcome: masks in (a)-(g); (h) cur7 (the rolled-back end undone) is
# fine since the assertion was cur7's.
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
p="acme:cur7_$RANDOM"
sq -c "SELECT listguard.create_principal('$p', 1)" -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', principal => '$p')" >/dev/null
t() { "$A" webapp "$p"; }
out=$(U=webapp sq <<SQL 2>&1
BEGIN; SELECT listguard.act_as('$(t)') IS NOT NULL;
DECLARE c CURSOR FOR SELECT email::text FROM subscribers WHERE list_id = 10 ORDER BY id;
FETCH 1 FROM c; SELECT listguard.end_principal();
FETCH 1 FROM c; CLOSE c;
SELECT 'a cursor after end_principal', (SELECT email::text FROM subscribers WHERE id = 3);
COMMIT;
BEGIN; SAVEPOINT s; SELECT listguard.act_as('$(t)') IS NOT NULL; ROLLBACK TO SAVEPOINT s;
SELECT 'b after rolled-back savepoint', email::text FROM subscribers WHERE id = 4;
COMMIT;
BEGIN;
DO \$\$BEGIN BEGIN PERFORM listguard.act_as('$(t)'); RAISE EXCEPTION 'x'; EXCEPTION WHEN others THEN NULL; END; END\$\$;
SELECT 'c after failed block', email::text FROM subscribers WHERE id = 5;
COMMIT;
PREPARE q(bigint) AS SELECT 'd prepared', email::text FROM subscribers WHERE id = \$1;
BEGIN; SELECT listguard.act_as('$(t)') IS NOT NULL;
EXECUTE q(6); EXECUTE q(6); EXECUTE q(6); EXECUTE q(6); EXECUTE q(6); EXECUTE q(6);
COMMIT;
EXECUTE q(7);
CREATE FUNCTION pg_temp.f(bigint) RETURNS text LANGUAGE sql STABLE AS 'SELECT email::text FROM public.subscribers WHERE id = \$1';
BEGIN; SELECT listguard.act_as('$(t)') IS NOT NULL; SELECT pg_temp.f(8), pg_temp.f(8), pg_temp.f(8); SELECT listguard.end_principal();
SELECT 'e function after end_principal', pg_temp.f(9);
COMMIT;
BEGIN; SELECT listguard.act_as('$(t)') IS NOT NULL;
DECLARE h CURSOR WITH HOLD FOR SELECT id, email FROM subscribers WHERE list_id = 10 ORDER BY id;
COMMIT;
FETCH 2 FROM h; CLOSE h;
CREATE TEMP TABLE d7 (x int); CREATE TEMP TABLE got7 (v text);
CREATE FUNCTION pg_temp.g() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO got7 SELECT email::text FROM public.subscribers WHERE id = 11; RETURN NULL; END\$\$;
CREATE CONSTRAINT TRIGGER d7t AFTER INSERT ON d7 DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pg_temp.g();
BEGIN; SELECT listguard.act_as('$(t)') IS NOT NULL; INSERT INTO d7 VALUES (1); SELECT listguard.end_principal(); COMMIT;
SELECT 'g deferred trigger after end_principal', v FROM got7;
BEGIN; SAVEPOINT a; SELECT listguard.act_as('$(t)') IS NOT NULL; RELEASE a; SAVEPOINT b; SELECT listguard.end_principal(); ROLLBACK TO b;
SELECT 'h in force', listguard.current_principal() IS NOT NULL, (SELECT email::text FROM subscribers WHERE id = 12);
COMMIT;
SQL
)
echo "$out" | grep -v '^t$' | cut -c1-150
# (a)'s first fetch, (d)'s six, (e)'s three, (h) are the principal's: clear is expected there
bad=$(echo "$out" | grep -E '^(a cursor|b after|c after|e function|g deferred)\|.*reader[0-9]+@|^d prepared\|reader7@|^1[0-9]?\|reader|^reader2@' )
if [ -n "$bad" ]; then echo "FINDING:"; echo "$bad"; else echo "held"; fi
