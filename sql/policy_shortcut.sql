-- Row policies that cost nothing for a role that reads every row (issue
-- 24): when the role's grants cover every account and list, the database
-- has no canary and the account and list columns are NOT NULL, a scan
-- does not call can_read() for its rows; it checks at each row that the
-- role and access are unchanged, and calls it again as soon as they are
-- not. Calls are counted with track_functions: 0 calls means the shortcut
-- ran. In a database of its own: the regression database has canaries.
CREATE DATABASE lg_shortcut;
\c lg_shortcut
SET client_min_messages = warning;
CREATE EXTENSION listguard;
RESET client_min_messages;
CREATE ROLE ps_all;
CREATE ROLE ps_one;
CREATE ROLE ps_none;
CREATE TABLE ps_subs (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
SELECT listguard.protect('ps_subs', 'account_id', 'list_id');
INSERT INTO ps_subs SELECT g, 1 + g % 4, 1 + g % 2, 'ps' || g || '@example.com' FROM generate_series(1, 1000) g;
-- The same rows with nullable scope columns, and a row without an account.
CREATE TABLE ps_nullable (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('ps_nullable', 'account_id', 'list_id');
INSERT INTO ps_nullable SELECT * FROM ps_subs;
ALTER TABLE ps_nullable DISABLE TRIGGER USER;
INSERT INTO ps_nullable VALUES (0, NULL, 1, NULL);
ALTER TABLE ps_nullable ENABLE TRIGGER USER;
GRANT SELECT ON ps_subs, ps_nullable TO ps_all, ps_one, ps_none;
SELECT listguard.grant_access('ps_all', NULL, reason => 'every account') > 0 AS granted;
SELECT listguard.grant_access('ps_one', 2) > 0 AS granted;
CREATE FUNCTION ps_policy_calls() RETURNS bigint LANGUAGE sql AS $$
    SELECT coalesce(sum(calls), 0)::bigint FROM pg_stat_xact_user_functions
    WHERE schemaname = 'listguard' AND funcname = 'can_read' $$;
SET track_functions = 'all';

-- A reader of every account: every row, no call of the policy; the rest of
-- a filter still applies; the plan is the same.
BEGIN;
SET LOCAL ROLE ps_all;
EXPLAIN (COSTS OFF) SELECT count(*) FROM ps_subs WHERE list_id = 2;
SELECT count(*) FROM ps_subs;
SELECT count(*) FROM ps_subs WHERE list_id = 2;
SELECT ps_policy_calls() AS calls;
COMMIT;
-- Nullable columns: the policy is called, the row without an account is
-- not seen.
BEGIN;
SET LOCAL ROLE ps_all;
SELECT count(*), count(*) FILTER (WHERE account_id IS NULL) AS without_account FROM ps_nullable;
SELECT ps_policy_calls() > 0 AS called;
COMMIT;
-- A reader of one account: decided row by row, as before.
BEGIN;
SET LOCAL ROLE ps_one;
SELECT count(*), min(account_id), max(account_id) FROM ps_subs;
SELECT ps_policy_calls() > 0 AS called;
COMMIT;

-- A grant revoked in the reader's own transaction, under an open cursor:
-- the next row is decided again and refused (a seq scan: rows are decided
-- as they are fetched).
BEGIN;
SET LOCAL ROLE ps_all;
DECLARE ps_cursor NO SCROLL CURSOR FOR SELECT id FROM ps_subs;
FETCH 2 FROM ps_cursor;
RESET ROLE;
SELECT count(listguard.revoke_access(id)) AS revoked FROM listguard.grants WHERE reason = 'every account';
SET LOCAL ROLE ps_all;
FETCH 2 FROM ps_cursor;
ROLLBACK;

-- A role switched under an open cursor: the next row is decided for the
-- new role (a cursor of a seq scan, rows fetched one by one).
BEGIN;
SET LOCAL ROLE ps_all;
DECLARE ps_cursor NO SCROLL CURSOR FOR SELECT id, account_id FROM ps_subs;
FETCH 2 FROM ps_cursor;
SET LOCAL ROLE ps_one;
FETCH 2 FROM ps_cursor;
SET LOCAL ROLE ps_none;
FETCH 2 FROM ps_cursor;
ROLLBACK;

-- SECURITY DEFINER functions switch the role mid-statement: the owner's
-- scan is decided for the owner, the caller's for the caller, row by row.
CREATE FUNCTION ps_count_as_none() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS 'SELECT count(*) FROM ps_subs';
ALTER FUNCTION ps_count_as_none() OWNER TO ps_none;
CREATE FUNCTION ps_count_as_all() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS 'SELECT count(*) FROM ps_subs';
ALTER FUNCTION ps_count_as_all() OWNER TO ps_all;
SET ROLE ps_all;
SELECT id, ps_count_as_none() AS owner_sees FROM ps_subs ORDER BY id LIMIT 3;
SELECT count(*) AS rows_seen, sum(ps_count_as_none()) AS owner_sees_total FROM ps_subs;
SET ROLE ps_none;
SELECT count(*) AS none_sees, ps_count_as_all() AS all_sees FROM ps_subs;
-- The filter itself may switch roles: a SECURITY DEFINER function in it.
SET ROLE ps_all;
SELECT count(*) FROM ps_subs WHERE ps_count_as_none() = 0;
RESET ROLE;

-- A canary planted: the shortcut no longer applies in this database; the
-- canary's row is hidden from the reader of every account, seen by its role.
SET listguard.canary_domains = 'canaries.example';
SELECT listguard.plant_canaries('ps_subs', 2, 2, roles => ARRAY['ps_one']::regrole[], per_role => 1) AS planted;
RESET listguard.canary_domains;
BEGIN;
SET LOCAL ROLE ps_all;
SELECT count(*) AS all_sees FROM ps_subs;
SELECT ps_policy_calls() > 0 AS called;
SET LOCAL ROLE ps_one;
SELECT count(*) AS one_sees FROM ps_subs;
COMMIT;

\c contrib_regression
DROP DATABASE lg_shortcut;
DROP ROLE ps_all, ps_one, ps_none;
