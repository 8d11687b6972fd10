-- FINDING (attack2, listguard_backup, low): a dump session of a backup login
-- is recorded ('dump' event) only when a value is output (reveal_for ->
-- note_dump_session). Reading the other columns of every row of every
-- account, or asking which accounts hold a given address (an equality,
-- across every account, where other roles only test their own rows),
-- leaves no event at all.
-- Needs the fixture of setup.sql (run as superuser).
\c atk postgres
CREATE ROLE a_bk3 LOGIN IN ROLE listguard_backup;
SELECT max(id) AS before FROM listguard.audit_log \gset
\c atk a_bk3
SET application_name = 'pg_dump';
SELECT account_id, list_id, count(*) FROM subs
WHERE email IN ('user7@example.com', 'other3@example.org', 'nobody@example.net') GROUP BY 1, 2;
SELECT count(*) AS rows_read FROM subs;
\c atk postgres
SELECT count(*) AS events_recorded FROM listguard.audit_log WHERE id > :before AND detail::text LIKE '%a_bk3%';
DROP ROLE a_bk3;
