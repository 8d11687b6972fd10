-- The owner of a protected table, who is not a listguard admin, attacks it
-- the ways that worked against listguard 0.1: code planted to run as the
-- roles that read and write the table (triggers, rules, policies, check
-- constraints, defaults, generated columns, index expressions, domain
-- checks, column type changes), inheritance and partitions around it, and
-- drops. Every attempt fails, before and after protect(), and the signup
-- service's clear grant reveals nothing to the owner.
CREATE ROLE oa_owner;     -- owns the table and its schema, as application roles often do
GRANT CREATE ON DATABASE :"DBNAME" TO oa_owner;  -- it may create (and rename) schemas
CREATE ROLE oa_signup;    -- the signup service: writes list 10 and reads it in clear
CREATE SCHEMA oa AUTHORIZATION oa_owner;
GRANT USAGE ON SCHEMA oa TO PUBLIC;
SET ROLE oa_owner;
CREATE TABLE oa.subs (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL, tag text);
GRANT SELECT, INSERT ON oa.subs TO oa_signup;
GRANT USAGE ON SEQUENCE oa.subs_id_seq TO oa_signup;
-- Where stolen addresses would go, writable by anyone.
CREATE TABLE oa.loot (what text);
GRANT INSERT ON oa.loot TO PUBLIC;
CREATE FUNCTION oa.spy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO oa.loot VALUES (NEW.email::text);
    RETURN NEW;
