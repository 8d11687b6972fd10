-- Tampering with the audit log as a superuser: each kind is reported by
-- verify_audit(), naming the first broken event; an untouched log verifies.
-- The cases run with triggers off (session_replication_role = replica, as a
-- careful intruder would), and the intact log is put back between them; the
-- last case shows that with triggers on the change is recorded too.
SELECT current_database() AS regress_db \gset

CREATE DATABASE lg_tamper;
\c lg_tamper
CREATE EXTENSION listguard;
CREATE ROLE tamper_target;
SELECT count(listguard.grant_access('tamper_target', a)) AS grants FROM generate_series(1, 8) a;
SELECT count(listguard.revoke_access(id)) AS revokes FROM listguard.grants;
-- A row recorded with the digest of its address.
CREATE TABLE digested (id int PRIMARY KEY, account_id bigint, email listguard.email);
SELECT listguard.protect('digested', 'account_id', audit => 'row');
INSERT INTO digested VALUES (1, 1, 'split.me@example.com');
CREATE FUNCTION settle() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..200 LOOP
        IF listguard.audit_pending() = 0 THEN RETURN true; END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
    RETURN false;
END $$;
SELECT settle() AS settled;
SELECT count(*) AS events FROM listguard.audit_log;

-- Untouched: ok.
SELECT * FROM listguard.verify_audit();

-- A copy of the intact log, to put back between cases.
CREATE TABLE intact AS SELECT * FROM listguard.audit_log;
CREATE FUNCTION restore() RETURNS void LANGUAGE sql AS $$
    DELETE FROM listguard.audit_log;
    INSERT INTO listguard.audit_log SELECT * FROM intact;
$$;
SET session_replication_role = replica;

-- A middle event changed.
UPDATE listguard.audit_log SET detail = jsonb_set(detail, '{arguments,reveal}', '"clear"') WHERE id = 5;
SELECT settle() AS settled;
SELECT ok, first_broken, problem FROM listguard.verify_audit();
SELECT restore();

-- An event deleted.
DELETE FROM listguard.audit_log WHERE id = 7;
SELECT settle() AS settled;
SELECT ok, first_broken, problem FROM listguard.verify_audit();
SELECT restore();

-- Two events swapped.
UPDATE listguard.audit_log SET id = -4 WHERE id = 4;
UPDATE listguard.audit_log SET id = 4 WHERE id = 5;
UPDATE listguard.audit_log SET id = 5 WHERE id = -4;
SELECT settle() AS settled;
SELECT ok, first_broken, problem FROM listguard.verify_audit();
SELECT restore();

-- A forged event inserted at the end, copying the last link.
INSERT INTO listguard.audit_log
SELECT id + 1, logged_at, 'grant', session_user_name, current_user_name, client_addr, application_name, backend_pid,
       xid, 99, list, relation, email_digests, counts, detail, link, sha256(link)
FROM listguard.audit_log ORDER BY id DESC LIMIT 1;
SELECT settle() AS settled;
SELECT ok, first_broken, problem FROM listguard.verify_audit();
SELECT restore();

-- A digest split into two 8-octet elements with a null between them: the
-- same octets in the same order, so audit_for() no longer finds the event,
-- but not the same event.
SELECT count(*) AS found_before FROM listguard.audit_for('split.me@example.com');
UPDATE listguard.audit_log
SET email_digests = ARRAY[substring(email_digests[1] FROM 1 FOR 8), NULL, substring(email_digests[1] FROM 9)]
WHERE kind = 'row_changed';
SELECT count(*) AS found_after FROM listguard.audit_for('split.me@example.com');
SELECT ok, first_broken = (SELECT id FROM listguard.audit_log WHERE kind = 'row_changed') AS names_it, problem
FROM listguard.verify_audit();
SELECT restore();

-- The last three events deleted: the anchor (outside the table) still
-- knows the head.
DELETE FROM listguard.audit_log WHERE id > (SELECT max(id) - 3 FROM listguard.audit_log);
SELECT ok, first_broken, problem FROM listguard.verify_audit();
SELECT restore();

-- Put back: ok again.
SELECT ok, problem FROM listguard.verify_audit();

-- A torn anchor (here: digits that are not hex, as a crash mid-rewrite
-- could leave) is never read as a link made of garbage, and verify_audit()
-- says the tail cannot be checked.
CREATE TABLE anchor_file AS
SELECT path, pg_read_file(path) AS saved
FROM (SELECT CASE WHEN a LIKE '/%' THEN a ELSE current_setting('data_directory') || '/' || a END
             || '/audit-anchor.' || d.oid AS path
      FROM current_setting('listguard.audit_anchor_directory') a, pg_database d
      WHERE d.datname = current_database()) f;
SELECT left(saved, 12) AS anchor_version FROM anchor_file;
DO $$
BEGIN
    EXECUTE format('COPY (SELECT %L) TO %L',
                   'lg-anchor 2 ' || (SELECT max(id) FROM listguard.audit_log) || ' ' || repeat('zz', 32),
                   (SELECT path FROM anchor_file));
END $$;
SELECT ok, problem FROM listguard.verify_audit();
DO $$
BEGIN
    EXECUTE format('COPY (SELECT %L) TO %L', (SELECT rtrim(saved, E'\n') FROM anchor_file), (SELECT path FROM anchor_file));
END $$;
SELECT ok, problem FROM listguard.verify_audit();

-- With triggers on, a superuser's change is itself recorded (and still
-- breaks the chain).
RESET session_replication_role;
UPDATE listguard.audit_log SET detail = '{}' WHERE id = 3;
SELECT settle() AS settled;
SELECT kind, detail FROM listguard.audit_log WHERE kind = 'audit_log_modified';
SELECT ok, first_broken, problem FROM listguard.verify_audit();

-- The anchor follows the head through every batch a writer appends, not
-- only its first (its file stays open across the writer's transactions).
SELECT listguard.grant_access('tamper_target', 100) AS late_grant \gset
SELECT settle() AS settled;
SELECT listguard.revoke_access(:late_grant);
SELECT settle() AS settled;
SELECT split_part(pg_read_file(path), ' ', 3)::bigint = (SELECT max(id) FROM listguard.audit_log) AS anchor_follows_head
FROM anchor_file;

\c :regress_db
SELECT pg_sleep(2.5);
DROP DATABASE lg_tamper;
DROP ROLE tamper_target;
