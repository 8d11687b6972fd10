CREATE FUNCTION quota_parts(quota text, OUT quota_limit bigint, OUT window_seconds bigint)
    AS 'MODULE_PATHNAME', 'lg_quota_parts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