END $$;
CREATE FUNCTION oa.keep(t text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO oa.loot VALUES (t);
    RETURN true;
END $$;
CREATE FUNCTION oa.copy_all() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO oa.loot SELECT email::text FROM oa.subs;
    RETURN 'x';
END $$;
-- Declared immutable, so that an index or a generated column could use
-- it: refused, as every function over listguard.email a non-admin makes
-- (the generated column and index below then have nothing to call).
CREATE FUNCTION oa.as_text(e listguard.email) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM oa.keep(e::text);
    RETURN 'x';
END $$;
CREATE DOMAIN oa.tag_text AS text CHECK (oa.keep(VALUE));
INSERT INTO oa.subs (account_id, list_id, email) VALUES (1, 10, 'already.there@example.com');
RESET ROLE;
SELECT listguard.grant_access('oa_signup', 1, 10, reveal => 'clear', can_write => true) AS g_signup \gset

-- Planted before protect(): protect() refuses the table and names what
-- must go. Each is planted, refused, and removed again.
CREATE FUNCTION lgtest.planted(plant text, unplant text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    refused text;
BEGIN
    PERFORM set_config('role', 'oa_owner', true);
    EXECUTE plant;
    PERFORM set_config('role', 'none', true);
    refused := lgtest.try($q$SELECT listguard.protect('oa.subs', 'account_id', 'list_id')$q$);
    PERFORM set_config('role', 'oa_owner', true);
    EXECUTE unplant;
    PERFORM set_config('role', 'none', true);
    RETURN refused;
END $$;
SELECT lgtest.planted('CREATE TRIGGER aaa_spy BEFORE INSERT ON oa.subs FOR EACH ROW EXECUTE FUNCTION oa.spy()',
                      'DROP TRIGGER aaa_spy ON oa.subs') AS trigger;
SELECT lgtest.planted('CREATE RULE spy AS ON INSERT TO oa.subs DO ALSO INSERT INTO oa.loot VALUES (NEW.email::text)',
                      'DROP RULE spy ON oa.subs') AS rule;
SELECT lgtest.planted('ALTER TABLE oa.subs ENABLE ROW LEVEL SECURITY; CREATE POLICY spy ON oa.subs AS RESTRICTIVE USING (oa.keep(email::text))',
                      'DROP POLICY spy ON oa.subs; ALTER TABLE oa.subs DISABLE ROW LEVEL SECURITY') AS policy;
SELECT lgtest.planted('ALTER TABLE oa.subs ADD CONSTRAINT spy CHECK (oa.keep(email::text)) NOT VALID',
                      'ALTER TABLE oa.subs DROP CONSTRAINT spy') AS check_constraint;
SELECT lgtest.planted('ALTER TABLE oa.subs ALTER COLUMN tag SET DEFAULT oa.copy_all()',
                      'ALTER TABLE oa.subs ALTER COLUMN tag DROP DEFAULT') AS column_default;
SELECT lgtest.planted('ALTER TABLE oa.subs ADD COLUMN leak text GENERATED ALWAYS AS (oa.as_text(email)) STORED',
                      'ALTER TABLE oa.subs DROP COLUMN leak') AS generated_column;
SELECT lgtest.planted('CREATE INDEX spy ON oa.subs (oa.as_text(email))', 'DROP INDEX oa.spy') AS index_expression;
SELECT lgtest.planted('ALTER TABLE oa.subs ADD COLUMN tag2 oa.tag_text', 'ALTER TABLE oa.subs DROP COLUMN tag2') AS domain_check;
-- The same domain inside an array or a composite type: its check runs as
-- the writer just the same.
SELECT lgtest.planted('ALTER TABLE oa.subs ADD COLUMN tags oa.tag_text[]', 'ALTER TABLE oa.subs DROP COLUMN tags') AS domain_in_array;
SELECT lgtest.planted('CREATE TYPE oa.meta AS (source oa.tag_text); ALTER TABLE oa.subs ADD COLUMN info oa.meta',
                      'ALTER TABLE oa.subs DROP COLUMN info; DROP TYPE oa.meta') AS domain_in_composite;
-- A collation the owner could drop with CASCADE, taking a unique index.
SELECT lgtest.planted('CREATE COLLATION oa.c1 FROM "C"; CREATE UNIQUE INDEX subs_tag_key ON oa.subs (tag COLLATE oa.c1)',
                      'DROP COLLATION oa.c1 CASCADE') AS collation;
-- Foreign keys ignore row security: a table of the owner's referring to
-- this one would tell it which ids exist in every account; one this table
-- refers to would let it delete rows of every account by cascade.
SELECT lgtest.planted('CREATE TABLE oa.probe (sub_id bigint REFERENCES oa.subs (id))', 'DROP TABLE oa.probe') AS fk_probe;
SELECT lgtest.planted('CREATE TABLE oa.lists (id bigint PRIMARY KEY); INSERT INTO oa.lists VALUES (10);
                       ALTER TABLE oa.subs ADD FOREIGN KEY (list_id) REFERENCES oa.lists ON DELETE CASCADE',
                      'DROP TABLE oa.lists CASCADE') AS fk_cascade;
-- A trusted (superuser-owned) trigger function is not enough: what it
-- calls must be trusted too, and it must pin its search_path.
CREATE FUNCTION lgtest.calls_helper() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.tag := oa.helper(NEW.tag);
    RETURN NEW;
END $$;
CREATE FUNCTION lgtest.unpinned() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
SELECT lgtest.planted('CREATE FUNCTION oa.helper(t text) RETURNS text LANGUAGE sql AS $f$ SELECT t $f$;
                       CREATE TRIGGER calls_helper BEFORE INSERT ON oa.subs FOR EACH ROW EXECUTE FUNCTION lgtest.calls_helper()',
                      'DROP TRIGGER calls_helper ON oa.subs; DROP FUNCTION oa.helper(text)') AS callee;
SELECT lgtest.planted('CREATE TRIGGER unpinned BEFORE INSERT ON oa.subs FOR EACH ROW EXECUTE FUNCTION lgtest.unpinned()',
                      'DROP TRIGGER unpinned ON oa.subs') AS search_path_not_pinned;
-- Built-in functions are a superuser's, but the expressions that call
-- them are the owner's: one that sends values out (pg_notify) or reads
-- files runs as every reader and writer, and as the administrator whose
-- protect() stamps the rows. Only functions without side effects may be
-- called; a default (which sees no row) may also draw numbers.
SELECT lgtest.planted($p$ALTER TABLE oa.subs ADD CONSTRAINT notify CHECK (pg_notify('k', email::text) IS NULL) NOT VALID$p$,
                      'ALTER TABLE oa.subs DROP CONSTRAINT notify') AS builtin_notify_check;
SELECT lgtest.planted($p$ALTER TABLE oa.subs ADD CONSTRAINT key CHECK (pg_notify('k', encode(pg_read_binary_file(current_setting('listguard.key_file')), 'hex')) IS NULL) NOT VALID$p$,
                      'ALTER TABLE oa.subs DROP CONSTRAINT key') AS key_file_check;
SELECT lgtest.planted($p$ALTER TABLE oa.subs ENABLE ROW LEVEL SECURITY; CREATE POLICY notify ON oa.subs AS RESTRICTIVE USING (pg_notify('k', email::text) IS NULL)$p$,
                      'DROP POLICY notify ON oa.subs; ALTER TABLE oa.subs DISABLE ROW LEVEL SECURITY') AS builtin_notify_policy;
SELECT lgtest.planted($p$ALTER TABLE oa.subs ALTER COLUMN tag SET DEFAULT encode(pg_read_binary_file(current_setting('listguard.key_file')), 'hex')$p$,
                      'ALTER TABLE oa.subs ALTER COLUMN tag DROP DEFAULT') AS builtin_file_default;
-- Built-ins marked stable that run queries of their own (every view of a
-- schema, a query given as text) would run the owner's view code.
SELECT lgtest.planted($p$ALTER TABLE oa.subs ADD CONSTRAINT xml CHECK (length(schema_to_xml('oa', true, false, '')::text) > 0) NOT VALID$p$,
                      'ALTER TABLE oa.subs DROP CONSTRAINT xml') AS query_running_builtin;
SELECT lgtest.planted($p$CREATE TRIGGER tsv BEFORE INSERT ON oa.subs FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(tag, 'pg_catalog.simple', email)$p$,
                      'DROP TRIGGER tsv ON oa.subs') AS builtin_trigger;
-- These are fine: stable and immutable built-ins, a sequence default, and
-- the built-in trigger that only skips updates that change nothing.
SET ROLE oa_owner;
ALTER TABLE oa.subs ADD CONSTRAINT fine CHECK (length(tag) < 100 AND now() > '2000-01-01');
ALTER TABLE oa.subs ALTER COLUMN tag SET DEFAULT 'n' || nextval('oa.subs_id_seq');
CREATE TRIGGER same BEFORE UPDATE ON oa.subs FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
RESET ROLE;
SELECT lgtest.try($$SELECT listguard.protect('oa.subs', 'account_id', 'list_id')$$) AS harmless_builtins;
SELECT listguard.unprotect('oa.subs');
SET ROLE oa_owner;
ALTER TABLE oa.subs DROP CONSTRAINT fine;
ALTER TABLE oa.subs ALTER COLUMN tag DROP DEFAULT;
DROP TRIGGER same ON oa.subs;
RESET ROLE;
DROP FUNCTION lgtest.calls_helper(), lgtest.unpinned();
SELECT count(*) AS loot_so_far FROM oa.loot;
TRUNCATE oa.loot;

-- A superuser-owned trigger function is trusted: with its owner changed,
-- the same trigger no longer stops protect().
CREATE FUNCTION lgtest.touch_tag() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.tag := coalesce(NEW.tag, 'new');
    RETURN NEW;
END $$;
CREATE TRIGGER touch_tag BEFORE INSERT ON oa.subs FOR EACH ROW EXECUTE FUNCTION lgtest.touch_tag();
SELECT listguard.protect('oa.subs', 'account_id', 'list_id');

-- After protect(): the owner planting anything is refused, and recorded.
SET ROLE oa_owner;
CREATE TRIGGER aaa_spy BEFORE INSERT ON oa.subs FOR EACH ROW EXECUTE FUNCTION oa.spy();
CREATE RULE spy AS ON INSERT TO oa.subs DO ALSO INSERT INTO oa.loot VALUES (NEW.email::text);
CREATE POLICY spy ON oa.subs AS RESTRICTIVE USING (oa.keep(email::text));
ALTER TABLE oa.subs ADD CONSTRAINT spy CHECK (oa.keep(email::text)) NOT VALID;
ALTER TABLE oa.subs ALTER COLUMN tag SET DEFAULT oa.copy_all();
ALTER TABLE oa.subs ADD COLUMN leak text GENERATED ALWAYS AS (oa.as_text(email)) STORED;
CREATE INDEX spy ON oa.subs (oa.as_text(email));
ALTER TABLE oa.subs ALTER COLUMN tag TYPE oa.tag_text;
ALTER TABLE oa.subs ALTER COLUMN tag TYPE text USING oa.as_text(email);
CREATE STATISTICS spy ON oa.as_text(email) FROM oa.subs;
ALTER TABLE oa.subs OWNER TO oa_owner;
ALTER TABLE oa.subs SET SCHEMA public;
-- Inheritance and partitions: a parent of its own would read and delete
-- every account's rows without the table's policies.
CREATE TABLE oa.open_parent (id bigint, account_id bigint, list_id bigint, email listguard.email, tag text);
ALTER TABLE oa.subs INHERIT oa.open_parent;
CREATE TABLE oa.part_parent (id bigint, account_id bigint, list_id bigint, email listguard.email, tag text)
    PARTITION BY LIST (account_id);
ALTER TABLE oa.part_parent ATTACH PARTITION oa.subs FOR VALUES IN (1);
CREATE TABLE oa.child () INHERITS (oa.subs);
-- A foreign key checks rows without row security: it would tell the
-- owner which ids exist in every account.
CREATE TABLE oa.probe (sub_id bigint REFERENCES oa.subs (id));
-- Emptying or dropping the table, directly or through the schema it owns.
TRUNCATE oa.subs;
DROP TABLE oa.subs;
DROP SCHEMA oa CASCADE;
-- Renaming its schema would let a new schema of the old name stand in for
-- it in code that names oa.something.
ALTER SCHEMA oa RENAME TO oa_real;
RESET ROLE;
-- The functions it still owns may change: none of them runs around the table.
SELECT count(*) AS owner_code_in_use FROM listguard._untrusted_code('oa.subs');

-- The signup service writes and reads in clear; the owner gets nothing.
SET ROLE oa_signup;
INSERT INTO oa.subs (account_id, list_id, email) VALUES (1, 10, 'new.signup@example.com'),
                                                         (1, 10, 'another.signup@example.com');
SELECT email::text, tag FROM oa.subs ORDER BY id;
RESET ROLE;
SELECT count(*) AS loot FROM oa.loot;

-- What the owner tried is in the audit trail.
SELECT lgtest.audit_settle() AS settled;
SELECT detail ->> 'action' AS refused, count(*)
FROM listguard.audit_log WHERE kind = 'denied' AND current_user_name = 'oa_owner'
GROUP BY 1 ORDER BY 1;

-- An admin may change the table; the change is recorded, and code a
-- non-admin owns is refused even then.
CREATE INDEX subs_tag ON oa.subs (tag);
CREATE TRIGGER aaa_spy BEFORE INSERT ON oa.subs FOR EACH ROW EXECUTE FUNCTION oa.spy();
SELECT lgtest.audit_settle() AS settled;
SELECT detail ->> 'action' AS admin_changed FROM listguard.audit_log
WHERE kind = 'protection_changed' AND relation = 'oa.subs' ORDER BY id DESC LIMIT 1;

-- unprotect() gives the table back to its owner.
SELECT listguard.unprotect('oa.subs');
SELECT relowner::regrole AS owner FROM pg_class WHERE oid = 'oa.subs'::regclass;

SELECT listguard.revoke_access(:g_signup);
DROP SCHEMA oa CASCADE;
DROP FUNCTION lgtest.planted(text, text), lgtest.touch_tag();
REVOKE CREATE ON DATABASE :"DBNAME" FROM oa_owner;
DROP ROLE oa_owner, oa_signup;

-- Before protect(), the owner gave an accomplice every privilege WITH
-- GRANT OPTION (on the table and on a column). protect() takes the grant
-- options back, with what was passed on through them, and records it: the
-- accomplice can hand nothing on.
CREATE ROLE oa_owner2;
CREATE ROLE oa_accomplice;
CREATE ROLE oa_friend;
GRANT CREATE ON SCHEMA public TO oa_owner2;
SET ROLE oa_owner2;
CREATE TABLE public.oa_subs2 (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                              email listguard.email);
GRANT ALL ON public.oa_subs2 TO oa_accomplice WITH GRANT OPTION;
GRANT SELECT (email) ON public.oa_subs2 TO oa_accomplice WITH GRANT OPTION;
SET ROLE oa_accomplice;
GRANT SELECT ON public.oa_subs2 TO oa_friend;
RESET ROLE;
SELECT listguard.protect('public.oa_subs2', 'account_id', 'list_id');
SELECT count(*) AS grant_options_left
FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = 'public.oa_subs2'::regclass AND a.is_grantable
  AND a.grantee <> c.relowner;
SELECT count(*) AS column_grant_options_left
FROM pg_attribute att, aclexplode(att.attacl) a WHERE att.attrelid = 'public.oa_subs2'::regclass AND a.is_grantable;
SELECT has_table_privilege('oa_friend', 'public.oa_subs2', 'SELECT') AS friend_still_reads;
SET ROLE oa_accomplice;
GRANT SELECT ON public.oa_subs2 TO oa_friend;
GRANT SELECT (email) ON public.oa_subs2 TO oa_friend;
RESET ROLE;
SELECT has_table_privilege('oa_friend', 'public.oa_subs2', 'SELECT') AS friend_reads,
       has_column_privilege('oa_friend', 'public.oa_subs2', 'email', 'SELECT') AS friend_reads_email;
SELECT lgtest.audit_settle() AS settled;
SELECT detail ->> 'privilege' AS privilege, detail ->> 'column' AS col, detail ->> 'grantee' AS grantee
FROM listguard.audit_log WHERE kind = 'protection_changed' AND relation = 'public.oa_subs2'
  AND detail ->> 'action' = 'revoke grant option' ORDER BY 1, 2;
SELECT listguard.unprotect('public.oa_subs2');
DROP TABLE public.oa_subs2;
REVOKE CREATE ON SCHEMA public FROM oa_owner2;
DROP ROLE oa_owner2, oa_accomplice, oa_friend;
