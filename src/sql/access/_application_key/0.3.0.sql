-- An Ed25519 public key (PEM) in canonical form, and its JWK thumbprint.
CREATE FUNCTION _application_key(public_key text, OUT public_key text, OUT key_id text)
    AS 'MODULE_PATHNAME', 'lg_application_key' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION _application_key(text) FROM PUBLIC;
