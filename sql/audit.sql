-- The audit trail: what is recorded, that it survives rollbacks, that it
-- holds no address, and that nobody can change it through SQL.
SELECT lgtest.audit_settle() AS settled;
CREATE ROLE au_reader;
CREATE ROLE au_owner;
CREATE ROLE au_mixed;
CREATE ROLE au_admin IN ROLE listguard_admin;
CREATE TABLE au_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL);
ALTER TABLE au_subs OWNER TO au_owner;
GRANT SELECT, INSERT, UPDATE ON au_subs TO au_reader, au_mixed;
CREATE VIEW lgtest.events AS
SELECT id, kind, current_user_name AS by_role, account, list, relation, counts, detail
FROM listguard.audit_log;
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- Protection, row changes (per statement: counts per operation, account
-- and list), a grant, clear reveals (per statement, with the count).
SELECT listguard.protect('au_subs', 'account_id', 'list_id');
INSERT INTO au_subs SELECT g, 1, 10 + g % 2, 'person' || g || '@example.com' FROM generate_series(1, 10) g;
UPDATE au_subs SET email = email WHERE id <= 3;
DELETE FROM au_subs WHERE id = 10;
SELECT listguard.grant_access('au_reader', 1, reveal => 'clear', reason => 'audit test') AS g_reader \gset
SELECT lgtest.as_role('au_reader', 'SELECT count(email::text) FROM au_subs WHERE list_id = 11') AS revealed;
SELECT lgtest.audit_settle() AS settled;
SELECT kind, by_role, account, list, relation, counts,
       CASE WHEN detail ? 'grant' THEN jsonb_set(detail - 'canaries', '{grant}', to_jsonb((detail ->> 'grant')::bigint = :g_reader))
            ELSE detail - 'arguments' - 'result' END AS detail
FROM lgtest.events WHERE id > :mark ORDER BY id;
SELECT detail -> 'arguments' ->> 'grantee' AS grantee, detail -> 'arguments' ->> 'reveal' AS reveal,
       detail -> 'arguments' ->> 'reason' AS reason
FROM lgtest.events WHERE id > :mark AND kind = 'grant';
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- Denials: a non-admin calling an admin function, an owner weakening a
-- protected table, laundering, a dump that would hold masks, an email
-- column turned to text. And an admin's weakening, allowed and recorded.
SELECT listguard.grant_access('au_mixed', 1, 10, reveal => 'masked', can_write => true) AS g_m1,
       listguard.grant_access('au_mixed', 1, 11, reveal => 'clear', can_write => true) AS g_m2 \gset
SET ROLE au_reader;
SELECT listguard.grant_access('au_reader', NULL, reveal => 'clear');
RESET ROLE;
SET ROLE au_owner;
ALTER TABLE au_subs DISABLE ROW LEVEL SECURITY;
RESET ROLE;
SET ROLE au_mixed;
UPDATE au_subs SET list_id = 11 WHERE id = 2;
RESET ROLE;
SET ROLE au_mixed;
SET application_name = 'pg_dump';
SELECT email FROM au_subs WHERE id = 2;
RESET application_name;
RESET ROLE;
ALTER TABLE au_subs ALTER COLUMN email TYPE text;
ALTER TABLE au_subs DISABLE TRIGGER listguard_stamp;
ALTER TABLE au_subs ENABLE TRIGGER listguard_stamp;
SELECT lgtest.audit_settle() AS settled;
SELECT kind, by_role, account, list, relation, detail FROM lgtest.events
WHERE id > :mark AND kind <> 'grant' ORDER BY id;
-- The laundering denial holds the digest of the address it concerns.
SELECT email_digests IS NOT NULL AS has_digest FROM listguard.audit_log
WHERE id > :mark AND detail ->> 'reason' = 'laundering';
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- A quota exceeded inside a transaction that rolls back, and inside a
-- PL/pgSQL block that catches the error: both are in the log afterwards,
-- with the clear values that left before the refusal.
CREATE ROLE au_quota;
GRANT SELECT ON au_subs TO au_quota;
SELECT listguard.grant_access('au_quota', 1, reveal => 'clear', quota => '2/day') AS g_q \gset
BEGIN;
SET LOCAL ROLE au_quota;
SELECT lgtest.try('SELECT email::text FROM au_subs ORDER BY id') LIKE 'LG001%' AS refused;
ROLLBACK;
SET ROLE au_quota;
DO $$
BEGIN
    PERFORM email::text FROM au_subs;
