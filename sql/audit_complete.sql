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
-- delete in one transaction. Every row is counted, under the root.
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
