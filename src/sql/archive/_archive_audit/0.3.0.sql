CREATE FUNCTION _archive_audit(before timestamptz)
    RETURNS TABLE (segment text, first_id bigint, last_id bigint, events bigint, kinds jsonb)
    AS 'MODULE_PATHNAME', 'lg_archive_audit' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _archive_audit(timestamptz) FROM PUBLIC;
