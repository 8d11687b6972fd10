-- Round 3, class 2 (statements listguard's hooks inspect, odd shapes), run
-- by an ordinary role owning a schema, in a database with the extension
-- (atk) and in one where it is only preloaded (atk_plain): prefix
-- operators (no left argument) over listguard.email and polymorphic types,
-- zero-argument and (*) aggregates, ALTER ... SET with odd value lists,
-- RESET ALL at every level, role specs CURRENT_USER / SESSION_USER /
-- PUBLIC, GRANT/REVOKE with grantor clauses, ALTER DEFAULT PRIVILEGES,
-- SECURITY LABEL with NULL, COMMENT/ALTER on objects of listguard.
-- Expected secure outcome: each statement works or fails with an ordinary
-- error; no backend dies (the script ends with SELECT 'alive').
-- RESULT: held (no backend died; every refusal an ordinary 42501 or PostgreSQL error).
-- Run: psql -X -U postgres -d postgres -f 26_odd_utility_shapes.sql
\set ON_ERROR_STOP 0
SELECT 'CREATE DATABASE atk_plain OWNER a_dbo' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'atk_plain') \gexec
\c atk_plain a_dbo
\i 26_odd_utility_body.sql
\c atk a_dbo
\i 26_odd_utility_body.sql
\c atk a_masked
\i 26_odd_utility_body.sql
SELECT 'alive';
