-- The rows of listguard.metrics, from shared memory and listguard's tables
-- (read as the extension's owner, with fixed queries). It checks that the
-- caller is a monitor (an admin, a member of listguard_monitor or of
-- pg_monitor) besides these privileges.
CREATE FUNCTION _metrics(OUT metric text, OUT labels jsonb, OUT value double precision) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_metrics' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _metrics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _metrics() TO listguard_monitor, pg_monitor, listguard_admin;
