-- Whether text holds anything _redact() would mask. Public: it says no more
-- than _redact() does.
CREATE FUNCTION _has_address(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_has_address' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
