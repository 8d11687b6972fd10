-- Per role and day (UTC), which addresses the role read in clear, as
-- parts of a Bloom filter over keyed digests (core/canary/reveal_summary.h):
-- never an address, and nothing that tells a canary from another row. The
-- audit writer folds the backends' spool files into it; trace_leak(),
-- trace() and report_canary_hit() read it. A role is recorded under itself
-- and, when another role's session read as it, under that session's login
-- too. Readable by admins (and backups) only.
CREATE TABLE reveal_summaries (
    role  regrole NOT NULL,
    day   date NOT NULL,
    part  smallint NOT NULL,
    items integer NOT NULL,
    bits  bytea NOT NULL,
    PRIMARY KEY (role, day, part)
);
REVOKE ALL ON reveal_summaries FROM PUBLIC;
GRANT SELECT ON reveal_summaries TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.reveal_summaries', '');
