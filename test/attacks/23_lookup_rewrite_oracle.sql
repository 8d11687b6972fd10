-- Round 3, 0.3 lookups rewritten from email::text comparisons (uncharged):
-- can the rewrite be steered into something more than an equality test
-- (a prefix, a range, a pattern, a comparison with another row's address,
-- a comparison with a mask or token), or apply to rows the role cannot
-- see? Each shape is EXPLAINed (is it rewritten to _address_or_null?) and
-- run by a clear role whose quota is used up (on_exceed error), which can
-- only learn what an uncharged path tells it.
-- Expected secure outcome: only = (either side, upper/lower on both sides)
-- is rewritten; every other shape is charged (LG001 here).
-- RESULT: held.
-- Run: psql -X -U postgres -d atk -f 23_lookup_rewrite_oracle.sql
\set ON_ERROR_STOP 0
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'a_spent') THEN CREATE ROLE a_spent LOGIN; END IF; END $$;
GRANT SELECT ON subs TO a_spent;
SELECT listguard.grant_access('a_spent', 1, 11, reveal => 'clear', quota => '1/day')
WHERE NOT EXISTS (SELECT FROM listguard.grants WHERE grantee = 'a_spent'::regrole);
CREATE OR REPLACE FUNCTION public.atk_texteq(text, text) RETURNS boolean LANGUAGE internal IMMUTABLE AS 'texteq';
\c - a_spent
SELECT email FROM subs WHERE id = 1;      -- the one clear value of the day
SELECT email FROM subs WHERE id = 2;      -- LG001 from now on
\echo rewritten (expected: rows, no LG001)
SELECT id FROM subs WHERE email::text = 'user7@example.com';
SELECT id FROM subs WHERE 'USER7@example.com' = email::text;
SELECT id FROM subs WHERE upper(email::text) = upper('user7@EXAMPLE.com');
SELECT id FROM subs WHERE (email::text)::varchar = 'user7@example.com';
SELECT id FROM subs WHERE (email::text = 'user7@example.com') IS TRUE;
SELECT id FROM subs s WHERE EXISTS (SELECT 1 FROM subs t WHERE t.email::text = 'user8@example.com' AND t.id = s.id);
\echo not an equality (expected: LG001 each)
SELECT id FROM subs WHERE email::text LIKE 'user7%';
SELECT id FROM subs WHERE email::text < 'user7@example.com';
SELECT id FROM subs WHERE email::text IS NOT DISTINCT FROM 'user7@example.com';
SELECT id FROM subs WHERE email::text = ANY (ARRAY['user7@example.com']);
SELECT id FROM subs WHERE upper(email::text) = 'USER7@EXAMPLE.COM';
SELECT id FROM subs WHERE public.atk_texteq(email::text, 'user7@example.com');
SELECT id FROM subs WHERE substr(email::text, 1, 5) = 'user7';
SELECT id FROM subs WHERE email::text = substr(email::text, 1, 100);
SELECT id FROM subs WHERE email::text = (SELECT t.email::text FROM subs t WHERE t.id = 9);
SELECT id FROM subs WHERE CASE email::text WHEN 'user7@example.com' THEN true END;
\echo a mask or a token as the comparand (expected: no row)
SELECT id FROM subs WHERE email::text = 'u***@example.com';
\c - postgres
SELECT kind, counts FROM listguard.audit_log WHERE current_user_name = 'a_spent' ORDER BY id DESC LIMIT 3;
