-- A statement behaves the same on every run, whatever the plan cache does:
-- an address written into a prepared statement (as drivers prepare by
-- themselves after a few runs) is the role's own on every execution, in
-- every later transaction, with generic plans too.
CREATE ROLE pr_writer;
CREATE ROLE pr_other;
CREATE TABLE pr_subs (id serial, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('pr_subs', 'account_id', 'list_id');
GRANT INSERT, SELECT ON pr_subs TO pr_writer, pr_other;
GRANT USAGE ON SEQUENCE pr_subs_id_seq TO pr_writer, pr_other;
SELECT listguard.grant_access('pr_writer', 2, reveal => 'masked', can_write => true) AS g_writer \gset
SELECT listguard.grant_access('pr_other', 2, reveal => 'masked', can_write => true) AS g_other \gset

SET ROLE pr_writer;
SET plan_cache_mode = force_generic_plan;
PREPARE pr_insert AS INSERT INTO pr_subs (account_id, list_id, email) VALUES (2, 5, 'typed.in.sql@example.com');
EXECUTE pr_insert;
EXECUTE pr_insert;
BEGIN;
EXECUTE pr_insert;
COMMIT;
PREPARE pr_param (text) AS INSERT INTO pr_subs (account_id, list_id, email) VALUES (2, 5, $1);
EXECUTE pr_param('second@example.com');
EXECUTE pr_param('second@example.com');
RESET plan_cache_mode;
SELECT count(*) AS inserted, count(DISTINCT email) AS addresses FROM pr_subs;
DEALLOCATE ALL;
RESET ROLE;

-- But a value one role typed is not another's, even in the same backend
-- and the same transaction (roles behind a pooler share backends): moved
-- into a list, it is a value that belongs to no account.
CREATE TEMP TABLE pr_typed (email listguard.email);
GRANT INSERT, SELECT ON pr_typed TO pr_writer, pr_other;
BEGIN;
SET LOCAL ROLE pr_writer;
INSERT INTO pr_typed VALUES ('typed.by.writer@example.com');
SET LOCAL ROLE pr_other;
SELECT lgtest.try($$INSERT INTO pr_subs (account_id, list_id, email) SELECT 2, 5, email FROM pr_typed$$) AS other_moves_it;
SET LOCAL ROLE pr_writer;
SELECT lgtest.try($$INSERT INTO pr_subs (account_id, list_id, email) SELECT 2, 5, email FROM pr_typed$$) AS writer_moves_it;
COMMIT;

SELECT listguard.revoke_access(:g_writer), listguard.revoke_access(:g_other);
DROP TABLE pr_subs, pr_typed;
DROP ROLE pr_writer, pr_other;
