-- Dropping and creating the extension within one session: everything works
-- at once in the session that created it (nothing stale is remembered).
DROP EXTENSION listguard CASCADE;
CREATE EXTENSION listguard;
CREATE ROLE ri_reader;
CREATE TABLE ri_subs (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('ri_subs', 'account_id', 'list_id');
INSERT INTO ri_subs VALUES (1, 1, 10, 'same.session@example.com');
GRANT SELECT ON ri_subs TO ri_reader;
SELECT listguard.grant_access('ri_reader', 1, reveal => 'clear') AS g \gset
SELECT lgtest.as_role('ri_reader', 'SELECT email FROM ri_subs') AS reader_sees;
ALTER TABLE ri_subs ALTER COLUMN email TYPE text;
SELECT listguard.revoke_access(:g);
DROP TABLE ri_subs;
DROP ROLE ri_reader;
