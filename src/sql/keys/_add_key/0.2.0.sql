CREATE FUNCTION _add_key(make_current boolean) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_add_key' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _add_key(boolean) FROM PUBLIC;
