-- One row per running protect(), stamp_existing(), reseal_existing(),
-- invalid_addresses(), retire_key(), archive_audit() and background
-- stamping of this database: who runs it, on which table, in which phase,
-- how many of the table's blocks are done, the rows so far, since when.
CREATE VIEW progress AS
SELECT p.pid, p.command, p."table", p.phase, p.blocks_done, p.blocks_total, p."rows", p.started, p.updated
FROM listguard._progress() p;
REVOKE ALL ON progress FROM PUBLIC;
GRANT SELECT ON progress TO listguard_monitor, pg_monitor, listguard_admin;
