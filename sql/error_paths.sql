-- Errors raised while listguard has work pending at the end of a
-- transaction, and statements whose parse trees listguard's hooks read:
-- a clear error every time, never a crashed server, nothing recorded lost.
SELECT current_setting('data_directory') AS datadir \gset
\setenv LG_DATADIR :datadir

CREATE ROLE ep_reader;
CREATE TABLE ep_subs (id int PRIMARY KEY, account_id bigint, email listguard.email);
INSERT INTO ep_subs SELECT i, 1, 'ep' || i || '@example.com' FROM generate_series(1, 3) i;
SELECT listguard.protect('ep_subs', 'account_id');
GRANT SELECT ON ep_subs TO ep_reader;
SELECT listguard.grant_access('ep_reader', 1, reveal => 'clear', quota => '100/day') AS ep_grant \gset

-- The keyring broken three ways: missing, truncated (its index line only),
-- and with a line twice.
SELECT :'datadir' || '/ep_truncated.key' AS truncated_key, :'datadir' || '/ep_doubled.key' AS doubled_key \gset
COPY (SELECT l FROM regexp_split_to_table(pg_read_file('listguard.key'), E'\n') l WHERE l LIKE 'index %')
    TO :'truncated_key';
COPY (SELECT l FROM regexp_split_to_table(pg_read_file('listguard.key'), E'\n') l WHERE l <> ''
      UNION ALL SELECT l FROM regexp_split_to_table(pg_read_file('listguard.key'), E'\n') l WHERE l LIKE 'seal %')
    TO :'doubled_key';
\! chmod 600 "$LG_DATADIR/ep_truncated.key" "$LG_DATADIR/ep_doubled.key"

-- A superuser's function that points the session at another key file: the
-- keyring is lost in the middle of a statement that has already shown a
-- clear value (counted, not yet recorded) to the reader.
CREATE FUNCTION lgtest.lose_keyring(file text) RETURNS int SECURITY DEFINER LANGUAGE sql AS
    $$ SELECT 0 FROM set_config('listguard.key_file', file, false) $$;
GRANT EXECUTE ON FUNCTION lgtest.lose_keyring(text) TO ep_reader;

-- (No ORDER BY: a sort would postpone the function past every value.)
SET ROLE ep_reader;
SELECT email::text, CASE WHEN id = 1 THEN lgtest.lose_keyring('ep_missing.key') END FROM ep_subs;
SELECT 'still connected' AS after_missing, current_setting('listguard.key_file') AS key_file;
SELECT email::text, CASE WHEN id = 1 THEN lgtest.lose_keyring('ep_truncated.key') END FROM ep_subs;
SELECT 'still connected' AS after_truncated;
SELECT email::text, CASE WHEN id = 1 THEN lgtest.lose_keyring('ep_doubled.key') END FROM ep_subs;
SELECT 'still connected' AS after_doubled;
-- The same inside an explicit transaction, under a savepoint.
BEGIN;
SAVEPOINT s;
SELECT email::text, CASE WHEN id = 1 THEN lgtest.lose_keyring('ep_missing.key') END FROM ep_subs;
ROLLBACK TO SAVEPOINT s;
SELECT count(email::text) AS read_after_savepoint FROM ep_subs;
COMMIT;
RESET ROLE;

-- Every clear value shown before the failures was recorded, each in an
-- event that carries a sealed canary record of the usual size.
SELECT lgtest.audit_settle();
SELECT (counts->>'clear')::int AS clear, length(detail->>'canaries') AS record_length
FROM listguard.audit_log WHERE kind = 'clear_reveal' AND (detail->>'grant')::bigint = :ep_grant ORDER BY id;
SELECT used FROM listguard.quota_usage WHERE grant_id = :ep_grant;

-- Statements listguard's utility hook reads, in every shape the grammar
-- makes for them: a "(*)" aggregate's argument list starts with an empty
-- entry; ordered-set and old-style aggregates; operators and casts.
CREATE AGGREGATE lgtest.ep_count (*) (sfunc = int8inc, stype = int8, initcond = '0');
CREATE AGGREGATE lgtest.ep_ordered (ORDER BY int4) (sfunc = int8inc_any, stype = int8, initcond = '0');
CREATE AGGREGATE lgtest.ep_hypothetical (int4 ORDER BY int4) (sfunc = int8inc_any, stype = int8, initcond = '0');
CREATE AGGREGATE lgtest.ep_old_style (basetype = int4, sfunc = int4_sum, stype = int8);
SELECT lgtest.ep_count(*) FROM ep_subs;
DROP AGGREGATE lgtest.ep_count (*);
DROP AGGREGATE lgtest.ep_ordered (ORDER BY int4), lgtest.ep_hypothetical (int4 ORDER BY int4),
    lgtest.ep_old_style (int4);
-- An aggregate with an email argument, in any position, is refused to a
-- non-administrator; a "(*)" aggregate is anyone's to create.
GRANT CREATE ON SCHEMA lgtest TO ep_reader;
SET ROLE ep_reader;
SELECT lgtest.try($$CREATE AGGREGATE lgtest.ep_emails (listguard.email ORDER BY int4) (sfunc = array_append, stype = listguard.email[])$$);
SELECT lgtest.try($$CREATE AGGREGATE lgtest.ep_emails2 (int4 ORDER BY listguard.email) (sfunc = int8inc_any, stype = int8)$$);
SELECT lgtest.try($$CREATE AGGREGATE lgtest.ep_count2 (*) (sfunc = int8inc, stype = int8, initcond = '0')$$);
-- An argument written table.column%TYPE: of an email column, refused; of
-- another, PostgreSQL's NOTICE is printed once (listguard looks it up
-- quietly).
SELECT lgtest.try($$CREATE FUNCTION lgtest.ep_f(ep_subs.email%TYPE) RETURNS int LANGUAGE sql AS 'SELECT 1'$$);
CREATE FUNCTION lgtest.ep_g(ep_subs.id%TYPE) RETURNS int LANGUAGE sql AS 'SELECT 1';
RESET ROLE;
REVOKE CREATE ON SCHEMA lgtest FROM ep_reader;
DROP AGGREGATE lgtest.ep_count2 (*);
DROP FUNCTION lgtest.ep_g(int);

-- The same statements where listguard is only preloaded (no extension).
CREATE DATABASE ep_plain;
\c ep_plain
CREATE AGGREGATE ep_count (*) (sfunc = int8inc, stype = int8, initcond = '0');
CREATE AGGREGATE ep_ordered (ORDER BY int4) (sfunc = int8inc_any, stype = int8, initcond = '0');
SELECT ep_count(*), ep_ordered() WITHIN GROUP (ORDER BY i) FROM generate_series(1, 3) i;
\c contrib_regression
DROP DATABASE ep_plain;
SELECT 'still connected' AS at_the_end;

SELECT listguard.revoke_access(:ep_grant);
DROP TABLE ep_subs;
DROP FUNCTION lgtest.lose_keyring(text);
DROP ROLE ep_reader;
\! rm -f "$LG_DATADIR/ep_truncated.key" "$LG_DATADIR/ep_doubled.key"
