-- A value stamped with one account and list cannot be restamped into
-- another unless the role may see it in clear where it came from.
CREATE ROLE ld_mixed;   -- masked (with write) on list 11, clear with write on list 10
CREATE ROLE ld_clear;   -- clear with write on lists 10 and 11
CREATE TABLE ld_subs (id serial PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('ld_subs', 'account_id', 'list_id');
INSERT INTO ld_subs (account_id, list_id, email) VALUES (1, 11, 'secret.one@example.com'), (1, 11, 'secret.two@example.com'),
                                                        (1, 10, 'visible@example.com');
GRANT SELECT, INSERT, UPDATE ON ld_subs TO ld_mixed, ld_clear;
GRANT USAGE ON SEQUENCE ld_subs_id_seq TO ld_mixed, ld_clear;
SELECT listguard.grant_access('ld_mixed', 1, 11, reveal => 'masked', can_write => true) AS g1,
       listguard.grant_access('ld_mixed', 1, 10, reveal => 'clear', can_write => true) AS g2,
       listguard.grant_access('ld_clear', 1, 10, reveal => 'clear', can_write => true) AS g3,
       listguard.grant_access('ld_clear', 1, 11, reveal => 'clear', can_write => true) AS g4 \gset
SET listguard.sealed_output = on;
SELECT email::text AS stolen_token FROM ld_subs WHERE id = 1 \gset
RESET listguard.sealed_output;

SET ROLE ld_mixed;
SELECT id, list_id, email FROM ld_subs ORDER BY id;
-- INSERT ... SELECT from the masked list into the clear one.
INSERT INTO ld_subs (account_id, list_id, email) SELECT 1, 10, email FROM ld_subs WHERE list_id = 11;
-- UPDATE moving rows to the clear list.
UPDATE ld_subs SET list_id = 10 WHERE list_id = 11;
-- UPDATE copying a value onto a row of the clear list.
UPDATE ld_subs SET email = (SELECT email FROM ld_subs WHERE id = 1) WHERE id = 3;
-- A sealed token taken from a backup.
INSERT INTO ld_subs (account_id, list_id, email) VALUES (1, 10, :'stolen_token');
-- Through a table of its own first: the values keep their stamp.
CREATE TEMP TABLE ld_stash AS SELECT email FROM ld_subs WHERE list_id = 11;
INSERT INTO ld_subs (account_id, list_id, email) SELECT 1, 10, email FROM ld_stash;
-- Through text: what it can see is masks, and masks are not addresses.
INSERT INTO ld_subs (account_id, list_id, email) SELECT 1, 10, email::text FROM ld_subs WHERE list_id = 11;
-- Nothing moved: the clear list still holds one address.
SELECT id, list_id, email FROM ld_subs ORDER BY id;
-- Typing the address itself is not laundering: a literal has no stamp.
INSERT INTO ld_subs (account_id, list_id, email) VALUES (1, 10, 'typed.in@example.com');
SELECT list_id, email FROM ld_subs WHERE list_id = 10 ORDER BY id;
RESET ROLE;

-- A role that sees the source in clear may copy: the copy is restamped, so
-- whoever may see list 10 sees it.
SET ROLE ld_clear;
INSERT INTO ld_subs (account_id, list_id, email) SELECT 1, 10, email FROM ld_subs WHERE id = 2;
UPDATE ld_subs SET list_id = 10 WHERE id = 1;
RESET ROLE;
SET ROLE ld_mixed;
SELECT list_id, email FROM ld_subs ORDER BY list_id, email::text;
RESET ROLE;

-- A copy reveals the value where it comes from, so it is charged to that
-- grant's quota; once the quota is used up the copy is refused, even where
-- on_exceed would mask (a copy cannot be masked). Otherwise a role could
-- copy a whole quota-limited list into one without a quota and read it there.
CREATE ROLE ld_quota;   -- clear on list 11 with a quota of 2/day (masks beyond), clear without quota on list 12
GRANT SELECT, INSERT ON ld_subs TO ld_quota;
GRANT USAGE ON SEQUENCE ld_subs_id_seq TO ld_quota;
SELECT listguard.grant_access('ld_quota', 1, 11, reveal => 'clear', quota => '2/day', on_exceed => 'mask') AS g5,
       listguard.grant_access('ld_quota', 1, 12, reveal => 'clear', can_write => true) AS g6 \gset
INSERT INTO ld_subs (account_id, list_id, email) VALUES (1, 11, 'quota.one@example.com'), (1, 11, 'quota.two@example.com'),
                                                        (1, 11, 'quota.three@example.com');
SET ROLE ld_quota;
SET client_min_messages = error;  -- the quota warnings name the time the window resets
SELECT count(*) AS clear_on_11 FROM ld_subs WHERE list_id = 11 AND email::text NOT LIKE '%***%';
INSERT INTO ld_subs (account_id, list_id, email) SELECT 1, 12, email FROM ld_subs WHERE list_id = 11;
SELECT count(*) AS copied_to_12 FROM ld_subs WHERE list_id = 12;
RESET client_min_messages;
RESET ROLE;
SELECT used FROM listguard.quota_usage WHERE grant_id = :g5;

-- Rows must name a positive account and list.
INSERT INTO ld_subs (account_id, list_id, email) VALUES (NULL, 10, 'a@example.com');
INSERT INTO ld_subs (account_id, list_id, email) VALUES (0, 10, 'a@example.com');
INSERT INTO ld_subs (account_id, list_id, email) VALUES (1, -3, 'a@example.com');

SELECT listguard.revoke_access(g) FROM unnest(ARRAY[:g1, :g2, :g3, :g4, :g5, :g6]::bigint[]) g;
DROP TABLE ld_subs;
DROP TABLE ld_stash;
DROP ROLE ld_mixed, ld_clear, ld_quota;
