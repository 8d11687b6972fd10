-- protect() of a table in use (issue 23): it holds the table's lock only
-- while it installs policies and triggers and stamps what it can within
-- listguard.protect_stamp_budget; the rest is queued in
-- listguard.stamp_queue and stamped in the background, in committed
-- batches, by the database's maintenance worker. Until a row is stamped its
-- value belongs to no account (only every-account grants see it); a row
-- written meanwhile is stamped by the trigger. Here the background is
-- paused first, so that what waits can be looked at.
ALTER SYSTEM SET listguard.background_stamping = off;
SELECT pg_reload_conf();
SELECT pg_sleep(0.2);

CREATE ROLE op_reader;
CREATE ROLE op_writer;
CREATE TABLE op_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL, note text);
INSERT INTO op_subs SELECT g, 1 + g % 2, 10, 'online' || g || '@example.com', 'x' FROM generate_series(1, 3000) g;
GRANT SELECT, UPDATE, INSERT ON op_subs TO op_reader, op_writer;

-- A budget of nothing: protect() stamps no row under its lock.
SET listguard.protect_stamp_budget = 0;
SELECT listguard.protect('op_subs', 'account_id', 'list_id');
RESET listguard.protect_stamp_budget;
SELECT relid, next_block, end_block = pg_relation_size('op_subs') / 8192 AS whole_table, queued_by
FROM listguard.stamp_queue;
SELECT count(*) FILTER (WHERE listguard._unstamped(email)) AS unstamped FROM op_subs;

-- Protected already: policies and triggers are in place.
SELECT count(*) AS policies FROM pg_policy WHERE polrelid = 'op_subs'::regclass;
SELECT tgname FROM pg_trigger WHERE tgrelid = 'op_subs'::regclass ORDER BY 1;

-- Fail closed meanwhile: a grant on account 1 reads its rows, but the
-- values that wait for their stamp belong to no account, so they show
-- masked; a grant on every account reads them.
SELECT listguard.grant_access('op_reader', 1, reveal => 'clear') > 0 AS granted;
SELECT listguard.grant_access('op_writer', NULL, reveal => 'clear', can_write => true) > 0 AS granted;
SELECT lgtest.as_role('op_reader', 'SELECT email::text FROM op_subs WHERE id = 2') AS waiting_value_scoped;
SELECT lgtest.as_role('op_writer', 'SELECT email::text FROM op_subs WHERE id = 2') AS waiting_value_all_accounts;

-- Rows written meanwhile are stamped by the trigger: an update that leaves
-- the address as it is, and a new row.
SET ROLE op_writer;
UPDATE op_subs SET note = 'touched' WHERE id IN (4, 6, 7);
INSERT INTO op_subs VALUES (5001, 1, 10, 'fresh5001@example.com', 'new');
RESET ROLE;
SELECT id, listguard._unstamped(email) AS unstamped FROM op_subs WHERE id IN (2, 4, 6, 7, 5001) ORDER BY id;
SELECT lgtest.as_role('op_reader', 'SELECT email::text FROM op_subs WHERE id = 4') AS touched_value_scoped;

-- A role without every-account access cannot move a waiting value
-- elsewhere (it belongs to no account yet).
SET ROLE op_reader;
SELECT lgtest.try('INSERT INTO op_subs SELECT 9000, 1, 10, email, null FROM op_subs WHERE id = 2') AS move_waiting;
RESET ROLE;

-- The background goes on: the queue empties, every value is stamped, and
-- the scoped grant reads them.
ALTER SYSTEM RESET listguard.background_stamping;
SELECT pg_reload_conf();
CREATE FUNCTION lgtest.stamping_settled() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..600 LOOP
        IF NOT EXISTS (SELECT 1 FROM listguard.stamp_queue) THEN
            RETURN true;
        END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
    RETURN false;
END
$$;
-- protect() again (with no budget: all of it in the background) starts it
-- at once; the housekeeper would within 10 s (and may have begun: let it
-- finish first, or the new protect() waits for its batch's lock).
-- (How many blocks are left then depends on what stamping and vacuum left.)
SELECT lgtest.stamping_settled() AS settled_before;
SET listguard.protect_stamp_budget = 0;
SET client_min_messages = warning;
SELECT listguard.protect('op_subs', 'account_id', 'list_id');
RESET client_min_messages;
RESET listguard.protect_stamp_budget;
SELECT lgtest.stamping_settled() AS settled;
SELECT count(*) FILTER (WHERE listguard._unstamped(email)) AS unstamped FROM op_subs;
SELECT lgtest.as_role('op_reader', 'SELECT email::text FROM op_subs WHERE id = 2') AS stamped_value_scoped;
SELECT lgtest.audit_settle();
SELECT detail->>'background' AS background, relation FROM listguard.audit_log
WHERE kind = 'protection_changed' AND detail ? 'background' ORDER BY id DESC LIMIT 1;

-- stamp => 'now' stamps everything before it returns; bad values refused.
SELECT listguard.unprotect('op_subs');
SELECT lgtest.try($$SELECT listguard.protect('op_subs', 'account_id', 'list_id', stamp => 'soon')$$) AS bad_stamp;
SET listguard.protect_stamp_budget = 0;
SELECT listguard.protect('op_subs', 'account_id', 'list_id', stamp => 'now');
RESET listguard.protect_stamp_budget;
SELECT count(*) AS queued FROM listguard.stamp_queue;

-- unprotect() forgets what waits.
SELECT listguard.unprotect('op_subs');
ALTER SYSTEM SET listguard.background_stamping = off;
SELECT pg_reload_conf();
SELECT pg_sleep(0.2);
TRUNCATE op_subs;
INSERT INTO op_subs SELECT g, 1, 10, 'again' || g || '@example.com', 'x' FROM generate_series(1, 2000) g;
SET listguard.protect_stamp_budget = 0;
SELECT listguard.protect('op_subs', 'account_id', 'list_id');
RESET listguard.protect_stamp_budget;
SELECT count(*) AS queued FROM listguard.stamp_queue;
SELECT listguard.unprotect('op_subs');
SELECT count(*) AS queued_after_unprotect FROM listguard.stamp_queue;

-- A small table (64 blocks at most, this one 58) is stamped before
-- protect() returns whatever the time its checks took, unless the budget is
-- 0: nothing is queued, however slow the machine.
SET listguard.protect_stamp_budget = '1ms';
SELECT listguard.protect('op_subs', 'account_id', 'list_id');
RESET listguard.protect_stamp_budget;
SELECT count(*) AS queued_small FROM listguard.stamp_queue;
SELECT count(*) FILTER (WHERE listguard._unstamped(email)) AS unstamped_small FROM op_subs;
SELECT listguard.unprotect('op_subs');

-- Nobody but listguard writes the queue.
SET ROLE op_writer;
SELECT lgtest.try('DELETE FROM listguard.stamp_queue') AS writer_deletes_queue;
RESET ROLE;
SELECT lgtest.try($$SELECT listguard._note_progress('protect', NULL, 'fake', 1, 2, 3)$$) LIKE 'ok' AS superuser_may;
SET ROLE op_writer;
SELECT lgtest.try($$SELECT listguard._note_progress('protect', NULL, 'fake', 1, 2, 3)$$) AS writer_fakes_progress;
RESET ROLE;

ALTER SYSTEM RESET listguard.background_stamping;
SELECT pg_reload_conf();
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee IN ('op_reader'::regrole, 'op_writer'::regrole);
DROP TABLE op_subs;
DROP FUNCTION lgtest.stamping_settled();
DROP ROLE op_reader, op_writer;
