CREATE FUNCTION _stamped(email, bigint, bigint) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_stamped' LANGUAGE C STABLE STRICT;
REVOKE ALL ON FUNCTION _stamped(email, bigint, bigint) FROM PUBLIC;
