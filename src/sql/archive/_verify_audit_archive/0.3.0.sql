CREATE FUNCTION _verify_audit_archive(path text)
    RETURNS TABLE (segment text, ok boolean, first_id bigint, last_id bigint, checked bigint, first_broken bigint,
                   problem text)
    AS 'MODULE_PATHNAME', 'lg_verify_audit_archive' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _verify_audit_archive(text) FROM PUBLIC;
