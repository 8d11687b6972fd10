-- FINDING (attack2, protect() taking over sequences, low): (a) the former
-- owner of a sequence a protected table draws from keeps control through
-- the privileges it granted before protect(): _take_over_sequences() and
-- ALTER TABLE ... OWNER keep every ACL entry, UPDATE (setval) to PUBLIC or
-- to a role it controls included; after protect() that role moves the
-- table's ids at will (collisions: inserts fail). (b) A table owner makes
-- protect() seize a sequence of ANOTHER untrusted role: a default
-- nextval('their_seq') on its table, and the admin's protect() gives the
-- sequence to listguard_owner, leaving its owner USAGE and SELECT only.
-- Needs the fixture of setup.sql (run as superuser).
\set VERBOSITY terse
\c atk postgres
GRANT CREATE ON DATABASE atk TO a_towner;
\c atk a_towner
CREATE SCHEMA tw;
GRANT USAGE, CREATE ON SCHEMA tw TO PUBLIC;
CREATE SEQUENCE tw.free_seq;
CREATE TABLE tw.t14 (id bigint DEFAULT nextval('tw.free_seq') PRIMARY KEY, n bigserial,
                     account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email);
GRANT ALL ON SEQUENCE tw.free_seq TO PUBLIC;
GRANT UPDATE ON SEQUENCE tw.t14_n_seq TO a_other;
\c atk a_other
CREATE SEQUENCE tw.others_seq;
\c atk a_towner
CREATE TABLE tw.t14b (id bigint DEFAULT nextval('tw.others_seq'), account_id bigint NOT NULL,
                      list_id bigint NOT NULL, email listguard.email);
\c atk postgres
SELECT listguard.protect('tw.t14', 'account_id', 'list_id') IS NOT NULL AS protected;
SELECT listguard.protect('tw.t14b', 'account_id', 'list_id') IS NOT NULL AS protected;
SELECT relname, relowner::regrole, relacl FROM pg_class WHERE relname IN ('free_seq', 't14_n_seq', 'others_seq') ORDER BY 1;
\c atk a_other
SELECT setval('tw.free_seq', 1) AS moved, setval('tw.t14_n_seq', 1) AS moved_too;
ALTER SEQUENCE tw.others_seq RESTART;
-- cleanup
\c atk postgres
SELECT listguard.unprotect('tw.t14') IS NOT NULL, listguard.unprotect('tw.t14b') IS NOT NULL;
DROP SCHEMA tw CASCADE;
REVOKE CREATE ON DATABASE atk FROM a_towner;
