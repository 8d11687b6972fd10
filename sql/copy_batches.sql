-- COPY FROM into a protected table inserts in batches (issue 24): listguard
-- checks and stamps each row where its stamping trigger would, then inserts
-- the rows a thousand at a time as PostgreSQL's COPY does into a table
-- without row triggers. A COPY of more rows than a batch, into a table with
-- an index and per-row audit: every row stamped, every row audited and
-- counted, a refused row in a later batch stops the COPY at its line (not
-- the last line of its batch) and writes nothing, as does a duplicate key
-- found when its batch is written.
CREATE ROLE cb_writer;
CREATE ROLE cb_reader;
CREATE TABLE cb_subs (id int PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('cb_subs', 'account_id', 'list_id', audit => 'row');
GRANT SELECT, INSERT ON cb_subs TO cb_writer, cb_reader;
SELECT listguard.grant_access('cb_writer', 1, reveal => 'masked', can_write => true) > 0 AS granted;
SELECT listguard.grant_access('cb_reader', 1, reveal => 'clear') > 0 AS granted;
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

COPY (SELECT g, 1, 10 + g % 2, 'user' || g || '@example.com' FROM generate_series(1, 1500) g)
    TO '/tmp/listguard_copy_batches_1.txt';
COPY (SELECT g, CASE WHEN g = 3200 THEN 2 ELSE 1 END, 10, 'late' || g || '@example.com'
      FROM generate_series(2001, 3500) g)
    TO '/tmp/listguard_copy_batches_2.txt';
COPY (SELECT CASE WHEN g = 2300 THEN 5 ELSE g END, 1, 10, 'dup' || g || '@example.com'
      FROM generate_series(2001, 3500) g)
    TO '/tmp/listguard_copy_batches_3.txt';

SET ROLE cb_writer;
SET client_min_messages = debug1;
\copy cb_subs FROM '/tmp/listguard_copy_batches_1.txt'
RESET client_min_messages;
RESET ROLE;
-- Every value stamped with its row's scope, none left as the type's input
-- made it: the clear reader of account 1 sees them all.
SELECT count(*) AS rows, count(*) FILTER (WHERE listguard._unstamped(email)) AS unstamped FROM cb_subs;
SET ROLE cb_reader;
SELECT count(*) FILTER (WHERE email::text = 'user' || id || '@example.com') AS clear FROM cb_subs;
RESET ROLE;

-- A row outside the grant on line 1200 (in the second batch), then a
-- duplicate key on line 300: each stops the COPY at its own line.
SET ROLE cb_writer;
\set VERBOSITY verbose
\copy cb_subs FROM '/tmp/listguard_copy_batches_2.txt'
\copy cb_subs FROM '/tmp/listguard_copy_batches_3.txt'
\set VERBOSITY default
RESET ROLE;
SELECT count(*) AS rows FROM cb_subs;

-- The audit trail: one write event per row written and one statement
-- event with the COPY's counts; the refused row; nothing of the failed
-- COPYs.
SELECT lgtest.audit_settle() AS settled;
SELECT kind, count(*) AS events, min(account) AS account
FROM listguard.audit_log
WHERE id > :mark AND (relation LIKE '%cb_subs' OR kind = 'denied') AND kind <> 'protection_changed'
GROUP BY kind ORDER BY kind;

-- With statement audit (protect()'s default), one event counts the rows of
-- every batch per account and list.
CREATE TABLE cb_counted (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('cb_counted', 'account_id', 'list_id');
GRANT INSERT ON cb_counted TO cb_writer;
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset
SET ROLE cb_writer;
\copy cb_counted FROM '/tmp/listguard_copy_batches_1.txt'
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT kind, current_user_name AS by_role, counts, detail FROM listguard.audit_log
WHERE id > :mark AND relation LIKE '%cb_counted' ORDER BY id;
SELECT count(*) AS rows, count(*) FILTER (WHERE listguard._unstamped(email)) AS unstamped FROM cb_counted;

-- Its role's canary address, copied in again: sealed with its row's stamp
-- as COPY reads it, it is still marked a canary, which another reader of
-- the list does not see.
SELECT listguard.add_canary_addresses(ARRAY['planted.subscriber.number.nine@mail2.example']) AS added;
SELECT listguard.plant_canaries('cb_counted', 1, 10, roles => ARRAY['cb_writer'::regrole], per_role => 1) AS planted;
SELECT ctid AS canary FROM cb_counted
WHERE email IN (SELECT address FROM listguard.canaries WHERE role = 'cb_writer'::regrole) \gset
GRANT SELECT ON cb_counted TO cb_writer, cb_reader;
SELECT listguard.grant_access('cb_writer', 1, 10, reveal => 'clear') AS writer_clear \gset
SET ROLE cb_writer;
CREATE TEMP TABLE cb_canary_line AS
SELECT 9999 AS id, account_id, list_id, email::text AS email FROM cb_counted WHERE ctid = :'canary';
\copy (SELECT * FROM cb_canary_line) TO '/tmp/listguard_copy_batches_4.txt'
\copy cb_counted FROM '/tmp/listguard_copy_batches_4.txt'
RESET ROLE;
DROP TABLE cb_canary_line;
SELECT lgtest.as_role('cb_reader', format('SELECT count(*) FROM cb_counted WHERE ctid = %L OR id = 9999', :'canary'))
    AS reader_sees_canaries;
SELECT count(*) AS copied FROM cb_counted WHERE id = 9999;
SELECT listguard.revoke_access(:writer_clear) IS NOT NULL AS revoked;
SELECT listguard.remove_canaries('cb_counted') AS removed;

\! rm -f /tmp/listguard_copy_batches_4.txt /tmp/listguard_copy_batches_1.txt /tmp/listguard_copy_batches_2.txt /tmp/listguard_copy_batches_3.txt
SELECT listguard.unprotect('cb_subs'), listguard.unprotect('cb_counted');
DROP TABLE cb_subs, cb_counted;
SELECT count(listguard.revoke_access(id)) > 0 AS revoked FROM listguard.grants WHERE grantee::text LIKE 'cb\_%';
DROP ROLE cb_writer, cb_reader;
