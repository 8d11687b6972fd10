-- Output: masked for everyone by default, superusers included; sealed
-- tokens only for superusers who ask for them or run pg_dump.
CREATE TABLE people (id int, email listguard.email);
INSERT INTO people VALUES
    (1, 'Jane.Doe@Example.com'), (2, 'j@example.com'),
    (3, '"John Doe"@example.org'), (4, 'jane@bücher.example');

SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
SELECT id, email FROM people ORDER BY id;

-- Every way out of the type shows the same mask: the cast to text, text
-- concatenation, format(), JSON, arrays and rows, and binary send.
SELECT id, email::text AS cast, email || '' AS concat, format('%s', email) AS format,
       to_json(email) AS json, length(email::text) AS len
FROM people ORDER BY id;
SELECT array_agg(email ORDER BY id) AS arr, string_agg(email::text, ',' ORDER BY id) AS agg,
       json_agg(email ORDER BY id) AS json_agg FROM people;
SELECT row(id, email) AS rec FROM people WHERE id = 1;
SELECT listguard.email_send(email) AS sent, convert_from(listguard.email_send(email), 'UTF8') AS sent_text
FROM people WHERE id = 1;
SELECT email::text LIKE 'Jane.Doe%' AS like_sees_clear, email::text LIKE 'J***%' AS like_sees_mask
FROM people WHERE id = 1;

-- Binary COPY carries what output shows (the send function).
SELECT current_setting('data_directory') || '/output_binary.copy' AS binfile \gset
COPY (SELECT email FROM people WHERE id = 1) TO :'binfile' WITH (FORMAT binary);
SELECT position(convert_to('J***@Example.com', 'UTF8') IN pg_read_binary_file(:'binfile')) > 0 AS binary_has_mask,
       position(convert_to('Jane', 'UTF8') IN pg_read_binary_file(:'binfile')) = 0 AS binary_has_no_address;

-- A masked export cannot be loaded back as if it held addresses: in text or
-- binary, masks are refused.
CREATE TABLE reloaded (email listguard.email);
COPY reloaded FROM :'binfile' WITH (FORMAT binary);
SELECT lgtest.shown('j***@example.com');
DROP TABLE reloaded;

-- The mask does not preserve the local part's length.
SELECT length('a@example.com'::listguard.email::text) = length((repeat('a', 60) || '@example.com')::listguard.email::text)
       AS same_length;

-- Sealed tokens for a superuser who asks.
SET listguard.sealed_output = on;
SELECT email::text LIKE 'lg1:%' AS sealed, length(email::text) AS token_length FROM people ORDER BY id;
RESET listguard.sealed_output;

-- ...or whose session is pg_dump.
SET application_name = 'pg_dump';
SELECT email::text LIKE 'lg1:%' AS sealed FROM people WHERE id = 1;
SET application_name = 'pg_dumpall';
SELECT email::text LIKE 'lg1:%' AS sealed FROM people WHERE id = 1;
RESET application_name;
-- pg_dump always sets row_security = off: that marks a dump too, even if
-- PGAPPNAME renamed the session.
SET row_security = off;
SELECT email::text LIKE 'lg1:%' AS sealed FROM people WHERE id = 1;
RESET row_security;

-- Other roles: masks, and no way to ask for tokens.
CREATE ROLE output_plain;
GRANT SELECT ON people TO output_plain;
SET ROLE output_plain;
SELECT id, email FROM people ORDER BY id;
SELECT lgtest.try('SET listguard.sealed_output = on');
-- A non-superuser "pg_dump" gets an error rather than a dump full of masks.
SET application_name = 'pg_dump';
SELECT lgtest.try('SELECT email::text FROM people');
COPY people TO STDOUT;
RESET application_name;
SET row_security = off;
SELECT lgtest.try('SELECT email::text FROM people') LIKE '42501 role "output_plain" cannot dump%' AS refused;
RESET row_security;
RESET ROLE;

-- A superuser's sealed_output does not follow SET ROLE to a plain role.
SET listguard.sealed_output = on;
SET ROLE output_plain;
SELECT email FROM people WHERE id = 1;
RESET ROLE;
RESET listguard.sealed_output;

DROP TABLE people;
DROP ROLE output_plain;
