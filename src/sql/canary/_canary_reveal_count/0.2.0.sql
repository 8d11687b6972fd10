CREATE FUNCTION _canary_reveal_count(record text, canary_id bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'lg_canary_reveal_count' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _canary_reveal_count(text, bigint) FROM PUBLIC;
