-- listguard walkthrough: what the type stores and what it shows.
\pset footer off
\set ON_ERROR_STOP 0
\echo '\n== 1. A subscriber table with a listguard.email column'
CREATE EXTENSION listguard;
CREATE TABLE subscribers (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL,
    email      listguard.email NOT NULL,
    UNIQUE (account_id, email)
);
INSERT INTO subscribers (account_id, email) VALUES
    (1, 'Jane.Doe@Example.com'),
    (1, 'john.smith@mail.example.net'),
    (1, '"Ana Maria"@example.org'),
    (2, 'jane.doe@example.com'),
    (2, 'kai@bücher.example');

\echo '\n== 2. Everyone sees masks by default, superusers included'
SELECT id, account_id, email FROM subscribers ORDER BY id;

\echo '\n== 3. Equality works whatever the spelling (lookups, unsubscribes, suppression lists)'
SELECT id, account_id FROM subscribers WHERE email = 'JANE.DOE@EXAMPLE.COM' ORDER BY id;
INSERT INTO subscribers (account_id, email) VALUES (1, 'jane.doe@EXAMPLE.com');

\echo '\n== 4. Bad input is refused with a reason, never echoing the address'
SELECT 'jane..doe@example.com'::listguard.email;
SELECT 'jane@example.com.'::listguard.email;

\echo '\n== 5. What is stored: a sealed value, padded so its size says little'
SELECT id, pg_column_size(email) AS stored_bytes FROM subscribers ORDER BY id;
CHECKPOINT;
SELECT position(convert_to('Jane.Doe', 'UTF8') IN pg_read_binary_file(pg_relation_filepath('subscribers'))) = 0
       AS table_file_has_no_address;

\echo '\n== 6. Backups: a superuser can ask for sealed tokens (pg_dump gets them automatically)'
SET listguard.sealed_output = on;
SELECT id, left(email::text, 40) || '...' AS sealed_token FROM subscribers ORDER BY id LIMIT 2;
SELECT email::text AS token FROM subscribers WHERE id = 1 \gset
RESET listguard.sealed_output;
SELECT :'token'::listguard.email = 'jane.doe@example.com' AS token_reads_back;

\echo '\n== 7. A changed token is refused, never read as garbage'
SELECT overlay(:'token' placing 'X' from 20 for 1)::listguard.email;
