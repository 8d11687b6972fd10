-- COPY FROM straight into a protected table (issue 24), for a role under
-- its row security: every row is checked against the role's grants and
-- stamped as INSERT would do it; a refused row stops the COPY with an error
-- that names its line, never its address; the audit trail counts the rows.
CREATE ROLE cf_owner;
CREATE ROLE cf_writer;
CREATE ROLE cf_reader;
CREATE ROLE cf_sealer;
CREATE TABLE cf_subs (id int, account_id bigint, list_id bigint, email listguard.email);
ALTER TABLE cf_subs OWNER TO cf_owner;
SELECT listguard.protect('cf_subs', 'account_id', 'list_id');
GRANT SELECT, INSERT ON cf_subs TO cf_writer, cf_reader, cf_sealer;
SELECT listguard.grant_access('cf_writer', 1, reveal => 'masked', can_write => true) > 0 AS granted;
SELECT listguard.grant_access('cf_reader', 1, reveal => 'clear') > 0 AS granted;
SELECT listguard.grant_access('cf_sealer', 2, reveal => 'sealed') > 0 AS granted;
SELECT listguard.grant_access('cf_sealer', 1, can_write => true) > 0 AS granted;
SELECT lgtest.audit_settle() AS settled;
SELECT coalesce(max(id), 0) AS mark FROM listguard.audit_log \gset

-- Text and CSV, from the client (COPY ... FROM STDIN, as \copy sends it).
SET ROLE cf_writer;
COPY cf_subs FROM STDIN;
1	1	10	ann@example.com
2	1	11	bob@example.com
\.
COPY cf_subs (id, account_id, list_id, email) FROM STDIN WITH (FORMAT csv, HEADER true);
id,account_id,list_id,email
3,1,10,carol@example.com
4,1,10,"dan@example.com"
\.
SELECT id, email FROM cf_subs ORDER BY id;
RESET ROLE;
-- Stamped with their rows' scope: the clear reader of account 1 sees them.
SET ROLE cf_reader;
SELECT id, email FROM cf_subs ORDER BY id;
RESET ROLE;

-- A row outside the grant in the middle: the COPY stops at its line, with
-- the policy's SQLSTATE and no address; nothing of it is written.
SET ROLE cf_writer;
\set VERBOSITY verbose
COPY cf_subs FROM STDIN;
5	1	10	eve@example.com
6	2	20	mallory@example.com
7	1	10	frank@example.com
\.
-- A malformed address in the middle: the line is named, its text is not.
COPY cf_subs FROM STDIN WITH (FORMAT csv);
8,1,10,gina@example.com
9,1,10,not an address
\.
\set VERBOSITY default
SELECT count(*) FROM cf_subs;
RESET ROLE;

-- A mask is no address in a COPY, alone or in an array (kept, it would be
-- a value nobody could read, nor dump).
CREATE TABLE cf_more (id int, account_id bigint, list_id bigint, email listguard.email, before listguard.email[]);
SELECT listguard.protect('cf_more', 'account_id', 'list_id');
GRANT INSERT ON cf_more TO cf_writer;
SET ROLE cf_writer;
COPY cf_more FROM STDIN;
1	1	10	j***@example.com	\N
\.
COPY cf_more FROM STDIN;
2	1	10	jane@example.com	{j***@example.com}
\.
RESET ROLE;
SELECT count(*) AS copied FROM cf_more;
SELECT listguard.unprotect('cf_more');
DROP TABLE cf_more;

-- Binary COPY: addresses as text columns go in like text COPY.
\copy (SELECT 10, 1::bigint, 11::bigint, 'hank@example.com'::text) TO '/tmp/listguard_copy_from_1.bin' WITH (FORMAT binary)
SET ROLE cf_writer;
\copy cf_subs FROM '/tmp/listguard_copy_from_1.bin' WITH (FORMAT binary)
SELECT count(*) FROM cf_subs;
RESET ROLE;

