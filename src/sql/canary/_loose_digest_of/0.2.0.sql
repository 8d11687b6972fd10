CREATE FUNCTION _loose_digest_of(email) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lg_loose_digest_of' LANGUAGE C STABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _loose_digest_of(email) FROM PUBLIC;
