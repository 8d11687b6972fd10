-- ORMs save a row by writing every column back, the address as they read
-- it. An UPDATE that writes back exactly the mask or pseudonym its role
-- was shown for the value it replaces keeps the value unchanged, charges
-- nothing and changes no address; anything else shaped like a mask is
-- refused, as before. (Parameters, as drivers send them, generic plans
-- too: test/cluster/write_back.t.)
CREATE ROLE wb_masked;
CREATE ROLE wb_pseudo;
CREATE ROLE wb_clear;
CREATE ROLE wb_blind;
CREATE TABLE wb_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      name text, email listguard.email);
SELECT listguard.protect('wb_subs', 'account_id', 'list_id');
INSERT INTO wb_subs VALUES (1, 1, 1, 'Jane', 'Jane.Doe@Example.com'), (2, 1, 1, 'Jim', 'jim@example.com'),
                           (3, 1, 1, 'None', NULL);
GRANT SELECT, UPDATE ON wb_subs TO wb_masked, wb_pseudo, wb_clear;
GRANT UPDATE ON wb_subs TO wb_blind;
GRANT SELECT (id, account_id, list_id, name) ON wb_subs TO wb_blind;
SELECT listguard.grant_access('wb_masked', 1, reveal => 'masked', can_write => true) IS NOT NULL AS masked,
       listguard.grant_access('wb_pseudo', 1, reveal => 'pseudonym', can_write => true) IS NOT NULL AS pseudonym,
       listguard.grant_access('wb_clear', 1, reveal => 'clear', quota => '1/day', on_exceed => 'mask',
                              can_write => true) IS NOT NULL AS clear,
       listguard.grant_access('wb_blind', 1, reveal => 'masked', can_write => true) IS NOT NULL AS blind;
-- What the rows hold, to compare after each write-back.
CREATE TABLE lgtest.wb_before AS SELECT id, email FROM wb_subs;
CREATE FUNCTION lgtest.wb_unchanged() RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(s.id || CASE WHEN s.email IS NOT DISTINCT FROM b.email THEN ' same' ELSE ' changed' END,
                      ', ' ORDER BY s.id)
    FROM wb_subs s JOIN lgtest.wb_before b USING (id)
