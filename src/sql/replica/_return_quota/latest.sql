CREATE FUNCTION _return_quota(grant_id bigint, window_start bigint, unused bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_return_quota' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _return_quota(bigint, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _return_quota(bigint, bigint, bigint) TO listguard_standby;
