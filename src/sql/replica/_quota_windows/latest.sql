CREATE FUNCTION _quota_windows(OUT database oid, OUT grant_id bigint, OUT window_seconds bigint,
                               OUT window_start bigint, OUT used bigint) RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'lg_quota_windows' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _quota_windows() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION _quota_windows() TO listguard_standby;
