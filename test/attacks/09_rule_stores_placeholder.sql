-- FINDING (attack2, write-back): placeholders are checked after parse
-- analysis (check_written_back_literals), but the rewriter runs after that
-- check and copies a rule's NEW.email, the placeholder literal, into the
-- rule's actions; planning only wraps UPDATE targets and checks nothing
-- else for literals. A role that may create a table (here a_writer, with
-- CREATE on public) makes one with a DO INSTEAD rule and stores a
-- placeholder in its own table, or in an email[] column of a protected
-- table it may write. Every pg_dump of the database then fails (a
-- listguard_backup login's too), and the protected row cannot be read.
-- Same with extended protocol: CALL proc($1::listguard.email) of a
-- procedure over anyelement that COMMITs (placeholders_at_transaction_end
-- clears the pending count) and then INSERTs its argument
-- (09b_call_commit_placeholder.py).
-- Needs the fixture of setup.sql (run as superuser).
\set VERBOSITY terse
\c atk postgres
GRANT CREATE ON SCHEMA public TO a_writer;
CREATE TABLE public.contacts (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                              email listguard.email NOT NULL, aliases listguard.email[]);
SELECT listguard.protect('contacts', 'account_id', 'list_id') IS NOT NULL AS protected;
GRANT SELECT, INSERT ON contacts TO a_writer;
GRANT USAGE ON SEQUENCE contacts_id_seq TO a_writer;
\c atk a_writer
CREATE TABLE mine (id int, email listguard.email);
CREATE TABLE store (email listguard.email);
INSERT INTO mine VALUES (1, 'someone@example.net');
CREATE RULE keep AS ON UPDATE TO mine DO INSTEAD INSERT INTO store VALUES (NEW.email);
UPDATE mine SET email = 'j***@example.com';
SELECT count(*) AS stored, min(pg_column_size(email)) AS bytes FROM store;
SELECT email FROM store;
-- into a protected table
CREATE TABLE mine2 (id int, email listguard.email);
INSERT INTO mine2 VALUES (1, 'someone@example.net');
CREATE RULE keep AS ON UPDATE TO mine2 DO INSTEAD
    INSERT INTO contacts (account_id, list_id, email, aliases) VALUES (1, 11, 'x.y@example.com', ARRAY[NEW.email]);
UPDATE mine2 SET email = 'k***@example.com';
SELECT id, aliases FROM contacts;
\! "${PGBIN:-/usr/lib/postgresql/15/bin}/pg_dump" -U postgres -d atk -f /dev/null 2>&1 | head -2
-- cleanup
\c atk postgres
DROP TABLE mine, store, mine2, contacts;
REVOKE CREATE ON SCHEMA public FROM a_writer;
