-- A restored database proves it holds its source's whole audit history up
-- to the dump: the dump carries the chain's head, sealed with a key only the
-- server has. Cut the dump's last events, drop its head, or forge one, and
-- verify_audit() says exactly what is wrong.
CREATE DATABASE dh_src;
\c dh_src
CREATE EXTENSION listguard;
CREATE ROLE dh_reader;
CREATE TABLE subs (id int PRIMARY KEY, account_id bigint NOT NULL, email listguard.email NOT NULL);
INSERT INTO subs SELECT g, 1, 'history' || g || '@example.com' FROM generate_series(1, 20) g;
SELECT listguard.protect('subs', 'account_id', audit => 'row');
GRANT SELECT, UPDATE ON subs TO dh_reader;
SELECT listguard.grant_access('dh_reader', 1, reveal => 'clear', can_write => true) AS g \gset
SET ROLE dh_reader;
UPDATE subs SET email = email WHERE id <= 5;
RESET ROLE;
SELECT listguard.revoke_access(:g);

-- Names that are no text in this database: role and database names are
-- shared by the cluster, and one made from a LATIN1 database keeps its
-- LATIN1 bytes (here 'r', E4, 'der'), which are not UTF8. A CREATEROLE role
-- makes one, becomes it, and gets itself refused; an administrator's grant
-- names it; a refusal names such a database. Every event that carries them
-- must still be valid text here (invalid bytes become '?'), or no dump of
-- the audit log would restore again (checked below: the whole dump restores).
CREATE DATABASE dh_latin ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C';
CREATE ROLE dh_crole LOGIN CREATEROLE;
\c dh_latin
SET client_encoding = 'UTF8';
SET ROLE dh_crole;
CREATE ROLE "dh_räder" LOGIN;
CREATE ROLE dh_lodger LOGIN;
GRANT "dh_räder" TO dh_crole;
RESET ROLE;
CREATE DATABASE "dh_dä";
\c dh_src
-- (Found by their bytes: 'dh_r', E4, 'der' and 'dh_d', E4.)
CREATE VIEW dh_odd AS SELECT oid, rolname FROM pg_roles WHERE textsend(rolname::text) = '\x64685f72e4646572';
GRANT SELECT ON dh_odd TO PUBLIC;
SET ROLE dh_crole;
SELECT set_config('role', rolname::text, false) IS NOT NULL AS became_it FROM dh_odd;
DO $$ BEGIN
    PERFORM listguard.grant_access('dh_crole', 1);
EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE 'refused: %', SQLSTATE;
END $$;
RESET ROLE;
DO $$ BEGIN
    EXECUTE format('REVOKE %I FROM dh_crole', (SELECT rolname FROM dh_odd));
    EXECUTE format('ALTER ROLE dh_lodger IN DATABASE %I SET search_path = public',
                   (SELECT datname FROM pg_database WHERE textsend(datname::text) = '\x64685f64e4'));
END $$;
SELECT listguard.grant_access(oid::regrole, 1) IS NOT NULL AS granted FROM dh_odd;
DO $$ BEGIN
    PERFORM listguard.grant_access('dh_lodger', 1);
EXCEPTION WHEN insufficient_privilege THEN RAISE NOTICE 'refused: %', SQLSTATE;
END $$;
SELECT count(listguard.revoke_access(g.id)::text) AS revoked FROM listguard.grants g JOIN dh_odd r ON r.oid = g.grantee;
DROP VIEW dh_odd;
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT kind, current_user_name, coalesce(detail->'arguments'->>'grantee', detail->>'holder') AS role,
       detail->>'database' AS database
FROM listguard.audit_log
WHERE current_user_name LIKE 'dh\_r?der' OR detail->'arguments'->>'grantee' LIKE '%dh\_r?der%'
   OR detail->>'database' LIKE 'dh\_d?'
ORDER BY id;
-- convert_from() fails on a byte sequence that is not UTF8.
SELECT count(convert_from(textsend(concat_ws(' ', session_user_name, current_user_name, application_name, relation,
                                             detail::text, counts::text, origin)), 'UTF8')) = count(*) AS all_valid_text
