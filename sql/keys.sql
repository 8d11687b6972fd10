-- The keyring: made by CREATE EXTENSION in a cluster that never had one,
-- never because a file went missing; with a missing or wrong keyring every
-- operation that needs a key fails with F0000 and nothing is written.
SELECT current_setting('data_directory') AS datadir \gset
\setenv LG_DATADIR :datadir

-- CREATE EXTENSION (run before this test) made a private keyring in the
-- data directory and recorded its index key's id.
\! stat -c 'mode %a' "$LG_DATADIR/listguard.key"
\! head -c 20 "$LG_DATADIR/listguard.key"; echo
\! grep -c '^index [0-9a-f]\{64\}$' "$LG_DATADIR/listguard.key"
\! grep -c '^seal [0-9a-f]\{64\}' "$LG_DATADIR/listguard.key"
\! sed 's/[0-9a-f]\{16\}$/<index id>/' "$LG_DATADIR/pg_listguard/keyring"
SELECT kind, current, length(key_id) AS id_length FROM listguard.keys() ORDER BY kind;

CREATE TABLE key_check (id int PRIMARY KEY, e listguard.email UNIQUE);
INSERT INTO key_check VALUES (1, 'kept@example.com');
SET listguard.sealed_output = on;
SELECT e::text AS token FROM key_check \gset
RESET listguard.sealed_output;

-- Only superusers may point listguard at another keyring; the key command
-- is set in the server's configuration only.
CREATE ROLE key_plain;
SET ROLE key_plain;
SELECT lgtest.try($$SET listguard.key_file = 'elsewhere.key'$$);
RESET ROLE;
SELECT lgtest.try($$SET listguard.key_command = 'cat listguard.key'$$);

-- A key file that does not exist is an error for everything that needs a
-- key, and is not created.
SET listguard.key_file = 'missing.key';
SELECT lgtest.try($$SELECT 'a@example.com'::listguard.email$$);
SELECT lgtest.try($$SELECT e::text FROM key_check$$);
SELECT lgtest.try($$SELECT id FROM key_check WHERE e = 'kept@example.com'$$);
SELECT lgtest.try($$INSERT INTO key_check VALUES (2, 'kept@example.com')$$);
SELECT lgtest.try($$COPY key_check TO '/dev/null'$$);
SELECT pg_stat_file('missing.key', true) IS NULL AS still_missing;

-- Another keyring (another index key): refused, rather than answering
-- lookups and unique checks wrongly.
SELECT :'datadir' || '/other.key' AS other_key \gset
COPY (VALUES ('index ' || repeat('1', 64)), ('seal ' || repeat('2', 64))) TO :'other_key';
\! chmod 600 "$LG_DATADIR/other.key"
SET listguard.key_file = 'other.key';
SELECT regexp_replace(lgtest.try($$SELECT id FROM key_check WHERE e = 'kept@example.com'$$), '[0-9a-f]{16}', '<id>', 'g');
SELECT regexp_replace(lgtest.try($$INSERT INTO key_check VALUES (2, 'kept@example.com')$$), '[0-9a-f]{16}', '<id>', 'g');
SELECT regexp_replace(lgtest.try($$SELECT e::text FROM key_check$$), '[0-9a-f]{16}', '<id>', 'g');
SELECT regexp_replace(lgtest.try(format('SELECT %L::listguard.email', :'token')), '[0-9a-f]{16}', '<id>', 'g');
RESET listguard.key_file;
SELECT count(*) AS rows_unchanged FROM key_check;

-- The cluster's index key with a seal key the values were not sealed
-- under: lookups by address still work (they need the index key only), but
-- showing a value fails, naming its key.
SELECT :'datadir' || '/no_seal.key' AS no_seal_key \gset
COPY (SELECT l FROM regexp_split_to_table(pg_read_file('listguard.key'), E'\n') l WHERE l LIKE 'index %'
      UNION ALL SELECT 'seal ' || repeat('3', 64)) TO :'no_seal_key';
\! chmod 600 "$LG_DATADIR/no_seal.key"
SET listguard.key_file = 'no_seal.key';
SELECT id FROM key_check WHERE e = 'KEPT@example.com';
SELECT regexp_replace(lgtest.try($$SELECT e::text FROM key_check$$), 'key id is [0-9a-f]{8}', 'key id is <id>');
RESET listguard.key_file;

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
SET listguard.key_file = '';
SELECT lgtest.try($$SELECT 'a@example.com'::listguard.email$$);
RESET listguard.key_file;

-- CREATE EXTENSION in another database while the key file is missing does
-- not make a new keyring: the cluster's data was made with one.
CREATE DATABASE key_other;
\c key_other
SET listguard.key_file = 'missing.key';
\set VERBOSITY terse
CREATE EXTENSION listguard;
\set VERBOSITY default
\c contrib_regression
DROP DATABASE key_other;

-- listguard.key_command: a small script stands in for a secrets manager's
-- client, printing the keyring (here: from a file only it reads) on its
-- standard output.
SELECT :'datadir' || '/vault.secret' AS vault, :'datadir' || '/key_command.sh' AS key_command \gset
COPY (SELECT l FROM regexp_split_to_table(pg_read_file('listguard.key'), E'\n') l WHERE l LIKE 'index %' OR l LIKE 'seal %')
    TO :'vault';
COPY (VALUES ('echo "fetching the listguard keyring" >&2'), ('cat vault.secret')) TO :'key_command';
ALTER SYSTEM SET listguard.key_file = 'no/such/file';
ALTER SYSTEM SET listguard.key_command = 'sh key_command.sh';
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
\c
SELECT e FROM key_check;
SELECT id FROM key_check WHERE e = 'Kept@Example.com';
-- The keyring it prints is not listguard's to change.
SELECT lgtest.try($$SELECT listguard.add_key()$$);
-- A command that fails is F0000 with its exit status.
ALTER SYSTEM SET listguard.key_command = 'exit 3';
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
\c
SELECT lgtest.try($$SELECT e::text FROM key_check$$);
ALTER SYSTEM RESET listguard.key_command;
ALTER SYSTEM RESET listguard.key_file;
SELECT pg_reload_conf();
SELECT pg_sleep(0.5);
\c
SELECT e FROM key_check;
\! rm -f "$LG_DATADIR/vault.secret" "$LG_DATADIR/key_command.sh" "$LG_DATADIR/other.key" "$LG_DATADIR/no_seal.key"

DROP TABLE key_check;
DROP ROLE key_plain;
