-- The server key: created on first use, checked on every load.
-- The default key file exists once anything has sealed a value or written an
-- audit event (the audit writer may have made it already, hence no warning
-- shown here); it is private and holds 32 octets.
SET client_min_messages = error;
SELECT 'first.use@example.com'::listguard.email;
RESET client_min_messages;
SELECT size FROM pg_stat_file('listguard.key');
SELECT current_setting('data_directory') AS datadir \gset
\setenv LG_DATADIR :datadir
\! stat -c 'mode %a, %s octets' "$LG_DATADIR/listguard.key"

-- A key file that does not exist is created by the first backend that
-- needs it, with a warning.
SELECT pg_stat_file('created_on_use.key', true) IS NULL AS no_key_yet;
SET listguard.key_file = 'created_on_use.key';
SELECT 'created.key.user@example.com'::listguard.email;
\! stat -c 'mode %a, %s octets' "$LG_DATADIR/created_on_use.key"
RESET listguard.key_file;

-- Later sessions load it silently.
\c
SELECT 'second.use@example.com'::listguard.email;
CREATE TABLE key_check (e listguard.email);
INSERT INTO key_check VALUES ('kept@example.com');
SET listguard.sealed_output = on;
SELECT e::text AS token FROM key_check \gset
RESET listguard.sealed_output;

-- Only superusers may point listguard at another key.
CREATE ROLE key_plain;
SET ROLE key_plain;
SELECT lgtest.try($$SET listguard.key_file = 'elsewhere.key'$$);
RESET ROLE;

-- Unusable key files are clear errors naming the file.
SELECT :'datadir' || '/short.key' AS short_key, :'datadir' || '/open.key' AS open_key \gset
COPY (SELECT 'too short') TO :'short_key';
COPY (SELECT repeat('k', 31)) TO :'open_key';
\! chmod 600 "$LG_DATADIR/short.key" && chmod 644 "$LG_DATADIR/open.key"

SET listguard.key_file = 'short.key';
SELECT lgtest.try($$SELECT 'a@example.com'::listguard.email$$);
SET listguard.key_file = 'open.key';
SELECT lgtest.try($$SELECT 'a@example.com'::listguard.email$$);
SET listguard.key_file = 'base';
SELECT lgtest.try($$SELECT 'a@example.com'::listguard.email$$);
SET listguard.key_file = 'no/such/directory/server.key';
SELECT lgtest.try($$SELECT 'a@example.com'::listguard.email$$);
SET listguard.key_file = '';
SELECT lgtest.try($$SELECT 'a@example.com'::listguard.email$$);

-- Another key: values sealed under the first one cannot be shown, and its
-- tokens are refused.
SET listguard.key_file = 'other.key';
SELECT 'sealed.under.other@example.com'::listguard.email;
SELECT lgtest.try($$SELECT e::text FROM key_check$$);
SELECT lgtest.try(format('SELECT %L::listguard.email', :'token'));

-- Back to the server key: everything readable again.
RESET listguard.key_file;
SELECT e FROM key_check;
SELECT :'token'::listguard.email = 'kept@example.com' AS token_still_valid;
DROP TABLE key_check;
DROP ROLE key_plain;