FROM listguard.audit_log;
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT max(id) AS src_events FROM listguard.audit_log \gset
-- The head as the writer keeps it: the chain's last event.
SELECT last_id = :src_events AS head_is_last_event, restored_at IS NULL AS own, octet_length(seal) AS seal_octets
FROM listguard.audit_heads;

-- (A file of this server's own: other servers on the machine run this test too.)
SELECT format('/tmp/listguard-dump-history.%s.sql', current_setting('port')) AS dump_file \gset
\setenv LG_DUMP :dump_file
\! env -u PGAPPNAME pg_dump -d dh_src -f "$LG_DUMP" && echo dumped
-- Copies of the dump: the last three events cut; the head left out; the
-- head moved back three events (its seal kept).
\! awk '/^COPY listguard.audit_log /{copy=1; print; next} copy && /^\\\.$/{for (i = 1; i <= n - 3; i++) print rows[i]; copy=0; n=0; print; next} copy{rows[++n]=$0; next} {print}' "$LG_DUMP" > "$LG_DUMP.cut" && echo cut
\! awk '/^COPY listguard.audit_heads /{skip=1; print; next} skip && /^\\\.$/{skip=0; print; next} skip{next} {print}' "$LG_DUMP" > "$LG_DUMP.headless" && echo headless
\! awk -F'\t' -v OFS='\t' '/^COPY listguard.audit_heads /{head=1; print; next} head && /^\\\.$/{head=0; print; next} head{$2=$2-3; print; next} {print}' "$LG_DUMP" > "$LG_DUMP.forged" && echo forged

\c contrib_regression
CREATE DATABASE dh_whole;
CREATE DATABASE dh_cut;
CREATE DATABASE dh_headless;
CREATE DATABASE dh_forged;
\! psql -X -q -v ON_ERROR_STOP=1 -d dh_whole -f "$LG_DUMP" >/dev/null && echo restored whole
\! psql -X -q -v ON_ERROR_STOP=1 -d dh_cut -f "$LG_DUMP.cut" >/dev/null && echo restored cut
\! psql -X -q -v ON_ERROR_STOP=1 -d dh_headless -f "$LG_DUMP.headless" >/dev/null && echo restored headless
\! psql -X -q -v ON_ERROR_STOP=1 -d dh_forged -f "$LG_DUMP.forged" >/dev/null && echo restored forged

-- The whole history: verified, and its head came with it.
\c dh_whole
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT ok, problem FROM listguard.verify_audit();
SELECT count(*) FILTER (WHERE restored_at IS NOT NULL) AS restored_heads,
       count(*) FILTER (WHERE restored_at IS NULL) AS own_heads
FROM listguard.audit_heads;

-- The last three events cut: the head names an event the restored chain
-- does not have (later events took its id).
\c dh_cut
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT ok, first_broken = :src_events AS at_the_head,
       regexp_replace(regexp_replace(problem, '\d{4}-\d\d-\d\d [0-9:.+-]+', '<time>'), 'cluster \d+ database \d+', '<source>')
           AS problem
FROM listguard.verify_audit();

-- No head: nothing proves the history whole, until an administrator says so
-- (recorded, with its reason).
\c dh_headless
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT ok, problem FROM listguard.verify_audit();
SELECT listguard.accept_restored_history('') IS NULL AS no_reason;
SELECT listguard.accept_restored_history('restored from the 2026-12-01 dump, checked by ticket 4711') = :src_events
    AS accepted_through_the_last_event;
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT ok, problem FROM listguard.verify_audit();
SELECT detail->>'reason' AS reason FROM listguard.audit_log WHERE detail->>'operation' = 'accept restored history';

-- A head moved back to cover a cut: its seal no longer fits it.
\c dh_forged
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT ok, regexp_replace(regexp_replace(problem, '\d{4}-\d\d-\d\d [0-9:.+-]+', '<time>'), 'cluster \d+ database \d+', '<source>')
    AS problem FROM listguard.verify_audit();

-- Only the writer (and a superuser, recorded) changes the heads.
\c dh_whole
CREATE ROLE dh_admin IN ROLE listguard_admin;
SET ROLE dh_admin;
UPDATE listguard.audit_heads SET last_id = 1;
RESET ROLE;

-- A dump of a database that was itself restored once (dh_whole) carries two
-- heads: its own, and the one its restore brought, now nested in its
-- history. An insider cuts the dump back to that inner head and leaves out
-- the own head, so that it looks like a dump of dh_src and the history made
-- after the restore (a clear grant) is gone: the inner head proves only the
-- older history. Passed off as the dump's own (restored_at emptied), it no
-- longer fits its seal. The whole dump verifies, inner head and all.
\c dh_whole
RESET ROLE;
SELECT listguard.grant_access('dh_reader', 2, reveal => 'clear', reason => 'the insider''s own grant') IS NOT NULL
    AS granted;
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT last_id AS inner_head FROM listguard.audit_heads WHERE restored_at IS NOT NULL \gset
SELECT max(id) > :inner_head AS history_after_it FROM listguard.audit_log;
\setenv LG_INNER :inner_head
\! env -u PGAPPNAME pg_dump -d dh_whole -f "$LG_DUMP.nested" && echo dumped
\! awk -F'\t' -v OFS='\t' -v inner="$LG_INNER" '/^COPY listguard.audit_log /{lg=1; print; next} /^COPY listguard.audit_heads /{hd=1; print; next} /^\\\.$/{lg=0; hd=0; print; next} lg && $1 > inner {next} hd && $6 == "\\N" {next} {print}' "$LG_DUMP.nested" > "$LG_DUMP.inner" && echo cut to the inner head
\! awk -F'\t' -v OFS='\t' '/^COPY listguard.audit_heads /{hd=1; print; next} /^\\\.$/{hd=0; print; next} hd {$6 = "\\N"; $7 = "\\N"} {print}' "$LG_DUMP.inner" > "$LG_DUMP.posed" && echo posed as the own head
\c contrib_regression
CREATE DATABASE dh_nested;
CREATE DATABASE dh_inner;
CREATE DATABASE dh_posed;
\! psql -X -q -v ON_ERROR_STOP=1 -d dh_nested -f "$LG_DUMP.nested" >/dev/null && echo restored nested
\! psql -X -q -v ON_ERROR_STOP=1 -d dh_inner -f "$LG_DUMP.inner" >/dev/null && echo restored inner
\! psql -X -q -v ON_ERROR_STOP=1 -d dh_posed -f "$LG_DUMP.posed" >/dev/null && echo restored posed
\c dh_nested
-- The writer writes the anchor after the restore's record: wait for both.
DO $$ BEGIN FOR i IN 1..400 LOOP
    EXIT WHEN listguard.audit_pending() = 0 AND (SELECT bool_and(ok) FROM listguard.verify_audit());
    PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT ok, problem FROM listguard.verify_audit();
SELECT nested, count(*) FROM listguard.audit_heads WHERE restored_at IS NOT NULL GROUP BY nested ORDER BY nested;
\c dh_inner
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT ok, first_broken,
       regexp_replace(problem, 'cluster \d+ database \d+', '<source>') AS problem
FROM listguard.verify_audit();
\c dh_posed
DO $$ BEGIN FOR i IN 1..200 LOOP EXIT WHEN listguard.audit_pending() = 0; PERFORM pg_sleep(0.05); END LOOP; END $$;
SELECT ok, regexp_replace(regexp_replace(problem, '\d{4}-\d\d-\d\d [0-9:.+-]+', '<time>'), 'cluster \d+ database \d+', '<source>')
    AS problem FROM listguard.verify_audit();

\c contrib_regression
DROP DATABASE dh_nested;
DROP DATABASE dh_inner;
DROP DATABASE dh_posed;
DROP DATABASE dh_src;
DROP DATABASE dh_whole;
DROP DATABASE dh_cut;
DROP DATABASE dh_headless;
DROP DATABASE dh_forged;
DROP ROLE dh_reader, dh_admin;
\c dh_latin
SET client_encoding = 'UTF8';
DROP ROLE "dh_räder", dh_lodger;
DROP DATABASE "dh_dä";
\c contrib_regression
DROP DATABASE dh_latin;
DROP ROLE dh_crole;
\! rm -f "$LG_DUMP" "$LG_DUMP.cut" "$LG_DUMP.headless" "$LG_DUMP.forged" "$LG_DUMP.nested" "$LG_DUMP.inner" "$LG_DUMP.posed"
