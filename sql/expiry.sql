-- A grant's end is compared with the clock, not with the start of the
-- statement or transaction: a procedure that commits in a loop, or a DO
-- block, stops seeing clear addresses once its grant has expired (a
-- break-glass grant too), however long it runs.
CREATE ROLE ex_reader;
CREATE TABLE ex_subs (id int, account_id bigint, email listguard.email);
SELECT listguard.protect('ex_subs', 'account_id');
INSERT INTO ex_subs VALUES (1, 1, 'expiring@example.com');
GRANT SELECT ON ex_subs TO ex_reader;
SELECT listguard.grant_access('ex_reader', 1, reveal => 'masked') AS baseline \gset
SELECT listguard.grant_access('ex_reader', 1, reveal => 'clear', valid_until => clock_timestamp() + interval '2 seconds')
    AS clear_grant \gset
SELECT valid_until AS ends FROM listguard.grants WHERE id = :clear_grant \gset
CREATE TABLE ex_seen (via text, at timestamptz, shown text);
GRANT INSERT ON ex_seen TO ex_reader;

-- Reads once a quarter of a second until well past the grant's end,
-- committing after each read.
CREATE PROCEDURE lgtest.ex_loop(ends timestamptz) LANGUAGE plpgsql AS $$
BEGIN
    WHILE clock_timestamp() < ends + interval '0.75 seconds' LOOP
        INSERT INTO ex_seen SELECT 'procedure', clock_timestamp(), email::text FROM ex_subs;
        COMMIT;
        PERFORM pg_sleep(0.25);
    END LOOP;
END $$;
GRANT EXECUTE ON PROCEDURE lgtest.ex_loop(timestamptz) TO ex_reader;

SET ROLE ex_reader;
CALL lgtest.ex_loop(:'ends');
RESET ROLE;

-- Every read before the end was clear, every read after it masked, and
-- there were reads on both sides.
SELECT count(*) FILTER (WHERE at < :'ends') > 0 AS read_before,
       count(*) FILTER (WHERE at >= :'ends') > 0 AS read_after,
       bool_and((shown = 'expiring@example.com') = (at < :'ends')) AS clear_exactly_until_the_end
FROM ex_seen WHERE via = 'procedure';

-- One statement that runs across the end: a DO block (one transaction).
SELECT listguard.revoke_access(:clear_grant);
SELECT listguard.grant_access('ex_reader', 1, reveal => 'clear', valid_until => clock_timestamp() + interval '2 seconds')
    AS clear_grant \gset
SELECT valid_until AS ends FROM listguard.grants WHERE id = :clear_grant \gset
SET lgtest.ends = :'ends';
SET ROLE ex_reader;
DO $$
DECLARE
    ends timestamptz := current_setting('lgtest.ends')::timestamptz;
BEGIN
    WHILE clock_timestamp() < ends + interval '0.75 seconds' LOOP
        INSERT INTO ex_seen SELECT 'do', clock_timestamp(), email::text FROM ex_subs;
        PERFORM pg_sleep(0.25);
    END LOOP;
END $$;
RESET ROLE;
SELECT count(*) FILTER (WHERE at < :'ends') > 0 AS read_before,
       count(*) FILTER (WHERE at >= :'ends') > 0 AS read_after,
       bool_and((shown = 'expiring@example.com') = (at < :'ends')) AS clear_exactly_until_the_end
FROM ex_seen WHERE via = 'do';

-- A prepared statement executed before and after the end, in one
-- transaction.
SELECT listguard.revoke_access(:clear_grant);
SELECT listguard.grant_access('ex_reader', 1, reveal => 'clear', valid_until => clock_timestamp() + interval '2 seconds')
    AS clear_grant \gset
SELECT valid_until AS ends FROM listguard.grants WHERE id = :clear_grant \gset
SET ROLE ex_reader;
BEGIN ISOLATION LEVEL REPEATABLE READ;
PREPARE ex_read AS SELECT email, clock_timestamp() < :'ends' AS before_the_end FROM ex_subs;
EXECUTE ex_read;
SELECT pg_sleep_until(:'ends'::timestamptz + interval '0.1 seconds');
EXECUTE ex_read;
COMMIT;
DEALLOCATE ex_read;
RESET ROLE;

SELECT listguard.revoke_access(:clear_grant), listguard.revoke_access(:baseline);
DROP TABLE ex_subs, ex_seen;
DROP PROCEDURE lgtest.ex_loop(timestamptz);
RESET lgtest.ends;
DROP ROLE ex_reader;
