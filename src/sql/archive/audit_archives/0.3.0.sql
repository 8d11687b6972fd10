-- The segments archive_audit() wrote: which events each holds, the chain's
-- head before and after them, sealed with the audit key like the segment
-- itself. verify_audit() goes on from the last one's exit link; dumps carry
-- them, so that a restored log (which starts after its archived events)
-- verifies too (restored_at marks those). gap_events and last_gap_at say
-- whether the archived events held audit_gap events (canary verdicts need
-- to know).
CREATE TABLE audit_archives (
    segment     text PRIMARY KEY,
    source      text NOT NULL,
    first_id    bigint NOT NULL,
    last_id     bigint NOT NULL,
    entry_link  bytea NOT NULL,
    exit_link   bytea NOT NULL,
    events      bigint NOT NULL,
    archived_at timestamptz NOT NULL,
    seal        bytea NOT NULL,
    gap_events  bigint NOT NULL DEFAULT 0,
    last_gap_at timestamptz,
    restored_at timestamptz
);
CREATE UNIQUE INDEX audit_archives_last_id ON audit_archives (last_id);
REVOKE ALL ON audit_archives FROM PUBLIC;
GRANT SELECT ON audit_archives TO listguard_admin, listguard_backup;
-- Monitors: the segments and their extent, not their links and seals.
GRANT SELECT (segment, source, first_id, last_id, events, archived_at, gap_events, last_gap_at, restored_at)
    ON audit_archives TO listguard_monitor, pg_monitor;
SELECT pg_catalog.pg_extension_config_dump('listguard.audit_archives', '');
CREATE TRIGGER audit_archives_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_archives
    FOR EACH ROW EXECUTE FUNCTION _archive_guard();
CREATE TRIGGER audit_archives_truncated BEFORE TRUNCATE ON audit_archives
    FOR EACH STATEMENT EXECUTE FUNCTION _archive_guard();
