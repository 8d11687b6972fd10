-- HELD (attack2): laundering through a write-back that moves the row
-- (plain, partitioned with row movement), a backup login feeding the sealed
-- tokens it dumps into another account, lookups rewritten to equality
-- (free, as equality always was) while the cast still charges the rows it
-- returns after ORDER BY/LIMIT, and the write-back oracle refused to a role
-- without SELECT on the column.
-- Needs the fixture of setup.sql (run as superuser).
\set VERBOSITY terse
\c atk postgres
CREATE ROLE a_mover LOGIN;
GRANT SELECT, UPDATE ON subs TO a_mover;
SELECT listguard.grant_access('a_mover', 1, 11, can_write => true) > 0 AS masked_write_1;
SELECT listguard.grant_access('a_mover', 2, 21, reveal => 'clear', can_write => true) > 0 AS clear_write_2;
CREATE TABLE pt (id bigint, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email) PARTITION BY LIST (account_id);
CREATE TABLE pt1 PARTITION OF pt FOR VALUES IN (1);
CREATE TABLE pt2 PARTITION OF pt FOR VALUES IN (2);
INSERT INTO pt VALUES (1, 1, 11, 'alice@example.com'), (2, 2, 21, 'bob@example.org');
SELECT listguard.protect('pt', 'account_id', 'list_id') IS NOT NULL AS protected;
GRANT SELECT, UPDATE ON pt TO a_mover;
\c atk a_mover
UPDATE subs SET account_id = 2, list_id = 21, email = 'u***@example.com' WHERE id = 5;   -- 42501
UPDATE subs SET account_id = 2, list_id = 21, email = email::text WHERE id = 5;          -- 42501
UPDATE pt SET account_id = 2, list_id = 21, email = 'a***@example.com' WHERE id = 1;     -- 42501
UPDATE pt SET email = 'a***@example.com' WHERE id = 1;                                   -- kept
SELECT id, account_id, email FROM pt ORDER BY id;
\c atk postgres
CREATE ROLE a_bk5 LOGIN IN ROLE listguard_backup;
GRANT INSERT, UPDATE ON subs TO a_bk5; GRANT USAGE ON SEQUENCE subs_id_seq TO a_bk5;
SELECT listguard.grant_access('a_bk5', 2, 21, can_write => true) > 0 AS write_2;
CREATE ROLE a_upd LOGIN; GRANT UPDATE ON subs TO a_upd;
SELECT listguard.grant_access('a_upd', 1, 11, can_write => true) > 0 AS write_no_select;
\c atk a_bk5
SET application_name = 'pg_dump';
SELECT email::text AS tok FROM subs WHERE id = 5 \gset
INSERT INTO subs (account_id, list_id, email) VALUES (2, 21, :'tok');                    -- 42501
\c atk a_upd
UPDATE subs SET email = 'u***@example.com';                                             -- 22P02 (not told)
\c atk postgres
CREATE ROLE a_q LOGIN; GRANT SELECT ON subs TO a_q;
SELECT listguard.grant_access('a_q', 1, 11, reveal => 'clear', quota => '10/day') > 0 AS clear_10;
\c atk a_q
SELECT count(*) FROM subs WHERE email::text = 'user5@example.com';
SELECT count(*) FROM subs WHERE upper(email::text) = upper('USER6@EXAMPLE.COM');
SELECT used FROM listguard.quota_usage;                                                 -- 0
SELECT email::text FROM subs ORDER BY id DESC LIMIT 2;
SELECT used FROM listguard.quota_usage;                                                 -- 2
-- cleanup
\c atk postgres
SELECT listguard.revoke_access(id) IS NULL FROM listguard.grants WHERE grantee::text IN ('a_mover', 'a_bk5', 'a_upd', 'a_q');
DROP TABLE pt;
REVOKE ALL ON subs FROM a_mover, a_bk5, a_upd, a_q; REVOKE ALL ON SEQUENCE subs_id_seq FROM a_bk5;
DROP ROLE a_mover; DROP ROLE a_bk5; DROP ROLE a_upd; DROP ROLE a_q;
