CREATE FUNCTION _is_admin(role regrole) RETURNS boolean
    AS 'MODULE_PATHNAME', 'lg_is_admin' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _is_admin(regrole) FROM PUBLIC;
