CREATE FUNCTION _accept_restored_history(reason text) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_accept_restored_history' LANGUAGE C VOLATILE SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _accept_restored_history(text) FROM PUBLIC;
