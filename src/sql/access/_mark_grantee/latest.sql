CREATE FUNCTION _mark_grantee(role regrole) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_mark_grantee' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _mark_grantee(regrole) FROM PUBLIC;
