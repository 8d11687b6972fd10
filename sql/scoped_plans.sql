-- Row policies the planner can use (issue 24): can_read() and can_write()
-- have a planner support function that puts the range of the role's
-- accounts in front of them as an index condition on the account column.
-- The function itself still decides every row.
CREATE TABLE sp_subs (id bigserial, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('sp_subs', 'account_id', 'list_id');
INSERT INTO sp_subs (account_id, list_id, email)
SELECT 1 + g % 200, 1 + g % 3, 'sp' || g || '@example.com' FROM generate_series(1, 20000) g;
CREATE INDEX ON sp_subs (account_id);
CREATE ROLE sp_one;
CREATE ROLE sp_two;
CREATE ROLE sp_all;
CREATE ROLE sp_none;
CREATE ROLE sp_writer;
CREATE ROLE sp_expired;
GRANT SELECT, UPDATE, DELETE ON sp_subs TO sp_one, sp_two, sp_all, sp_none, sp_writer, sp_expired;
SELECT listguard.grant_access('sp_one', 7) > 0 AS granted;
SELECT listguard.grant_access('sp_two', 7, 2) > 0 AS granted;
SELECT listguard.grant_access('sp_two', 9) > 0 AS granted;
SELECT listguard.grant_access('sp_all', NULL) > 0 AS granted;
SELECT listguard.grant_access('sp_writer', NULL) > 0 AS granted; -- reads every account
SELECT listguard.grant_access('sp_writer', 11, can_write => true) > 0 AS granted; -- writes one
SELECT listguard.grant_access('sp_expired', 13, reveal => 'clear', valid_until => now() + interval '1 second') > 0 AS granted;
ANALYZE sp_subs;

-- A reader of one account reads through the index; so does a reader of a
-- list of one account and of another account (the range holds both).
SET ROLE sp_one;
EXPLAIN (COSTS OFF) SELECT count(*) FROM sp_subs;
SELECT count(*), min(account_id), max(account_id) FROM sp_subs;
SET ROLE sp_two;
EXPLAIN (COSTS OFF) SELECT id FROM sp_subs;
SELECT count(*), count(*) FILTER (WHERE account_id = 7) AS of_7, count(DISTINCT list_id) FILTER (WHERE account_id = 7) AS lists_of_7
FROM sp_subs;
-- The same rows without any index: the condition only narrows the scan.
SET enable_indexscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM sp_subs;
SELECT count(*) FROM sp_subs;
RESET enable_indexscan;
RESET enable_bitmapscan;
-- A reader of every account scans the table, without a condition.
SET ROLE sp_all;
EXPLAIN (COSTS OFF) SELECT count(*) FROM sp_subs;
SELECT count(*) FROM sp_subs;
-- No grant: an empty range, no row.
SET ROLE sp_none;
EXPLAIN (COSTS OFF) SELECT id FROM sp_subs;
SELECT count(*) FROM sp_subs;
-- Writes: UPDATE and DELETE read through the index with the range of the
-- accounts the role may write, and change only those rows.
SET ROLE sp_writer;
EXPLAIN (COSTS OFF) UPDATE sp_subs SET list_id = list_id;
UPDATE sp_subs SET list_id = list_id;
EXPLAIN (COSTS OFF) DELETE FROM sp_subs WHERE list_id = 99;
SELECT count(*) FROM sp_subs;
RESET ROLE;

-- An expired grant still lets its role read rows (masked): its account
-- stays in the range.
SELECT pg_sleep(1.2);
SET ROLE sp_expired;
SELECT count(*), min(email::text) LIKE '%***@example.com' AS masked FROM sp_subs;
RESET ROLE;

-- A generic plan made while the role read one account stays right when its
-- grants change: the range is read when each scan starts.
SET ROLE sp_one;
SET plan_cache_mode = force_generic_plan;
PREPARE sp_count AS SELECT count(*) FROM sp_subs;
EXECUTE sp_count;
RESET ROLE;
SELECT listguard.grant_access('sp_one', 8) > 0 AS granted;
SET ROLE sp_one;
EXECUTE sp_count;
RESET ROLE;
SELECT listguard.grant_access('sp_one', NULL) > 0 AS granted_every_account;
SET ROLE sp_one;
EXECUTE sp_count;
RESET ROLE;
SELECT count(listguard.revoke_access(id)) AS revoked FROM listguard.grants WHERE grantee = 'sp_one'::regrole;
SET ROLE sp_one;
EXECUTE sp_count;
DEALLOCATE sp_count;
RESET plan_cache_mode;
RESET ROLE;

-- (A revocation committed by another session while a cursor or prepared
-- statement reads through the index: test/isolation/specs/scoped_plans.spec.)

-- An account column of another integer type, and a table without an index
-- on it: no condition, the same answers.
CREATE TABLE sp_int (account_id int, list_id int, email listguard.email);
SELECT listguard.protect('sp_int', 'account_id', 'list_id');
INSERT INTO sp_int SELECT 1 + g % 50, 1, 'spi' || g || '@example.com' FROM generate_series(1, 2000) g;
CREATE INDEX ON sp_int (account_id);
ANALYZE sp_int;
GRANT SELECT ON sp_int TO sp_two;
SET ROLE sp_two;
EXPLAIN (COSTS OFF) SELECT count(*) FROM sp_int;
SELECT count(*) FROM sp_int;
RESET ROLE;

-- The bounds say only what explain_access() says of the caller's own grants.
SET ROLE sp_two;
SELECT listguard._first_account(false), listguard._last_account(false), listguard._first_account(true) > listguard._last_account(true) AS writes_none;
RESET ROLE;

DROP TABLE sp_subs, sp_int;
SELECT count(listguard.revoke_access(id)) > 0 AS revoked FROM listguard.grants
WHERE grantee::text LIKE 'sp\_%';
DROP ROLE sp_one, sp_two, sp_all, sp_none, sp_writer, sp_expired;
