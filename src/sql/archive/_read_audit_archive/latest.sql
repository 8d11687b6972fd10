CREATE FUNCTION _read_audit_archive(segment text) RETURNS SETOF audit_log
    AS 'MODULE_PATHNAME', 'lg_read_audit_archive' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _read_audit_archive(text) FROM PUBLIC;
