-- Export quotas: no path gets more clear addresses than the quota allows.
-- Each block uses a fresh grant of 5 clear addresses per day and counts
-- what came out in clear.
CREATE ROLE qt_reader;
CREATE ROLE qt_other;
CREATE TABLE qt_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL);
SELECT listguard.protect('qt_subs', 'account_id', 'list_id');
INSERT INTO qt_subs SELECT g, 1, 10, 'person' || g || '@example.com' FROM generate_series(1, 20) g;
GRANT SELECT ON qt_subs TO qt_reader, qt_other;

-- A fresh 5/day clear grant for qt_reader (the previous one revoked).
CREATE FUNCTION lgtest.fresh_quota(on_exceed text DEFAULT 'error') RETURNS bigint LANGUAGE sql AS $$
    SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'qt_reader'::regrole;
    SELECT listguard.grant_access('qt_reader', 1, reveal => 'clear', quota => '5/day', on_exceed => on_exceed);
$$;
-- How many addresses of a text came out in clear.
CREATE FUNCTION lgtest.clear_count(t text) RETURNS int LANGUAGE sql AS $$
    SELECT count(*)::int FROM regexp_matches(coalesce(t, ''), 'person[0-9]+@', 'g')
$$;

-- A plain SELECT of 20 rows: the statement fails at the sixth, with
-- SQLSTATE LG001 and a message naming the role, the scope and the quota.
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SELECT regexp_replace(regexp_replace(lgtest.try($$SET ROLE qt_reader; SELECT email::text FROM qt_subs$$),
                                     'Grant [0-9]+', 'Grant <id>'), 'resets at [^.]*\.', 'resets at <time>.')
       AS plain_select;
SELECT used, remaining FROM listguard.quota_usage;
-- The reset time in the DETAIL is the window's end, also when the event is
-- written to the server log as well (which once overwrote it with now).
SET listguard.log_events = on;
SELECT substring(lgtest.try($$SET ROLE qt_reader; SELECT email::text FROM qt_subs$$) FROM 'resets at ([^.]*)\.')::timestamptz
       = (SELECT window_resets_at FROM listguard.quota_usage) AS reset_time_is_window_end;
RESET listguard.log_events;
-- (From here on errors are shown without their detail, which holds times.)
\set VERBOSITY terse

-- One row at a time, twenty statements: five answer.
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SELECT count(*) FILTER (WHERE r NOT LIKE 'LG001%') AS answered, count(*) FILTER (WHERE r LIKE 'LG001%') AS refused
FROM (SELECT lgtest.as_role('qt_reader', format('SELECT email::text FROM qt_subs WHERE id = %s', i)) AS r
      FROM generate_series(1, 20) i) s;

-- COPY (query), COPY table (no executor), binary COPY.
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SET ROLE qt_reader;
COPY (SELECT id, email FROM qt_subs ORDER BY id) TO STDOUT;
RESET ROLE;
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SET ROLE qt_reader;
COPY qt_subs (id, email) TO STDOUT;
RESET ROLE;
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SET ROLE qt_reader;
\copy (SELECT email FROM qt_subs ORDER BY id) TO '/tmp/listguard-regress-quota.copy' WITH (FORMAT binary)
RESET ROLE;
SELECT lgtest.clear_count(encode(pg_read_binary_file('/tmp/listguard-regress-quota.copy'), 'escape')) <= 5
       AS binary_copy_within_quota;
\setenv LG_QUOTA_COPY /tmp/listguard-regress-quota.copy
\! rm -f "$LG_QUOTA_COPY"

-- A cursor fetched in small batches.
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SET ROLE qt_reader;
BEGIN;
DECLARE c CURSOR FOR SELECT id, email FROM qt_subs ORDER BY id;
FETCH 2 FROM c;
FETCH 2 FROM c;
FETCH 2 FROM c;
ROLLBACK;
RESET ROLE;

-- Packing many addresses into one value.
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SELECT lgtest.as_role('qt_reader', $$SELECT string_agg(email::text, ',') FROM qt_subs$$) AS string_agg;
SELECT lgtest.as_role('qt_reader', $$SELECT json_agg(email)::text FROM qt_subs$$) AS json_agg;

-- A temporary table of text made from the addresses, then read again.
SELECT lgtest.fresh_quota('mask') IS NOT NULL AS fresh;
SET ROLE qt_reader;
CREATE TEMP TABLE qt_stash AS SELECT id, email::text AS address FROM qt_subs;
SELECT count(*) FILTER (WHERE address LIKE 'person%') AS clear, count(*) FILTER (WHERE address LIKE 'p***%') AS masked
FROM qt_stash;
SELECT count(*) FILTER (WHERE address LIKE 'person%') AS clear_on_reread FROM qt_stash;
DROP TABLE qt_stash;
RESET ROLE;

