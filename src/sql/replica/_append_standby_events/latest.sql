CREATE FUNCTION _append_standby_events(origin text, events bytea) RETURNS integer
    AS 'MODULE_PATHNAME', 'lg_append_standby_events' LANGUAGE C VOLATILE STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _append_standby_events(text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _append_standby_events(text, bytea) TO listguard_standby;
