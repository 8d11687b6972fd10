-- The keyed digest of a stored value's domain (canaries.domain_digest).
CREATE FUNCTION _domain_digest_of(email) RETURNS bytea
    AS 'MODULE_PATHNAME', 'lg_domain_digest_of' LANGUAGE C STABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _domain_digest_of(email) FROM PUBLIC;
