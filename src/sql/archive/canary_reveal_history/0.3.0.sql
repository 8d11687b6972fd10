-- What archived clear_reveal events said of canaries (their sealed records):
-- when each canary was first and last revealed, and in how many events.
-- trace() and report_canary_hit() read it with the events still in the
-- table, so that archiving does not erase the evidence.
CREATE TABLE canary_reveal_history (
    canary         bigint PRIMARY KEY,
    first_revealed timestamptz NOT NULL,
    last_revealed  timestamptz NOT NULL,
    reveals        bigint NOT NULL
);
REVOKE ALL ON canary_reveal_history FROM PUBLIC;
GRANT SELECT ON canary_reveal_history TO listguard_admin, listguard_backup;
SELECT pg_catalog.pg_extension_config_dump('listguard.canary_reveal_history', '');
CREATE TRIGGER canary_reveal_history_guard BEFORE INSERT OR UPDATE OR DELETE ON canary_reveal_history
    FOR EACH ROW EXECUTE FUNCTION _archive_guard();
CREATE TRIGGER canary_reveal_history_truncated BEFORE TRUNCATE ON canary_reveal_history
    FOR EACH STATEMENT EXECUTE FUNCTION _archive_guard();
