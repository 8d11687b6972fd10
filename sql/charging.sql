-- A statement is charged for the clear values it returns or hands out of
-- the plan, not for values a sort, a limit or a partial fetch would have
-- thrown away; lookups that compare an address's text become the type's
-- own equality and charge nothing. The quota used and the audit trail's
-- counts agree after every statement.
CREATE ROLE ch_reader;
CREATE ROLE ch_masked;
CREATE TABLE ch_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      created_at timestamptz NOT NULL, email listguard.email NOT NULL);
SELECT listguard.protect('ch_subs', 'account_id', 'list_id');
INSERT INTO ch_subs
SELECT g, 2, 1 + g % 3, timestamptz '2026-01-01' + g * interval '1 hour', 'Person' || g || '@Example.com'
FROM generate_series(1, 170) g;
CREATE INDEX ch_subs_email ON ch_subs (email);
ANALYZE ch_subs;
CREATE TABLE ch_copies (address text);
GRANT SELECT ON ch_subs TO ch_reader, ch_masked;
GRANT INSERT, SELECT ON ch_copies TO ch_reader;
SELECT listguard.grant_access('ch_reader', 2, reveal => 'clear', quota => '10000/day') IS NOT NULL AS clear_grant;
SELECT listguard.grant_access('ch_masked', 2) IS NOT NULL AS masked_grant;

-- What the last statement cost: quota used and clear values in the audit
-- trail since the previous call.
CREATE TABLE lgtest.charge_marks (used bigint, audited bigint);
INSERT INTO lgtest.charge_marks VALUES (0, 0);
CREATE FUNCTION lgtest.charged() RETURNS TABLE (charged bigint, audited bigint) LANGUAGE plpgsql AS $$
DECLARE
    now_used bigint;
    now_audited bigint;
BEGIN
    PERFORM lgtest.audit_settle();
    SELECT coalesce(sum(used), 0) INTO now_used FROM listguard.quota_usage WHERE role = 'ch_reader'::regrole;
    SELECT coalesce(sum((counts ->> 'clear')::bigint), 0) INTO now_audited
    FROM listguard.audit_log WHERE kind = 'clear_reveal' AND current_user_name = 'ch_reader';
    SELECT now_used - m.used, now_audited - m.audited INTO charged, audited FROM lgtest.charge_marks m;
    UPDATE lgtest.charge_marks SET used = now_used, audited = now_audited;
    RETURN NEXT;
END $$;
SELECT * FROM lgtest.charged();
CREATE FUNCTION lgtest.plan_lines(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END $$;

SET ROLE ch_reader;
-- The newest subscriber of the account: one row returned, one charged
-- (the cast is made after the sort, for the row the limit keeps).
SELECT email::text FROM ch_subs WHERE account_id = 2 ORDER BY created_at DESC LIMIT 1;
RESET ROLE;
SELECT * FROM lgtest.charged();
SET ROLE ch_reader;
-- The type's own output, after a sort and a limit.
SELECT email FROM ch_subs ORDER BY id LIMIT 2;
RESET ROLE;
SELECT * FROM lgtest.charged();
SET ROLE ch_reader;
-- DISTINCT ON: one row per list.
SELECT DISTINCT ON (list_id) list_id, email::text FROM ch_subs ORDER BY list_id, created_at;
RESET ROLE;
SELECT * FROM lgtest.charged();
SET ROLE ch_reader;
-- DISTINCT over the addresses themselves: each is computed once, and each
-- is returned.
SELECT DISTINCT email::text FROM ch_subs WHERE id BETWEEN 10 AND 13 ORDER BY 1;
RESET ROLE;
SELECT * FROM lgtest.charged();
SET ROLE ch_reader;
-- Window functions over every row of the account, three rows returned.
SELECT email::text, row_number() OVER (ORDER BY created_at) AS n, count(*) OVER () AS total
FROM ch_subs ORDER BY created_at LIMIT 3;
RESET ROLE;
SELECT * FROM lgtest.charged();
SET ROLE ch_reader;
-- A limit inside a subquery, a function of what it keeps.
SELECT upper(address) FROM (SELECT email::text AS address FROM ch_subs ORDER BY created_at DESC LIMIT 2) newest;
SELECT length(string_agg(address, ',')) FROM (SELECT email::text AS address FROM ch_subs ORDER BY id LIMIT 5) s;
RESET ROLE;
SELECT * FROM lgtest.charged();
SET ROLE ch_reader;
-- Rows written to a table leave the plan: four charged.
INSERT INTO ch_copies SELECT email::text FROM ch_subs ORDER BY created_at LIMIT 4;
RESET ROLE;
SELECT * FROM lgtest.charged();
SET ROLE ch_reader;
-- A cursor fetched in part, sorted and not.
BEGIN;
DECLARE sorted CURSOR FOR SELECT email::text FROM ch_subs ORDER BY created_at;
FETCH 3 FROM sorted;
DECLARE unsorted CURSOR FOR SELECT email FROM ch_subs WHERE list_id = 2;
FETCH 2 FROM unsorted;
COMMIT;
RESET ROLE;
SELECT * FROM lgtest.charged();

-- Lookups as ORMs write them (Django's exact and iexact): the type's
-- equality, through the index, for no charge.
SET ROLE ch_reader;
SELECT id FROM ch_subs WHERE email::text = 'person7@example.com';
SELECT id FROM ch_subs WHERE UPPER(email::text) = UPPER('PERSON8@example.COM');
SELECT id FROM ch_subs WHERE LOWER(email::text) = LOWER('person9@EXAMPLE.com');
SELECT id FROM ch_subs WHERE 'person10@example.com' = email::text;
PREPARE ch_lookup (text) AS SELECT id FROM ch_subs WHERE UPPER(email::text) = UPPER($1);
EXECUTE ch_lookup('Person11@example.com');
DEALLOCATE ch_lookup;
-- Text that is no address finds nothing, as it did.
SELECT count(*) AS found FROM ch_subs WHERE UPPER(email::text) = UPPER('not an address');
RESET ROLE;
SELECT * FROM lgtest.charged();
SET ROLE ch_reader;
SET enable_seqscan = off;  -- 170 rows: a scan would be cheaper
SELECT plan FROM lgtest.plan_lines($$SELECT id FROM ch_subs WHERE UPPER(email::text) = UPPER('person8@example.com')$$) plan
WHERE plan ~ 'Index|Cond|Filter';
RESET enable_seqscan;
RESET ROLE;
-- A masked role finds its row too (the text comparison found only masks).
SET ROLE ch_masked;
SELECT id, email FROM ch_subs WHERE UPPER(email::text) = UPPER('person12@example.com');
RESET ROLE;

-- Other comparisons of the clear text are charged for every row they
-- read: they are how an address is guessed a character at a time.
SET ROLE ch_reader;
SELECT count(*) AS matching FROM ch_subs WHERE email::text LIKE 'person1%' AND list_id = 1;
RESET ROLE;
SELECT * FROM lgtest.charged();

DROP FUNCTION lgtest.charged(), lgtest.plan_lines(text);
DROP TABLE lgtest.charge_marks;
SELECT count(*) AS revoked FROM (SELECT listguard.revoke_access(id) FROM listguard.grants
                                 WHERE grantee IN ('ch_reader'::regrole, 'ch_masked'::regrole)) r;
DROP TABLE ch_subs, ch_copies;
DROP ROLE ch_reader, ch_masked;