-- Laundering through binary COPY of sealed tokens: a role that reads
-- account 2 sealed and writes account 1 may not move account 2's
-- addresses into account 1 (it cannot see them in clear there).
INSERT INTO cf_subs VALUES (20, 2, 20, 'secret@example.com');
SET ROLE cf_sealer;
\copy (SELECT 11, 1::bigint, 10::bigint, email FROM cf_subs WHERE account_id = 2) TO '/tmp/listguard_copy_from_2.bin' WITH (FORMAT binary)
\copy cf_subs FROM '/tmp/listguard_copy_from_2.bin' WITH (FORMAT binary)
SELECT count(*) FILTER (WHERE account_id = 1) AS in_account_1 FROM cf_subs;
RESET ROLE;

-- A role without a write grant, and the table's former owner (row security
-- is forced on it): refused at the first row.
SET ROLE cf_reader;
COPY cf_subs FROM STDIN;
12	1	10	ivy@example.com
\.
RESET ROLE;
SET ROLE cf_owner;
COPY cf_subs FROM STDIN;
13	1	10	jack@example.com
\.
RESET ROLE;

-- Triggers of the table: one that runs before listguard's check (its
-- change is what is checked) and one after the row is written fire for
-- every row; a BEFORE trigger that would run after the check makes the
-- COPY refuse to start.
CREATE TABLE lgtest.cf_seen (id int);
GRANT INSERT ON lgtest.cf_seen TO PUBLIC;
CREATE FUNCTION lgtest.cf_default_list() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN NEW.list_id := coalesce(NEW.list_id, 10); RETURN NEW; END $$;
CREATE FUNCTION lgtest.cf_note() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN INSERT INTO lgtest.cf_seen VALUES (NEW.id); RETURN NULL; END $$;
CREATE TRIGGER a_default_list BEFORE INSERT ON cf_subs FOR EACH ROW EXECUTE FUNCTION lgtest.cf_default_list();
CREATE TRIGGER cf_note AFTER INSERT ON cf_subs FOR EACH ROW EXECUTE FUNCTION lgtest.cf_note();
SET ROLE cf_writer;
COPY cf_subs FROM STDIN;
14	1	\N	kate@example.com
15	1	11	liam@example.com
\.
RESET ROLE;
SELECT id, list_id FROM cf_subs WHERE id >= 14 ORDER BY id;
SELECT id FROM lgtest.cf_seen ORDER BY id;
CREATE TRIGGER z_after_check BEFORE INSERT ON cf_subs FOR EACH ROW EXECUTE FUNCTION lgtest.cf_default_list();
SET ROLE cf_writer;
COPY cf_subs FROM STDIN;
16	1	10	mia@example.com
\.
RESET ROLE;
DROP TRIGGER z_after_check ON cf_subs;

-- A policy of the table's own, and COPY ... WHERE: refused before any row.
CREATE POLICY cf_own ON cf_subs AS RESTRICTIVE FOR INSERT WITH CHECK (id < 100);
SET ROLE cf_writer;
COPY cf_subs FROM STDIN;
17	1	10	nina@example.com
\.
RESET ROLE;
DROP POLICY cf_own ON cf_subs;
SET ROLE cf_writer;
COPY cf_subs FROM STDIN WHERE id > 0;
18	1	10	owen@example.com
\.
-- A file on the server needs pg_read_server_files, as for any COPY.
SELECT lgtest.try($$COPY cf_subs FROM '/dev/null'$$);
RESET ROLE;

-- A superuser bypasses row security: PostgreSQL's own COPY, stamped.
COPY cf_subs FROM STDIN;
19	3	30	pat@example.com
\.
SELECT count(*) FROM cf_subs;

-- The audit trail: the writes counted per statement (COPYs that failed
-- wrote nothing and count nothing), and each refused row.
SELECT lgtest.audit_settle() AS settled;
SELECT kind, current_user_name AS by_role, account, list, counts, detail
FROM listguard.audit_log
WHERE id > :mark AND (relation LIKE '%cf_subs' OR kind = 'denied') AND kind <> 'protection_changed'
ORDER BY id;

\! rm -f /tmp/listguard_copy_from_1.bin /tmp/listguard_copy_from_2.bin
DROP TABLE cf_subs, lgtest.cf_seen;
DROP FUNCTION lgtest.cf_default_list(), lgtest.cf_note();
SELECT count(listguard.revoke_access(id)) > 0 AS revoked FROM listguard.grants WHERE grantee::text LIKE 'cf\_%';
DROP ROLE cf_owner, cf_writer, cf_reader, cf_sealer;
