-- The audit trail records exactly what was written, wherever it was
-- written from, and never an address.
CREATE ROLE ac_writer;
CREATE TABLE ac_parts (id int, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email)
    PARTITION BY LIST (account_id);
CREATE TABLE ac_parts_1 PARTITION OF ac_parts FOR VALUES IN (1);
CREATE TABLE ac_parts_2 PARTITION OF ac_parts FOR VALUES IN (2);
CREATE TABLE ac_parts_3 PARTITION OF ac_parts FOR VALUES IN (3);
SELECT listguard.protect('ac_parts', 'account_id', 'list_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON ac_parts, ac_parts_1, ac_parts_2, ac_parts_3 TO ac_writer;
SELECT listguard.grant_access('ac_writer', NULL, reveal => 'clear', can_write => true) AS g_writer \gset
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- Through the root: three partitions in one statement, then an update and a
-- delete in one transaction. Every row is counted, under the root; a
-- transaction's statements make one event per table.
SET ROLE ac_writer;
INSERT INTO ac_parts VALUES (1, 1, 10, 'a1@example.com'), (2, 2, 20, 'a2@example.com'), (3, 3, 30, 'a3@example.com'),
                            (4, 1, 10, 'a4@example.com');
BEGIN;
UPDATE ac_parts SET list_id = list_id WHERE id IN (1, 2, 3);
DELETE FROM ac_parts WHERE id IN (2, 4);
COMMIT;
-- Directly into a partition: counted under the partition.
INSERT INTO ac_parts_3 VALUES (5, 3, 30, 'a5@example.com');
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT relation, counts FROM listguard.audit_log WHERE id > :mark AND kind = 'rows_changed' ORDER BY id;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- One event per table and transaction, not per statement (issue 23): ten
-- single-row inserts and an update in one transaction are one event, which
-- says how many statements; the rows of a statement rolled back to a
-- savepoint after it completed are counted apart; a transaction that
-- aborts is recorded too, and says so (its xid is aborted).
SET ROLE ac_writer;
BEGIN;
INSERT INTO ac_parts VALUES (1001, 1, 10, 'tx1@example.com');
INSERT INTO ac_parts VALUES (1002, 1, 10, 'tx2@example.com');
INSERT INTO ac_parts VALUES (1003, 1, 10, 'tx3@example.com');
INSERT INTO ac_parts VALUES (1004, 1, 11, 'tx4@example.com');
INSERT INTO ac_parts VALUES (1005, 2, 20, 'tx5@example.com');
INSERT INTO ac_parts VALUES (1006, 2, 20, 'tx6@example.com');
INSERT INTO ac_parts VALUES (1007, 2, 20, 'tx7@example.com');
INSERT INTO ac_parts VALUES (1008, 3, 30, 'tx8@example.com');
INSERT INTO ac_parts VALUES (1009, 3, 30, 'tx9@example.com');
INSERT INTO ac_parts VALUES (1010, 3, 30, 'tx10@example.com');
UPDATE ac_parts SET list_id = 12 WHERE id = 1001;
SAVEPOINT s;
INSERT INTO ac_parts VALUES (1011, 1, 10, 'tx11@example.com');
ROLLBACK TO SAVEPOINT s;
COMMIT;
BEGIN;
INSERT INTO ac_parts VALUES (1012, 1, 10, 'tx12@example.com');
INSERT INTO ac_parts VALUES (1013, 1, 10, 'tx13@example.com');
ROLLBACK;
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT relation, counts, detail, txid_status(xid) AS status
FROM listguard.audit_log WHERE id > :mark AND kind = 'rows_changed' ORDER BY id;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset
DELETE FROM ac_parts WHERE id > 1000;
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- With listguard.audit_row_aggregation = 'second', the writer also merges
-- the events of one role, table and application within each second: 40
-- single-row statements make one event (two if a second ends meanwhile),
-- and no row goes uncounted.
ALTER SYSTEM SET listguard.audit_row_aggregation = 'second';
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
SET ROLE ac_writer;
SELECT count(*) FROM (SELECT lgtest.try(format('INSERT INTO ac_parts VALUES (%s, 1, 10, %L)', 3000 + g,
                                                'persec' || g || '@example.com')) AS r
                      FROM generate_series(1, 40) g) s WHERE r = 'ok';
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT count(*) BETWEEN 1 AND 2 AS one_or_two_events, sum((counts->>'rows')::int) AS rows_counted,
       bool_and(detail->'aggregated'->>'per' = 'second') AS per_second, bool_and(xid IS NULL) AS no_xid
FROM listguard.audit_log WHERE id > :mark AND kind = 'rows_changed';
ALTER SYSTEM RESET listguard.audit_row_aggregation;
SELECT pg_reload_conf();
SELECT pg_sleep(0.3);
DELETE FROM ac_parts WHERE id > 3000;
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- A write that row security refuses (a row of an account the role may not
-- write) is recorded as denied, like every other refusal, also when a
-- PL/pgSQL block catches the error.
CREATE ROLE ac_narrow;
GRANT SELECT, INSERT, UPDATE ON ac_parts TO ac_narrow;
SELECT listguard.grant_access('ac_narrow', 1, can_write => true) > 0 AS granted;
SET ROLE ac_narrow;
SELECT lgtest.try($$INSERT INTO ac_parts VALUES (4001, 2, 20, 'refused1@example.com')$$) AS refused_insert;
RESET ROLE;
INSERT INTO ac_parts VALUES (4003, 1, 10, NULL);
SET ROLE ac_narrow;
SELECT lgtest.try($$UPDATE ac_parts SET account_id = 2, list_id = 20 WHERE id = 4003$$) AS refused_update;
DO $$ BEGIN INSERT INTO ac_parts VALUES (4002, 3, 30, 'refused2@example.com'); EXCEPTION WHEN OTHERS THEN NULL; END $$;
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT kind, current_user_name, relation, detail FROM listguard.audit_log
WHERE id > :mark AND kind = 'denied' ORDER BY id;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'ac_narrow'::regrole;
DROP ROLE ac_narrow;
DELETE FROM ac_parts WHERE id = 4003;
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- A write that fails is not a change: a duplicate key, a row of the wrong
-- account, an error caught in a PL/pgSQL block. Nothing is counted for
-- them, and what the same transaction wrote before is counted once.
CREATE UNIQUE INDEX ac_parts_1_email ON ac_parts_1 (email);
SET ROLE ac_writer;
INSERT INTO ac_parts VALUES (6, 1, 10, 'a1@EXAMPLE.com');
INSERT INTO ac_parts VALUES (7, 1, 0, 'zero@example.com');
DO $$
BEGIN
    INSERT INTO ac_parts VALUES (8, 1, 10, 'caught.one@example.com');
    BEGIN
        INSERT INTO ac_parts VALUES (9, 1, 10, 'caught.two@example.com'), (10, 1, 10, 'a1@example.com');
    EXCEPTION WHEN unique_violation THEN NULL;
    END;
END $$;
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT relation, counts, session_user_name <> '' AS has_user, xid IS NOT NULL AS has_xid
FROM listguard.audit_log WHERE id > :mark AND kind = 'rows_changed' ORDER BY id;
SELECT count(*) AS rows_there FROM ac_parts WHERE id >= 6;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- One statement over many lists, one account spread over two partitions
-- and inside a function's committed subtransaction: every row is counted
-- once, per list, split over several events when the lists are too many
-- for one.
CREATE FUNCTION ac_insert_caught(n int) RETURNS int LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
BEGIN
    BEGIN
        INSERT INTO ac_parts VALUES (n, 2, 20, 'inner' || n || '@example.com');
    EXCEPTION WHEN others THEN NULL;
    END;
    RETURN n;
END $$;
SET ROLE ac_writer;
INSERT INTO ac_parts SELECT 100 + g, 1 + g % 3, 1 + g % 300, 'many' || g || '@example.com' FROM generate_series(1, 900) g;
INSERT INTO ac_parts SELECT ac_insert_caught(2000 + g), 2, 20, 'outer' || g || '@example.com' FROM generate_series(1, 3) g;
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT count(*) > 2 AS split, sum((counts ->> 'rows')::int) AS rows_counted,
       sum((counts -> 'insert' ->> '2/20')::int) AS list_2_20,
       (SELECT count(DISTINCT k) FROM listguard.audit_log a, jsonb_object_keys(a.counts -> 'insert') k
        WHERE a.id > :mark AND a.kind = 'rows_changed') AS lists
FROM listguard.audit_log WHERE id > :mark AND kind = 'rows_changed';
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- Per-row audit on a table whose primary key holds the address: the key
-- is recorded as its digest, never as the address, and recording it
-- charges no quota.
CREATE ROLE ac_quota;
CREATE TABLE ac_keyed (account_id bigint, list_id bigint, email listguard.email, legacy text,
                       PRIMARY KEY (account_id, email, legacy));
SELECT listguard.protect('ac_keyed', 'account_id', 'list_id', audit => 'row');
GRANT SELECT, INSERT ON ac_keyed TO ac_quota;
SELECT listguard.grant_access('ac_quota', 1, reveal => 'clear', can_write => true, quota => '1/hour') AS g_quota \gset
SET ROLE ac_quota;
INSERT INTO ac_keyed VALUES (1, 10, 'keyed.one@example.com', 'imported from keyed.one@example.com'),
                            (1, 10, 'keyed.two@example.com', 'x');
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT detail -> 'key' ->> 'legacy' AS legacy_key,
       detail -> 'key' -> 'email' ? 'digest' AS email_key_is_a_digest,
       detail::text LIKE '%keyed.%@%' AS holds_address,
       email_digests IS NOT NULL AS has_digests
FROM listguard.audit_log WHERE id > :mark AND kind = 'row_changed' ORDER BY id;
SELECT used FROM listguard.quota_usage WHERE grant_id = :g_quota;

-- The event of CREATE EXTENSION in a transaction that stays open a while
-- reaches the table once the transaction commits.
CREATE DATABASE ac_slow;
\c ac_slow
BEGIN;
CREATE EXTENSION listguard;
SELECT pg_sleep(2.5);
COMMIT;
DO $$ BEGIN FOR i IN 1..100 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT kind, detail FROM listguard.audit_log WHERE kind = 'extension';
\c contrib_regression
SELECT pg_sleep(2.5);  -- the writer leaves the database when idle
DROP DATABASE ac_slow;

SELECT listguard.revoke_access(g) FROM unnest(ARRAY[:g_writer, :g_quota]::bigint[]) g;
DROP TABLE ac_parts, ac_keyed;
DROP FUNCTION ac_insert_caught(int);
DROP ROLE ac_writer, ac_quota;
