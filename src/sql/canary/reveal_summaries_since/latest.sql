-- Since when the reveal summaries are kept in this database (installing or
-- updating to 0.3.0): trace_leak() takes a role's summaries for complete only
-- for a period they cover. Readable by admins (and backups) only.
CREATE TABLE reveal_summaries_since (
    since timestamptz NOT NULL
);
REVOKE ALL ON reveal_summaries_since FROM PUBLIC;
GRANT SELECT ON reveal_summaries_since TO listguard_admin, listguard_backup;
INSERT INTO reveal_summaries_since VALUES (now());
SELECT pg_catalog.pg_extension_config_dump('listguard.reveal_summaries_since', '');