$$;
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- The masked role reads a row and saves it back whole (Django's save(),
-- Rails' full-row UPDATE): the address stays, the other column changes.
SET ROLE wb_masked;
SELECT id, name, email FROM wb_subs WHERE id = 1;
UPDATE wb_subs SET name = 'Jane D.', email = 'J***@Example.com' WHERE id = 1;
UPDATE wb_subs SET name = 'Jim', email = 'j***@example.com', account_id = 1, list_id = 1 WHERE id = 2;
UPDATE wb_subs SET email = 'j***@example.com' WHERE id IN (1, 2);
-- Anything else shaped like a mask is refused: another row's mask, another
-- spelling of its own, a mask where the row holds no address.
UPDATE wb_subs SET email = 'j***@example.com' WHERE id = 1;
UPDATE wb_subs SET email = 'J***@example.com' WHERE id = 1;
UPDATE wb_subs SET email = 'x***@example.com' WHERE id = 3;
-- A pseudonym it was never shown.
UPDATE wb_subs SET email = 'p.abcdefgh2345@example.com' WHERE id = 1;
RESET ROLE;
SELECT lgtest.wb_unchanged() AS after_masked;
SELECT name FROM wb_subs WHERE id = 1;

-- The pseudonymous role writes back its pseudonym; a mask it was not shown
-- is refused.
SET ROLE wb_pseudo;
SELECT email AS pseudonym FROM wb_subs WHERE id = 1 \gset
UPDATE wb_subs SET name = 'Jane', email = :'pseudonym' WHERE id = 1;
UPDATE wb_subs SET email = 'J***@Example.com' WHERE id = 1;
RESET ROLE;
SELECT lgtest.wb_unchanged() AS after_pseudonym;

-- A clear role past its quota (on_exceed => 'mask') was shown a mask: it
-- may write it back, and nothing more is charged.
SET ROLE wb_clear;
SELECT email FROM wb_subs WHERE id = 2;
SET client_min_messages = error;  -- the warning names the grant and the time
SELECT email FROM wb_subs WHERE id = 1;
RESET client_min_messages;
UPDATE wb_subs SET email = 'J***@Example.com' WHERE id = 1;
RESET ROLE;
SELECT lgtest.wb_unchanged() AS after_clear;
SELECT used FROM listguard.quota_usage WHERE role = 'wb_clear'::regrole;

-- A role that may update the row but not read the address is not told
-- whether a mask matches.
SET ROLE wb_blind;
UPDATE wb_subs SET email = 'J***@Example.com' WHERE id = 1;
RESET ROLE;

-- What an ORM builds around the value is looked through: CASE and
-- COALESCE results (Django's bulk_update), text cast to the type (JDBC's
-- setString, or the role's own email::text).
SET ROLE wb_masked;
UPDATE wb_subs SET email = CASE WHEN id = 1 THEN 'J***@Example.com' WHEN id = 2 THEN 'j***@example.com'
                                ELSE email END
WHERE id IN (1, 2, 3);
UPDATE wb_subs SET email = coalesce('J***@Example.com', email) WHERE id = 1;
UPDATE wb_subs SET email = 'J***@Example.com'::text::listguard.email WHERE id = 1;
UPDATE wb_subs SET email = email::text WHERE id IN (1, 2);
UPDATE wb_subs SET email = CASE WHEN id = 1 THEN 'j***@example.com' ELSE email END WHERE id IN (1, 2);
UPDATE wb_subs SET email = lower('J***@Example.com') WHERE id = 1;
RESET ROLE;
SELECT lgtest.wb_unchanged() AS after_expressions;

-- Nothing was charged to anyone, and the audit trail counts row changes
-- only: no address changed, none was revealed or refused.
SELECT lgtest.audit_settle() AS settled;
SELECT kind, current_user_name, counts FROM listguard.audit_log WHERE id > :mark ORDER BY id;

-- A mask anywhere else is refused before the statement runs: inside a
-- function or a subquery, in a condition, a SELECT, an INSERT, a
-- data-modifying WITH, an array, COPY, PL/pgSQL, PREPARE.
SET ROLE wb_masked;
UPDATE wb_subs SET email = greatest('J***@Example.com', email) WHERE id = 1;
UPDATE wb_subs SET email = (SELECT 'J***@Example.com'::listguard.email) WHERE id = 1;
UPDATE wb_subs SET email = CASE WHEN email = 'J***@Example.com' THEN email END WHERE id = 1;
UPDATE wb_subs SET name = 'x' WHERE email = 'J***@Example.com';
SELECT count(*) FROM wb_subs WHERE email = 'J***@Example.com';
SELECT 'J***@Example.com'::listguard.email;
INSERT INTO wb_subs VALUES (9, 1, 1, 'New', 'J***@Example.com');
WITH moved AS (UPDATE wb_subs SET email = 'J***@Example.com' WHERE id = 1 RETURNING id) SELECT * FROM moved;
RESET ROLE;
CREATE TEMP TABLE wb_plain (id int, email listguard.email, emails listguard.email[]);
INSERT INTO wb_plain VALUES (1, 'plain@example.com', NULL);
UPDATE wb_plain SET emails = '{J***@Example.com}' WHERE id = 1;
INSERT INTO wb_plain VALUES (2, 'J***@Example.com');
COPY wb_plain (id, email) FROM STDIN;
3	J***@Example.com
\.
DO $$ BEGIN UPDATE wb_plain SET email = 'p***@example.com' WHERE id = 1; END $$;
PREPARE wb_prepared AS UPDATE wb_plain SET email = 'p***@example.com' WHERE id = 1;
-- In a table that is not protected the role is shown masks too: a write-
-- back keeps the value there as well.
UPDATE wb_plain SET email = 'p***@example.com' WHERE id = 1;
SELECT id, email = 'plain@example.com' AS same_address FROM wb_plain ORDER BY id;

-- A rule carries the literal into another statement: refused there too.
CREATE TABLE wb_store (email listguard.email);
CREATE TABLE wb_ruled (id int, email listguard.email);
INSERT INTO wb_ruled VALUES (1, 'ruled@example.com');
CREATE RULE wb_keep AS ON UPDATE TO wb_ruled DO INSTEAD INSERT INTO wb_store VALUES (NEW.email);
UPDATE wb_ruled SET email = 'r***@example.com' WHERE id = 1;
SELECT count(*) AS stored FROM wb_store;
DROP TABLE wb_ruled, wb_store;
-- Called by hand, _written_back tells a clear role whose grant fails past
-- its quota nothing (it is never shown a mask).
CREATE ROLE wb_strict;
GRANT SELECT ON wb_subs TO wb_strict;
SELECT listguard.grant_access('wb_strict', 1, reveal => 'clear', quota => '1/day') AS g_strict \gset
SET ROLE wb_strict;
SELECT count(*) FROM wb_subs WHERE id = 1 AND listguard._written_back(email, 'J***@Example.com'::text, 'wb_subs', 5::int2) IS NOT NULL;
RESET ROLE;
SELECT listguard.revoke_access(:g_strict);
REVOKE SELECT ON wb_subs FROM wb_strict;
DROP ROLE wb_strict;

-- The table's own BEFORE triggers (named to fire before listguard's) see
-- the value kept, never the mask.
CREATE TABLE wb_history (id int, email listguard.email);
CREATE SCHEMA wb_code;
CREATE FUNCTION wb_code.keep_history() RETURNS trigger LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
BEGIN
    INSERT INTO wb_history VALUES (NEW.id, NEW.email);
    RETURN NEW;
END $$;
SELECT listguard.unprotect('wb_subs');
CREATE TRIGGER a_history BEFORE UPDATE ON wb_subs FOR EACH ROW EXECUTE FUNCTION wb_code.keep_history();
SELECT listguard.protect('wb_subs', 'account_id', 'list_id');
GRANT INSERT ON wb_history TO wb_masked;
SET ROLE wb_masked;
UPDATE wb_subs SET email = 'J***@Example.com' WHERE id = 1;
RESET ROLE;
SELECT id, email = 'jane.doe@example.com' AS same_address FROM wb_history;
SELECT lgtest.wb_unchanged() AS after_trigger;

-- A view updated by its INSTEAD OF trigger (any view, protected or not):
-- its UPDATEs run as written, with parameters as drivers bind them; a
-- mask written through it reaches no write-back and is refused as before.
CREATE TABLE wb_notes (id int PRIMARY KEY, email listguard.email);
INSERT INTO wb_notes VALUES (1, 'note@example.com');
CREATE VIEW wb_notes_v AS SELECT id, email FROM wb_notes;
CREATE FUNCTION lgtest.wb_notes_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE wb_notes SET email = NEW.email WHERE id = OLD.id;
    RETURN NEW;
END $$;
CREATE TRIGGER wb_notes_v_update INSTEAD OF UPDATE ON wb_notes_v FOR EACH ROW
    EXECUTE FUNCTION lgtest.wb_notes_update();
PREPARE wb_view_text(text) AS UPDATE wb_notes_v SET email = $1 WHERE id = 1;
EXECUTE wb_view_text('changed@example.com');
SELECT email = 'changed@example.com' AS changed FROM wb_notes;
UPDATE wb_notes_v SET email = 'again@example.com'::text WHERE id = 1;
SELECT email = 'again@example.com' AS changed_again FROM wb_notes;
UPDATE wb_notes_v SET email = 'a***@example.com' WHERE id = 1;
EXECUTE wb_view_text('a***@example.com');
SELECT email = 'again@example.com' AS unchanged FROM wb_notes;
DROP VIEW wb_notes_v;
DROP TABLE wb_notes;
DROP FUNCTION lgtest.wb_notes_update();

DROP FUNCTION lgtest.wb_unchanged();
DROP TABLE lgtest.wb_before, wb_history, wb_plain;
DEALLOCATE ALL;
SELECT count(*) AS revoked FROM (SELECT listguard.revoke_access(id) FROM listguard.grants
                                 WHERE grantee::text LIKE 'wb\_%') r;
DROP TABLE wb_subs;
DROP SCHEMA wb_code CASCADE;
DROP ROLE wb_masked, wb_pseudo, wb_clear, wb_blind;