-- A SECURITY DEFINER function owned by a role with a quota charges that
-- role's grant.
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
CREATE FUNCTION qt_all_addresses() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER
    AS 'SELECT email::text FROM qt_subs ORDER BY id';
ALTER FUNCTION qt_all_addresses() OWNER TO qt_reader;
GRANT EXECUTE ON FUNCTION qt_all_addresses() TO qt_other;
SELECT lgtest.as_role('qt_other', 'SELECT count(*) FROM qt_all_addresses()') AS definer_function;
DROP FUNCTION qt_all_addresses();

-- A PL/pgSQL loop that catches the error and keeps going.
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SET ROLE qt_reader;
DO $$
DECLARE
    got int := 0;
    refused int := 0;
    r record;
BEGIN
    FOR r IN SELECT id FROM qt_subs ORDER BY id LOOP
        BEGIN
            PERFORM email::text FROM qt_subs WHERE id = r.id;
            got := got + 1;
        EXCEPTION WHEN SQLSTATE 'LG001' THEN
            refused := refused + 1;
        END;
    END LOOP;
    RAISE NOTICE 'clear: %, refused: %', got, refused;
END
$$;
RESET ROLE;

-- ROLLBACK does not give quota back.
SELECT lgtest.fresh_quota() IS NOT NULL AS fresh;
SET ROLE qt_reader;
BEGIN; SELECT email FROM qt_subs WHERE id = 1; ROLLBACK;
BEGIN; SELECT email FROM qt_subs WHERE id = 2; ROLLBACK;
BEGIN; SELECT email FROM qt_subs WHERE id = 3; ROLLBACK;
RESET ROLE;
SELECT used, remaining FROM listguard.quota_usage;

-- Parallel workers count against the same quota.
CREATE TABLE qt_big (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('qt_big', 'account_id', 'list_id');
INSERT INTO qt_big SELECT g, 1, 10, 'person' || g || '@example.com' FROM generate_series(1, 20000) g;
ANALYZE qt_big;
GRANT SELECT ON qt_big TO qt_reader;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'qt_reader'::regrole;
SELECT listguard.grant_access('qt_reader', 1, reveal => 'clear', quota => '100/day', on_exceed => 'mask') > 0 AS granted;
SET ROLE qt_reader;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET client_min_messages = error;
EXPLAIN (COSTS OFF) SELECT count(*) FILTER (WHERE email::text LIKE 'person%') FROM qt_big;
SELECT count(*) FILTER (WHERE email::text LIKE 'person%') AS clear_in_parallel FROM qt_big;
RESET client_min_messages; RESET max_parallel_workers_per_gather; RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost; RESET parallel_setup_cost;
RESET ROLE;
SELECT used <= 100 AS within_quota FROM listguard.quota_usage;

-- quota_usage shows a role its own grants; admins see all; others nothing.
SELECT listguard.grant_access('qt_other', 1, reveal => 'clear', quota => '7/hour') > 0 AS granted;
SELECT role, quota FROM listguard.quota_usage ORDER BY role;
SELECT lgtest.as_role('qt_other', 'SELECT role || '' '' || quota FROM listguard.quota_usage') AS other_sees;
SELECT lgtest.as_role('qt_reader', 'SELECT role || '' '' || quota FROM listguard.quota_usage') AS reader_sees;

-- Pseudonyms, masks and sealed tokens are not charged.
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee IN ('qt_reader'::regrole, 'qt_other'::regrole);
SELECT listguard.grant_access('qt_reader', 1, reveal => 'pseudonym', quota => '1/day') > 0 AS granted;
SELECT lgtest.as_role('qt_reader', 'SELECT count(email::text) FROM qt_subs') AS pseudonyms_read;
SELECT used FROM listguard.quota_usage;

-- Bad quota settings.
SELECT lgtest.try($$SELECT listguard.grant_access('qt_reader', 1, reveal => 'clear', quota => '5/day', on_exceed => 'ignore')$$);
SELECT lgtest.try($$SELECT listguard.grant_access('qt_reader', 1, reveal => 'clear', on_exceed => 'mask')$$);

SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee IN ('qt_reader'::regrole, 'qt_other'::regrole);
\set VERBOSITY default
DROP TABLE qt_subs, qt_big;
DROP FUNCTION lgtest.fresh_quota(text), lgtest.clear_count(text);
DROP ROLE qt_reader, qt_other;
