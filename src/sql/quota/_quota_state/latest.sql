CREATE FUNCTION _quota_state(OUT grant_id bigint, OUT window_start timestamptz, OUT used bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'lg_quota_state' LANGUAGE C STABLE PARALLEL RESTRICTED;
