-- Bringing an ESP's existing data under protection: a table loaded before
-- protect(), unstamped values elsewhere, a text column with years of bad
-- sign-ups, bulk loads, and the parameter types client drivers send.
CREATE ROLE ad_mixed;    -- masked (with write) on list 11, clear with write on list 10
CREATE ROLE ad_list11;   -- clear on list 11 only
CREATE ROLE ad_everyone; -- clear with write on every account
CREATE ROLE ad_loader;   -- writes account 1, sees it masked
CREATE TABLE ad_subs (id serial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL, tag text);
GRANT SELECT, INSERT, UPDATE ON ad_subs TO ad_mixed, ad_list11, ad_everyone, ad_loader;
GRANT USAGE ON SEQUENCE ad_subs_id_seq TO ad_mixed, ad_list11, ad_everyone, ad_loader;
SELECT listguard.grant_access('ad_mixed', 1, 11, reveal => 'masked', can_write => true) AS g1,
       listguard.grant_access('ad_mixed', 1, 10, reveal => 'clear', can_write => true) AS g2,
       listguard.grant_access('ad_list11', 1, 11, reveal => 'clear') AS g3,
       listguard.grant_access('ad_everyone', NULL, reveal => 'clear', can_write => true) AS g4,
       listguard.grant_access('ad_loader', 1, reveal => 'masked', can_write => true) AS g5 \gset

-- 1. Rows loaded before protect() take their row's stamp when it returns:
-- a grant scoped to list 11 reads them in clear.
INSERT INTO ad_subs (account_id, list_id, email, tag)
SELECT 1, 10 + g % 2, 'existing' || g || '@example.com', 'old' FROM generate_series(1, 200) g;
SELECT listguard.protect('ad_subs', 'account_id', 'list_id');
SELECT lgtest.as_role('ad_list11', 'SELECT count(*) FILTER (WHERE email::text NOT LIKE ''%***%'') || '' of '' || count(*) FROM ad_subs')
       AS list11_reads_in_clear;

-- 2. So the copy that worked on 0.1 (masked on 11, clear on 10: copy 11
-- into 10 and read it there) is refused.
SET ROLE ad_mixed;
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT 1, 10, email, 'x' FROM ad_subs WHERE list_id = 11;
RESET ROLE;

-- 3. Unstamped values anywhere else belong to no account: stored in a
-- table that was never protected, kept in a temp table, carried by a
-- sealed token. Only a role with clear access to every account moves them.
CREATE TABLE ad_legacy (email listguard.email);
GRANT SELECT ON ad_legacy TO PUBLIC;
INSERT INTO ad_legacy SELECT 'legacy' || g || '@example.com' FROM generate_series(1, 5) g;
SET listguard.sealed_output = on;
SELECT email::text AS legacy_token FROM ad_legacy LIMIT 1 \gset
RESET listguard.sealed_output;
SET ROLE ad_mixed;
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT 1, 10, email, 'x' FROM ad_legacy;
CREATE TEMP TABLE ad_stash AS SELECT email FROM ad_legacy;
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT 1, 10, email, 'x' FROM ad_stash;
INSERT INTO ad_subs (account_id, list_id, email, tag) VALUES (1, 10, :'legacy_token', 'x');
-- What the role supplies itself still goes in: a literal, a parameter, text
-- cast in the same statement, even through a temp table in one
-- transaction.
INSERT INTO ad_subs (account_id, list_id, email, tag) VALUES (1, 10, 'typed.in@example.com', 'typed');
PREPARE ad_add(listguard.email) AS INSERT INTO ad_subs (account_id, list_id, email, tag) VALUES (1, 10, $1, 'param');
EXECUTE ad_add('param.in@example.com');
CREATE TEMP TABLE ad_text (email text);
INSERT INTO ad_text VALUES ('from.text@example.com');
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT 1, 10, email, 'text' FROM ad_text;
BEGIN;
CREATE TEMP TABLE ad_same_tx (email listguard.email);
INSERT INTO ad_same_tx VALUES ('same.transaction@example.com');
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT 1, 10, email, 'same tx' FROM ad_same_tx;
COMMIT;
-- ... and in a later transaction too: the role supplied it (a value another
-- role typed is not its own: sql/prepared.sql).
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT 1, 10, email, 'later tx' FROM ad_same_tx;
SELECT tag, email::text FROM ad_subs WHERE tag IN ('typed', 'param', 'text', 'same tx', 'later tx') ORDER BY id;
RESET ROLE;
SET ROLE ad_everyone;
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT 1, 10, email, 'moved by everyone' FROM ad_legacy;
RESET ROLE;
SELECT count(*) AS moved_by_everyone FROM ad_subs WHERE tag = 'moved by everyone';

