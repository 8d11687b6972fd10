-- Retention of the audit trail (issue 23): archive_audit() moves old events
-- into a sealed segment file and out of the table; verify_audit() goes on
-- from the archived head; the segment verifies offline and reads back;
-- canary evidence survives. (Attacks on the files: test/cluster/audit_archive.t.)
\set VERBOSITY terse
SELECT lgtest.audit_settle() AS settled;
-- No directory: nothing is archived, and the error says what to set.
SELECT lgtest.try($$SELECT * FROM listguard.archive_audit(now())$$) AS no_directory;
ALTER SYSTEM SET listguard.audit_archive_directory = 'pg_listguard/regress-archive';
SELECT pg_reload_conf();
SELECT pg_sleep(0.2);

CREATE ROLE ar_reader;
CREATE ROLE ar_other;
CREATE TABLE ar_subs (id serial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL, name text);
SELECT listguard.protect('ar_subs', 'account_id', 'list_id');
INSERT INTO ar_subs (id, account_id, list_id, email, name) SELECT g, 1, 10, 'archive' || g || '@example.com', 'n' || g FROM generate_series(1, 20) g;
SELECT setval('ar_subs_id_seq', 100);
GRANT SELECT ON ar_subs TO ar_reader, ar_other;
SELECT listguard.grant_access('ar_reader', 1, 10, reveal => 'clear') > 0 AS granted;
SELECT listguard.add_canary_addresses(ARRAY['archive.canary.one@gmail.com']) AS added;
SELECT listguard.plant_canaries('ar_subs', 1, 10, ARRAY['ar_reader']::regrole[], per_role => 1) AS planted;
SET ROLE ar_reader;
SELECT count(email::text) AS read_in_clear FROM ar_subs;
-- The canary row is the one past the sequence's 100 (planted canaries take
-- the shape of the list's rows).
SELECT email::text AS canary_address FROM ar_subs WHERE id > 100 \gset
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT canary, first_revealed IS NOT NULL AS revealed FROM listguard.trace(:'canary_address');

-- Everything so far, archived: the table keeps the audit_archived event.
CREATE TEMP TABLE ar_before AS SELECT * FROM listguard.audit_log;
SELECT first_id, last_id = (SELECT max(id) FROM ar_before) AS up_to_now, events = (SELECT count(*) FROM ar_before) AS all_events,
       kinds ? 'clear_reveal' AS has_reveals, segment ~ '^audit-[0-9]+-[0-9]{19}-[0-9]{19}\.lgseg$' AS named
FROM listguard.archive_audit(now());
SELECT kind, detail->>'events' = (SELECT count(*)::text FROM ar_before) AS counted FROM listguard.audit_log;
SELECT ok, problem FROM listguard.verify_audit();
SELECT count(*) AS segments, bool_and(ok) AS ok FROM listguard.verify_audit_archive();
-- It reads back as the table held it, field for field, link for link.
SELECT count(*) AS differences FROM (
    (SELECT * FROM ar_before EXCEPT SELECT * FROM listguard.read_audit_archive((SELECT segment FROM listguard.audit_archives)))
    UNION ALL
    (SELECT * FROM listguard.read_audit_archive((SELECT segment FROM listguard.audit_archives)) EXCEPT SELECT * FROM ar_before)) d;
-- Nothing older than now is left: a second call archives nothing new but
-- what came since (the audit_archived event itself).
SELECT events FROM listguard.archive_audit(now() - interval '1 hour');

-- The canary's evidence outlives the events: trace() and a hit's verdict.
SELECT canary, first_revealed IS NOT NULL AS revealed FROM listguard.trace(:'canary_address');
SELECT role, sees, revealed FROM listguard.report_canary_hit(:'canary_address', now(), 'test');
SELECT lgtest.audit_settle() AS settled;
SELECT detail->'detail'->>'verdict' AS verdict FROM listguard.audit_log WHERE kind = 'canary' AND detail->>'action' = 'hit';

-- More events, a second segment; both chain, and the table verifies.
SET ROLE ar_reader;
SELECT count(email::text) AS read_again FROM ar_subs WHERE id <= 5;
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
SELECT events > 0 AS archived_more FROM listguard.archive_audit(now());
-- Not inside a savepoint or an exception block: rolled back, it would keep a
-- segment file that no record names, whose events stay in the table.
BEGIN;
SAVEPOINT s;
SELECT * FROM listguard.archive_audit(now());
ROLLBACK TO s;
COMMIT;
SELECT lgtest.try($$SELECT * FROM listguard.archive_audit(now())$$) AS in_exception_block;
-- Nor prepared: another session could roll it back and keep the file.
SET ROLE ar_reader;
SELECT count(email::text) AS read_before_prepare FROM ar_subs WHERE id <= 2;
RESET ROLE;
SELECT lgtest.audit_settle() AS settled;
BEGIN;
SELECT events > 0 AS archived_in_prepared FROM listguard.archive_audit(now());
PREPARE TRANSACTION 'lg_archive';
SELECT count(*) AS prepared FROM pg_prepared_xacts WHERE gid = 'lg_archive';
SELECT ok FROM listguard.verify_audit();
SELECT count(*) AS segments, bool_and(ok) AS ok FROM listguard.verify_audit_archive();

-- Who may: admins archive and verify; nobody else. The record of
-- archives is listguard's: a role cannot write it.
SET ROLE ar_other;
SELECT lgtest.try($$SELECT * FROM listguard.archive_audit(now())$$) AS other_archives;
SELECT lgtest.try($$SELECT * FROM listguard.verify_audit_archive()$$) AS other_verifies;
SELECT lgtest.try($$SELECT count(*) FROM listguard.audit_archives$$) AS other_reads_records;
RESET ROLE;
GRANT listguard_admin TO ar_other;
SET ROLE ar_other;
SELECT lgtest.try($$DELETE FROM listguard.audit_archives$$) AS admin_deletes_records;
SELECT lgtest.try($$SELECT * FROM listguard.read_audit_archive('../../postgresql.conf')$$) AS admin_climbs_out;
SELECT lgtest.try($$SELECT * FROM listguard.read_audit_archive('/etc/passwd')$$) AS admin_names_path;
RESET ROLE;
REVOKE listguard_admin FROM ar_other;

ALTER SYSTEM RESET listguard.audit_archive_directory;
SELECT pg_reload_conf();
SELECT listguard.remove_canaries('ar_subs') >= 0 AS removed;
SELECT listguard.unprotect('ar_subs');
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'ar_reader'::regrole;
DROP TABLE ar_subs;
DROP ROLE ar_reader, ar_other;