EXCEPTION WHEN SQLSTATE 'LG001' THEN
    RAISE NOTICE 'caught %', SQLSTATE;
END
$$;
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT kind, by_role, account, counts, detail ->> 'quota' AS quota FROM lgtest.events
WHERE id > :mark AND kind IN ('quota_exceeded', 'clear_reveal') ORDER BY id;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- audit => 'row': one event per row, with its key and the digests of its
-- addresses, found again by audit_for(address).
CREATE TABLE au_rows (id int PRIMARY KEY, account_id bigint NOT NULL, email listguard.email,
                      backup listguard.email);
SELECT listguard.protect('au_rows', 'account_id', audit => 'row');
INSERT INTO au_rows VALUES (1, 7, 'Row.One@example.com', 'row.backup@example.com'), (2, 7, 'row.two@example.com', NULL);
DELETE FROM au_rows WHERE id = 2;
SELECT lgtest.audit_settle() AS settled;
SELECT e.kind, e.account, e.list, e.relation, cardinality(a.email_digests) AS digests, e.detail
FROM lgtest.events e JOIN listguard.audit_log a USING (id) WHERE e.id > :mark AND e.kind = 'row_changed' ORDER BY id;
SELECT kind, detail FROM listguard.audit_for('ROW.ONE@EXAMPLE.COM');
SELECT count(*) AS events_for_row_two FROM listguard.audit_for('row.two@example.com');
SELECT lgtest.try($$SELECT * FROM listguard.audit_for('not an address')$$);

-- No address anywhere in the log: only masks, digests and counts.
SELECT count(*) AS events_with_an_address FROM listguard.audit_log
WHERE audit_log::text ~* '(person[0-9]+|row\.one|row\.two|row\.backup)@';

-- Nobody changes the log through SQL: admins (and everyone else) lack the
-- privileges; only the writer appends.
SET ROLE au_admin;
SELECT count(*) > 0 AS admin_reads FROM listguard.audit_log;
SELECT lgtest.try('UPDATE listguard.audit_log SET detail = ''{}'' WHERE id = 1');
SELECT lgtest.try('DELETE FROM listguard.audit_log WHERE id = 1');
SELECT lgtest.try('TRUNCATE listguard.audit_log');
SELECT lgtest.try($$INSERT INTO listguard.audit_log SELECT * FROM listguard.audit_log LIMIT 1$$);
SELECT ok, problem FROM listguard.verify_audit();
RESET ROLE;
SET ROLE au_reader;
SELECT lgtest.try('SELECT count(*) FROM listguard.audit_log');
SELECT lgtest.try('SELECT * FROM listguard.verify_audit()');
RESET ROLE;

-- A table whose qualified, quoted name is longer than an event's field and
-- ends in a multibyte character where the field ends: the name is cut at a
-- character boundary, never in the middle of one.
SELECT 'A' || repeat('a', 62) AS long_schema, 'B' || repeat('b', 60) || 'é' AS long_table \gset
CREATE SCHEMA :"long_schema";
CREATE TABLE :"long_schema".:"long_table" (id int, account_id bigint, email listguard.email);
SELECT format('%I.%I', :'long_schema', :'long_table') AS long_name \gset
SELECT octet_length(:'long_name') AS name_octets;
SELECT listguard.protect(:'long_name', 'account_id');
SELECT lgtest.audit_settle() AS settled;
SELECT octet_length(relation) AS kept_octets, convert_from(convert_to(relation, 'UTF8'), 'UTF8') = relation AS valid_text
FROM listguard.audit_log WHERE kind = 'protect' ORDER BY id DESC LIMIT 1;
SELECT listguard.unprotect(:'long_name');
DROP SCHEMA :"long_schema" CASCADE;

-- Every grant, denial and change above left the chain intact.
SELECT lgtest.audit_settle() AS settled;
SELECT ok, checked > 0 AS checked_some, first_broken, problem FROM listguard.verify_audit();

SELECT listguard.revoke_access(g) FROM unnest(ARRAY[:g_reader, :g_m1, :g_m2, :g_q]::bigint[]) g;
DROP VIEW lgtest.events;
DROP TABLE au_subs, au_rows;
DROP ROLE au_reader, au_owner, au_mixed, au_admin, au_quota;