-- 4. A table too large for one transaction: protect() now, stamp later in
-- committed batches. Until a row is stamped only every-account grants read
-- it (never easier to reach than after); the procedure reports progress
-- and can be called again.
CREATE TABLE ad_big (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
INSERT INTO ad_big SELECT g, 1, 11, 'big' || g || '@example.com' FROM generate_series(1, 3000) g;
GRANT SELECT ON ad_big TO ad_list11;
SELECT listguard.protect('ad_big', 'account_id', 'list_id', stamp => 'later');
SELECT lgtest.as_role('ad_list11', 'SELECT count(*) FILTER (WHERE email::text NOT LIKE ''%***%'') FROM ad_big')
       AS clear_before_stamping;
CALL listguard.stamp_existing('ad_big', 8);
SELECT lgtest.as_role('ad_list11', 'SELECT count(*) FILTER (WHERE email::text NOT LIKE ''%***%'') FROM ad_big')
       AS clear_after_stamping;
CALL listguard.stamp_existing('ad_big', 8);
SELECT lgtest.try($$CALL listguard.stamp_existing('ad_big', 0)$$);
SET ROLE ad_mixed;
SELECT lgtest.try($$SELECT listguard.stamp_batch('ad_big', 0, 10)$$);
RESET ROLE;

-- A partitioned table: rows already in every partition are stamped by
-- protect() of the root. A table attached later keeps its rows unstamped
-- (every-account grants only) until stamp_existing() of the root.
CREATE TABLE ad_parts (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email)
    PARTITION BY LIST (list_id);
CREATE TABLE ad_parts_11 PARTITION OF ad_parts FOR VALUES IN (11);
CREATE TABLE ad_parts_10 PARTITION OF ad_parts FOR VALUES IN (10);
INSERT INTO ad_parts SELECT g, 1, 10 + g % 2, 'part' || g || '@example.com' FROM generate_series(1, 40) g;
GRANT SELECT ON ad_parts TO ad_list11;
SELECT listguard.protect('ad_parts', 'account_id', 'list_id');
CREATE TABLE ad_parts_12 (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
INSERT INTO ad_parts_12 SELECT g, 1, 12, 'attached' || g || '@example.com' FROM generate_series(1, 5) g;
ALTER TABLE ad_parts ATTACH PARTITION ad_parts_12 FOR VALUES IN (12);
SELECT listguard.grant_access('ad_list11', 1, 12, reveal => 'clear') AS g6 \gset
SELECT lgtest.as_role('ad_list11', 'SELECT string_agg(list_id || '': '' || clear || '' of '' || n, '', '' ORDER BY list_id) FROM '
       '(SELECT list_id, count(*) FILTER (WHERE email::text NOT LIKE ''%***%'') AS clear, count(*) AS n FROM ad_parts GROUP BY 1) c')
       AS clear_by_list_before;
CALL listguard.stamp_existing('ad_parts');
SELECT lgtest.as_role('ad_list11', 'SELECT string_agg(list_id || '': '' || clear || '' of '' || n, '', '' ORDER BY list_id) FROM '
       '(SELECT list_id, count(*) FILTER (WHERE email::text NOT LIKE ''%***%'') AS clear, count(*) AS n FROM ad_parts GROUP BY 1) c')
       AS clear_by_list_after;
SELECT listguard.revoke_access(:g6);

-- 5. Migrating a text column: find what the type refuses (the reason, never
-- the address), set those rows aside, convert, recreate the index as the
-- type's own equality (which ignores case), protect. Nothing is lost.
CREATE TABLE ad_old (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL, email text);
INSERT INTO ad_old SELECT g, 1, 10, 'Signup' || g || '@Example.com' FROM generate_series(1, 1000) g;
UPDATE ad_old SET email = 'no at sign' WHERE id = 10;
UPDATE ad_old SET email = 'two..dots@example.com' WHERE id = 20;
UPDATE ad_old SET email = 'trailing.dot.@example.com' WHERE id = 30;
UPDATE ad_old SET email = 'j***@example.com' WHERE id = 40;
UPDATE ad_old SET email = NULL WHERE id = 50;
CREATE UNIQUE INDEX ad_old_email ON ad_old (account_id, lower(email));
SELECT count(*) AS rows_before FROM ad_old;
SELECT o.id, i.reason FROM listguard.invalid_addresses('ad_old', 'email') i JOIN ad_old o ON o.ctid = i.ctid ORDER BY o.id;
-- An index on lower(email) has no meaning for the type (its equality
-- already ignores case): it goes, and comes back as the type's own.
DROP INDEX ad_old_email;
-- A conversion that meets a bad value stops and names the row.
-- (Which bad row it meets first depends on where the updates above put
-- them in the heap.)
WITH attempt AS (SELECT lgtest.try($$ALTER TABLE ad_old ALTER COLUMN email TYPE listguard.email USING listguard.to_email(email, 'id ' || id)$$) AS error)
SELECT error ~ '^22P02 invalid email address in row id (10|20|30|40) \| [^|]+ \| hint: listguard\.invalid_addresses\(table, column\) lists every row the type would refuse\.$' AS names_a_bad_row
FROM attempt;
CREATE TABLE ad_quarantine AS SELECT * FROM ad_old WHERE ctid IN (SELECT ctid FROM listguard.invalid_addresses('ad_old', 'email'));
DELETE FROM ad_old WHERE ctid IN (SELECT ctid FROM listguard.invalid_addresses('ad_old', 'email'));
ALTER TABLE ad_old ALTER COLUMN email TYPE listguard.email USING listguard.to_email(email, 'id ' || id);
CREATE UNIQUE INDEX ad_old_email ON ad_old (account_id, email);
SELECT listguard.protect('ad_old', 'account_id', 'list_id');
SELECT (SELECT count(*) FROM ad_old) AS rows_after, (SELECT count(*) FROM ad_quarantine) AS set_aside;
SELECT lgtest.try($$INSERT INTO ad_old VALUES (2000, 1, 10, 'SIGNUP7@example.COM')$$) AS case_variant_is_a_duplicate;

-- 6. Bulk loads. COPY FROM straight into the protected table checks and
-- stamps each row as INSERT would (since 0.3, issue 24: sql/copy_from.sql);
-- a staging table of text, loaded with COPY, then one INSERT ... SELECT,
-- keeps every check too (write grant, stamping, audit).
SET ROLE ad_loader;
COPY ad_subs (account_id, list_id, email, tag) FROM STDIN;
1	12	copy.direct@example.com	copy
\.
CREATE TEMP TABLE ad_staging (account_id bigint, list_id bigint, email text);
COPY ad_staging FROM STDIN;
1	12	loaded.one@example.com
1	12	loaded.two@example.com
2	20	other.account@example.com
\.
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT account_id, list_id, email, 'loaded' FROM ad_staging
WHERE account_id = 1;
INSERT INTO ad_subs (account_id, list_id, email, tag) SELECT account_id, list_id, email, 'loaded' FROM ad_staging;
SELECT count(*) AS loaded FROM ad_subs WHERE tag = 'loaded';
RESET ROLE;
SELECT lgtest.as_role('ad_list11', 'SELECT count(*) FROM ad_subs WHERE tag = ''loaded''') AS list11_sees_none_of_list12;

-- 7. Lookups by a parameter of the types drivers send (JDBC's setString:
-- varchar; psycopg's binary and node-postgres's $1::text: text) compare
-- as email, and use the index.
CREATE INDEX ad_subs_email ON ad_subs (email);
ANALYZE ad_subs;
PREPARE by_varchar(varchar) AS SELECT id FROM ad_subs WHERE email = $1;
PREPARE by_text(text) AS SELECT id FROM ad_subs WHERE email = $1;
SET ROLE ad_list11;
SET enable_seqscan = off;
EXECUTE by_varchar('EXISTING3@example.com');
EXECUTE by_text('existing3@EXAMPLE.COM');
EXPLAIN (COSTS OFF) EXECUTE by_varchar('existing3@example.com');
EXPLAIN (COSTS OFF) EXECUTE by_text('existing3@example.com');
RESET enable_seqscan;
RESET ROLE;

SELECT listguard.revoke_access(g) FROM unnest(ARRAY[:g1, :g2, :g3, :g4, :g5]::bigint[]) g;
DEALLOCATE ad_add;
DROP TABLE ad_subs, ad_legacy, ad_big, ad_parts, ad_old, ad_quarantine, ad_stash, ad_text, ad_same_tx, ad_staging;
DROP ROLE ad_mixed, ad_list11, ad_everyone, ad_loader;
