CREATE FUNCTION _is_trusted_owner(role oid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_is_trusted_owner' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _is_trusted_owner(oid) FROM PUBLIC;
