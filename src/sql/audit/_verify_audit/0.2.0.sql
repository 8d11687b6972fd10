CREATE FUNCTION _verify_audit() RETURNS TABLE (ok boolean, checked bigint, first_broken bigint, problem text)
    AS 'MODULE_PATHNAME', 'lg_verify_audit' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _verify_audit() FROM PUBLIC;
