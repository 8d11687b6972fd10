CREATE FUNCTION _lease_quota(grant_id bigint, wanted bigint,
                             OUT granted bigint, OUT window_start bigint, OUT window_used bigint)
    AS 'MODULE_PATHNAME', 'lg_lease_quota' LANGUAGE C VOLATILE STRICT SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION _lease_quota(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _lease_quota(bigint, bigint) TO listguard_standby;
