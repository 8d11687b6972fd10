-- A value's transit token (docs/citus.md): the catalog a Citus coordinator
-- sends its workers carries canary addresses so, each opened by the
-- worker's keyring with its stamp and canary mark. A token gives nothing
-- the value itself would not (it comes back as the same value); only
-- listguard's own code, as the extension's owner, needs it.
CREATE FUNCTION _transit_token(email) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_transit_token' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _transit_token(email) FROM PUBLIC;
